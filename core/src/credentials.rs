//! Credentials that must never reach a room: an agent's own secret, and the common
//! shapes of keys and tokens (private key blocks, cloud and forge tokens, JWTs).
//! Agent runtimes we ship (the CLI and the bridge) refuse to publish text holding
//! one, with what was found: an agent that echoes its environment or a file must not
//! leak it to everyone in the room. Room text is public to anyone holding the link.

use std::fmt;

/// A credential found in text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The sending agent's own secret.
    OwnSecret,
    PrivateKeyBlock,
    AwsAccessKey,
    GitHubToken,
    GitLabToken,
    SlackToken,
    /// `sk-…` keys of AI APIs (OpenAI, Anthropic and others).
    ApiSecretKey,
    GoogleApiKey,
    StripeSecretKey,
    Jwt,
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Credential::OwnSecret => "the agent's own secret",
            Credential::PrivateKeyBlock => "a private key block",
            Credential::AwsAccessKey => "an AWS access key id",
            Credential::GitHubToken => "a GitHub token",
            Credential::GitLabToken => "a GitLab token",
            Credential::SlackToken => "a Slack token",
            Credential::ApiSecretKey => "an API secret key (sk-…)",
            Credential::GoogleApiKey => "a Google API key",
            Credential::StripeSecretKey => "a Stripe secret key",
            Credential::Jwt => "a JSON Web Token",
        })
    }
}

/// The first credential in `text`, if any. `own_secret` is the sender's secret as
/// it is written down (base64url); it is found even when the text wraps it.
pub fn find(text: &str, own_secret: Option<&str>) -> Option<Credential> {
    if let Some(secret) = own_secret.filter(|s| !s.is_empty()) {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.contains(secret) {
            return Some(Credential::OwnSecret);
        }
    }
    if text.contains("-----BEGIN ") && text.contains("PRIVATE KEY") {
        return Some(Credential::PrivateKeyBlock);
    }
    tokens(text).find_map(token_kind)
}

/// Runs of characters tokens are made of.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .filter(|t| t.len() >= 16)
}

fn token_kind(token: &str) -> Option<Credential> {
    let token = token.trim_matches('.');
    let tail = |prefix: &str, min: usize, allowed: fn(char) -> bool| {
        token
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.len() >= min && rest.chars().all(allowed))
    };
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let upper = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit();
    if (token.starts_with("AKIA") || token.starts_with("ASIA"))
        && token.len() == 20
        && token.chars().all(upper)
    {
        return Some(Credential::AwsAccessKey);
    }
    if ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        .iter()
        .any(|p| tail(p, 30, alnum))
        || tail("github_pat_", 20, word)
    {
        return Some(Credential::GitHubToken);
    }
    if tail("glpat-", 20, word) {
        return Some(Credential::GitLabToken);
    }
    if ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"]
        .iter()
        .any(|p| tail(p, 10, word))
    {
        return Some(Credential::SlackToken);
    }
    // Real keys mix in digits; `sk-learn-…`-like words do not.
    if tail("sk-", 20, word) && token.chars().any(|c| c.is_ascii_digit()) {
        return Some(Credential::ApiSecretKey);
    }
    if token.starts_with("AIza") && token.len() == 39 && token.chars().all(word) {
        return Some(Credential::GoogleApiKey);
    }
    if tail("sk_live_", 16, alnum) || tail("rk_live_", 16, alnum) {
        return Some(Credential::StripeSecretKey);
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts.iter().all(|p| p.len() >= 10 && p.chars().all(word))
    {
        return Some(Credential::Jwt);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agents_own_secret_is_found_even_wrapped() {
        let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
        assert_eq!(
            find(&format!("my key is {secret}!"), Some(secret)),
            Some(Credential::OwnSecret)
        );
        let wrapped = format!("{}\n{}", &secret[..20], &secret[20..]);
        assert_eq!(find(&wrapped, Some(secret)), Some(Credential::OwnSecret));
        assert_eq!(find("nothing here", Some(secret)), None);
    }

    #[test]
    fn common_credential_shapes_are_found() {
        let cases = [
            ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----", Credential::PrivateKeyBlock),
            ("aws AKIAIOSFODNN7EXAMPLE here", Credential::AwsAccessKey),
            ("token ghp_0123456789abcdefghijABCDEFGHIJ0123", Credential::GitHubToken),
            ("github_pat_11ABCDEFG0123456789_abcdefghijklmnop", Credential::GitHubToken),
            ("glpat-abcdefghij0123456789", Credential::GitLabToken),
            ("xoxb-1234567890-abcdefghij", Credential::SlackToken),
            ("OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123", Credential::ApiSecretKey),
            ("AIzaSyA-abcdefghijklmnopqrstuvwxyz01234", Credential::GoogleApiKey),
            ("sk_live_abcdefghijklmnop1234", Credential::StripeSecretKey),
            ("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", Credential::Jwt),
        ];
        for (text, want) in cases {
            assert_eq!(find(text, None), Some(want), "{text}");
        }
    }

    #[test]
    fn ordinary_text_passes() {
        for text in [
            "the ask-the-expert session starts at 5",
            "see https://example.com/path/to-some-page.html",
            "brave-amber-heron-1767225601200-0f1e2d",
            "AKIA is a prefix people talk about",
            "a task-list of things to do today, quickly",
            "try sk-learn-and-friends-for-machine-learning",
        ] {
            assert_eq!(find(text, None), None, "{text}");
        }
    }
}
