//! Avatar seeds: the hex of the first 16 bytes of the identity hash.

use super::{check_chars, check_length, string_id, IdKind, IdProblem};
use crate::hex;

/// Exactly 32 lowercase hex characters. v1 put this unescaped into an `<img src>`, so
/// the shape is enforced strictly: nothing else can ride along.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct AvatarSeed(String);

string_id!(AvatarSeed, IdKind::AvatarSeed, validate);

fn validate(s: &str) -> Result<(), IdProblem> {
    check_length(s, 32, 32)?;
    check_chars(s, hex::is_lower_hex_digit, "0-9 and a-f")
}

impl AvatarSeed {
    /// The seed for a hash; only `derive` calls this.
    pub(crate) fn from_hash_prefix(prefix: &[u8; 16]) -> Self {
        Self(hex::encode(prefix))
    }

    /// The 16 bytes the seed encodes, for drawing the identicon.
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        // Validation guarantees 32 lowercase hex digits, so every pair decodes.
        for (slot, pair) in out.iter_mut().zip(self.0.as_bytes().chunks_exact(2)) {
            let hi = char::from(pair[0]).to_digit(16).unwrap_or(0);
            let lo = char::from(pair[1]).to_digit(16).unwrap_or(0);
            *slot = u8::try_from(hi * 16 + lo).unwrap_or(0);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_exactly_32_lowercase_hex() {
        assert!(AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").is_ok());
        for bad in [
            "66687AADF862BD776C8FC18B8E9F8E20",
            "66687aadf862bd776c8fc18b8e9f8e2",
            "66687aadf862bd776c8fc18b8e9f8e200",
            "\" onerror=\"alert(1)\" x=\"0000000",
        ] {
            assert!(AvatarSeed::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn to_bytes_inverts_the_hex() {
        let bytes: [u8; 16] = core::array::from_fn(|i| u8::try_from(i * 17).unwrap());
        assert_eq!(AvatarSeed::from_hash_prefix(&bytes).to_bytes(), bytes);
    }
}
