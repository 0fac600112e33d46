//! Display names: an optional `name` next to a handle (e.g. an IRC nick). v1 clients
//! ignore the field.

use super::{check_length, string_id, IdKind, IdProblem};
use crate::limits::MAX_DISPLAY_NAME_CHARS;

/// 1 to 32 printable characters with no surrounding whitespace. Control, zero-width and
/// bidirectional-override characters are refused so a name cannot disguise itself as
/// another name or reorder the text around it.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

string_id!(DisplayName, IdKind::DisplayName, validate);

fn validate(s: &str) -> Result<(), IdProblem> {
    check_length(s, 1, MAX_DISPLAY_NAME_CHARS)?;
    if s.trim() != s {
        return Err(IdProblem::Shape(
            "a display name cannot start or end with whitespace".into(),
        ));
    }
    match s.chars().enumerate().find(|&(_, c)| !is_printable(c)) {
        Some((position, ch)) => Err(IdProblem::Char {
            ch,
            position,
            allowed: "printable characters",
        }),
        None => Ok(()),
    }
}

/// Printable: not a control character and not an invisible formatting character.
fn is_printable(c: char) -> bool {
    !c.is_control()
        && !matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_parse() {
        for ok in ["calcbot", "Zoë", "a", "日本語の名前", &"x".repeat(32)] {
            assert!(DisplayName::parse(ok).is_ok(), "{ok:?} refused");
        }
    }

    #[test]
    fn invisible_control_and_padded_names_are_rejected() {
        for bad in [
            "",
            " calc",
            "calc ",
            "ca\nlc",
            "ca\u{202e}lc",
            "ca\u{200b}lc",
            &"x".repeat(33),
        ] {
            assert!(DisplayName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
