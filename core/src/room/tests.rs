//! Room behaviour driven by a fake clock: every timing rule, history, trust.

use super::*;
use crate::envelope::{
    decode, encode_sealed, encode_signed, encode_unsigned, HistoryRequest, HistoryResponse,
    LogEntry, Presence,
};
use crate::ids::{AvatarSeed, MessageId};
use crate::limits::{
    HISTORY_MAX_MESSAGES, HISTORY_REPLY_JITTER_MS, HOST_GRACE_MS, MAX_PAYLOAD_BYTES,
    MAX_PENDING_HISTORY_REPLIES, MAX_TEXT_CHARS, PEER_TIMEOUT_MS, ROSTER_REPLY_JITTER_MS,
    TIMESTAMP_WINDOW_MS,
};
use crate::secret::AgentSecret;
use crate::sign::{Auth, Verification};
use crate::test_support::{deliver, deliveries, events, messages, payloads, rejections, types};

const T0: u64 = 1_767_225_600_000;

fn secret(n: u8) -> AgentSecret {
    AgentSecret::from_bytes([n; 32])
}

fn local(n: u8) -> LocalPeer {
    LocalPeer::agent(&secret(n), PeerId::from_bytes([n; 8]))
}

fn room_named(name: &str, n: u8) -> Room {
    Room::new(RoomName::parse(name).unwrap(), local(n), T0, u64::from(n))
}

fn open_room(n: u8) -> Room {
    room_named("calc-study", n)
}

fn will_payload(room: &Room, now: u64) -> Vec<u8> {
    match room.will(now) {
        Output::Will { payload, .. } => payload,
        other => panic!("a held key gives its will at once, got {other:?}"),
    }
}

fn send(room: &mut Room, now: u64, text: &str) -> Vec<Output> {
    room.send_text(now, text).unwrap()
}

/// A joins, B joins and hears A's first announce.
fn two_peers() -> (Room, Room) {
    let (mut a, mut b) = (open_room(1), open_room(2));
    let a_join = a.join(T0);
    b.join(T0);
    deliver(&a_join, &mut b, T0);
    (a, b)
}

// ---- joining and beats ----

#[test]
fn join_publishes_a_signed_announce_and_history_request() {
    let mut a = open_room(1);
    let out = a.join(T0);
    assert_eq!(types(&out), ["announce", "history-request"]);
    for payload in payloads(&out) {
        let received = decode(a.topic(), &payload, T0).unwrap();
        assert_eq!(
            received.verification,
            Verification::Verified {
                public_key: secret(1).public_key()
            }
        );
        assert_eq!(received.envelope.from(), local(1).peer_id());
    }
    assert!(events(&out).is_empty(), "an open room has no host");
}

/// The window a beat of period `period` may land in after `from` (jittered by
/// `ANNOUNCE_JITTER_PERMILLE` either way).
fn beat_window(from: u64, period: u64) -> std::ops::RangeInclusive<u64> {
    let spread = period * crate::limits::ANNOUNCE_JITTER_PERMILLE / 1_000;
    from + period - spread..=from + period + spread
}

#[test]
fn announces_repeat_every_interval_moved_at_random_within_a_tenth() {
    let mut a = open_room(1);
    assert_eq!(a.next_deadline(), None, "nothing to do before join");
    a.join(T0);
    let first = a.next_deadline().unwrap();
    assert!(
        beat_window(T0, ANNOUNCE_INTERVAL_MS).contains(&first),
        "{first}"
    );
    assert!(types(&a.tick(first - 1)).is_empty());
    assert_eq!(types(&a.tick(first)), ["announce"]);
    // The history window closes in between; that tick publishes nothing.
    assert_eq!(a.next_deadline(), Some(T0 + HISTORY_REQUEST_TIMEOUT_MS));
    assert!(a.tick(T0 + HISTORY_REQUEST_TIMEOUT_MS).is_empty());
    let second = a.next_deadline().unwrap();
    assert!(
        beat_window(first, ANNOUNCE_INTERVAL_MS).contains(&second),
        "{second}"
    );
    // A late tick (a throttled tab) beats once and reschedules from then.
    assert_eq!(types(&a.tick(T0 + 20_000)), ["announce"]);
    let third = a.next_deadline().unwrap();
    assert!(beat_window(T0 + 20_000, ANNOUNCE_INTERVAL_MS).contains(&third));
}

#[test]
fn beats_stretch_with_the_room_so_presence_costs_25_deliveries_per_peer_per_second() {
    use crate::limits::{announce_interval_ms, MAX_ANNOUNCE_INTERVAL_MS, PEER_TIMEOUT_MS};
    assert_eq!(announce_interval_ms(1), ANNOUNCE_INTERVAL_MS);
    assert_eq!(announce_interval_ms(100), ANNOUNCE_INTERVAL_MS);
    assert_eq!(announce_interval_ms(500), 20_000);
    assert_eq!(announce_interval_ms(1_000), 40_000);
    assert_eq!(announce_interval_ms(5_000), MAX_ANNOUNCE_INTERVAL_MS);
    for n in [10u64, 100, 200, 500, 1_000] {
        let deliveries_per_sec = n * n * 1_000 / announce_interval_ms(n as usize);
        assert!(deliveries_per_sec <= 25 * n, "{n}: {deliveries_per_sec}");
    }
    let latest =
        MAX_ANNOUNCE_INTERVAL_MS * (1_000 + crate::limits::ANNOUNCE_JITTER_PERMILLE) / 1_000;
    assert!(
        2 * latest <= PEER_TIMEOUT_MS,
        "a lost beat never times anyone out"
    );

    // A room of 300: our beat period follows.
    let mut a = open_room(1);
    a.join(T0);
    for n in 0..299u32 {
        let mut seed = [7u8; 32];
        seed[..4].copy_from_slice(&n.to_le_bytes());
        let mut peer = Room::new(
            RoomName::parse("calc-study").unwrap(),
            LocalPeer::agent(
                &AgentSecret::from_bytes(seed),
                PeerId::from_bytes([seed[0], seed[1], seed[2], seed[3], 7, 7, 7, 7]),
            ),
            T0,
            u64::from(n),
        );
        // Arriving over 7.5 s, within the room's budget for strangers.
        let at = T0 + 25 * u64::from(n);
        deliver(&peer.join(at), &mut a, at);
    }
    assert_eq!(a.peers().len(), 300);
    a.tick(T0 + 8_000);
    let beat_at = a.next_deadline().unwrap();
    a.tick(beat_at);
    let next = a.next_deadline().unwrap();
    assert!(
        beat_window(beat_at, 12_000).contains(&next),
        "{}",
        next - beat_at
    );
}

#[test]
fn a_peer_announce_reports_it_joined_once() {
    let (mut a, mut b) = (open_room(1), open_room(2));
    let a_join = a.join(T0);
    b.join(T0);
    let out = deliver(&a_join, &mut b, T0);
    let joined: Vec<RoomEvent> = events(&out);
    assert_eq!(joined.len(), 1);
    let RoomEvent::PeerJoined { peer } = &joined[0] else {
        panic!("expected peer-joined, got {joined:?}");
    };
    assert_eq!(peer.handle, *local(1).handle());
    assert!(peer.verified && !peer.is_self && !peer.is_host);
    let beat = a.tick(T0 + ANNOUNCE_INTERVAL_MS);
    assert!(events(&deliver(&beat, &mut b, T0 + ANNOUNCE_INTERVAL_MS)).is_empty());
}

// ---- departures ----

#[test]
fn a_silent_peer_times_out_after_exactly_the_peer_timeout() {
    let (_a, mut b) = two_peers();
    assert!(b.next_deadline() <= Some(T0 + PEER_TIMEOUT_MS));
    let early = b.tick(T0 + PEER_TIMEOUT_MS - 1);
    assert!(events(&early).is_empty(), "{early:?}");
    let out = b.tick(T0 + PEER_TIMEOUT_MS);
    assert!(matches!(
        events(&out).as_slice(),
        [RoomEvent::PeerLeft { reason: LeaveReason::Timeout, peer }] if peer.handle == *local(1).handle()
    ));
    assert_eq!(b.peers().len(), 1, "only we remain");
}

#[test]
fn beats_keep_a_peer_present_past_the_timeout() {
    let (mut a, mut b) = two_peers();
    let mut now = T0;
    while now < T0 + 2 * PEER_TIMEOUT_MS {
        now += ANNOUNCE_INTERVAL_MS;
        let beat = a.tick(now);
        deliver(&beat, &mut b, now);
        assert!(events(&b.tick(now)).is_empty());
    }
    assert_eq!(b.peers().len(), 2);
}

#[test]
fn an_explicit_leave_removes_the_peer_at_once() {
    let (mut a, mut b) = two_peers();
    let out = a.leave(T0 + 10);
    assert_eq!(types(&out), ["leave"]);
    let seen = deliver(&out, &mut b, T0 + 10);
    assert!(matches!(
        events(&seen).as_slice(),
        [RoomEvent::PeerLeft {
            reason: LeaveReason::Left,
            ..
        }]
    ));
    assert_eq!(b.peers().len(), 1);
    // The leaver is done: no timers, no input.
    assert_eq!(a.next_deadline(), None);
    assert!(a.tick(T0 + 100_000).is_empty());
    let hello = b.send_text(T0 + 20, "hi").unwrap();
    assert!(deliver(&hello, &mut a, T0 + 20).is_empty());
    assert_eq!(a.send_text(T0 + 30, "x"), Err(SendError::Left));
}

#[test]
fn the_last_will_is_a_signed_leave_that_removes_the_peer() {
    let (a, mut b) = two_peers();
    let will = will_payload(&a, T0);
    let received = decode(a.topic(), &will, T0 + 60_000).unwrap();
    assert!(matches!(received.envelope, Envelope::Leave(_)));
    assert!(received.verification.is_verified());
    let out = b.receive(T0 + 60_000, &will);
    assert!(matches!(
        events(&out).as_slice(),
        [RoomEvent::PeerLeft {
            reason: LeaveReason::Left,
            ..
        }]
    ));
}

#[test]
fn a_handle_leaves_only_when_its_last_connection_goes() {
    let (mut a, mut b) = two_peers();
    let mut a2 = Room::new(
        RoomName::parse("calc-study").unwrap(),
        LocalPeer::agent(&secret(1), PeerId::from_bytes([9; 8])),
        T0,
        9,
    );
    let second = a2.join(T0 + 1);
    assert!(events(&deliver(&second, &mut b, T0 + 1)).is_empty());
    assert_eq!(b.peers().len(), 2, "one entry per handle");
    assert!(events(&deliver(&a.leave(T0 + 2), &mut b, T0 + 2)).is_empty());
    let out = deliver(&a2.leave(T0 + 3), &mut b, T0 + 3);
    assert!(matches!(
        events(&out).as_slice(),
        [RoomEvent::PeerLeft { .. }]
    ));
}

#[test]
fn unknown_leaves_change_nothing() {
    let mut b = open_room(2);
    b.join(T0);
    let stranger = open_room(3);
    assert!(b.receive(T0, &will_payload(&stranger, T0)).is_empty());
}

#[test]
fn rejoining_after_leave_works() {
    let (mut a, mut b) = two_peers();
    deliver(&a.leave(T0 + 1), &mut b, T0 + 1);
    let again = a.join(T0 + 2);
    assert_eq!(types(&again), ["announce", "history-request"]);
    assert!(matches!(
        events(&deliver(&again, &mut b, T0 + 2)).as_slice(),
        [RoomEvent::PeerJoined { .. }]
    ));
}

// ---- host ----

/// A room named after peer 1's handle, so peer 1 hosts it.
fn party_room(n: u8) -> Room {
    room_named(secret(1).handle().as_str(), n)
}

#[test]
fn a_room_named_after_a_handle_has_that_host() {
    let room = party_room(2);
    assert_eq!(room.host(), Some(&secret(1).handle()));
    assert_eq!(open_room(2).host(), None);
}

#[test]
fn the_host_joining_its_own_room_is_present() {
    let mut host = party_room(1);
    let out = host.join(T0);
    assert_eq!(
        events(&out),
        [RoomEvent::HostPresent {
            host: secret(1).handle(),
            verified: true,
        }]
    );
    let me = &host.peers()[0];
    assert!(me.is_host && me.is_self);
}

#[test]
fn host_away_is_reported_only_after_the_grace_period() {
    let (mut host, mut guest) = (party_room(1), party_room(2));
    guest.join(T0);
    let arrived = deliver(&host.join(T0), &mut guest, T0);
    assert!(events(&arrived).contains(&RoomEvent::HostPresent {
        host: secret(1).handle(),
        verified: true,
    }));
    let gone_at = T0 + 1_000;
    deliver(&host.leave(gone_at), &mut guest, gone_at);
    assert_eq!(guest.host.deadline(), Some(gone_at + HOST_GRACE_MS));
    assert!(guest.next_deadline() <= Some(gone_at + HOST_GRACE_MS));
    let early = guest.tick(gone_at + HOST_GRACE_MS - 1);
    assert!(events(&early).is_empty());
    assert_eq!(
        events(&guest.tick(gone_at + HOST_GRACE_MS)),
        [RoomEvent::HostAway {
            host: secret(1).handle(),
            verified: true,
        }]
    );
}

#[test]
fn a_host_back_within_the_grace_period_is_never_reported_away() {
    let (mut host, mut guest) = (party_room(1), party_room(2));
    guest.join(T0);
    deliver(&host.join(T0), &mut guest, T0);
    deliver(&host.leave(T0 + 1_000), &mut guest, T0 + 1_000);
    let back = host.join(T0 + 3_000);
    let out = deliver(&back, &mut guest, T0 + 3_000);
    assert!(!events(&out)
        .iter()
        .any(|e| matches!(e, RoomEvent::HostPresent { .. })));
    let later = guest.tick(T0 + 1_000 + HOST_GRACE_MS);
    assert!(events(&later).is_empty(), "{later:?}");
}

#[test]
fn peers_lists_the_host_first_then_by_handle() {
    let mut guest = party_room(2);
    guest.join(T0);
    for n in [3u8, 1, 4] {
        deliver(&party_room(n).join(T0), &mut guest, T0);
    }
    let list = guest.peers();
    assert_eq!(list[0].handle, secret(1).handle());
    assert!(list[0].is_host);
    let rest: Vec<&str> = list[1..].iter().map(|p| p.handle.as_str()).collect();
    let mut sorted = rest.clone();
    sorted.sort_unstable();
    assert_eq!(rest, sorted);
    assert_eq!(list.iter().filter(|p| p.is_self).count(), 1);
}

// ---- messages ----

#[test]
fn sending_reports_the_message_once_and_ignores_the_echo() {
    let mut a = open_room(1);
    a.join(T0);
    let out = send(&mut a, T0 + 5, "hello");
    assert_eq!(types(&out), ["msg"]);
    let shown = messages(&out);
    assert_eq!(shown.len(), 1);
    assert!(shown[0].verified && !shown[0].history);
    assert_eq!(shown[0].text, "hello");
    let id = shown[0].id.clone();
    assert_eq!(deliveries(&out), [(id.clone(), Delivery::Pending)]);
    assert_eq!(
        deliveries(&deliver(&out, &mut a, T0 + 6)),
        [(id, Delivery::Sent)],
        "the echo only confirms it"
    );
    assert!(
        deliver(&out, &mut a, T0 + 7).is_empty(),
        "a second echo is nothing"
    );
    assert_eq!(a.history().len(), 1);
}

#[test]
fn a_reply_names_the_message_it_answers_for_every_receiver_and_in_history() {
    let (mut a, mut b) = two_peers();
    // Both are agents: one answers the other only when it is mentioned.
    let question = format!("@{} 2+2?", b.me().handle());
    let asked = messages(&deliver(&send(&mut a, T0 + 5, &question), &mut b, T0 + 6)).remove(0);
    let out = b.send_reply(T0 + 7, "4", &asked.id).unwrap();
    assert_eq!(messages(&out)[0].re.as_ref(), Some(&asked.id));
    let heard = messages(&deliver(&out, &mut a, T0 + 8)).remove(0);
    assert!(heard.verified);
    assert_eq!(heard.re, Some(asked.id.clone()));
    assert_eq!(
        a.history().back().and_then(|m| m.re.clone()),
        Some(asked.id)
    );
}

#[test]
fn a_received_message_is_shown_once_even_if_delivered_twice() {
    let (mut a, mut b) = two_peers();
    let out = send(&mut a, T0 + 5, "hi b");
    let first = messages(&deliver(&out, &mut b, T0 + 6));
    assert_eq!(first.len(), 1);
    assert!(first[0].verified);
    assert!(deliver(&out, &mut b, T0 + 7).is_empty());
}

#[test]
fn a_message_from_an_unseen_peer_also_reports_the_peer() {
    let (mut a, mut b) = (open_room(1), open_room(2));
    a.join(T0);
    b.join(T0);
    let out = deliver(&send(&mut a, T0, "hi"), &mut b, T0);
    assert!(matches!(
        events(&out).as_slice(),
        [RoomEvent::PeerJoined { .. }, RoomEvent::Message(_)]
    ));
}

#[test]
fn a_room_composes_without_joining_but_refuses_bad_text() {
    let mut a = open_room(1);
    let once = a.send_text(T0, "said once, without joining").unwrap();
    assert_eq!(types(&once), ["msg"], "no announce, no history request");
    a.join(T0);
    assert!(matches!(
        a.send_text(T0, "  "),
        Err(SendError::Text(crate::envelope::TextError::Empty))
    ));
    let long = "x".repeat(MAX_TEXT_CHARS + 1);
    assert!(matches!(
        a.send_text(T0, &long),
        Err(SendError::Text(crate::envelope::TextError::TooLong { .. }))
    ));
}

#[test]
fn message_times_are_clamped_to_the_last_day() {
    let (_, mut b) = two_peers();
    let now = T0 + 1_000;
    for (t, shown_t) in [
        (now + 999_999, now),
        (0, now - TIMESTAMP_WINDOW_MS),
        (now - 10, now - 10),
    ] {
        let msg = Msg {
            id: MessageId::parse(&format!("m{t}")).unwrap(),
            handle: Handle::parse("big-red-apple").unwrap(),
            avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
            name: None,
            text: ChatText::parse("time").unwrap(),
            re: None,
            from: PeerId::from_bytes([7; 8]),
            t,
        };
        let out = b.receive(now, &encode_unsigned(&Envelope::Msg(msg)));
        assert_eq!(messages(&out)[0].t, shown_t);
    }
}

#[test]
fn history_keeps_the_newest_messages_up_to_the_limit() {
    let mut a = open_room(1);
    a.join(T0);
    for i in 0..=HISTORY_MAX_MESSAGES {
        send(&mut a, T0 + u64::try_from(i).unwrap(), &format!("m{i}"));
    }
    assert_eq!(a.history().len(), HISTORY_MAX_MESSAGES);
    assert_eq!(a.history()[0].text, "m1");
    assert_eq!(
        a.history().back().map(|m| m.text.as_str()),
        Some(format!("m{HISTORY_MAX_MESSAGES}").as_str())
    );
}

// ---- v1 peers and trust ----

fn v1_announce(handle: &str, from: u8) -> Vec<u8> {
    encode_unsigned(&Envelope::Announce(Presence {
        handle: Handle::parse(handle).unwrap(),
        avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
        name: None,
        from: PeerId::from_bytes([from; 8]),
        t: T0,
    }))
}

#[test]
fn unsigned_v1_envelopes_are_shown_unverified() {
    let mut b = open_room(2);
    b.join(T0);
    let out = b.receive(T0, &v1_announce("big-red-apple", 7));
    assert!(matches!(
        events(&out).as_slice(),
        [RoomEvent::PeerJoined { peer }] if !peer.verified
    ));
    let msg = Msg {
        id: MessageId::parse("big-red-apple-1-abcdef").unwrap(),
        handle: Handle::parse("big-red-apple").unwrap(),
        avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
        name: None,
        text: ChatText::parse("from v1").unwrap(),
        re: None,
        from: PeerId::from_bytes([7; 8]),
        t: T0,
    };
    let shown = messages(&b.receive(T0, &encode_unsigned(&Envelope::Msg(msg))));
    assert_eq!(shown.len(), 1);
    assert!(!shown[0].verified);
}

#[test]
fn a_tampered_signed_message_is_rejected_not_shown() {
    let (mut a, mut b) = two_peers();
    let out = send(&mut a, T0, "pay alice");
    let payload = String::from_utf8(payloads(&out)[0].clone()).unwrap();
    let forged = payload.replace("pay alice", "pay mallory");
    let result = b.receive(T0, forged.as_bytes());
    assert!(messages(&result).is_empty());
    assert_eq!(rejections(&result).len(), 1, "{result:?}");
}

#[test]
fn a_signed_envelope_from_another_room_is_rejected() {
    let (mut a, _) = two_peers();
    let out = send(&mut a, T0, "for calc-study only");
    let mut elsewhere = room_named("other-room", 2);
    elsewhere.join(T0);
    let result = deliver(&out, &mut elsewhere, T0);
    assert!(messages(&result).is_empty());
    assert_eq!(rejections(&result).len(), 1);
}

#[test]
fn another_key_for_a_learned_handle_is_a_conflict_and_both_are_contested() {
    let (a, mut b) = two_peers();
    let impostor = secret(66).signing_key();
    let forged = Envelope::Announce(Presence {
        handle: a.me().handle().clone(),
        avatar_seed: a.me().avatar_seed().clone(),
        name: None,
        from: PeerId::from_bytes([66; 8]),
        t: T0,
    });
    let out = b.receive(
        T0,
        &encode_signed(b.topic(), &forged, &impostor, Auth::Agent),
    );
    assert_eq!(
        events(&out)[0],
        RoomEvent::KeyConflict {
            handle: a.me().handle().clone(),
            keys: vec![secret(1).public_key(), PublicKey::of(&impostor)],
            verified: false,
        }
    );
    let claimants: Vec<PeerInfo> = b
        .peers()
        .into_iter()
        .filter(|p| p.handle == *a.me().handle())
        .collect();
    assert_eq!(claimants.len(), 2, "both keys are listed, neither dropped");
    assert!(claimants
        .iter()
        .all(|p| p.trust == Trust::Contested && !p.verified));
    // An unsigned claim of the handle (from another connection) is an impostor.
    let mut unsigned_claim = forged.clone();
    if let Envelope::Announce(p) = &mut unsigned_claim {
        p.from = PeerId::from_bytes([67; 8]);
    }
    let unsigned = b.receive(T0, &encode_unsigned(&unsigned_claim));
    assert!(matches!(
        events(&unsigned).as_slice(),
        [
            RoomEvent::KeyMismatch {
                received_key: None,
                ..
            },
            RoomEvent::PeerJoined { .. }
        ]
    ));
    assert_eq!(b.pinned_key(a.me().handle()), Some(&secret(1).public_key()));
}

#[test]
fn nobody_else_can_claim_our_handle() {
    let mut b = open_room(2);
    b.join(T0);
    let mine = b.me().handle().to_string();
    let out = events(&b.receive(T0, &v1_announce(&mine, 7)));
    assert!(matches!(out[0], RoomEvent::KeyMismatch { .. }), "{out:?}");
    assert!(
        matches!(&out[1], RoomEvent::PeerJoined { peer } if peer.trust == Trust::Impostor),
        "listed, flagged as an impostor: {out:?}"
    );
}

#[test]
fn nobody_can_speak_with_our_peer_id() {
    let mut b = open_room(2);
    b.join(T0);
    let out = b.receive(T0, &v1_announce("big-red-apple", 2));
    assert_eq!(rejections(&out).len(), 1, "{out:?}");
    assert_eq!(b.peers().len(), 1);
}

#[test]
fn a_signed_connection_cannot_be_hijacked_by_its_peer_id() {
    let (a, mut b) = two_peers();
    // Same peer id as A, unsigned, trying to say goodbye for it.
    let fake_leave = Envelope::Leave(crate::envelope::Departure::new(
        a.me().peer_id().clone(),
        T0,
    ));
    let out = b.receive(T0, &encode_unsigned(&fake_leave));
    assert_eq!(rejections(&out).len(), 1, "{out:?}");
    assert_eq!(b.peers().len(), 2, "A is still here");
}

#[test]
fn garbage_is_rejected_with_a_reason() {
    let mut b = open_room(2);
    b.join(T0);
    for junk in [
        &b""[..],
        b"{",
        b"[]",
        b"{\"type\":\"typing\",\"from\":\"0011223344556677\"}",
    ] {
        let out = b.receive(T0, junk);
        assert_eq!(rejections(&out).len(), 1, "{junk:?}: {out:?}");
    }
}

// ---- history replay ----

/// A holds `texts`, B joins; returns (a, b, a's outputs to B's request at `T0 + 10`).
fn history_setup(texts: &[&str]) -> (Room, Room, Vec<Output>) {
    history_setup_joined_at(T0, texts)
}

/// As `history_setup`, with A in the room since `a_joined` (long before B, its own
/// history window has closed, so B's request makes it ask for nothing itself).
fn history_setup_joined_at(a_joined: u64, texts: &[&str]) -> (Room, Room, Vec<Output>) {
    let mut a = open_room(1);
    a.join(a_joined);
    for (i, text) in texts.iter().enumerate() {
        send(&mut a, T0 + u64::try_from(i).unwrap(), text);
    }
    let mut b = open_room(2);
    let request = b.join(T0 + 10);
    let out = deliver(&request, &mut a, T0 + 10);
    (a, b, out)
}

/// Runs A's timers to its next history reply and returns what it published.
fn reply_of(a: &mut Room, after: u64) -> (u64, Vec<Output>) {
    let due = a.replies.next_due().expect("a reply is pending");
    assert!((after + HISTORY_REPLY_JITTER_MS.0..=after + HISTORY_REPLY_JITTER_MS.1).contains(&due));
    assert!(types(&a.tick(due - 1))
        .iter()
        .all(|t| t != "history-response"));
    let out = a.tick(due);
    (due, out)
}

#[test]
fn history_is_replayed_after_a_jittered_delay_and_verified() {
    let (mut a, mut b, immediate) =
        history_setup_joined_at(T0 - 2 * HISTORY_REQUEST_TIMEOUT_MS, &["one", "two"]);
    assert!(
        payloads(&immediate).is_empty(),
        "no reply before the jitter"
    );
    let (due, out) = reply_of(&mut a, T0 + 10);
    assert!(types(&out).contains(&"history-response".to_owned()));
    let replayed = messages(&deliver(&out, &mut b, due));
    let texts: Vec<&str> = replayed.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["one", "two"]);
    assert!(replayed.iter().all(|m| m.verified && m.history));
    assert_eq!(b.history().len(), 2);
}

#[test]
fn an_empty_history_sends_no_reply() {
    let (a, _, out) = history_setup_joined_at(T0 - 2 * HISTORY_REQUEST_TIMEOUT_MS, &[]);
    assert!(payloads(&out).is_empty());
    assert_eq!(a.replies.next_due(), None);
}

#[test]
fn history_responses_after_the_window_are_rejected() {
    let (mut a, mut b, _) = history_setup(&["one"]);
    let (_, out) = reply_of(&mut a, T0 + 10);
    let late = T0 + 10 + HISTORY_REQUEST_TIMEOUT_MS;
    b.tick(late);
    let result = deliver(&out, &mut b, late);
    assert!(messages(&result).is_empty());
    assert_eq!(rejections(&result).len(), 1);
}

#[test]
fn replies_from_several_peers_are_merged() {
    let (mut a, mut b, _) = history_setup(&["from a"]);
    let mut c = open_room(3);
    c.join(T0);
    send(&mut c, T0 + 3, "from c");
    let request = payloads(&b.join(T0 + 10));
    for p in &request {
        a.receive(T0 + 10, p);
        c.receive(T0 + 10, p);
    }
    let (_, from_a) = reply_of(&mut a, T0 + 10);
    let (_, from_c) = reply_of(&mut c, T0 + 10);
    deliver(&from_c, &mut b, T0 + 1_300);
    deliver(&from_a, &mut b, T0 + 1_300);
    let texts: Vec<&str> = b.history().iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["from a", "from c"], "ordered by time, nothing lost");
}

#[test]
fn a_fast_empty_reply_does_not_suppress_ours() {
    let (mut a, b, _) = history_setup(&["keep me"]);
    let mallory = secret(99).signing_key();
    let empty = Envelope::HistoryResponse(HistoryResponse {
        to: b.me().peer_id().clone(),
        log: Vec::new(),
        from: PeerId::from_bytes([99; 8]),
        t: T0 + 11,
    });
    a.receive(
        T0 + 11,
        &encode_signed(a.topic(), &empty, &mallory, Auth::Agent),
    );
    a.receive(T0 + 11, &encode_unsigned(&empty));
    let (_, out) = reply_of(&mut a, T0 + 10);
    assert!(types(&out).contains(&"history-response".to_owned()));
}

#[test]
fn a_signed_reply_holding_all_our_messages_makes_ours_unnecessary() {
    let (mut a, mut b, _) = history_setup(&["shared"]);
    // C holds the same message (it saw it live) and answers first.
    let mut c = open_room(3);
    c.join(T0);
    let msg_payloads: Vec<Vec<u8>> = a
        .history
        .entries()
        .map(|e| encode_sealed(&Envelope::Msg(e.msg().clone()), e.seal()))
        .collect();
    for p in &msg_payloads {
        c.receive(T0 + 1, p);
    }
    let request = payloads(&b.join(T0 + 10));
    for p in &request {
        c.receive(T0 + 10, p);
    }
    let (due, from_c) = reply_of(&mut c, T0 + 10);
    deliver(&from_c, &mut a, due);
    assert_eq!(a.replies.next_due(), None, "A's reply was cancelled");
}

#[test]
fn bad_entries_are_dropped_and_good_ones_kept() {
    let (mut a, mut b, _) = history_setup(&["good one", "evil one", "good two"]);
    let (due, out) = reply_of(&mut a, T0 + 10);
    // Strip the response's own signature (as a v1 relay would) and tamper one entry.
    let mut value: serde_json::Value = serde_json::from_slice(&payloads(&out)[0]).unwrap();
    let obj = value.as_object_mut().unwrap();
    for field in ["sig", "pk", "auth"] {
        obj.remove(field);
    }
    obj["log"][1]["text"] = "forged".into();
    obj["log"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"id": "v1-record", "text": "x"}));
    let result = b.receive(due, &serde_json::to_vec(&value).unwrap());
    let texts: Vec<String> = messages(&result).into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["good one", "good two"]);
    let reasons = rejections(&result);
    assert_eq!(reasons.len(), 1);
    assert!(reasons[0].contains("dropped 2 of 4 entries"), "{reasons:?}");
}

#[test]
fn a_signed_response_with_a_tampered_entry_is_rejected_whole() {
    let (mut a, mut b, _) = history_setup(&["one", "two"]);
    let (due, out) = reply_of(&mut a, T0 + 10);
    let mut value: serde_json::Value = serde_json::from_slice(&payloads(&out)[0]).unwrap();
    value["log"][1]["sig"] = value["log"][0]["sig"].clone();
    let result = b.receive(due, &serde_json::to_vec(&value).unwrap());
    assert!(messages(&result).is_empty());
    assert_eq!(rejections(&result).len(), 1, "{result:?}");
}

#[test]
fn a_verified_copy_replaces_a_forged_unverified_one() {
    let (mut a, mut b, _) = history_setup(&["real text"]);
    let real = a.history.entries().next().unwrap().clone();
    let mut forged_msg = real.msg().clone();
    forged_msg.text = ChatText::parse("forged text").unwrap();
    forged_msg.from = PeerId::from_bytes([42; 8]);
    let fast = Envelope::HistoryResponse(HistoryResponse {
        to: b.me().peer_id().clone(),
        log: vec![LogEntry::new(forged_msg, None)],
        from: PeerId::from_bytes([42; 8]),
        t: T0 + 11,
    });
    let first = messages(&b.receive(T0 + 11, &encode_unsigned(&fast)));
    assert!(!first[0].verified);
    let (due, out) = reply_of(&mut a, T0 + 10);
    let second = messages(&deliver(&out, &mut b, due));
    assert_eq!(second.len(), 1);
    assert!(second[0].verified);
    assert_eq!(second[0].text, "real text");
    assert_eq!(b.history().len(), 1);
    assert_eq!(b.history()[0].text, "real text");
}

#[test]
fn pending_replies_are_capped() {
    let (mut a, _, _) = history_setup(&["x"]);
    let mut refused = 0;
    for n in 0..=u8::try_from(MAX_PENDING_HISTORY_REPLIES).unwrap() {
        let request = Envelope::HistoryRequest(HistoryRequest {
            from: PeerId::from_bytes([100 + n; 8]),
            t: T0,
        });
        refused += rejections(&a.receive(T0, &encode_unsigned(&request))).len();
    }
    // B's request from history_setup is pending too.
    assert_eq!(refused, 2);
}

// Measured (e2e reconnect test): after a broker restart the bridge answered the
// history requests of `party listen` and of a browser, then the browser's own; the
// browser charged all three to the bridge's budget of history responses and dropped
// its own answer, losing the message only the bridge held.
#[test]
fn answers_to_other_joiners_do_not_use_up_the_budget_for_ours() {
    let mut a = open_room(1);
    let a_join = a.join(T0 - 2 * HISTORY_REQUEST_TIMEOUT_MS);
    send(&mut a, T0, "only a holds this");
    let mut b = open_room(2);
    b.join(T0 + 10);
    deliver(&a_join, &mut b, T0 + 10);
    send(&mut b, T0 + 11, "only b holds this");
    // B owes the first two joiners an answer, and nothing to the third.
    for joiner in [7u8, 8] {
        deliver(&open_room(joiner).join(T0 + 15), &mut b, T0 + 15);
    }
    for (i, other) in [7u8, 8, 9].into_iter().enumerate() {
        let now = T0 + 20 + u64::try_from(i).unwrap();
        let to_other = a.history_response(PeerId::from_bytes([other; 8]), now);
        assert!(rejections(&deliver(&[to_other], &mut b, now)).is_empty());
    }
    let ours = a.history_response(b.me().peer_id().clone(), T0 + 30);
    let out = deliver(&[ours], &mut b, T0 + 30);
    assert!(rejections(&out).is_empty(), "{:?}", rejections(&out));
    let texts: Vec<&str> = b.history().iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["only a holds this", "only b holds this"]);
    assert!(
        [7u8, 8]
            .iter()
            .all(|j| b.replies.is_pending(&PeerId::from_bytes([*j; 8]))),
        "A's answers lack B's message, so B still answers"
    );
}

#[test]
fn a_full_history_response_fits_one_publish() {
    let mut a = open_room(1);
    a.join(T0);
    // Control characters are escaped as \u00XX: the worst case for JSON size.
    let worst = "\u{1}".repeat(MAX_TEXT_CHARS);
    for i in 0..60u64 {
        send(&mut a, T0 + i, &worst);
    }
    assert!(a.history().len() < 60, "the byte budget trimmed history");
    let out = a.history_response(PeerId::from_bytes([2; 8]), T0 + 100);
    let payload = &payloads(&[out])[0];
    assert!(
        payload.len() <= MAX_PAYLOAD_BYTES,
        "{} bytes",
        payload.len()
    );
    assert!(
        payload.len() > MAX_PAYLOAD_BYTES - 2 * 24_100,
        "budget used, not wasted: {} bytes",
        payload.len()
    );
    let received = decode(a.topic(), payload, T0 + 100).unwrap();
    let Envelope::HistoryResponse(response) = received.envelope else {
        panic!("not a history-response");
    };
    assert_eq!(response.log.len(), a.history().len());
}

#[test]
fn next_deadline_is_the_earliest_timer() {
    let (a, _b, _) = history_setup(&["x"]);
    let due = a.replies.next_due().unwrap();
    let roster_due = a.roster_replies.next_due().unwrap();
    assert_eq!(
        a.next_deadline(),
        Some(due.min(roster_due).min(a.members.next_announce().unwrap()))
    );
}

#[test]
fn a_signed_newcomer_is_told_who_is_here_by_one_roster_within_a_second() {
    let mut present: Vec<Room> = (1..=3).map(open_room).collect();
    for i in 0..present.len() {
        let joined = present[i].join(T0);
        for (j, other) in present.iter_mut().enumerate() {
            if i != j {
                deliver(&joined, other, T0);
            }
        }
    }
    let arrival = T0 + 10_000;
    for room in &mut present {
        // Their own joins' rosters and history windows are long done.
        room.tick(arrival - 1);
    }
    let mut newcomer = open_room(9);
    let asked = newcomer.join(arrival);
    for room in &mut present {
        let heard = deliver(&asked, room, arrival);
        assert!(
            payloads(&heard).is_empty(),
            "nobody beats early for a signed newcomer"
        );
    }
    // The first peer due answers; the others see its roster and stay quiet.
    let first = (0..present.len())
        .min_by_key(|&i| present[i].roster_replies.next_due().unwrap())
        .unwrap();
    let due = present[first].roster_replies.next_due().unwrap();
    assert!(due - arrival <= ROSTER_REPLY_JITTER_MS.1);
    let roster = present[first].tick(due);
    assert_eq!(types(&roster), ["roster"]);
    for (i, room) in present.iter_mut().enumerate() {
        if i != first {
            deliver(&roster, room, due);
            assert!(types(&room.tick(arrival + 1_000))
                .iter()
                .all(|t| t != "roster"));
        }
    }
    let seen = deliver(&roster, &mut newcomer, due);
    let joined: Vec<String> = events(&seen)
        .iter()
        .filter_map(|e| match e {
            RoomEvent::PeerJoined { peer } => Some(peer.handle.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(joined.len(), 3, "{seen:?}");
    assert_eq!(newcomer.peers().len(), 4);
    assert!(newcomer.peers().iter().all(|p| p.verified));
}

#[test]
fn a_roster_cannot_bring_back_someone_who_left() {
    let (mut a, mut b) = two_peers();
    let mut c = open_room(3);
    let c_join = c.join(T0 + 1);
    deliver(&c_join, &mut a, T0 + 1);
    deliver(&c_join, &mut b, T0 + 1);
    b.tick(T0 + 5_000);
    // The newcomer asks; B's roster, composed now, lists C.
    let mut newcomer = open_room(9);
    let asked = newcomer.join(T0 + 6_000);
    deliver(&c_join, &mut newcomer, T0 + 6_000);
    deliver(&asked, &mut b, T0 + 6_000);
    let due = b.roster_replies.next_due().unwrap();
    let roster = b.tick(due);
    assert_eq!(types(&roster), ["roster"]);
    // C leaves before the roster reaches the newcomer.
    deliver(&c.leave(due), &mut newcomer, due);
    assert!(!newcomer
        .peers()
        .iter()
        .any(|p| p.handle == secret(3).handle()));
    let seen = deliver(&roster, &mut newcomer, due + 1);
    assert!(
        !newcomer
            .peers()
            .iter()
            .any(|p| p.handle == secret(3).handle()),
        "C is back: {seen:?}"
    );
    assert!(newcomer
        .peers()
        .iter()
        .any(|p| p.handle == secret(1).handle()));
}

#[test]
fn a_v1_newcomer_in_a_small_room_gets_an_early_beat_keeping_the_minimum_gap() {
    let mut old = open_room(1);
    old.join(T0);
    let arrival = T0 + 200;
    old.receive(arrival, &v1_announce("new-misty-mouse", 7));
    assert_eq!(old.next_deadline(), Some(T0 + PRESENCE_REPLY_MIN_GAP_MS));
    assert!(payloads(&old.tick(T0 + PRESENCE_REPLY_MIN_GAP_MS - 1)).is_empty());
    assert_eq!(
        types(&old.tick(T0 + PRESENCE_REPLY_MIN_GAP_MS)),
        ["announce"]
    );
    // A known connection announcing again does not pull the beat forward.
    let before = old.next_deadline();
    old.receive(arrival + 2_000, &v1_announce("new-misty-mouse", 7));
    assert_eq!(old.next_deadline(), before);
}

// ---- several local members (the IRC bridge) ----

/// A bridge room with members 1 (primary) and 3, and a remote peer 2 hearing both.
fn bridge_and_remote() -> (Room, Room) {
    let (mut bridge, mut remote) = (open_room(1), open_room(2));
    let joined = bridge.join(T0);
    remote.join(T0);
    deliver(&joined, &mut remote, T0);
    let added = bridge.add_member(T0, local(3)).unwrap();
    assert_eq!(types(&added), ["announce"]);
    let seen = deliver(&added, &mut remote, T0);
    assert!(events(&seen)
        .iter()
        .any(|e| matches!(e, RoomEvent::PeerJoined { peer } if peer.handle == secret(3).handle())));
    (bridge, remote)
}

#[test]
fn every_member_beats_on_its_own_schedule() {
    let (mut bridge, _) = bridge_and_remote();
    let later = T0 + 1_000;
    bridge.add_member(later, local(4)).unwrap();
    let first = bridge.next_deadline().unwrap();
    assert!(beat_window(T0, ANNOUNCE_INTERVAL_MS).contains(&first));
    let mut beats = 0;
    let mut at = first;
    // Until the newest member's first beat, each member beats once.
    while at <= later + ANNOUNCE_INTERVAL_MS * 9 / 10 {
        beats += payloads(&bridge.tick(at)).len();
        at = bridge.next_deadline().unwrap();
    }
    assert_eq!(beats, 2, "members 1 and 3, on their own schedule");
    assert!(
        beat_window(later, ANNOUNCE_INTERVAL_MS).contains(&at)
            || at < later + ANNOUNCE_INTERVAL_MS * 11 / 10
    );
}

#[test]
fn a_member_speaks_signed_under_its_own_handle_and_its_echo_is_dropped() {
    let (mut bridge, mut remote) = bridge_and_remote();
    let sent = bridge
        .send_text_as(T0 + 10, &PeerId::from_bytes([3; 8]), "from three", None)
        .unwrap();
    let local_copy = messages(&sent);
    assert_eq!(local_copy.len(), 1);
    assert_eq!(local_copy[0].handle, secret(3).handle());
    let heard = messages(&deliver(&sent, &mut remote, T0 + 10));
    assert_eq!(heard.len(), 1);
    assert!(heard[0].verified);
    assert_eq!(heard[0].from, PeerId::from_bytes([3; 8]));
    assert_eq!(
        deliveries(&deliver(&sent, &mut bridge, T0 + 10)),
        [(local_copy[0].id.clone(), Delivery::Sent)],
        "echo"
    );
}

#[test]
fn sending_as_a_stranger_is_refused() {
    let (mut bridge, _) = bridge_and_remote();
    let stranger = PeerId::from_bytes([9; 8]);
    assert_eq!(
        bridge.send_text_as(T0, &stranger, "hi", None),
        Err(SendError::NotAMember(stranger))
    );
}

#[test]
fn nobody_can_speak_with_a_members_peer_id() {
    let (mut bridge, _) = bridge_and_remote();
    let forged = encode_signed(
        "party-2026-v1/party/calc-study",
        &Envelope::Announce(Presence {
            handle: secret(5).handle(),
            avatar_seed: secret(5).avatar_seed(),
            name: None,
            from: PeerId::from_bytes([3; 8]),
            t: T0,
        }),
        &secret(5).signing_key(),
        Auth::Agent,
    );
    assert_eq!(rejections(&bridge.receive(T0, &forged)).len(), 1);
}

#[test]
fn a_removed_member_says_goodbye_and_the_others_stay() {
    let (mut bridge, mut remote) = bridge_and_remote();
    let out = bridge.remove_member(T0 + 5, &PeerId::from_bytes([3; 8]));
    assert_eq!(types(&out), ["leave"]);
    let seen = deliver(&out, &mut remote, T0 + 5);
    assert!(events(&seen).iter().any(
        |e| matches!(e, RoomEvent::PeerLeft { peer, .. } if peer.handle == secret(3).handle())
    ));
    assert_eq!(bridge.member_count(), 1);
    assert!(bridge.send_text(T0 + 6, "still here").is_ok());
    assert!(bridge
        .remove_member(T0 + 7, &PeerId::from_bytes([3; 8]))
        .is_empty());
}

#[test]
fn removing_the_primary_hands_the_room_to_the_next_member() {
    let (mut bridge, _) = bridge_and_remote();
    bridge.remove_member(T0, &PeerId::from_bytes([1; 8]));
    assert_eq!(bridge.me().peer_id(), &PeerId::from_bytes([3; 8]));
    let last = bridge.remove_member(T0 + 1, &PeerId::from_bytes([3; 8]));
    assert_eq!(types(&last), ["leave"]);
    assert_eq!(
        bridge.next_deadline(),
        None,
        "the last member leaving ends the room"
    );
}

#[test]
fn leave_says_goodbye_for_every_member() {
    let (mut bridge, _) = bridge_and_remote();
    assert_eq!(types(&bridge.leave(T0 + 1)), ["leave", "leave"]);
    assert_eq!(bridge.member_count(), 1);
}

/// Two different secrets with the same handle (2^20 handles: a birthday search finds
/// a pair in about a thousand tries).
fn handle_collision() -> (AgentSecret, AgentSecret) {
    let mut seen = std::collections::HashMap::new();
    for i in 0u32.. {
        let mut bytes = [0u8; 32];
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        let candidate = AgentSecret::from_bytes(bytes);
        if let Some(first) = seen.insert(candidate.handle(), bytes) {
            return (AgentSecret::from_bytes(first), candidate);
        }
    }
    unreachable!("u32 space exhausted")
}

#[test]
fn a_member_cannot_join_with_a_handle_pinned_to_another_key() {
    let (original, clash) = handle_collision();
    let mut bridge = open_room(1);
    bridge.join(T0);
    let mut remote = Room::new(
        RoomName::parse("calc-study").unwrap(),
        LocalPeer::agent(&original, PeerId::from_bytes([0x44; 8])),
        T0,
        44,
    );
    deliver(&remote.join(T0), &mut bridge, T0);
    let same_key = LocalPeer::agent(&original, PeerId::from_bytes([0x45; 8]));
    assert!(
        bridge.add_member(T0, same_key).is_ok(),
        "the same key is the same identity"
    );
    let other_key = LocalPeer::agent(&clash, PeerId::from_bytes([0x46; 8]));
    assert_eq!(
        bridge.add_member(T0, other_key).err(),
        Some(MemberError::HandlePinnedToAnotherKey(original.handle()))
    );
}

#[test]
fn members_must_be_added_to_a_joined_room_and_are_bounded() {
    let mut idle = open_room(1);
    assert_eq!(
        idle.add_member(T0, local(2)).err(),
        Some(MemberError::NotJoined)
    );
    let mut room = open_room(1);
    room.join(T0);
    assert_eq!(
        room.add_member(T0, local(1)).err(),
        Some(MemberError::PeerIdInUse(PeerId::from_bytes([1; 8])))
    );
    let mut n: u16 = 0;
    while room.member_count() < crate::limits::MAX_LOCAL_MEMBERS {
        n += 1;
        let id = PeerId::from_bytes([n.to_be_bytes()[0], n.to_be_bytes()[1], 0xee, 0, 0, 0, 0, 0]);
        room.add_member(T0, LocalPeer::agent(&secret(2), id))
            .unwrap();
    }
    let one_more = LocalPeer::agent(&secret(2), PeerId::from_bytes([0xff; 8]));
    assert_eq!(room.add_member(T0, one_more).err(), Some(MemberError::Full));
}

#[test]
fn a_remote_connection_of_a_members_handle_still_comes_and_goes() {
    let (mut bridge, _) = bridge_and_remote();
    // Member 3's key, used from a browser too.
    let mut browser = Room::new(
        RoomName::parse("calc-study").unwrap(),
        LocalPeer::agent(&secret(3), PeerId::from_bytes([0x33; 8])),
        T0,
        33,
    );
    let seen = deliver(&browser.join(T0), &mut bridge, T0);
    assert!(events(&seen).iter().any(
        |e| matches!(e, RoomEvent::PeerJoined { peer } if peer.peer_id == PeerId::from_bytes([0x33; 8]) && !peer.is_self)
    ));
    assert!(bridge
        .remote_peers()
        .iter()
        .any(|p| p.handle == secret(3).handle()));
    let gone = deliver(&browser.leave(T0 + 1), &mut bridge, T0 + 1);
    assert!(events(&gone)
        .iter()
        .any(|e| matches!(e, RoomEvent::PeerLeft { .. })));
}

#[test]
fn the_host_as_a_member_makes_the_host_present() {
    let host_secret = secret(3);
    let mut bridge = room_named(host_secret.handle().as_str(), 1);
    let joined = bridge.join(T0);
    assert!(!events(&joined)
        .iter()
        .any(|e| matches!(e, RoomEvent::HostPresent { .. })));
    let added = bridge.add_member(T0, local(3)).unwrap();
    assert!(events(&added)
        .iter()
        .any(|e| matches!(e, RoomEvent::HostPresent { verified: true, .. })));
    bridge.remove_member(T0 + 1, &PeerId::from_bytes([3; 8]));
    let away = bridge.tick(T0 + 1 + HOST_GRACE_MS);
    assert!(events(&away)
        .iter()
        .any(|e| matches!(e, RoomEvent::HostAway { .. })));
}

#[test]
fn a_renamed_member_beats_with_its_new_name() {
    let (mut bridge, mut remote) = bridge_and_remote();
    let name = crate::ids::DisplayName::parse("calcbot").unwrap();
    let out = bridge.rename_member(T0 + 3, &PeerId::from_bytes([3; 8]), Some(name));
    assert_eq!(types(&out), ["announce"]);
    deliver(&out, &mut remote, T0 + 3);
    let listed = remote.peers();
    let three = listed
        .iter()
        .find(|p| p.handle == secret(3).handle())
        .unwrap();
    assert_eq!(three.name.as_deref(), Some("calcbot"));
}

#[test]
fn a_composed_message_is_shown_before_it_is_signed_and_sent_once_sealed() {
    let (mut bridge, mut remote) = bridge_and_remote();
    let three = PeerId::from_bytes([3; 8]);
    let composed = bridge
        .compose_as(T0 + 1, &three, "fast path", None)
        .unwrap();
    assert_eq!(composed.message().text, "fast path");
    assert!(
        bridge.history().is_empty(),
        "not in history before it is sealed"
    );
    let out = bridge.seal_composed(composed);
    assert_eq!(types(&out), ["msg"]);
    assert_eq!(bridge.history().len(), 1);
    let heard = messages(&deliver(&out, &mut remote, T0 + 1));
    assert!(heard[0].verified && heard[0].text == "fast path");
    assert!(
        messages(&deliver(&out, &mut bridge, T0 + 1)).is_empty(),
        "echo"
    );
}

#[test]
fn a_message_composed_by_a_member_who_then_left_is_never_signed() {
    let (mut bridge, _) = bridge_and_remote();
    let three = PeerId::from_bytes([3; 8]);
    let composed = bridge.compose_as(T0 + 1, &three, "too late", None).unwrap();
    bridge.remove_member(T0 + 2, &three);
    let out = bridge.seal_composed(composed);
    assert!(payloads(&out).is_empty(), "nothing is published");
    assert!(
        matches!(events(&out).as_slice(), [RoomEvent::Rejected { reason, .. }] if reason.contains("left before")),
        "the sender hears why: {out:?}"
    );
}

// ---- around a lost connection ----

#[test]
fn a_message_never_echoed_before_a_loss_is_published_again_on_rejoin_and_shown_once() {
    let (mut a, mut b) = two_peers();
    let confirmed = send(&mut a, T0 + 1, "confirmed");
    for p in payloads(&confirmed) {
        assert!(messages(&a.receive(T0 + 2, &p)).is_empty(), "our echo");
    }
    let lost = send(&mut a, T0 + 3, "lost with the connection");
    // The connection dies before the broker passed it on: B never hears it.
    let rejoin = a.join(T0 + 10_000);
    let again: Vec<Vec<u8>> = payloads(&rejoin)
        .into_iter()
        .filter(|p| String::from_utf8_lossy(p).contains("\"type\":\"msg\""))
        .collect();
    assert_eq!(
        again,
        payloads(&lost),
        "only the unconfirmed message, as it was"
    );
    let shown = messages(&deliver(&rejoin, &mut b, T0 + 10_001));
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].text, "lost with the connection");
    // Had B heard the first copy, the second changes nothing there.
    assert!(messages(&deliver(&rejoin, &mut b, T0 + 10_002)).is_empty());
    // Once echoed, it is not sent a third time.
    for p in &again {
        a.receive(T0 + 10_003, p);
    }
    let third = a.join(T0 + 20_000);
    assert!(!payloads(&third)
        .iter()
        .any(|p| String::from_utf8_lossy(p).contains("\"type\":\"msg\"")));
}

#[test]
fn a_joiner_whose_window_is_open_asks_again_once_when_another_joiner_asks() {
    // After a broker restart A came back first and asked when nobody could answer;
    // B comes back holding what A missed, and asks in turn.
    let (mut a, mut b, out) = history_setup(&["said before the restart"]);
    assert_eq!(types(&out), ["history-request"], "A asks again, once");
    let again = deliver(&b.join(T0 + 20), &mut a, T0 + 20);
    assert!(!types(&again).contains(&"history-request".to_owned()));
}

// ---- delivery of our own messages ----

#[test]
fn a_message_the_broker_skipped_fails_when_a_later_one_comes_back() {
    let mut a = open_room(1);
    a.join(T0);
    let dropped = send(&mut a, T0 + 1, "dropped by the broker");
    let later = send(&mut a, T0 + 2, "went through");
    let dropped_id = messages(&dropped)[0].id.clone();
    let later_id = messages(&later)[0].id.clone();
    assert_eq!(
        deliveries(&deliver(&later, &mut a, T0 + 3)),
        [(dropped_id, Delivery::Failed), (later_id, Delivery::Sent)]
    );
}

#[test]
fn a_message_unconfirmed_for_too_long_fails_and_a_retry_sends_its_text_anew() {
    use crate::limits::OUTBOX_MAX_AGE_MS;
    let mut a = open_room(1);
    a.join(T0);
    let first = send(&mut a, T0 + 1, "are you there?");
    let old_id = messages(&first)[0].id.clone();
    assert!(a
        .next_deadline()
        .is_some_and(|at| at <= T0 + 1 + OUTBOX_MAX_AGE_MS));
    assert!(deliveries(&a.tick(T0 + OUTBOX_MAX_AGE_MS)).is_empty());
    assert_eq!(
        deliveries(&a.tick(T0 + 1 + OUTBOX_MAX_AGE_MS)),
        [(old_id.clone(), Delivery::Failed)]
    );
    let retried = a.retry(T0 + 2 + OUTBOX_MAX_AGE_MS, &old_id).unwrap();
    let new = messages(&retried);
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].text, "are you there?");
    assert_ne!(new[0].id, old_id);
    assert_eq!(
        deliveries(&retried),
        [
            (old_id.clone(), Delivery::Retried),
            (new[0].id.clone(), Delivery::Pending)
        ]
    );
    assert_eq!(types(&retried), ["msg"]);
    assert_eq!(
        a.retry(T0 + 3 + OUTBOX_MAX_AGE_MS, &old_id),
        Err(SendError::NothingToRetry(old_id)),
        "a retried message cannot be retried twice"
    );
}

#[test]
fn a_message_the_key_would_not_sign_fails_and_can_be_retried() {
    use crate::passkey::Credential;
    use crate::sign::KeyOrigin;
    let credential = Credential::from_raw_id(&[9; 16]).unwrap();
    let key = PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(&[9; 32]));
    let me = LocalPeer::human_with(
        &credential,
        crate::sign::PeerKey::External(key),
        KeyOrigin::Passkey,
        PeerId::from_bytes([9; 8]),
    );
    let mut a = Room::new(RoomName::parse("calc-study").unwrap(), me, T0, 9);
    let out = a.send_text(T0, "sign me").unwrap();
    let id = messages(&out)[0].id.clone();
    let request = out
        .iter()
        .find_map(|o| match o {
            Output::Sign(request) => Some(request.clone()),
            _ => None,
        })
        .unwrap();
    let failed = a.signing_failed(request.id, "cancelled");
    assert_eq!(deliveries(&failed), [(id.clone(), Delivery::Failed)]);
    assert!(a.retry(T0 + 1, &id).is_ok());
}

// ---- meeting Party v1 clients ----

#[test]
fn our_leave_names_no_handle_so_v1_does_not_take_it_for_a_sign_of_life() {
    let mut a = open_room(1);
    a.join(T0);
    let out = a.leave(T0 + 1);
    let leave: serde_json::Value = serde_json::from_slice(&payloads(&out)[0]).unwrap();
    assert_eq!(leave["type"], "leave");
    // v1's _dispatch refreshes a peer on any envelope with a valid `handle`.
    assert!(leave.get("handle").is_none(), "{leave}");
    assert!(leave.get("avatarSeed").is_none(), "{leave}");
}

#[test]
fn a_signed_leave_from_an_earlier_client_that_named_its_handle_still_counts() {
    let (a, mut b) = two_peers();
    let secret = secret(1);
    let old_style = Envelope::Leave(crate::envelope::Departure {
        from: a.me().peer_id().clone(),
        t: T0 + 5,
        legacy: Some(crate::envelope::LegacyPresence {
            handle: secret.handle(),
            avatar_seed: secret.avatar_seed(),
            name: None,
        }),
    });
    let payload = encode_signed(b.topic(), &old_style, &secret.signing_key(), Auth::Agent);
    let out = b.receive(T0 + 5, &payload);
    assert!(
        matches!(events(&out).as_slice(), [RoomEvent::PeerLeft { .. }]),
        "{out:?}"
    );
}

#[test]
fn a_v1_hosts_history_records_are_shown_as_unverified_history_not_dropped() {
    let mut joiner = room_named("big-red-apple", 2);
    joiner.join(T0);
    let response = serde_json::json!({
        "type": "history-response",
        "to": joiner.me().peer_id().as_str(),
        "log": [
            {"id": "big-red-apple-1767225500000-a1b2c3", "room": "big-red-apple",
             "from": "big-red-apple", "fromAvatar": "66687aadf862bd776c8fc18b8e9f8e20",
             "text": "welcome to my v1 party", "ts": T0 - 100_000},
            {"id": "big-red-apple-1767225500001-a1b2c4", "room": "big-red-apple",
             "from": "big-red-apple", "fromAvatar": "66687aadf862bd776c8fc18b8e9f8e20",
             "text": "second line", "ts": T0 - 99_000, "replayed": true},
        ],
        "from": "8899aabbccddeeff",
        "t": T0 + 500,
    });
    let out = joiner.receive(T0 + 500, response.to_string().as_bytes());
    let shown = messages(&out);
    assert_eq!(shown.len(), 2, "{out:?}");
    assert!(shown
        .iter()
        .all(|m| m.history && m.trust == Trust::Unverified));
    assert_eq!(shown[0].text, "welcome to my v1 party");
    assert_eq!(shown[0].t, T0 - 100_000);
    assert_eq!(shown[0].handle.as_str(), "big-red-apple");
    assert_eq!(
        shown[0].from, shown[1].from,
        "one sender's lines group together"
    );
    assert!(rejections(&out).is_empty(), "{out:?}");
}

#[test]
fn a_one_shot_sender_is_gone_as_soon_as_its_message_is_heard() {
    let mut listener = open_room(2);
    listener.join(T0);
    let mut once = open_room(5);
    let out = once.send_once(T0 + 1, "one shot", None).unwrap();
    assert_eq!(types(&out), ["msg", "leave"]);
    let heard = deliver(&out, &mut listener, T0 + 2);
    assert_eq!(messages(&heard)[0].text, "one shot");
    assert!(
        events(&heard).iter().any(|e| matches!(
            e,
            RoomEvent::PeerLeft {
                reason: LeaveReason::Left,
                ..
            }
        )),
        "{heard:?}"
    );
    assert_eq!(listener.peers().len(), 1, "only the listener itself");
}

// ---- typing ----

#[test]
fn typing_goes_out_at_most_every_interval_names_no_handle_and_a_message_ends_it() {
    use crate::limits::{TYPING_INTERVAL_MS, TYPING_SHOWN_MS};
    let (mut a, mut b) = two_peers();
    let first = a.typing(T0 + 10);
    assert_eq!(types(&first), ["typing"]);
    let wire: serde_json::Value = serde_json::from_slice(&payloads(&first)[0]).unwrap();
    assert!(
        wire.get("handle").is_none(),
        "v1 must not take it for a sign of life: {wire}"
    );
    assert!(
        a.typing(T0 + 10 + TYPING_INTERVAL_MS - 1).is_empty(),
        "every keystroke is not a typing"
    );
    let seen = deliver(&first, &mut b, T0 + 11);
    assert!(
        matches!(events(&seen).as_slice(), [RoomEvent::Typing { peer, until }]
            if peer.handle == secret(1).handle() && *until == T0 + 11 + TYPING_SHOWN_MS),
        "{seen:?}"
    );
    send(&mut a, T0 + 20, "done typing");
    assert_eq!(
        types(&a.typing(T0 + 21)),
        ["typing"],
        "a new message, a new typing"
    );
}

#[test]
fn typing_from_a_connection_the_room_does_not_track_shows_nobody() {
    let mut b = open_room(2);
    b.join(T0);
    let mut stranger = open_room(5);
    stranger.join(T0);
    let typing = stranger.typing(T0 + 1);
    assert!(deliver(&typing, &mut b, T0 + 1).is_empty());
}

#[test]
fn only_a_few_peers_answer_a_joiner_and_the_rest_never_parse_rosters_for_others() {
    use crate::limits::ROSTER_RESPONDERS;
    let mut present: Vec<Room> = (1..=20).map(open_room).collect();
    for i in 0..present.len() {
        let joined = present[i].join(T0);
        for (j, other) in present.iter_mut().enumerate() {
            if i != j {
                deliver(&joined, other, T0);
            }
        }
    }
    for room in &mut present {
        room.tick(T0 + 9_999);
        assert_eq!(room.peers().len(), 20);
    }
    let mut newcomer = open_room(99);
    let asked = newcomer.join(T0 + 10_000);
    let mut answering = 0;
    for room in &mut present {
        deliver(&asked, room, T0 + 10_000);
        answering += usize::from(room.roster_replies.next_due().is_some());
    }
    assert_eq!(answering, ROSTER_RESPONDERS);

    // A roster for someone else, owed nothing: dropped on its first bytes, so even a
    // broken one costs nothing. For us, it is read (and this one is refused).
    let other = newcomer.me().peer_id().clone();
    let broken = format!("{{\"type\":\"roster\",\"to\":\"{other}\",\"peers\":[not json");
    let idle = present
        .iter_mut()
        .find(|room| room.roster_replies.next_due().is_none())
        .unwrap();
    assert!(idle.receive(T0 + 10_001, broken.as_bytes()).is_empty());
    assert_eq!(
        rejections(&newcomer.receive(T0 + 10_001, broken.as_bytes())).len(),
        1
    );
}

#[test]
fn an_agent_never_publishes_its_own_secret_or_a_credential() {
    let mut a = open_room(1);
    a.join(T0);
    let leak = format!("here you go: {}", secret(1).to_base64url());
    let err = a.send_text(T0 + 1, &leak).unwrap_err();
    assert_eq!(
        err,
        SendError::Credential(crate::credentials::Credential::OwnSecret)
    );
    assert!(err.to_string().contains("own secret"), "{err}");
    let err = a
        .send_text(T0 + 2, "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")
        .unwrap_err();
    assert_eq!(
        err,
        SendError::Credential(crate::credentials::Credential::AwsAccessKey)
    );
    assert!(a.history().is_empty(), "nothing was kept or sent");
}
