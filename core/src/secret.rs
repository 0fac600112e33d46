//! Agent secrets: the 32 random bytes an agent is, and the Ed25519 key they seed.

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use crate::b64;
use crate::derive::agent_identity;
use crate::ids::{AvatarSeed, Handle};
use crate::limits::AGENT_SECRET_BYTES;
use crate::sign::PublicKey;

/// An agent's secret. We generate 32 bytes; imports of 16 to 128 bytes are accepted
/// because v1 accepted them, and such agents keep their v1 handle.
///
/// The Ed25519 seed is the secret itself when it has 32 bytes, and SHA-256 of the
/// secret otherwise, so every importable secret has exactly one key. The handle always
/// hashes the raw secret bytes, as v1 does.
#[derive(Clone, PartialEq, Eq)]
pub struct AgentSecret {
    bytes: Vec<u8>,
}

/// Why a pasted agent secret was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("the agent secret is empty")]
    Empty,
    #[error(
        "the agent secret is not base64url (use only A-Z, a-z, 0-9, '-' and '_', \
         optionally with trailing '=')"
    )]
    NotBase64Url,
    #[error(
        "the agent secret decodes to {bytes} bytes; expected {min} to {max} \
         (a Party agent secret is 32 bytes, 43 base64url characters)",
        min = AGENT_SECRET_BYTES.0,
        max = AGENT_SECRET_BYTES.1
    )]
    WrongLength { bytes: usize },
}

impl AgentSecret {
    /// A fresh secret from 32 random bytes the caller drew.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            bytes: bytes.to_vec(),
        }
    }

    /// Restores a saved secret. All whitespace (including inside, from line-wrapped
    /// pastes) is removed first, as v1 does.
    pub fn import(text: &str) -> Result<Self, SecretError> {
        let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if clean.is_empty() {
            return Err(SecretError::Empty);
        }
        let bytes = b64::decode_lenient(&clean).ok_or(SecretError::NotBase64Url)?;
        let (min, max) = AGENT_SECRET_BYTES;
        if bytes.len() < min || bytes.len() > max {
            return Err(SecretError::WrongLength { bytes: bytes.len() });
        }
        Ok(Self { bytes })
    }

    /// The secret as the agent should save it: base64url, no padding.
    pub fn to_base64url(&self) -> String {
        b64::encode(&self.bytes)
    }

    /// The raw secret bytes (handle derivation input).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn handle(&self) -> Handle {
        agent_identity(&self.bytes).0
    }

    pub fn avatar_seed(&self) -> AvatarSeed {
        agent_identity(&self.bytes).1
    }

    /// The Ed25519 key this secret seeds (see the type docs for non-32-byte secrets).
    pub fn signing_key(&self) -> SigningKey {
        let seed: [u8; 32] = match <[u8; 32]>::try_from(self.bytes.as_slice()) {
            Ok(seed) => seed,
            Err(_) => Sha256::digest(&self.bytes).into(),
        };
        SigningKey::from_bytes(&seed)
    }

    /// The public key peers pin for this agent's handle.
    pub fn public_key(&self) -> PublicKey {
        PublicKey::of(&self.signing_key())
    }
}

/// Never prints the secret: it is the agent's whole identity.
impl std::fmt::Debug for AgentSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AgentSecret({} bytes, redacted)", self.bytes.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZERO_B64: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn export_then_import_gives_the_same_identity() {
        let secret = AgentSecret::from_bytes([7; 32]);
        let back = AgentSecret::import(&secret.to_base64url()).unwrap();
        assert_eq!(back, secret);
        assert_eq!(back.handle(), secret.handle());
        assert_eq!(back.public_key(), secret.public_key());
    }

    #[test]
    fn import_tolerates_whitespace_padding_and_standard_alphabet() {
        let zero = AgentSecret::from_bytes([0; 32]);
        let wrapped = format!(" {}\n{} \t", &ZERO_B64[..20], &ZERO_B64[20..]);
        assert_eq!(AgentSecret::import(&wrapped).unwrap(), zero);
        assert_eq!(AgentSecret::import(&format!("{ZERO_B64}=")).unwrap(), zero);
        let ff = AgentSecret::from_bytes([0xff; 32]);
        let standard = ff.to_base64url().replace('_', "/");
        assert_eq!(AgentSecret::import(&standard).unwrap(), ff);
    }

    #[test]
    fn import_errors_say_what_is_wrong() {
        assert_eq!(AgentSecret::import(" \n"), Err(SecretError::Empty));
        assert_eq!(
            AgentSecret::import("not base64!"),
            Err(SecretError::NotBase64Url)
        );
        assert_eq!(
            AgentSecret::import("AAAA"),
            Err(SecretError::WrongLength { bytes: 3 })
        );
        let too_long = b64::encode(&[1; 129]);
        assert_eq!(
            AgentSecret::import(&too_long),
            Err(SecretError::WrongLength { bytes: 129 })
        );
        let msg = SecretError::WrongLength { bytes: 3 }.to_string();
        assert!(
            msg.contains("3 bytes") && msg.contains("16 to 128"),
            "{msg}"
        );
    }

    #[test]
    fn a_32_byte_secret_is_the_ed25519_seed() {
        let secret = AgentSecret::from_bytes([9; 32]);
        assert_eq!(secret.signing_key().to_bytes(), [9; 32]);
    }

    #[test]
    fn other_lengths_seed_ed25519_with_their_sha256() {
        let bytes = [5u8; 16];
        let secret = AgentSecret::import(&b64::encode(&bytes)).unwrap();
        let expected: [u8; 32] = Sha256::digest(bytes).into();
        assert_eq!(secret.signing_key().to_bytes(), expected);
        assert_eq!(secret.handle(), agent_identity(&bytes).0);
    }

    #[test]
    fn debug_output_does_not_leak_the_secret() {
        let secret = AgentSecret::from_bytes([0xab; 32]);
        let shown = format!("{secret:?}");
        assert!(!shown.contains(&secret.to_base64url()));
        assert!(!shown.contains("171"));
    }
}
