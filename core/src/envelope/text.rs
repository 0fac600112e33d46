//! Chat text: non-empty, bounded, and otherwise passed through untouched (clients
//! render it as text, never as markup).

use crate::limits::MAX_TEXT_CHARS;

/// Text of a chat message: at most `MAX_TEXT_CHARS` characters (Unicode scalar values,
/// not bytes) and not blank.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChatText(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("the text is empty or only whitespace")]
    Empty,
    #[error("the text has {chars} characters, more than {max}")]
    TooLong { chars: usize, max: usize },
}

impl ChatText {
    pub fn parse(s: &str) -> Result<Self, TextError> {
        if s.trim().is_empty() {
            return Err(TextError::Empty);
        }
        let chars = s.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(TextError::TooLong {
                chars,
                max: MAX_TEXT_CHARS,
            });
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_counts_characters_not_bytes() {
        assert!(ChatText::parse(&"é".repeat(MAX_TEXT_CHARS)).is_ok());
        assert_eq!(
            ChatText::parse(&"é".repeat(MAX_TEXT_CHARS + 1)),
            Err(TextError::TooLong {
                chars: MAX_TEXT_CHARS + 1,
                max: MAX_TEXT_CHARS
            })
        );
    }

    #[test]
    fn blank_text_is_refused() {
        assert_eq!(ChatText::parse(""), Err(TextError::Empty));
        assert_eq!(ChatText::parse(" \n\t"), Err(TextError::Empty));
        assert_eq!(ChatText::parse(" hi ").unwrap().as_str(), " hi ");
    }
}
