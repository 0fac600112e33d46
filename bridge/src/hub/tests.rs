//! Hub behaviour without sockets: lines in, lines and publishes out.

use std::sync::{Arc, Mutex};

use super::*;

const NOW: u64 = 1_767_225_600_000;

/// Topic and payload of one publish.
type Published = (String, Vec<u8>);

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Published>>>);

impl Publisher for Recorder {
    fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<(), String> {
        self.0.lock().unwrap().push((topic.to_owned(), payload));
        Ok(())
    }
    fn subscribe(&self, _topic: &str) -> Result<(), String> {
        Ok(())
    }
    fn unsubscribe(&self, _topic: &str) -> Result<(), String> {
        Ok(())
    }
}

fn hub() -> (Hub, Recorder) {
    hub_drawing_from(Box::new(OsRandomness))
}

fn hub_drawing_from(random: Box<dyn Randomness>) -> (Hub, Recorder) {
    let recorder = Recorder::default();
    let info = ServerInfo {
        name: "party.test".into(),
        network: "Party".into(),
        motd: None,
        max_channels_per_client: 4,
        created: "today".into(),
        room_message_rate: party_core::limits::PEER_MESSAGE_RATE,
        opers: Vec::new(),
    };
    let mut hub = Hub::new(info, Box::new(recorder.clone()), random);
    hub.on_link_up(NOW);
    (hub, recorder)
}

fn client(hub: &mut Hub, nick: &str) -> (ClientId, Arc<SendQ>) {
    let rx = Arc::new(SendQ::new(256));
    let id = hub.connect("127.0.0.1".parse().unwrap(), rx.clone());
    hub.handle(id, &format!("NICK {nick}"), NOW);
    assert_eq!(
        hub.handle(id, &format!("USER {nick} 0 * :{nick}"), NOW),
        Flow::Registered
    );
    (id, rx)
}

/// A machine with no entropy to give.
struct NoRandomness;

impl Randomness for NoRandomness {
    fn fill(&mut self, _buf: &mut [u8]) -> Result<(), String> {
        Err("no entropy source".into())
    }
}

#[test]
fn without_randomness_a_client_is_refused_with_the_reason_and_nothing_is_published() {
    let (mut hub, recorder) = hub_drawing_from(Box::new(NoRandomness));
    let rx = Arc::new(SendQ::new(256));
    let id = hub.connect("127.0.0.1".parse().unwrap(), rx.clone());
    hub.handle(id, "NICK lonely", NOW);
    let flow = hub.handle(id, "USER lonely 0 * :Lonely", NOW);
    assert_eq!(
        flow,
        Flow::Close("Cannot mint a key: no entropy source".into())
    );
    assert!(recorder.0.lock().unwrap().is_empty());
}

/// What `rx` was sent, once the hub ended its step.
fn drain(hub: &mut Hub, rx: &SendQ) -> Vec<String> {
    hub.settle(NOW);
    String::from_utf8(rx.take_rest())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_unsigned_v1_message_is_shown_marked_unverified() {
    let (mut hub, _) = hub();
    let (alice, rx) = client(&mut hub, "alice");
    hub.handle(alice, "JOIN #v1-room", NOW);
    drain(&mut hub, &rx);
    let v1 = serde_json::json!({"type": "msg", "id": "m1", "handle": "new-misty-mouse",
        "avatarSeed": "4bf5122f344554c53bde2ebb8cd2b7e3", "text": "from v1", "from": "0011223344556677",
        "t": NOW});
    hub.on_publish(
        "party-2026-v1/party/v1-room",
        false,
        v1.to_string().as_bytes(),
        NOW,
    );
    let lines = drain(&mut hub, &rx);
    assert!(
        lines.contains(
            &":new-misty-mouse!party@mqtt PRIVMSG #v1-room :[unverified] from v1".to_owned()
        ),
        "{lines:#?}"
    );
}

#[test]
fn a_users_message_is_published_signed_with_its_nick() {
    let (mut hub, recorder) = hub();
    let (alice, _rx) = client(&mut hub, "alice");
    hub.handle(alice, "JOIN #signed", NOW);
    hub.handle(alice, "PRIVMSG #signed :hello", NOW);
    assert!(hub.has_pending_seals(), "shown first, signed after");
    hub.seal_pending();
    let published = recorder.0.lock().unwrap();
    let (topic, payload) = published.last().unwrap();
    assert_eq!(topic, "party-2026-v1/party/signed");
    let value: serde_json::Value = serde_json::from_slice(payload).unwrap();
    assert_eq!(value["type"], "msg");
    assert_eq!(value["text"], "hello");
    assert_eq!(value["name"], "alice");
    assert!(value["sig"].is_string(), "{value}");
}

#[test]
fn a_full_queue_cuts_off_only_that_client() {
    let (mut hub, _) = hub();
    let (alice, alice_rx) = client(&mut hub, "alice");
    let never_read = Arc::new(SendQ::new(8));
    let slow = hub.connect("127.0.0.1".parse().unwrap(), never_read.clone());
    let burst: [&[u8]; 2] = [b"NICK slow", b"USER slow 0 * :Slow"];
    hub.handle_batch(slow, burst, NOW);
    assert!(
        !hub.clients.contains_key(&slow),
        "the burst alone overflows 8 lines"
    );
    assert_eq!(
        never_read.push_batch(&mut b"more\r\n".to_vec(), 1),
        crate::sendq::Pushed::Ended
    );
    hub.handle(alice, "JOIN #fine", NOW);
    assert!(drain(&mut hub, &alice_rx)
        .iter()
        .any(|l| l.ends_with(" 366 alice #fine :End of /NAMES list")));
}

#[test]
fn the_last_user_leaving_drops_the_room() {
    let (mut hub, recorder) = hub();
    let (alice, _rx) = client(&mut hub, "alice");
    hub.handle(alice, "JOIN #short-lived", NOW);
    hub.handle(alice, "PART #short-lived", NOW);
    assert!(hub.rooms.is_empty());
    assert_eq!(hub.next_deadline(), None);
    let last: serde_json::Value =
        serde_json::from_slice(&recorder.0.lock().unwrap().last().unwrap().1).unwrap();
    assert_eq!(last["type"], "leave");
}

#[test]
fn the_broker_going_away_is_told_once_and_its_return_once() {
    let (mut hub, _) = hub();
    let (_alice, rx) = client(&mut hub, "alice");
    drain(&mut hub, &rx);
    hub.on_link_down("refused", 500, NOW);
    hub.on_link_down("refused", 1_000, NOW);
    let lines = drain(&mut hub, &rx);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("Lost the Party broker"))
            .count(),
        1
    );
    hub.on_link_up(NOW);
    hub.on_link_up(NOW);
    let lines = drain(&mut hub, &rx);
    assert_eq!(lines.iter().filter(|l| l.contains("is back")).count(), 1);
}

/// An unsigned v1 envelope of `kind` from `handle` into `room`, with `extra` fields.
fn v1_publish(hub: &mut Hub, room: &str, kind: &str, handle: &str, extra: serde_json::Value) {
    let mut value = serde_json::json!({"type": kind, "handle": handle,
        "avatarSeed": "4bf5122f344554c53bde2ebb8cd2b7e3", "from": "0011223344556677", "t": NOW});
    if let (Some(map), Some(more)) = (value.as_object_mut(), extra.as_object()) {
        map.extend(more.clone());
    }
    hub.on_publish(
        &format!("party-2026-v1/party/{room}"),
        false,
        value.to_string().as_bytes(),
        NOW,
    );
}

#[test]
fn ctcp_and_control_characters_in_room_text_are_shown_not_executed() {
    let (mut hub, _) = hub();
    let (alice, rx) = client(&mut hub, "alice");
    hub.handle(alice, "JOIN #ctcp", NOW);
    drain(&mut hub, &rx);
    let text = "\u{1}DCC SEND x 1 2 3\u{1} \u{3}4red\u{f} \u{2}bold\u{7}\r\u{1b}[2J\u{9b}";
    v1_publish(
        &mut hub,
        "ctcp",
        "msg",
        "new-misty-mouse",
        serde_json::json!({"id": "m1", "text": text}),
    );
    let lines = drain(&mut hub, &rx);
    let line = lines
        .iter()
        .find(|l| l.contains(" PRIVMSG #ctcp :"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(
        line.ends_with(":[unverified] ␁DCC SEND x 1 2 3␁ ␃4red␏ ␂bold␇␍␛[2J\u{fffd}"),
        "{line:?}"
    );
    assert!(!line.chars().any(|c| c.is_control()), "{line:?}");
}

#[test]
fn every_line_of_an_unverified_message_is_marked() {
    let (mut hub, _) = hub();
    let (alice, rx) = client(&mut hub, "alice");
    hub.handle(alice, "JOIN #marks", NOW);
    drain(&mut hub, &rx);
    let long = "word ".repeat(200);
    let text = format!("first line\nsecond line\n{long}");
    v1_publish(
        &mut hub,
        "marks",
        "msg",
        "new-misty-mouse",
        serde_json::json!({"id": "m2", "text": text}),
    );
    let said: Vec<String> = drain(&mut hub, &rx)
        .into_iter()
        .filter(|l| l.contains(" PRIVMSG #marks :"))
        .collect();
    assert!(said.len() >= 4, "{said:#?}");
    assert!(
        said.iter()
            .all(|l| l.contains(" PRIVMSG #marks :[unverified] ")),
        "{said:#?}"
    );
}

#[test]
fn an_unverified_claim_of_the_host_gets_no_op_prefix() {
    let (mut hub, _) = hub();
    let (alice, rx) = client(&mut hub, "alice");
    hub.handle(alice, "JOIN #new-misty-mouse", NOW);
    v1_publish(
        &mut hub,
        "new-misty-mouse",
        "announce",
        "new-misty-mouse",
        serde_json::json!({}),
    );
    drain(&mut hub, &rx);
    hub.handle(alice, "NAMES #new-misty-mouse", NOW);
    hub.handle(alice, "WHO #new-misty-mouse", NOW);
    let lines = drain(&mut hub, &rx);
    let names = lines
        .iter()
        .find(|l| l.contains(" 353 "))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(names.contains("new-misty-mouse"), "{names}");
    assert!(!names.contains("@new-misty-mouse"), "{names}");
    let who = lines
        .iter()
        .find(|l| l.contains(" 352 ") && l.contains(" new-misty-mouse "))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(!who.contains("H@"), "{who}");
}
