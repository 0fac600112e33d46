//! The agent door's reverse-CAPTCHA: trivial for anything that runs code, tedious by
//! hand. Answer = the first 8 hex chars of SHA-256 of the challenge text.

use sha2::{Digest, Sha256};

use crate::hex;
use crate::limits::CAPTCHA_ANSWER_HEX_CHARS;

const PREFIX: &str = "party-agent:";

/// A challenge `party-agent:<16 hex nonce>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge(String);

impl Challenge {
    /// A challenge from 8 random bytes the caller drew.
    pub fn from_nonce(nonce: [u8; 8]) -> Self {
        Self(format!("{PREFIX}{}", hex::encode(&nonce)))
    }

    /// The text shown to the agent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `answer` solves this challenge. Like v1 the input is trimmed,
    /// lower-cased and stripped of non-hex characters; then it must be a prefix of the
    /// full digest at least 8 hex chars long, so both the short answer and the whole
    /// 64-hex digest pass (v1 ignored anything after the 8th char; we require it to be
    /// right, which no honest solver notices).
    pub fn check(&self, answer: &str) -> bool {
        let cleaned: String = answer
            .trim()
            .to_lowercase()
            .chars()
            .filter(|&c| hex::is_lower_hex_digit(c))
            .collect();
        cleaned.len() >= CAPTCHA_ANSWER_HEX_CHARS && full_digest(&self.0).starts_with(&cleaned)
    }
}

impl std::fmt::Display for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The expected answer to `challenge` (what an agent computes).
pub fn answer(challenge: &str) -> String {
    let mut digest = full_digest(challenge);
    digest.truncate(CAPTCHA_ANSWER_HEX_CHARS);
    digest
}

fn full_digest(challenge: &str) -> String {
    hex::encode(&Sha256::digest(challenge.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge() -> Challenge {
        Challenge::from_nonce([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77])
    }

    #[test]
    fn challenge_text_is_prefix_and_nonce_hex() {
        assert_eq!(challenge().as_str(), "party-agent:0011223344556677");
    }

    #[test]
    fn sloppy_but_correct_answers_pass() {
        let c = challenge();
        let good = answer(c.as_str());
        assert!(c.check(&good));
        assert!(c.check(&format!("  {}\n", good.to_uppercase())));
        assert!(c.check("4d13-aa7e"));
        assert!(c.check(&full_digest(c.as_str())));
    }

    #[test]
    fn wrong_short_or_extended_wrong_answers_fail() {
        let c = challenge();
        assert!(!c.check(""));
        assert!(!c.check("4d13aa7"));
        assert!(!c.check("4d13aa7f"));
        assert!(!c.check("4d13aa7e0000"));
        assert!(!c.check("not hex at all"));
    }
}
