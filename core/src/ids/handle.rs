//! Handles: `word-word-word` for humans, `word-word-word-bot` for agents.

use super::{check_chars, check_length, string_id, IdKind, IdProblem};

/// A handle matching `^[a-z]{2,10}-[a-z]{2,10}-[a-z]{2,12}(-bot)?$`, Party v1's `HANDLE_RE`.
///
/// Only 2^20 handles exist per class, so a handle names a peer but does not prove who it
/// is; keys do that (see `room` pinning).
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Handle(String);

string_id!(Handle, IdKind::Handle, validate);

/// Letters allowed per word, in order (size, color, noun).
const WORD_LENGTHS: [(usize, usize); 3] = [(2, 10), (2, 10), (2, 12)];
const BOT_SUFFIX: &str = "-bot";

fn validate(s: &str) -> Result<(), IdProblem> {
    // 2+1+2+1+2 up to 10+1+10+1+12+4.
    check_length(s, 8, 38)?;
    check_chars(s, |c| c.is_ascii_lowercase() || c == '-', "a-z and '-'")?;
    let words: Vec<&str> = s.split('-').collect();
    if words.iter().any(|w| w.is_empty()) {
        return Err(IdProblem::Shape(
            "words must be separated by single hyphens".into(),
        ));
    }
    match words.len() {
        3 => {}
        4 if words[3] == "bot" => {}
        4 => {
            return Err(IdProblem::Shape(
                "a fourth word is only allowed as the agent suffix `-bot`".into(),
            ))
        }
        n => {
            return Err(IdProblem::Shape(format!(
                "expected word-word-word or word-word-word-bot, found {n} words"
            )))
        }
    }
    for (i, (word, (min, max))) in words.iter().zip(WORD_LENGTHS).enumerate() {
        let len = word.len();
        if len < min || len > max {
            return Err(IdProblem::Shape(format!(
                "word {} has {len} letters, expected {min} to {max}",
                i + 1
            )));
        }
    }
    Ok(())
}

impl Handle {
    /// Whether this is an agent handle. Uses v1's rule (`endsWith('-bot')`) so every
    /// client classifies the same handle the same way.
    pub fn is_bot(&self) -> bool {
        self.0.ends_with(BOT_SUFFIX)
    }

    /// Builds a handle from derived words; only `derive` calls this, with list words.
    pub(crate) fn from_words(size: &str, color: &str, noun: &str, bot: bool) -> Self {
        let suffix = if bot { BOT_SUFFIX } else { "" };
        Self(format!("{size}-{color}-{noun}{suffix}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_and_agent_handles_parse() {
        assert!(!Handle::parse("big-red-apple").unwrap().is_bot());
        assert!(Handle::parse("swift-olive-lantern-bot").unwrap().is_bot());
        assert!(Handle::parse("aa-bb-cc").is_ok());
        assert!(Handle::parse("abcdefghij-abcdefghij-abcdefghijkl-bot").is_ok());
    }

    #[test]
    fn malformed_handles_are_rejected_with_the_reason() {
        let cases = [
            ("", "it is empty"),
            ("big-red", "characters"),
            ("Big-red-apple", "'B'"),
            ("big-red-apple-cat", "fourth word"),
            ("big-red-apple-bot-bot", "5 words"),
            ("b-red-apple", "word 1 has 1 letters"),
            ("big-r-apple", "word 2 has 1"),
            ("big-red-abcdefghijklm", "word 3 has 13"),
            ("abcdefghijk-red-apple", "word 1 has 11"),
            ("big--red-apple", "single hyphens"),
            ("big-red-apple-", "single hyphens"),
            ("-big-red-apple", "single hyphens"),
            ("big-red-apple\n", "'\\n'"),
        ];
        for (input, expected) in cases {
            let err = Handle::parse(input).unwrap_err().to_string();
            assert!(
                err.contains(expected),
                "{input:?}: {err:?} lacks {expected:?}"
            );
        }
    }

    #[test]
    fn serde_rejects_invalid_handles() {
        let ok: Handle = serde_json::from_str("\"big-red-apple\"").unwrap();
        assert_eq!(serde_json::to_string(&ok).unwrap(), "\"big-red-apple\"");
        assert!(serde_json::from_str::<Handle>("\"BIG-red-apple\"").is_err());
    }
}
