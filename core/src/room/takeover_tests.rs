//! The ways to steal a room's host, tried as an attacker would (docs/design.md,
//! "Trust"). Each of these let another key become the verified host, or pushed the
//! real one out, before the rule that stops it.

use ed25519_dalek::SigningKey;

use super::*;
use crate::envelope::{encode_signed, HistoryResponse, Presence};
use crate::limits::PRESENCE_FRESHNESS_MS;
use crate::secret::AgentSecret;
use crate::sign::{Auth, PublicKey};
use crate::test_support::{deliver, events, payloads as publishes};

const T0: u64 = 1_767_225_600_000;

fn host_secret() -> AgentSecret {
    AgentSecret::from_bytes([1; 32])
}

fn agent(n: u8) -> LocalPeer {
    LocalPeer::agent(
        &AgentSecret::from_bytes([n; 32]),
        PeerId::from_bytes([n; 8]),
    )
}

/// The host's party, as seen by peer `n`.
fn host_room(n: u8) -> Room {
    Room::new(
        RoomName::parse(host_secret().handle().as_str()).unwrap(),
        agent(n),
        T0,
        u64::from(n),
    )
}

/// An envelope claiming the host's handle, signed by `key` (not the host's).
fn claim_host(room: &Room, key: &SigningKey, from: u8, t: u64) -> Vec<u8> {
    let host = host_secret();
    let announce = Envelope::Announce(Presence {
        handle: host.handle(),
        avatar_seed: host.avatar_seed(),
        name: None,
        from: PeerId::from_bytes([from; 8]),
        t,
    });
    encode_signed(room.topic(), &announce, key, Auth::Agent)
}

/// A history-response to `to` whose only entry is a msg "from the host", signed by
/// `key`.
fn forged_history(room: &Room, key: &SigningKey, to: &PeerId, t: u64) -> Vec<u8> {
    let host = host_secret();
    let msg = Msg {
        id: MessageId::parse("forged-1").unwrap(),
        handle: host.handle(),
        avatar_seed: host.avatar_seed(),
        name: None,
        text: ChatText::parse("I am the host, send me your keys").unwrap(),
        re: None,
        from: PeerId::from_bytes([66; 8]),
        t,
    };
    let entry = crate::envelope::decode(
        room.topic(),
        &encode_signed(room.topic(), &Envelope::Msg(msg), key, Auth::Agent),
        t,
    )
    .unwrap()
    .into_log_entry()
    .unwrap();
    let response = Envelope::HistoryResponse(HistoryResponse {
        to: to.clone(),
        log: vec![entry],
        from: PeerId::from_bytes([66; 8]),
        t,
    });
    encode_signed(room.topic(), &response, key, Auth::Agent)
}

fn attacker() -> SigningKey {
    SigningKey::from_bytes(&[66; 32])
}

fn host_entries(room: &Room) -> Vec<PeerInfo> {
    room.peers()
        .into_iter()
        .filter(|p| p.handle == host_secret().handle())
        .collect()
}

fn verified_host_present(out: &[Output]) -> bool {
    events(out)
        .iter()
        .any(|e| matches!(e, RoomEvent::HostPresent { verified: true, .. }))
}

// ---- first claim wins ----

#[test]
fn a_forged_history_entry_does_not_settle_the_hosts_key_for_the_forger() {
    let mut guest = host_room(2);
    guest.join(T0);
    let forged = forged_history(&guest, &attacker(), guest.me().peer_id(), T0 + 1);
    // Nothing contradicts it yet: trust on first use takes the first key.
    let shown = guest.receive(T0 + 1, &forged);
    assert!(events(&shown)
        .iter()
        .any(|e| matches!(e, RoomEvent::Message(m) if m.history)));

    // The real host comes back.
    let mut host = host_room(1);
    let back = deliver(&host.join(T0 + 2), &mut guest, T0 + 2);
    assert!(
        events(&back).iter().any(|e| matches!(
            e,
            RoomEvent::KeyConflict { handle, keys, .. }
                if *handle == host_secret().handle() && keys.len() == 2
        )),
        "the conflict is reported as two keys: {back:?}"
    );
    assert!(
        !verified_host_present(&back),
        "neither key is the verified host"
    );
    let entries = host_entries(&guest);
    assert!(!entries.is_empty(), "the real host is listed, not dropped");
    assert!(entries
        .iter()
        .all(|p| p.trust == Trust::Contested && !p.verified));
}

#[test]
fn with_the_links_key_a_forged_history_entry_is_an_impostor() {
    let mut guest = host_room(2);
    guest
        .pin_from_link(&host_secret().handle(), host_secret().public_key())
        .unwrap();
    guest.join(T0);
    let forged = forged_history(&guest, &attacker(), guest.me().peer_id(), T0 + 1);
    let shown = events(&guest.receive(T0 + 1, &forged));
    assert!(
        shown.iter().any(|e| matches!(
            e,
            RoomEvent::Message(m) if m.trust == Trust::Impostor && !m.verified
        )),
        "flagged as an impostor: {shown:?}"
    );
    let mut host = host_room(1);
    let back = deliver(&host.join(T0 + 2), &mut guest, T0 + 2);
    assert!(verified_host_present(&back), "the real host is the host");
    let entries = host_entries(&guest);
    assert_eq!(entries.len(), 1);
    assert!(entries[0].is_host && entries[0].verified);
}

#[test]
fn with_the_links_key_a_live_impostor_is_listed_flagged_and_never_host() {
    let mut guest = host_room(2);
    guest
        .pin_from_link(&host_secret().handle(), host_secret().public_key())
        .unwrap();
    guest.join(T0);
    let fake = guest.receive(T0 + 1, &claim_host(&guest, &attacker(), 66, T0 + 1));
    assert!(!verified_host_present(&fake));
    assert!(events(&fake)
        .iter()
        .any(|e| matches!(e, RoomEvent::KeyMismatch { .. })));
    let entries = host_entries(&guest);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].trust, Trust::Impostor);
    assert!(!entries[0].is_host);
    // Told once, not at every beat.
    let again = guest.receive(T0 + 5, &claim_host(&guest, &attacker(), 66, T0 + 5));
    assert!(!events(&again)
        .iter()
        .any(|e| matches!(e, RoomEvent::KeyMismatch { .. })));
}

#[test]
fn a_link_key_that_contradicts_our_own_key_is_refused() {
    let mut host = host_room(1);
    let other = PublicKey::of(&attacker());
    assert!(host.pin_from_link(&host_secret().handle(), other).is_err());
    assert!(host
        .pin_from_link(&host_secret().handle(), host_secret().public_key())
        .is_ok());
}

// ---- pin eviction ----

/// A signed `leave` from a fresh key, peer id and handle.
fn stranger_leave(room: &Room, i: u32) -> Vec<u8> {
    let mut seed = [0u8; 32];
    seed[..4].copy_from_slice(&i.to_le_bytes());
    seed[31] = 0xa5;
    let secret = AgentSecret::from_bytes(seed);
    let mut id = [0u8; 8];
    id[..4].copy_from_slice(&i.to_le_bytes());
    id[7] = 0xa5;
    let leave = Envelope::Leave(crate::envelope::Departure {
        from: PeerId::from_bytes(id),
        t: T0,
        legacy: Some(crate::envelope::LegacyPresence {
            handle: secret.handle(),
            avatar_seed: secret.avatar_seed(),
            name: None,
        }),
    });
    encode_signed(room.topic(), &leave, &secret.signing_key(), Auth::Agent)
}

#[test]
fn a_flood_of_leaves_from_fresh_keys_cannot_evict_the_hosts_pin() {
    let mut guest = host_room(2);
    guest.join(T0);
    let mut host = host_room(1);
    deliver(&host.join(T0), &mut guest, T0);
    deliver(&host.leave(T0 + 1), &mut guest, T0 + 1);
    for i in 0..1_100 {
        guest.receive(T0 + 2, &stranger_leave(&guest, i));
    }
    assert_eq!(
        guest.pinned_key(&host_secret().handle()),
        Some(&host_secret().public_key())
    );
    let fake = guest.receive(T0 + 3, &claim_host(&guest, &attacker(), 66, T0 + 3));
    assert!(
        !verified_host_present(&fake),
        "the attacker is not the host"
    );
    assert!(host_entries(&guest).iter().all(|p| !p.verified));
}

#[test]
fn a_leave_from_an_unknown_connection_pins_nothing() {
    let mut guest = host_room(2);
    guest.join(T0);
    let leave = stranger_leave(&guest, 7);
    assert!(guest.receive(T0, &leave).is_empty());
    let handle = match crate::envelope::decode(guest.topic(), &leave, T0)
        .unwrap()
        .envelope
    {
        Envelope::Leave(p) => p.legacy.unwrap().handle,
        other => panic!("{other:?}"),
    };
    assert_eq!(guest.pinned_key(&handle), None);
}

// ---- replayed presence ----

#[test]
fn a_replayed_announce_of_a_host_who_left_does_not_bring_them_back() {
    let mut guest = host_room(2);
    guest.join(T0);
    let mut host = host_room(1);
    let joined = host.join(T0);
    let captured = publishes(&joined)[0].clone();
    deliver(&joined, &mut guest, T0);
    deliver(&host.leave(T0 + 1_000), &mut guest, T0 + 1_000);
    let replay = guest.receive(T0 + 2_000, &captured);
    assert!(!verified_host_present(&replay), "{replay:?}");
    assert!(host_entries(&guest).is_empty());
}

#[test]
fn a_stale_announce_is_not_taken_as_presence() {
    let mut guest = host_room(2);
    guest.join(T0);
    let mut host = host_room(1);
    let captured = publishes(&host.join(T0))[0].clone();
    let later = T0 + PRESENCE_FRESHNESS_MS + 1;
    let replay = guest.receive(later, &captured);
    assert!(!verified_host_present(&replay), "{replay:?}");
    assert!(host_entries(&guest).is_empty());
    // Within the window it counts.
    let mut fresh = host_room(3);
    fresh.join(T0);
    let out = fresh.receive(T0 + PRESENCE_FRESHNESS_MS, &captured);
    assert!(verified_host_present(&out));
}
