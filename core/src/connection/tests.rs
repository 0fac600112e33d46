//! The connection lifecycle driven by a fake clock and scripted broker events.

use ed25519_dalek::{Signer as _, SigningKey};

use super::*;
use crate::envelope::decode;
use crate::ids::RoomName;
use crate::passkey::Credential;
use crate::room::Delivery;
use crate::secret::AgentSecret;
use crate::sign::{KeyOrigin, PeerKey, PublicKey};
use crate::test_support::{deliveries, messages, payloads as publishes, types};

const T0: u64 = 1_767_225_600_000;
const ROOM: &str = "calc-study";

fn room(n: u8) -> Room {
    let me = LocalPeer::agent(
        &AgentSecret::from_bytes([n; 32]),
        PeerId::from_bytes([n; 8]),
    );
    Room::new(RoomName::parse(ROOM).unwrap(), me, T0, u64::from(n))
}

fn live(n: u8) -> Connection {
    let mut c = Connection::new(room(n), Will::Leave);
    c.start(T0);
    c.connected(T0);
    c.subscribed(T0, true).unwrap();
    c
}

fn will_of(out: &[Output]) -> Option<Vec<u8>> {
    out.iter().find_map(|o| match o {
        Output::Will { payload, .. } => Some(payload.clone()),
        _ => None,
    })
}

fn incoming<'a>(topic: &'a str, payload: &'a [u8], retained: bool) -> Incoming<'a> {
    Incoming {
        topic,
        retained,
        payload,
    }
}

#[test]
fn client_ids_are_23_alphanumerics_from_the_random_bytes_alone() {
    let a = mqtt_client_id([0; CLIENT_ID_RANDOM_BYTES]);
    let b = mqtt_client_id([1; CLIENT_ID_RANDOM_BYTES]);
    assert_eq!(a.len(), 23);
    assert!(a.starts_with("party") && a.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_ne!(a, b);
}

#[test]
fn start_prepares_a_signed_leave_as_the_last_will() {
    let mut c = Connection::new(room(1), Will::Leave);
    assert_eq!(c.will(), None);
    let out = c.start(T0);
    let will = will_of(&out).expect("a will");
    assert_eq!(c.will(), Some(will.as_slice()));
    let received = decode(c.topic(), &will, T0).unwrap();
    assert_eq!(received.envelope.type_name(), "leave");
    assert!(received.verification.is_verified());
    assert!(
        publishes(&out).is_empty(),
        "nothing is published before connecting"
    );
}

#[test]
fn a_shared_session_has_no_will_and_connects_without_one() {
    let mut c = Connection::new(room(1), Will::None);
    assert!(c.start(T0).is_empty());
    assert!(c.lost(T0).is_empty());
    assert_eq!(c.will(), None);
    assert_eq!(c.next_will(), NextWill::None);
    assert_eq!(Connection::watcher(room(2)).next_will(), NextWill::None);
    let mut own = Connection::new(room(3), Will::Leave);
    own.start(T0);
    assert!(matches!(own.next_will(), NextWill::Ready(_)));
}

#[test]
fn we_join_only_once_the_subscription_is_granted() {
    let mut c = Connection::new(room(1), Will::Leave);
    c.start(T0);
    let out = c.connected(T0);
    assert_eq!(
        out,
        [Output::Subscribe {
            topic: c.topic().to_owned()
        }]
    );
    assert_eq!(c.state(), LinkState::Subscribing);
    assert!(publishes(&c.tick(T0 + 10_000)).is_empty());
    let out = c.subscribed(T0 + 10, true).unwrap();
    assert_eq!(types(&out), ["announce", "history-request"]);
    assert!(c.is_live());
}

#[test]
fn a_refused_subscription_is_an_error_and_nothing_is_published() {
    let mut c = Connection::new(room(1), Will::Leave);
    c.connected(T0);
    assert_eq!(
        c.subscribed(T0, false),
        Err(ConnectionError::SubscriptionRefused(c.topic().to_owned()))
    );
    assert_eq!(c.state(), LinkState::Offline);
    assert!(publishes(&c.send_text(T0, "hi").unwrap()).is_empty());
}

#[test]
fn a_message_written_offline_is_pending_and_goes_out_once_live_then_is_sent() {
    let mut c = Connection::new(room(1), Will::Leave);
    c.start(T0);
    let early = c.send_text(T0, "early").unwrap();
    let early_id = messages(&early)[0].id.clone();
    assert!(publishes(&early).is_empty(), "nothing goes out offline");
    assert_eq!(deliveries(&early), [(early_id.clone(), Delivery::Pending)]);
    c.connected(T0);
    let subscribing = c.send_text(T0, "subscribing").unwrap();
    assert!(publishes(&subscribing).is_empty());
    let live = c.subscribed(T0 + 1, true).unwrap();
    assert!(matches!(
        live.first(),
        Some(Output::Event(RoomEvent::Live {
            offline_since: None,
            ..
        }))
    ));
    let sent: Vec<String> = publishes(&live)
        .iter()
        .filter_map(
            |p| match decode(ROOM_TOPIC, p, T0 + 1).map(|r| r.envelope) {
                Ok(crate::envelope::Envelope::Msg(m)) => Some(m.text.as_str().to_owned()),
                _ => None,
            },
        )
        .collect();
    assert_eq!(sent, ["early", "subscribing"], "in the order written");
    let echo = publishes(&live)
        .into_iter()
        .find(|p| String::from_utf8_lossy(p).contains("early"))
        .unwrap();
    let confirmed = c.receive(T0 + 2, incoming(ROOM_TOPIC, &echo, false));
    assert_eq!(deliveries(&confirmed), [(early_id, Delivery::Sent)]);
}

#[test]
fn going_live_again_reports_when_the_connection_was_lost() {
    let mut c = live(1);
    c.lost(T0 + 5_000);
    c.lost(T0 + 6_000);
    c.connected(T0 + 9_000);
    let back = c.subscribed(T0 + 9_001, true).unwrap();
    assert!(matches!(
        back.first(),
        Some(Output::Event(RoomEvent::Live {
            offline_since: Some(at),
            ..
        })) if *at == T0 + 5_000
    ));
}

#[test]
fn a_watcher_or_a_room_left_cannot_speak() {
    let mut watcher = Connection::watcher(room(2));
    assert_eq!(watcher.send_text(T0, "hi"), Err(SendError::Watching));
    let mut c = live(1);
    c.leave(T0 + 1);
    assert_eq!(c.send_text(T0 + 2, "bye"), Err(SendError::Left));
}

#[test]
fn after_a_loss_nothing_is_published_and_a_fresh_will_is_prepared() {
    let mut c = live(1);
    let first_will = c.will().map(<[u8]>::to_vec).unwrap();
    let out = c.lost(T0 + 5_000);
    let fresh = will_of(&out).expect("a fresh will");
    assert_ne!(fresh, first_will);
    let t = |payload: &[u8]| {
        decode(ROOM_TOPIC, payload, T0 + 10_000)
            .unwrap()
            .envelope
            .t()
    };
    assert_eq!(t(&fresh), T0 + 5_000);
    assert!(
        publishes(&c.tick(T0 + 60_000)).is_empty(),
        "no beats offline"
    );
    c.connected(T0 + 61_000);
    let out = c.subscribed(T0 + 61_000, true).unwrap();
    assert_eq!(types(&out), ["announce", "history-request"], "rejoined");
}

const ROOM_TOPIC: &str = "party-2026-v1/party/calc-study";

#[test]
fn retained_envelopes_are_ignored_and_foreign_topics_are_not_ours() {
    let mut a = live(1);
    let mut b = live(2);
    let said = publishes(&a.send_text(T0 + 1, "hello").unwrap()).remove(0);
    let replayed = b.receive(T0 + 2, incoming(ROOM_TOPIC, &said, true));
    assert!(messages(&replayed).is_empty());
    assert!(matches!(
        replayed.as_slice(),
        [Output::Event(RoomEvent::Rejected { reason, .. })] if reason.contains("retained")
    ));
    let elsewhere = b.receive(T0 + 2, incoming("party-2026-v1/party/other", &said, false));
    assert!(elsewhere.is_empty());
    let live_copy = b.receive(T0 + 2, incoming(ROOM_TOPIC, &said, false));
    assert_eq!(messages(&live_copy)[0].text, "hello");
}

#[test]
fn leaving_says_goodbye_then_disconnects_and_offline_leaves_say_nothing() {
    let mut c = live(1);
    let out = c.leave(T0 + 1);
    assert_eq!(types(&out), ["leave"]);
    assert_eq!(out.last(), Some(&Output::Disconnect));
    assert_eq!(c.state(), LinkState::Left);
    assert!(c.leave(T0 + 2).is_empty());
    assert!(c.connected(T0 + 3).is_empty(), "a left room stays left");

    let mut d = live(2);
    d.lost(T0 + 1);
    assert!(d.leave(T0 + 2).is_empty());
    assert_eq!(d.state(), LinkState::Left);
}

#[test]
fn a_left_connection_can_resume_as_a_new_one() {
    let mut c = live(1);
    c.leave(T0 + 1);
    assert!(will_of(&c.resume(T0 + 2)).is_some(), "a fresh will");
    assert_eq!(c.state(), LinkState::Offline);
    c.connected(T0 + 3);
    let out = c.subscribed(T0 + 3, true).unwrap();
    assert_eq!(types(&out), ["announce", "history-request"]);
    assert!(
        live(2).resume(T0).is_empty(),
        "only a left connection resumes"
    );
}

#[test]
fn a_watcher_follows_presence_and_never_says_anything() {
    let mut watcher = Connection::watcher(room(9));
    assert!(watcher.start(T0).is_empty(), "no will");
    watcher.connected(T0);
    assert!(watcher.subscribed(T0, true).unwrap().is_empty(), "no join");
    let mut someone = live(1);
    let beat_at = someone.next_deadline().unwrap();
    let hello = publishes(&someone.tick(beat_at));
    let seen = watcher.receive(beat_at, incoming(ROOM_TOPIC, &hello[0], false));
    assert!(seen
        .iter()
        .any(|o| matches!(o, Output::Event(RoomEvent::PeerJoined { .. }))));
    assert!(publishes(&seen).is_empty(), "not even an early beat");
    assert!(publishes(&watcher.tick(T0 + 60_000)).is_empty());
    assert_eq!(watcher.send_text(T0, "hi"), Err(SendError::Watching));
    assert!(watcher
        .leave(T0)
        .iter()
        .all(|o| matches!(o, Output::Disconnect)));
}

// ---- an external key (a non-extractable WebCrypto key) ----

/// A person whose key lives outside the room, and that key, to play the browser.
fn external(n: u8) -> (Connection, SigningKey) {
    let key = SigningKey::from_bytes(&[n; 32]);
    let me = LocalPeer::human_with(
        &Credential::from_raw_id(&[n]).unwrap(),
        PeerKey::External(PublicKey::of(&key)),
        KeyOrigin::Passkey,
        PeerId::from_bytes([n; 8]),
    );
    let room = Room::new(RoomName::parse(ROOM).unwrap(), me, T0, u64::from(n));
    (Connection::new(room, Will::Leave), key)
}

fn requests(out: &[Output]) -> Vec<crate::room::SignRequest> {
    out.iter()
        .filter_map(|o| match o {
            Output::Sign(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

fn sign(key: &SigningKey, request: &crate::room::SignRequest) -> [u8; 64] {
    assert_eq!(request.public_key, PublicKey::of(key));
    key.sign(&request.message).to_bytes()
}

#[test]
fn an_external_key_is_asked_for_each_signature_and_sends_once_it_answers() {
    let (mut c, key) = external(7);
    let asked = requests(&c.start(T0));
    assert_eq!(asked.len(), 1, "the will");
    assert_eq!(c.will(), None, "not before it is signed");
    assert_eq!(c.next_will(), NextWill::Pending);
    let out = c.signed(asked[0].id, &sign(&key, &asked[0]));
    assert!(will_of(&out).is_some());
    assert!(c.will().is_some());

    c.connected(T0);
    let joined = c.subscribed(T0, true).unwrap();
    assert!(publishes(&joined).is_empty(), "nothing unsigned goes out");
    let asked = requests(&joined);
    assert_eq!(asked.len(), 2, "announce and history-request");
    // Signatures come back in the wrong order: publishes still go in asked order.
    assert!(publishes(&c.signed(asked[1].id, &sign(&key, &asked[1]))).is_empty());
    let out = c.signed(asked[0].id, &sign(&key, &asked[0]));
    assert_eq!(types(&out), ["announce", "history-request"]);

    let sent = c.send_text(T0 + 1, "from a passkey").unwrap();
    assert_eq!(messages(&sent)[0].text, "from a passkey", "shown at once");
    let asked = requests(&sent);
    let out = c.signed(asked[0].id, &sign(&key, &asked[0]));
    let payload = publishes(&out).remove(0);
    let received = decode(ROOM_TOPIC, &payload, T0 + 1).unwrap();
    assert_eq!(
        received.verification.public_key(),
        Some(&PublicKey::of(&key))
    );
    assert_eq!(c.room().history().len(), 1, "kept for late joiners");
}

#[test]
fn a_wrong_or_failed_external_signature_sends_nothing_and_says_why() {
    let (mut c, key) = external(7);
    let will = requests(&c.start(T0));
    c.signed(will[0].id, &sign(&key, &will[0]));
    c.connected(T0);
    let asked = requests(&c.subscribed(T0, true).unwrap());
    let wrong = SigningKey::from_bytes(&[9; 32])
        .sign(&asked[0].message)
        .to_bytes();
    let out = c.signed(asked[0].id, &wrong);
    assert!(publishes(&out).is_empty());
    assert!(matches!(
        out.as_slice(),
        [Output::Event(RoomEvent::Rejected { reason, .. })] if reason.contains("does not verify")
    ));
    let out = c.signing_failed(asked[1].id, "NotAllowedError");
    assert!(matches!(
        out.as_slice(),
        [Output::Event(RoomEvent::Rejected { reason, .. })] if reason.contains("NotAllowedError")
    ));
    assert!(
        c.signed(asked[1].id, &sign(&key, &asked[1])).is_empty(),
        "a failed request is gone"
    );
}

#[test]
fn leaving_with_an_external_key_sends_the_prepared_will_as_the_goodbye() {
    let (mut c, key) = external(7);
    let will = requests(&c.start(T0));
    c.signed(will[0].id, &sign(&key, &will[0]));
    let prepared = c.will().map(<[u8]>::to_vec).unwrap();
    c.connected(T0);
    c.subscribed(T0, true).unwrap();
    let out = c.leave(T0 + 1);
    assert_eq!(publishes(&out), [prepared]);
    assert_eq!(out.last(), Some(&Output::Disconnect));
}
