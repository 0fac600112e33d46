//! Room names: the path segment of a room URL and the last level of its MQTT topic.

use super::{check_chars, check_length, string_id, Handle, IdKind, IdProblem};
use crate::limits::{RESERVED_ROOM_NAMES, ROOM_NAME_CHARS};

/// A room name matching `[a-z0-9][a-z0-9-]{1,47}` and not reserved for the SPA's pages.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct RoomName(String);

string_id!(RoomName, IdKind::RoomName, validate);

fn validate(s: &str) -> Result<(), IdProblem> {
    check_length(s, ROOM_NAME_CHARS.0, ROOM_NAME_CHARS.1)?;
    check_chars(
        s,
        |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        "a-z, 0-9 and '-'",
    )?;
    if s.starts_with('-') {
        return Err(IdProblem::Shape(
            "a room name must start with a letter or digit".into(),
        ));
    }
    if RESERVED_ROOM_NAMES.contains(&s) {
        return Err(IdProblem::Reserved { name: s.to_owned() });
    }
    Ok(())
}

impl RoomName {
    /// Parses what a person typed or a URL/IRC channel carried: surrounding whitespace
    /// is dropped and letters are lower-cased first, as IRC case-folds channel names.
    pub fn from_user_input(s: &str) -> Result<Self, super::IdError> {
        Self::parse(&s.trim().to_ascii_lowercase())
    }

    /// The room's host: a room named after a handle is that handle's party.
    pub fn host(&self) -> Option<Handle> {
        Handle::parse(&self.0).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_rooms_and_handle_rooms_parse() {
        assert_eq!(RoomName::parse("calc-study").unwrap().host(), None);
        let party = RoomName::parse("soft-lilac-tower-bot").unwrap();
        assert_eq!(
            party.host(),
            Some(Handle::parse("soft-lilac-tower-bot").unwrap())
        );
        assert!(RoomName::parse("0x").is_ok());
        assert!(RoomName::parse(&"a".repeat(48)).is_ok());
    }

    #[test]
    fn reserved_names_get_a_clear_error() {
        for name in ["rooms", "about", "mqtt"] {
            let err = RoomName::parse(name).unwrap_err();
            assert_eq!(
                err.problem,
                IdProblem::Reserved {
                    name: name.to_owned()
                }
            );
            assert!(err.to_string().contains("reserved"), "{err}");
        }
    }

    #[test]
    fn malformed_room_names_are_rejected() {
        for bad in [
            "",
            "a",
            "-ab",
            "Room",
            "a b",
            "ab/cd",
            "ab#",
            &"a".repeat(49),
        ] {
            assert!(RoomName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn user_input_is_trimmed_and_lowercased() {
        assert_eq!(
            RoomName::from_user_input("  Calc-Study\n")
                .unwrap()
                .as_str(),
            "calc-study"
        );
    }
}
