//! Peer ids: one random id per connection, the `from` of every envelope.

use super::{check_chars, check_length, string_id, IdKind, IdProblem};
use crate::hex;

/// 16 lowercase hex characters (8 random bytes), as v1's `randomId()` makes them.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct PeerId(String);

string_id!(PeerId, IdKind::PeerId, validate);

fn validate(s: &str) -> Result<(), IdProblem> {
    check_length(s, 16, 16)?;
    check_chars(s, hex::is_lower_hex_digit, "0-9 and a-f")
}

impl PeerId {
    /// A peer id from 8 random bytes the caller drew (core has no randomness).
    pub fn from_bytes(bytes: [u8; 8]) -> Self {
        Self(hex::encode(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_bytes_gives_sixteen_lowercase_hex() {
        let id = PeerId::from_bytes([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 0xab]);
        assert_eq!(id.as_str(), "deadbeef000102ab");
        assert_eq!(PeerId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn uppercase_short_and_long_ids_are_rejected() {
        for bad in [
            "DEADBEEF000102AB",
            "deadbeef",
            "deadbeef000102ab0",
            "deadbeef000102ag",
        ] {
            assert!(PeerId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
