//! What a passkey gives a person (docs/protocol.md, "Identities"): the handle and
//! avatar come from the credential's rawId, exactly as Party v1 derives them, and the
//! Ed25519 signing key comes from the WebAuthn PRF extension, so the same passkey
//! gives the same key on every device it syncs to and nothing secret needs a backup.
//!
//! The browser asks the authenticator for `prf.eval.first = PRF_SALT`; the
//! authenticator mixes that with a secret of the credential that never leaves it and
//! returns 32 bytes. The signing seed is `SHA-256(SEED_TAG || those bytes)`.

use ed25519_dalek::SigningKey;
use sha2::{Digest, Sha256};

use crate::b64;
use crate::derive::human_identity;
use crate::ids::{AvatarSeed, Handle};

/// The PRF input every Party passkey is evaluated at. Fixed, so every device gets the
/// same output; specific to Party, so another site's PRF use never yields our key.
pub const PRF_SALT: &[u8] = b"party-2026-v1 prf: ed25519 signing key";

/// Domain separation for the seed derived from the PRF output.
pub const SEED_TAG: &[u8] = b"party-passkey-seed-v1\n";

/// Length of a PRF result (the CTAP2 hmac-secret output).
pub const PRF_OUTPUT_BYTES: usize = 32;

/// Longest credential id WebAuthn allows (§5.8.3 credential ID: at most 1023 bytes).
pub const MAX_CREDENTIAL_ID_BYTES: usize = 1023;

/// A passkey credential id (`rawId`): who the person is. Not a secret; it is sent to
/// the authenticator to sign in and its hash is the handle.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    raw_id: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    #[error("the passkey's credential id has {0} bytes; WebAuthn allows 1 to 1023")]
    CredentialIdLength(usize),
    #[error("the saved credential id is not base64url")]
    CredentialIdEncoding,
    #[error("the authenticator's PRF result has {0} bytes, expected 32")]
    PrfLength(usize),
}

impl Credential {
    pub fn from_raw_id(raw_id: &[u8]) -> Result<Self, PasskeyError> {
        if raw_id.is_empty() || raw_id.len() > MAX_CREDENTIAL_ID_BYTES {
            return Err(PasskeyError::CredentialIdLength(raw_id.len()));
        }
        Ok(Self {
            raw_id: raw_id.to_vec(),
        })
    }

    /// Restores a credential id saved with [`Credential::to_base64url`].
    pub fn from_base64url(text: &str) -> Result<Self, PasskeyError> {
        let bytes = b64::decode_strict(text.trim()).ok_or(PasskeyError::CredentialIdEncoding)?;
        Self::from_raw_id(&bytes)
    }

    pub fn to_base64url(&self) -> String {
        b64::encode(&self.raw_id)
    }

    pub fn raw_id(&self) -> &[u8] {
        &self.raw_id
    }

    /// `word-word-word`, as Party v1 derives it from the same rawId.
    pub fn handle(&self) -> Handle {
        human_identity(&self.raw_id).0
    }

    pub fn avatar_seed(&self) -> AvatarSeed {
        human_identity(&self.raw_id).1
    }
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credential({})", self.to_base64url())
    }
}

/// The Ed25519 seed for a PRF result at [`PRF_SALT`].
pub fn seed_from_prf(prf_output: &[u8]) -> Result<[u8; 32], PasskeyError> {
    if prf_output.len() != PRF_OUTPUT_BYTES {
        return Err(PasskeyError::PrfLength(prf_output.len()));
    }
    let mut hasher = Sha256::new();
    hasher.update(SEED_TAG);
    hasher.update(prf_output);
    Ok(hasher.finalize().into())
}

/// The signing key for a PRF result at [`PRF_SALT`].
pub fn key_from_prf(prf_output: &[u8]) -> Result<SigningKey, PasskeyError> {
    seed_from_prf(prf_output).map(|seed| SigningKey::from_bytes(&seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credential_id_round_trips_and_gives_v1_s_handle() {
        let credential = Credential::from_raw_id(&[0xde, 0xad, 0xbe, 0xef].repeat(4)).unwrap();
        assert_eq!(credential.handle().as_str(), "sunny-jade-bow");
        let back = Credential::from_base64url(&credential.to_base64url()).unwrap();
        assert_eq!(back, credential);
    }

    #[test]
    fn credential_ids_outside_webauthn_s_bounds_are_refused() {
        assert_eq!(
            Credential::from_raw_id(&[]),
            Err(PasskeyError::CredentialIdLength(0))
        );
        assert!(Credential::from_raw_id(&[1; MAX_CREDENTIAL_ID_BYTES]).is_ok());
        assert!(Credential::from_raw_id(&[1; MAX_CREDENTIAL_ID_BYTES + 1]).is_err());
        assert_eq!(
            Credential::from_base64url("!!"),
            Err(PasskeyError::CredentialIdEncoding)
        );
    }

    #[test]
    fn the_seed_is_the_tagged_hash_of_a_32_byte_prf_result() {
        let prf = [7u8; 32];
        let mut tagged = SEED_TAG.to_vec();
        tagged.extend_from_slice(&prf);
        let expected: [u8; 32] = Sha256::digest(&tagged).into();
        assert_eq!(seed_from_prf(&prf), Ok(expected));
        assert_ne!(seed_from_prf(&[8u8; 32]), Ok(expected));
        assert_eq!(seed_from_prf(&[7u8; 31]), Err(PasskeyError::PrfLength(31)));
    }
}
