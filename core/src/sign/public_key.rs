//! Ed25519 public keys as peers see them: the identity behind a handle.

use std::fmt;

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::b64;

/// A public key that is a valid Ed25519 point of full order, parsed once at the edge.
/// Pins, peers and events hold this, never a string, so a key compared anywhere was
/// checked when it arrived and compares by its bytes. It keeps only the 32 compressed
/// bytes (cheap to copy and compare); signatures are checked through a [`Seal`]'s
/// decompressed key.
///
/// [`Seal`]: super::Seal
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

/// Why a public key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublicKeyError {
    #[error("a public key is 43 characters of unpadded base64url (32 bytes)")]
    Encoding,
    #[error("not a point on the Ed25519 curve")]
    NotAPoint,
    /// Small-order keys verify signatures they never made; `verify_strict` would refuse
    /// every signature under them anyway.
    #[error("a weak (small-order) Ed25519 key")]
    Weak,
}

impl PublicKey {
    /// Parses the wire form: canonical unpadded base64url of the 32 key bytes.
    pub fn parse(s: &str) -> Result<Self, PublicKeyError> {
        let bytes: [u8; 32] = b64::decode_strict(s)
            .and_then(|b| b.try_into().ok())
            .ok_or(PublicKeyError::Encoding)?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, PublicKeyError> {
        Self::checked(bytes).map(|_| Self(*bytes))
    }

    /// The decompressed key, for verifying: fails exactly where `from_bytes` does.
    pub(crate) fn checked(bytes: &[u8; 32]) -> Result<VerifyingKey, PublicKeyError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| PublicKeyError::NotAPoint)?;
        if key.is_weak() {
            return Err(PublicKeyError::Weak);
        }
        Ok(key)
    }

    /// The public half of one of our own keys (never weak: a clamped scalar times the
    /// base point has full order).
    pub fn of(key: &SigningKey) -> Self {
        Self(key.verifying_key().to_bytes())
    }

    /// A key already decompressed and checked (a seal's).
    pub(crate) fn from_verifying_key(key: &VerifyingKey) -> Self {
        Self(key.to_bytes())
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The wire form, base64url without padding.
impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.as_bytes()))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PublicKey::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl std::str::FromStr for PublicKey {
    type Err = PublicKeyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_round_trips_through_its_wire_form() {
        let key = PublicKey::of(&SigningKey::from_bytes(&[7; 32]));
        let text = key.to_string();
        assert_eq!(text.len(), 43);
        assert_eq!(PublicKey::parse(&text), Ok(key));
        assert_eq!(serde_json::to_value(key).unwrap(), serde_json::json!(text));
    }

    #[test]
    fn malformed_off_curve_and_weak_keys_are_refused() {
        assert_eq!(PublicKey::parse("short"), Err(PublicKeyError::Encoding));
        let padded = format!("{}=", PublicKey::of(&SigningKey::from_bytes(&[1; 32])));
        assert_eq!(PublicKey::parse(&padded), Err(PublicKeyError::Encoding));
        // The identity point (y = 1) has order 1.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity), Err(PublicKeyError::Weak));
        // y = 2 is not the y-coordinate of any curve point.
        let mut off = [0u8; 32];
        off[0] = 2;
        assert_eq!(PublicKey::from_bytes(&off), Err(PublicKeyError::NotAPoint));
    }
}
