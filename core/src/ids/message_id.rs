//! Message ids: the deduplication key of a chat message.

use super::{check_chars, check_length, string_id, IdKind, IdProblem};
use crate::limits::MESSAGE_ID_CHARS;

/// 1 to 64 characters of `[A-Za-z0-9_-]`; v1 makes `<handle>-<ms>-<6 hex>`.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct MessageId(String);

string_id!(MessageId, IdKind::MessageId, validate);

impl MessageId {
    /// Our message id: v1's `<handle>-<ms>-<6 hex>` shape, so v1 clients see the ids
    /// they expect; 16 hex digits of `random` if an absurd clock makes that too long.
    pub(crate) fn generate(handle: &str, now_ms: u64, random: u64) -> Self {
        let hex = crate::hex::encode(&random.to_be_bytes());
        Self::parse(&format!("{handle}-{now_ms}-{}", &hex[..6])).unwrap_or(Self(hex))
    }
}

fn validate(s: &str) -> Result<(), IdProblem> {
    check_length(s, MESSAGE_ID_CHARS.0, MESSAGE_ID_CHARS.1)?;
    check_chars(
        s,
        |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        "A-Z, a-z, 0-9, '-' and '_'",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_style_ids_parse() {
        assert!(MessageId::parse("giant-lilac-bell-bot-1767225600000-a1b2c3").is_ok());
        assert!(MessageId::parse("x").is_ok());
        assert!(MessageId::parse(&"A_z-9".repeat(12)).is_ok());
    }

    #[test]
    fn generated_ids_follow_v1_and_stay_valid_for_any_clock() {
        let id = MessageId::generate("big-red-apple", 1_767_225_600_000, 0xabcd_ef12_3456_7890);
        assert_eq!(id.as_str(), "big-red-apple-1767225600000-abcdef");
        let long = "abcdefghij-abcdefghij-abcdefghijkl-bot";
        let id = MessageId::generate(long, u64::MAX, 0xabcd_ef12_3456_7890);
        assert_eq!(id.as_str(), "abcdef1234567890");
    }

    #[test]
    fn empty_long_and_odd_ids_are_rejected() {
        for bad in ["", &"a".repeat(65), "a b", "id<script>", "é"] {
            assert!(MessageId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
