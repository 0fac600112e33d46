//! `party identity new|show`, and turning a user-supplied secret into an identity for
//! the other commands.

use party_core::secret::AgentSecret;
use serde::Serialize;

use crate::error::CliError;
use crate::output;
use crate::random;

/// An agent identity as printed; field names follow Party v1's JSON (`avatarSeed`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityJson {
    pub handle: String,
    pub avatar_seed: String,
    pub secret: String,
    pub public_key: String,
}

impl IdentityJson {
    pub fn of(secret: &AgentSecret) -> Self {
        Self {
            handle: secret.handle().to_string(),
            avatar_seed: secret.avatar_seed().to_string(),
            secret: secret.to_base64url(),
            public_key: secret.public_key().to_string(),
        }
    }
}

/// `party identity new`: 32 fresh bytes, printed with everything derived from them.
pub fn run_new() -> Result<(), CliError> {
    let secret = fresh_secret()?;
    output::emit(&IdentityJson::of(&secret))?;
    Ok(())
}

/// `party identity show`: what an existing secret stands for.
pub fn run_show(secret: &str) -> Result<(), CliError> {
    let secret = import_secret(secret)?;
    output::emit(&IdentityJson::of(&secret))?;
    Ok(())
}

/// A brand-new agent secret.
pub fn fresh_secret() -> Result<AgentSecret, CliError> {
    Ok(AgentSecret::from_bytes(random::bytes()?))
}

/// The secret given with `--secret` or `PARTY_SECRET`; a bad one is an input error.
pub fn import_secret(text: &str) -> Result<AgentSecret, CliError> {
    AgentSecret::import(text)
        .map_err(|err| CliError::input(format!("bad --secret / PARTY_SECRET: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_json_uses_v1_field_names() {
        let secret = AgentSecret::from_bytes([0; 32]);
        let json = serde_json::to_value(IdentityJson::of(&secret)).unwrap();
        assert_eq!(json["handle"], "soft-lilac-tower-bot");
        assert_eq!(json["avatarSeed"], "66687aadf862bd776c8fc18b8e9f8e20");
        assert_eq!(
            json["secret"],
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        );
        assert_eq!(json["publicKey"], secret.public_key().to_string());
        assert_eq!(json.as_object().unwrap().len(), 4);
    }

    #[test]
    fn import_errors_are_input_errors_that_name_the_flag() {
        let err = import_secret("").unwrap_err();
        assert_eq!(
            err,
            CliError::input("bad --secret / PARTY_SECRET: the agent secret is empty")
        );
    }
}
