//! The hand-written validators accept exactly the documented patterns.

use party_core::ids::{AvatarSeed, Handle, MessageId, PeerId, RoomName};
use proptest::prelude::*;

/// An independent reading of `^[a-z]{2,10}-[a-z]{2,10}-[a-z]{2,12}(-bot)?$`.
fn matches_handle_pattern(s: &str) -> bool {
    let words: Vec<&str> = s.split('-').collect();
    let letters = |w: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase())
    };
    let stem = |w: &[&str]| letters(w[0], 2, 10) && letters(w[1], 2, 10) && letters(w[2], 2, 12);
    match words.len() {
        3 => stem(&words),
        4 => stem(&words[..3]) && words[3] == "bot",
        _ => false,
    }
}

/// An independent reading of `^[a-z0-9][a-z0-9-]{1,47}$` minus the reserved names.
fn matches_room_pattern(s: &str) -> bool {
    let b = s.as_bytes();
    (2..=48).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && !["rooms", "about", "mqtt"].contains(&s)
}

fn near_handle() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,11}-[a-z]{1,11}-[a-z]{1,13}(-bot|-bat|-)?",
        "[a-z-]{0,40}",
        ".{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn handles_parse_iff_they_match_the_v1_pattern(s in near_handle()) {
        prop_assert_eq!(Handle::parse(&s).is_ok(), matches_handle_pattern(&s), "{:?}", s);
    }

    #[test]
    fn valid_handles_round_trip(s in "[a-z]{2,10}-[a-z]{2,10}-[a-z]{2,12}(-bot)?") {
        let handle = Handle::parse(&s).unwrap();
        prop_assert_eq!(handle.as_str(), s.as_str());
        prop_assert_eq!(handle.is_bot(), s.ends_with("-bot"));
        prop_assert_eq!(RoomName::parse(&s).unwrap().host(), Some(handle));
    }

    #[test]
    fn room_names_parse_iff_they_match_the_pattern(
        s in prop_oneof!["[a-z0-9-]{0,50}", ".{0,50}", "rooms|about|mqtt"]
    ) {
        prop_assert_eq!(RoomName::parse(&s).is_ok(), matches_room_pattern(&s), "{:?}", s);
    }

    #[test]
    fn hex_ids_need_exact_length_and_lowercase(s in "[0-9a-fA-F]{14,34}") {
        let lower = s.bytes().all(|b| !b.is_ascii_uppercase());
        prop_assert_eq!(PeerId::parse(&s).is_ok(), lower && s.len() == 16);
        prop_assert_eq!(AvatarSeed::parse(&s).is_ok(), lower && s.len() == 32);
    }

    #[test]
    fn message_ids_parse_iff_short_and_plain(s in prop_oneof!["[A-Za-z0-9_-]{0,70}", ".{0,70}"]) {
        let plain = s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        prop_assert_eq!(
            MessageId::parse(&s).is_ok(),
            plain && (1..=64).contains(&s.chars().count())
        );
    }
}
