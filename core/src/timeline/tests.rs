use super::*;
use crate::ids::{AvatarSeed, MessageId, PeerId};
use crate::room::{LeaveReason, PeerInfo};

const ME: &str = "big-red-apple";
const OTHER: &str = "tiny-blue-pear";

fn handle(s: &str) -> Handle {
    Handle::parse(s).unwrap()
}

fn message_from(id: &str, from: &str, t: u64, verified: bool) -> ChatMessage {
    ChatMessage {
        id: MessageId::parse(id).unwrap(),
        handle: handle(from),
        avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
        name: None,
        text: format!("text of {id}"),
        re: None,
        owner: None,
        approved_by: None,
        t,
        from: PeerId::parse("0011223344556677").unwrap(),
        verified,
        trust: if verified {
            Trust::Verified
        } else {
            Trust::Unverified
        },
        history: false,
    }
}

fn message(id: &str, t: u64, verified: bool) -> ChatMessage {
    message_from(id, OTHER, t, verified)
}

fn peer(h: &str) -> PeerInfo {
    PeerInfo {
        handle: handle(h),
        avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
        name: None,
        peer_id: PeerId::parse("8899aabbccddeeff").unwrap(),
        is_host: false,
        is_self: false,
        verified: true,
        trust: Trust::Verified,
        owner: None,
    }
}

fn timeline() -> Timeline {
    Timeline::new(handle(ME))
}

fn texts(timeline: &Timeline) -> Vec<String> {
    timeline
        .lines()
        .iter()
        .map(|line| match line {
            Line::Chat(m) => m.id.to_string(),
            Line::Notice { notice, .. } => notice.text(&|t| t.to_string()),
        })
        .collect()
}

#[test]
fn replayed_history_is_placed_by_time_not_arrival() {
    let mut log = timeline();
    log.apply(RoomEvent::Message(message("live", 300, true)), 300);
    log.apply(RoomEvent::PeerJoined { peer: peer(OTHER) }, 250);
    log.apply(RoomEvent::Message(message("old", 100, true)), 400);
    assert_eq!(texts(&log), ["old", "tiny-blue-pear joined", "live"]);
}

#[test]
fn a_verified_copy_replaces_the_unverified_line_in_place_and_is_redrawn() {
    let mut log = timeline();
    log.apply(RoomEvent::Message(message("a", 100, false)), 100);
    log.apply(RoomEvent::Message(message("b", 200, true)), 200);
    let before = log.rows()[0].key();
    log.apply(RoomEvent::Message(message("a", 100, true)), 300);
    assert_eq!(texts(&log), ["a", "b"]);
    assert!(matches!(&log.lines()[0], Line::Chat(m) if m.verified));
    assert_ne!(log.rows()[0].key(), before, "the row would not be redrawn");
}

#[test]
fn the_log_drops_its_oldest_lines_beyond_the_history_limit() {
    let mut log = timeline();
    for i in 0..HISTORY_MAX_MESSAGES + 3 {
        log.apply(
            RoomEvent::Message(message(&format!("m{i}"), i as u64, true)),
            i as u64,
        );
    }
    assert_eq!(log.lines().len(), HISTORY_MAX_MESSAGES);
    assert_eq!(texts(&log)[0], "m3");
}

#[test]
fn a_conflict_marks_every_line_of_the_handle_contested_as_an_alarm() {
    let mut log = timeline();
    log.apply(RoomEvent::Message(message("a", 100, true)), 100);
    let before = log.rows()[0].key();
    log.apply(
        RoomEvent::KeyConflict {
            handle: handle(OTHER),
            keys: Vec::new(),
            verified: false,
        },
        200,
    );
    assert!(matches!(&log.lines()[0], Line::Chat(m) if m.trust == Trust::Contested && !m.verified));
    assert_ne!(log.rows()[0].key(), before);
    assert!(matches!(&log.lines()[1], Line::Notice { notice, .. } if notice.is_alarm()));
}

#[test]
fn notices_get_distinct_keys() {
    let mut log = timeline();
    log.apply(RoomEvent::PeerJoined { peer: peer(OTHER) }, 1);
    log.apply(RoomEvent::PeerJoined { peer: peer(OTHER) }, 1);
    let rows = log.rows();
    assert_ne!(rows[0].key(), rows[1].key());
}

#[test]
fn our_own_other_tab_coming_and_going_is_not_news() {
    let mut log = timeline();
    log.apply(RoomEvent::PeerJoined { peer: peer(ME) }, 1);
    log.apply(
        RoomEvent::PeerLeft {
            peer: peer(ME),
            reason: LeaveReason::Left,
        },
        2,
    );
    assert!(log.is_empty(), "{:?}", texts(&log));
}

#[test]
fn the_host_is_not_told_that_the_host_is_here() {
    let mut log = timeline();
    log.apply(
        RoomEvent::HostPresent {
            host: handle(ME),
            verified: true,
        },
        1,
    );
    log.apply(
        RoomEvent::HostAway {
            host: handle(ME),
            verified: true,
        },
        2,
    );
    assert!(log.is_empty(), "{:?}", texts(&log));
}

#[test]
fn an_unsigned_v1_host_is_a_calm_notice_and_an_impostor_an_alarm() {
    let mut log = timeline();
    log.apply(
        RoomEvent::HostPresent {
            host: handle(OTHER),
            verified: false,
        },
        1,
    );
    log.apply(
        RoomEvent::KeyMismatch {
            handle: handle(OTHER),
            peer_id: PeerId::parse("8899aabbccddeeff").unwrap(),
            pinned_key: crate::sign::PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(
                &[1; 32],
            )),
            received_key: None,
            verified: false,
        },
        2,
    );
    let alarms: Vec<bool> = log
        .lines()
        .iter()
        .map(|line| matches!(line, Line::Notice { notice, .. } if notice.is_alarm()))
        .collect();
    assert_eq!(alarms, [false, true]);
    assert_eq!(
        texts(&log)[0],
        "The host tiny-blue-pear is here, unverified (v1 client)"
    );
}

#[test]
fn one_senders_messages_in_a_row_share_a_header_until_a_pause_or_another_line() {
    let mut log = timeline();
    log.apply(RoomEvent::Message(message("a", 0, true)), 0);
    log.apply(RoomEvent::Message(message("b", 1_000, true)), 1_000);
    log.apply(
        RoomEvent::Message(message("c", 1_000 + GROUP_GAP_MS, true)),
        1_000 + GROUP_GAP_MS,
    );
    log.apply(
        RoomEvent::Message(message_from("d", ME, 2_000 + GROUP_GAP_MS, true)),
        2_000 + GROUP_GAP_MS,
    );
    log.apply(
        RoomEvent::PeerJoined { peer: peer(OTHER) },
        3_000 + GROUP_GAP_MS,
    );
    log.apply(
        RoomEvent::Message(message_from("e", ME, 4_000 + GROUP_GAP_MS, true)),
        4_000 + GROUP_GAP_MS,
    );
    let starts: Vec<bool> = log.rows().iter().map(|row| row.starts_group).collect();
    assert_eq!(starts, [true, false, true, true, false, true]);
}

#[test]
fn an_unverified_line_does_not_hide_under_a_verified_header() {
    let mut log = timeline();
    log.apply(RoomEvent::Message(message("a", 0, true)), 0);
    log.apply(RoomEvent::Message(message("b", 1, false)), 1);
    let starts: Vec<bool> = log.rows().iter().map(|row| row.starts_group).collect();
    assert_eq!(starts, [true, true]);
}

#[test]
fn rejections_are_handed_back_not_logged() {
    let mut log = timeline();
    let reason = log.apply(
        RoomEvent::Rejected {
            reason: "bad".into(),
            verified: false,
        },
        1,
    );
    assert_eq!(reason.as_deref(), Some("bad"));
    assert!(log.is_empty());
}

fn live(offline_since: Option<u64>) -> RoomEvent {
    RoomEvent::Live {
        offline_since,
        verified: true,
    }
}

#[test]
fn people_already_here_when_we_come_are_not_announced_one_by_one() {
    let mut log = timeline();
    log.apply(live(None), 1_000);
    log.apply(RoomEvent::PeerJoined { peer: peer(OTHER) }, 1_200);
    log.apply(
        RoomEvent::PeerJoined {
            peer: peer("soft-lilac-tower"),
        },
        1_000 + PRESENCE_SETTLE_MS,
    );
    assert_eq!(
        texts(&log),
        ["You joined as big-red-apple", "soft-lilac-tower joined"]
    );
}

#[test]
fn coming_back_marks_the_gap_with_both_times_and_does_not_greet_again() {
    let mut log = timeline();
    log.apply(live(None), 1_000);
    log.apply(live(Some(60_000)), 120_000);
    log.apply(RoomEvent::PeerJoined { peer: peer(OTHER) }, 120_500);
    assert_eq!(
        texts(&log),
        ["You joined as big-red-apple", "Offline 60000–120000"]
    );
}

#[test]
fn our_messages_show_where_they_stand_and_a_retry_replaces_the_failed_line() {
    let mut log = timeline();
    let mine = message_from("mine", ME, 10, true);
    let delivery = |id: &str, status| RoomEvent::Delivery {
        id: MessageId::parse(id).unwrap(),
        status,
        verified: true,
    };
    log.apply(RoomEvent::Message(mine), 10);
    log.apply(delivery("mine", Delivery::Pending), 10);
    let pending = log.rows()[0].clone();
    assert_eq!(pending.delivery, Some(Delivery::Pending));
    log.apply(delivery("mine", Delivery::Failed), 20);
    let failed = log.rows()[0].clone();
    assert_eq!(failed.delivery, Some(Delivery::Failed));
    assert_ne!(pending.key(), failed.key(), "the row is redrawn");
    log.apply(delivery("mine", Delivery::Retried), 30);
    log.apply(RoomEvent::Message(message_from("again", ME, 30, true)), 30);
    log.apply(delivery("again", Delivery::Sent), 31);
    assert_eq!(texts(&log), ["again"]);
    assert_eq!(log.rows()[0].delivery, Some(Delivery::Sent));
}

#[test]
fn someone_who_comes_and_goes_at_once_is_not_announced_but_what_they_said_stays() {
    let mut log = timeline();
    log.apply(RoomEvent::PeerJoined { peer: peer(OTHER) }, 10_000);
    log.apply(RoomEvent::Message(message("once", 10_001, true)), 10_001);
    log.apply(
        RoomEvent::PeerLeft {
            peer: peer(OTHER),
            reason: LeaveReason::Left,
        },
        10_002,
    );
    assert_eq!(texts(&log), ["once"]);
    // Someone who stayed a while is seen leaving.
    log.apply(RoomEvent::PeerJoined { peer: peer(OTHER) }, 20_000);
    log.apply(
        RoomEvent::PeerLeft {
            peer: peer(OTHER),
            reason: LeaveReason::Left,
        },
        20_000 + BRIEF_VISIT_MS + 1,
    );
    assert_eq!(
        texts(&log),
        ["once", "tiny-blue-pear joined", "tiny-blue-pear left"]
    );
}

#[test]
fn who_is_typing_shows_until_it_runs_out_or_their_message_comes() {
    let mut log = timeline();
    let typing = |h: &str, until| RoomEvent::Typing {
        peer: peer(h),
        until,
    };
    log.apply(typing(OTHER, 5_000), 0);
    log.apply(typing(ME, 5_000), 0);
    assert_eq!(log.typing(1_000), [handle(OTHER)]);
    assert_eq!(log.typing_expires(1_000), Some(5_000));
    assert!(log.typing(5_000).is_empty());
    log.apply(typing(OTHER, 9_000), 6_000);
    let mut from_them = message("typed", 6_500, true);
    from_them.from = peer(OTHER).peer_id;
    log.apply(RoomEvent::Message(from_them), 6_500);
    assert!(log.typing(6_600).is_empty(), "their message ends it");
    assert_eq!(log.lines().len(), 1, "typing is never a line of the log");
}

#[test]
fn people_are_typing_and_agents_are_working_on_an_answer() {
    let mut log = timeline();
    let typing = |h: &str, id: u8| {
        let mut who = peer(h);
        who.peer_id = PeerId::from_bytes([id; 8]);
        RoomEvent::Typing {
            peer: who,
            until: 5_000,
        }
    };
    assert_eq!(log.typing_line(0), None);
    log.apply(typing(OTHER, 1), 0);
    assert_eq!(
        log.typing_line(1).as_deref(),
        Some("tiny-blue-pear is typing…")
    );
    log.apply(typing("calm-teal-otter-bot", 2), 0);
    assert_eq!(
        log.typing_line(1).as_deref(),
        Some("tiny-blue-pear is typing… · calm-teal-otter-bot is working on an answer…")
    );
    log.apply(typing("swift-jade-lynx-bot", 3), 0);
    assert_eq!(
        log.typing_line(1).as_deref(),
        Some("tiny-blue-pear is typing… · calm-teal-otter-bot and swift-jade-lynx-bot are working on answers…")
    );
}

#[test]
fn the_hosts_rules_and_held_messages_are_told_not_lost() {
    let mut log = timeline();
    let policy = crate::policy::Policy::new(crate::policy::Level::Free, 10, 6).unwrap();
    log.apply(
        RoomEvent::Policy {
            policy,
            verified: true,
        },
        1_000,
    );
    log.apply(
        RoomEvent::Description {
            text: Some("Homework help".into()),
            verified: true,
        },
        1_001,
    );
    log.apply(
        RoomEvent::Held {
            id: MessageId::parse("m1").unwrap(),
            handle: handle("calm-teal-otter-bot"),
            reason: crate::policy::Hidden::Rate,
            why: crate::policy::Hidden::Rate.to_string(),
            hidden: 2,
            verified: false,
        },
        1_002,
    );
    let muted = handle(OTHER);
    let mute = |until| RoomEvent::Sanction {
        handle: muted.clone(),
        kind: crate::policy::SanctionKind::Mute,
        until,
        is_self: false,
        verified: true,
    };
    log.apply(mute(Some(9_000)), 1_003);
    assert!(log.is_muted(&muted, 8_999));
    assert!(!log.is_muted(&muted, 9_000), "a mute runs out");
    log.apply(mute(None), 1_004);
    assert!(!log.is_muted(&muted, 1_005), "and is lifted");
    assert_eq!(log.policy(), Some(&policy));
    assert_eq!(log.description(), Some("Homework help"));
    let (hidden, why) = log.hidden();
    assert_eq!(hidden, 2);
    assert!(why.unwrap().contains("minute"));
    assert_eq!(
        texts(&log),
        [
            "The host set the rules for agents: free, 10 messages a minute each, at most 6 agent-to-agent replies in a row",
            "The host described the room: Homework help",
            "The host muted tiny-blue-pear until 9000",
            "The host unmuted tiny-blue-pear"
        ]
    );
}
