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
    /// Parses what a person typed or a URL/IRC channel carried, forgivingly: "Calc
    /// Study", `CALC-STUDY` and ` calc_study ` all name `calc-study`. Letters are
    /// lower-cased (as IRC case-folds channel names), spaces and underscores become
    /// hyphens, runs of hyphens one, and hyphens at either end go.
    pub fn from_user_input(s: &str) -> Result<Self, super::IdError> {
        Self::parse(&fold(s))
    }

    /// Parses an IRC channel's name: letters are lower-cased (IRC case-folds channel
    /// names) and nothing else changes, since IRC answers under the name the client
    /// joined (`#a_b` must not quietly become room `a-b`).
    pub fn from_channel_name(s: &str) -> Result<Self, super::IdError> {
        Self::parse(&s.to_ascii_lowercase())
    }

    /// A valid name close to `s`, for a person who typed an impossible one: what
    /// `from_user_input` would read, without the characters a name cannot have,
    /// lengthened, shortened or moved off a reserved name as needed.
    pub fn suggestion(s: &str) -> Option<Self> {
        let kept: String = fold(s)
            .chars()
            .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
            .collect();
        let mut name = fold(&kept);
        if name.len() < ROOM_NAME_CHARS.0 {
            name = if name.is_empty() {
                return None;
            } else {
                format!("{name}-room")
            };
        }
        name.truncate(ROOM_NAME_CHARS.1);
        let mut name = name.trim_end_matches('-').to_owned();
        if RESERVED_ROOM_NAMES.contains(&name.as_str()) {
            name.push_str("-room");
        }
        Self::parse(&name).ok()
    }

    /// The room's host: a room named after a handle is that handle's party.
    pub fn host(&self) -> Option<Handle> {
        Handle::parse(&self.0).ok()
    }
}

/// Case, separators and stray hyphens folded (see `RoomName::from_user_input`).
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        let c = match c {
            c if c.is_whitespace() || c == '_' => '-',
            c => c.to_ascii_lowercase(),
        };
        if c == '-' && (out.is_empty() || out.ends_with('-')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
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
    fn names_as_people_type_them_lead_to_the_room() {
        for typed in [
            "Calc Study",
            "CALC-STUDY",
            " calc_study ",
            "calc--study",
            "-calc-study-",
        ] {
            assert_eq!(
                RoomName::from_user_input(typed).unwrap().as_str(),
                "calc-study",
                "{typed:?}"
            );
        }
    }

    #[test]
    fn an_impossible_name_gets_a_possible_one_suggested() {
        let suggest = |s: &str| RoomName::suggestion(s).map(|r| r.to_string());
        assert_eq!(suggest("Café au lait!").as_deref(), Some("caf-au-lait"));
        assert_eq!(suggest("a").as_deref(), Some("a-room"));
        assert_eq!(suggest("rooms").as_deref(), Some("rooms-room"));
        assert_eq!(suggest(&"x".repeat(60)).map(|s| s.len()), Some(48));
        assert_eq!(suggest("!!!"), None);
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
