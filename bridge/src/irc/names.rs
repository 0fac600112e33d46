//! Nicks and channels: which names are valid, and when two are the same.

use super::limits::IRC_NICK_MAX_CHARS;
use party_core::ids::{Handle, RoomName};

use super::numeric::{ERR_BADCHANNAME, ERR_NOSUCHCHANNEL};

/// Folds a nick or channel for comparison (CASEMAPPING=ascii: nicks are ASCII and
/// room names lower-case ASCII, so nothing else needs folding).
pub fn fold(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// RFC 2812 §2.3.1 nicks, up to `IRC_NICK_MAX_CHARS`: a letter or special first, then
/// letters, digits, specials and `-`.
pub fn check_nick(nick: &str) -> Result<(), String> {
    let special = |c: char| "[]\\`_^{|}".contains(c);
    let mut chars = nick.chars();
    let Some(first) = chars.next() else {
        return Err("a nick cannot be empty".into());
    };
    if nick.chars().count() > IRC_NICK_MAX_CHARS {
        return Err(format!(
            "a nick has at most {IRC_NICK_MAX_CHARS} characters"
        ));
    }
    if !(first.is_ascii_alphabetic() || special(first)) {
        return Err("a nick starts with a letter or one of [ ] \\ ` _ ^ { | }".into());
    }
    match chars.find(|&c| !(c.is_ascii_alphanumeric() || special(c) || c == '-')) {
        Some(bad) => Err(format!("{bad:?} is not allowed in a nick")),
        None => Ok(()),
    }
}

/// Nicks shaped like a Party handle name room peers on IRC, so an IRC user may take
/// only its own: nobody can pose as `big-red-apple` in a channel.
/// Whether `nick` is spelled as a Party handle: then it names a room peer, never an
/// IRC user of this bridge (none may take another's handle as its nick).
pub fn is_handle(nick: &str) -> bool {
    Handle::parse(&fold(nick)).is_ok()
}

pub fn check_nick_for(nick: &str, own: &Handle) -> Result<(), String> {
    check_nick(nick)?;
    let folded = fold(nick);
    if Handle::parse(&folded).is_ok() && folded != own.as_str() {
        return Err(format!(
            "nicks shaped like Party handles are reserved; yours is {own}"
        ));
    }
    Ok(())
}

/// Why a channel name cannot be a room; `code` is the numeric to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadChannel {
    pub code: u16,
    pub reason: String,
}

/// `#<room>` is room `<room>` (case-folded). Anything else is refused before any
/// subscription: 403 for a name that is not a channel at all, 479 for a channel name
/// that is not a valid room.
pub fn channel_room(channel: &str) -> Result<RoomName, BadChannel> {
    let Some(name) = channel.strip_prefix('#') else {
        return Err(BadChannel {
            code: ERR_NOSUCHCHANNEL,
            reason: "No such channel (Party channels start with #)".into(),
        });
    };
    RoomName::from_channel_name(name).map_err(|err| BadChannel {
        code: ERR_BADCHANNAME,
        reason: format!("Illegal channel name: {err}"),
    })
}

/// The channel as we show it: `#` and the room name.
pub fn channel_of(room: &RoomName) -> String {
    format!("#{}", room.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_nicks_are_accepted() {
        for ok in [
            "a",
            "calcbot",
            "Calc-Bot2",
            "[away]",
            "x_y|z",
            &"n".repeat(32),
        ] {
            assert_eq!(check_nick(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn bad_nicks_say_why() {
        assert!(check_nick("").is_err());
        assert!(check_nick("1abc").unwrap_err().contains("starts with"));
        assert!(check_nick("-abc").is_err());
        assert!(check_nick("a b").unwrap_err().contains("' '"));
        assert!(check_nick("é").is_err());
        assert!(check_nick(&"n".repeat(33)).unwrap_err().contains("32"));
    }

    #[test]
    fn handle_shaped_nicks_are_reserved_for_their_owner() {
        let own = Handle::parse("soft-lilac-tower-bot").unwrap();
        assert_eq!(check_nick_for("soft-lilac-tower-bot", &own), Ok(()));
        assert_eq!(check_nick_for("Soft-Lilac-Tower-Bot", &own), Ok(()));
        assert!(check_nick_for("big-red-apple", &own)
            .unwrap_err()
            .contains("reserved"));
        assert_eq!(check_nick_for("calcbot", &own), Ok(()));
    }

    #[test]
    fn channels_fold_to_rooms() {
        assert_eq!(channel_room("#Calc-Study").unwrap().as_str(), "calc-study");
        assert_eq!(channel_of(&channel_room("#AB").unwrap()), "#ab");
    }

    #[test]
    fn invalid_channels_get_403_or_479_with_a_reason() {
        assert_eq!(channel_room("calc").unwrap_err().code, 403);
        assert_eq!(channel_room("&calc").unwrap_err().code, 403);
        for bad in [
            "#",
            "#a",
            "#-ab",
            "#a_b",
            "#ümlaut",
            &format!("#{}", "a".repeat(49)),
        ] {
            let err = channel_room(bad).unwrap_err();
            assert_eq!(err.code, 479, "{bad}");
            assert!(
                err.reason.starts_with("Illegal channel name: "),
                "{}",
                err.reason
            );
        }
    }
}
