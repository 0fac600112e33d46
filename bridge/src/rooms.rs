//! The room multiplexer: one core `Connection` per room, with every user of this
//! bridge in it as a local member, and one broker session for all of them. It knows
//! nothing of IRC: a front end joins and leaves its users, composes and seals their
//! messages, and gets back what each room reported, to show its users its own way.
//! Broker requests go straight to the `Publisher`; no socket, clock or entropy source
//! is touched here (time is every call's `now_ms`, a new room's seed is drawn by the
//! caller's `seed`).

use std::collections::HashMap;

use party_core::connection::{Connection, Incoming, Will};
use party_core::ids::DisplayName;
use party_core::ids::MessageId;
use party_core::ids::{PeerId, RoomName};
use party_core::policy::Hidden;
use party_core::rate::Rate;
use party_core::topic::room_of_topic;
use party_core::ChatMessage;
use party_core::{
    Composed, HostAction, HostError, LocalPeer, MemberError, Output, Room, RoomEvent, SendError,
};

/// A front end's id for one of its users, unique across front ends.
pub type MemberId = u64;

/// The broker side, as the rooms need it: requests that never block. An error means
/// the request was not queued (the queue is full or the connection task is gone).
pub trait Publisher: Send {
    fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<(), String>;
    fn subscribe(&self, topic: &str) -> Result<(), String>;
    fn unsubscribe(&self, topic: &str) -> Result<(), String>;
}

/// One room and who of ours is in it.
pub struct Joined {
    pub connection: Connection,
    /// In join order.
    pub members: Vec<MemberId>,
    /// When the first of our users joined (Unix ms).
    pub created_ms: u64,
}

impl Joined {
    pub fn room(&self) -> &Room {
        self.connection.room()
    }
}

/// What a room reported, for the front ends to show.
pub type Reports = Vec<(RoomName, Vec<RoomEvent>)>;

/// Why a user could not join a room.
#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error(transparent)]
    Member(#[from] MemberError),
    #[error("cannot open the room: {0}")]
    NoSeed(String),
}

pub struct Rooms {
    rooms: HashMap<RoomName, Joined>,
    publisher: Box<dyn Publisher>,
    link_up: bool,
    /// Messages one remote connection may send into a room.
    message_rate: Rate,
}

impl Rooms {
    pub fn new(publisher: Box<dyn Publisher>, message_rate: Rate) -> Self {
        Self {
            rooms: HashMap::new(),
            publisher,
            link_up: false,
            message_rate,
        }
    }

    pub fn get(&self, room: &RoomName) -> Option<&Joined> {
        self.rooms.get(room)
    }

    /// Rooms open here.
    pub fn len(&self) -> usize {
        self.rooms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rooms.is_empty()
    }

    /// Our users in `room`, in join order.
    pub fn members(&self, room: &RoomName) -> Vec<MemberId> {
        self.rooms
            .get(room)
            .map(|joined| joined.members.clone())
            .unwrap_or_default()
    }

    /// `member` enters `room` as `peer`; the room opens (seeded by `seed`, and live at
    /// once if the broker is) if nobody of ours was in it.
    pub fn join(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        member: MemberId,
        peer: LocalPeer,
        seed: impl FnOnce() -> Result<u64, String>,
    ) -> Result<Vec<RoomEvent>, JoinError> {
        let outputs = match self.rooms.get_mut(room) {
            Some(joined) => {
                let outputs = joined.connection.add_member(now_ms, peer)?;
                joined.members.push(member);
                outputs
            }
            None => {
                let mut state = Room::new(
                    room.clone(),
                    peer,
                    now_ms,
                    seed().map_err(JoinError::NoSeed)?,
                );
                state.set_message_rate(self.message_rate);
                let mut connection = Connection::new(state, Will::None);
                let outputs = if self.link_up {
                    go_live(&mut connection, now_ms)
                } else {
                    Vec::new()
                };
                self.rooms.insert(
                    room.clone(),
                    Joined {
                        connection,
                        members: vec![member],
                        created_ms: now_ms,
                    },
                );
                outputs
            }
        };
        Ok(self.carry_out(outputs))
    }

    /// `member` (speaking as `peer_id`) leaves `room`: its signed leave goes out, and
    /// the room closes (and is unsubscribed) when none of ours is left in it.
    pub fn leave(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        member: MemberId,
        peer_id: &PeerId,
    ) -> Vec<RoomEvent> {
        let Some(joined) = self.rooms.get_mut(room) else {
            return Vec::new();
        };
        joined.members.retain(|&m| m != member);
        if joined.members.is_empty() {
            let outputs = joined.connection.leave(now_ms);
            let topic = joined.connection.topic().to_owned();
            self.rooms.remove(room);
            self.end_room(&topic, outputs);
            Vec::new()
        } else {
            let outputs = joined.connection.remove_member(now_ms, peer_id);
            self.carry_out(outputs)
        }
    }

    /// Our member `peer_id` goes by `name` in `room` from now on.
    pub fn rename(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        peer_id: &PeerId,
        name: Option<DisplayName>,
    ) -> Vec<RoomEvent> {
        let Some(joined) = self.rooms.get_mut(room) else {
            return Vec::new();
        };
        let outputs = joined.connection.rename_member(now_ms, peer_id, name);
        self.carry_out(outputs)
    }

    /// The first half of sending: the message as it will be shown, before the
    /// signature is made (`seal`).
    pub fn compose(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        from: &PeerId,
        text: &str,
    ) -> Result<Composed, SendError> {
        let joined = self.rooms.get_mut(room).ok_or(SendError::Left)?;
        match joined.connection.compose_as(now_ms, from, text, None) {
            // A bot that may only answer when called says nothing of what it answers
            // (IRC has no way to): it answers the newest call it may still answer.
            Err(SendError::Held(Hidden::NotCalled)) => {
                let call = joined.connection.room().open_call(now_ms, from);
                match call {
                    Some(call) => joined
                        .connection
                        .compose_as(now_ms, from, text, Some(&call)),
                    None => Err(SendError::Held(Hidden::NotCalled)),
                }
            }
            other => other,
        }
    }

    /// `from` says `text` in `room` (answering `re`): composed, signed and published in
    /// one step, for a front end with nobody to show it to first (HTTP agents).
    pub fn say(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        from: &PeerId,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<ChatMessage, SendError> {
        let composed = match re {
            Some(re) => {
                let joined = self.rooms.get_mut(room).ok_or(SendError::Left)?;
                joined.connection.compose_as(now_ms, from, text, Some(re))?
            }
            None => self.compose(now_ms, room, from, text)?,
        };
        let chat = composed.message().clone();
        self.seal(room, composed).map_err(|_| SendError::Offline)?;
        Ok(chat)
    }

    /// Our agent `from` takes up `invite` in `room` (see `Room::accept_invite`).
    pub fn accept_invite(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        from: &PeerId,
        invite: party_core::invite::Invite,
    ) -> Result<Vec<RoomEvent>, party_core::OwnerError> {
        let joined = self
            .rooms
            .get_mut(room)
            .ok_or(party_core::OwnerError::NotJoined)?;
        let outputs = joined.connection.accept_invite(now_ms, from, invite)?;
        Ok(self.carry_out(outputs))
    }

    /// Member `from` is working on an answer (shown for a few seconds, at most every
    /// few seconds).
    pub fn working(&mut self, now_ms: u64, room: &RoomName, from: &PeerId) -> Vec<RoomEvent> {
        let Some(joined) = self.rooms.get_mut(room) else {
            return Vec::new();
        };
        let outputs = joined.connection.typing_as(now_ms, from);
        self.carry_out(outputs)
    }

    /// `from` drafts `text` for its owner (see `Room::send_draft`).
    pub fn draft(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        from: &PeerId,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<Vec<RoomEvent>, SendError> {
        let joined = self.rooms.get_mut(room).ok_or(SendError::Left)?;
        let outputs = joined.connection.send_draft(now_ms, from, text, re)?;
        Ok(self.carry_out(outputs))
    }

    /// The host's own action in its room (through its member here); the events say
    /// what it changed, as for anything the room reports.
    pub fn host_action(
        &mut self,
        now_ms: u64,
        room: &RoomName,
        action: HostAction,
    ) -> Result<Vec<RoomEvent>, HostError> {
        let joined = self.rooms.get_mut(room).ok_or(HostError::NotJoined)?;
        let outputs = joined.connection.host_action(now_ms, action)?;
        Ok(self.carry_out(outputs))
    }

    /// Signs and publishes a composed message. An error says why it did not reach
    /// the room.
    pub fn seal(&mut self, room: &RoomName, composed: Composed) -> Result<(), String> {
        let joined = self
            .rooms
            .get_mut(room)
            .ok_or_else(|| SendError::Left.to_string())?;
        let outputs = joined
            .connection
            .seal_composed(composed)
            .map_err(|err| err.to_string())?;
        match self.publish_all(outputs) {
            None => Ok(()),
            Some(err) => Err(err),
        }
    }

    /// Connected (first time or again): every room subscribes and its members
    /// announce again, with a fresh history request.
    pub fn on_link_up(&mut self, now_ms: u64) -> Reports {
        self.link_up = true;
        let names: Vec<RoomName> = self.rooms.keys().cloned().collect();
        let mut reports = Vec::new();
        for room in names {
            let Some(joined) = self.rooms.get_mut(&room) else {
                continue;
            };
            let outputs = go_live(&mut joined.connection, now_ms);
            reports.push((room, self.carry_out(outputs)));
        }
        reports
    }

    /// The broker connection failed.
    pub fn on_link_down(&mut self, now_ms: u64) {
        self.link_up = false;
        for joined in self.rooms.values_mut() {
            // A shared session has no will, so losing it asks for nothing.
            drop(joined.connection.lost(now_ms));
        }
    }

    /// A publish from the broker, for the room its topic names (if it is open here).
    pub fn on_publish(
        &mut self,
        topic: &str,
        retained: bool,
        payload: &[u8],
        now_ms: u64,
    ) -> Option<(RoomName, Vec<RoomEvent>)> {
        let room = room_of_topic(topic)?;
        let joined = self.rooms.get_mut(&room)?;
        let incoming = Incoming {
            topic,
            retained,
            payload,
        };
        let outputs = joined.connection.receive(now_ms, incoming);
        let events = self.carry_out(outputs);
        Some((room, events))
    }

    /// Runs every room timer that is due.
    pub fn tick(&mut self, now_ms: u64) -> Reports {
        let due: Vec<RoomName> = self
            .rooms
            .iter()
            .filter(|(_, j)| j.connection.next_deadline().is_some_and(|at| at <= now_ms))
            .map(|(room, _)| room.clone())
            .collect();
        let mut reports = Vec::new();
        for room in due {
            if let Some(joined) = self.rooms.get_mut(&room) {
                let outputs = joined.connection.tick(now_ms);
                reports.push((room, self.carry_out(outputs)));
            }
        }
        reports
    }

    /// When `tick` must next run.
    pub fn next_deadline(&self) -> Option<u64> {
        self.rooms
            .values()
            .filter_map(|j| j.connection.next_deadline())
            .min()
    }

    /// Stopping: every room is left properly.
    pub fn shutdown(&mut self, now_ms: u64) {
        for (_, mut joined) in std::mem::take(&mut self.rooms) {
            let outputs = joined.connection.leave(now_ms);
            self.end_room(joined.connection.topic(), outputs);
        }
    }

    /// Hands a room's broker requests to the publisher and returns its events.
    fn carry_out(&mut self, outputs: Vec<Output>) -> Vec<RoomEvent> {
        let mut events = Vec::new();
        let mut requests = Vec::new();
        for output in outputs {
            match output {
                Output::Event(event) => events.push(event),
                other => requests.push(other),
            }
        }
        self.publish_all(requests);
        events
    }

    /// Hands broker requests to the publisher (events are dropped: for a room nobody
    /// here listens to any more); the first refusal, if any, is returned.
    fn publish_all(&mut self, outputs: Vec<Output>) -> Option<String> {
        let mut failure = None;
        for output in outputs {
            let (what, done) = match output {
                Output::Publish { topic, payload } => {
                    let done = self.publisher.publish(&topic, payload);
                    (topic, done)
                }
                Output::Subscribe { topic } => {
                    let done = self.publisher.subscribe(&topic);
                    (topic, done)
                }
                // The room's part of the shared session is over.
                Output::Disconnect => continue,
                // Members' keys are held here and the shared session has no will.
                Output::Will { .. } | Output::Sign(_) | Output::Event(_) => continue,
            };
            if let Err(err) = done {
                tracing::warn!(topic = %what, "broker request not queued: {err}");
                failure.get_or_insert(err);
            }
        }
        failure
    }

    /// A room was left for good: its goodbyes, then (if it was live) its
    /// subscription on `topic` ends.
    fn end_room(&mut self, topic: &str, outputs: Vec<Output>) {
        let live = outputs.contains(&Output::Disconnect);
        self.publish_all(outputs);
        if live {
            if let Err(err) = self.publisher.unsubscribe(topic) {
                tracing::warn!(%topic, "cannot unsubscribe: {err}");
            }
        }
    }
}

/// Subscribes and joins at once. One MQTT session carries every room here, so its
/// SUBACKs cannot be told apart; the broker handles our packets in order, so the
/// subscription is in place before the announce arrives (see
/// `Connection::subscribed`). A refusal shows in the broker link's log.
fn go_live(connection: &mut Connection, now_ms: u64) -> Vec<Output> {
    let mut outputs = connection.connected(now_ms);
    // Granted, so this cannot fail.
    outputs.extend(connection.subscribed(now_ms, true).unwrap_or_default());
    outputs
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use party_core::secret::AgentSecret;

    use super::*;

    const NOW: u64 = 1_767_225_600_000;

    /// Each request the rooms made, as `<kind> <topic>`.
    #[derive(Clone, Default)]
    struct Requests(Arc<Mutex<Vec<String>>>);

    impl Requests {
        fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.0.lock().unwrap())
        }
        fn note(&self, kind: &str, topic: &str) -> Result<(), String> {
            self.0.lock().unwrap().push(format!("{kind} {topic}"));
            Ok(())
        }
    }

    impl Publisher for Requests {
        fn publish(&self, topic: &str, _payload: Vec<u8>) -> Result<(), String> {
            self.note("publish", topic)
        }
        fn subscribe(&self, topic: &str) -> Result<(), String> {
            self.note("subscribe", topic)
        }
        fn unsubscribe(&self, topic: &str) -> Result<(), String> {
            self.note("unsubscribe", topic)
        }
    }

    fn peer(n: u8) -> (LocalPeer, PeerId) {
        let id = PeerId::from_bytes([n; 8]);
        (
            LocalPeer::agent(&AgentSecret::from_bytes([n; 32]), id.clone()),
            id,
        )
    }

    fn rooms() -> (Rooms, Requests) {
        let requests = Requests::default();
        let mut rooms = Rooms::new(
            Box::new(requests.clone()),
            party_core::limits::PEER_MESSAGE_RATE,
        );
        rooms.on_link_up(NOW);
        (rooms, requests)
    }

    #[test]
    fn a_room_opens_with_its_first_member_and_closes_with_its_last() {
        let (mut rooms, requests) = rooms();
        let room = RoomName::parse("lobby").unwrap();
        let topic = party_core::topic::room_topic(&room);
        let (one, one_id) = peer(1);
        let (two, two_id) = peer(2);
        rooms.join(NOW, &room, 1, one, || Ok(7)).unwrap();
        let opened = requests.take();
        assert_eq!(opened.first(), Some(&format!("subscribe {topic}")));
        assert!(opened.contains(&format!("publish {topic}")), "{opened:?}");
        rooms
            .join(NOW, &room, 2, two, || panic!("an open room needs no seed"))
            .unwrap();
        assert_eq!(rooms.members(&room), [1, 2]);

        rooms.leave(NOW + 1, &room, 1, &one_id);
        assert!(!requests.take().contains(&format!("unsubscribe {topic}")));
        rooms.leave(NOW + 2, &room, 2, &two_id);
        let closed = requests.take();
        assert_eq!(
            closed.last(),
            Some(&format!("unsubscribe {topic}")),
            "the goodbye goes out before the subscription ends: {closed:?}"
        );
        assert!(rooms.is_empty());
    }

    #[test]
    fn a_room_that_cannot_be_seeded_is_not_opened_and_says_why() {
        let (mut rooms, requests) = rooms();
        let room = RoomName::parse("lobby").unwrap();
        let err = rooms
            .join(NOW, &room, 1, peer(1).0, || Err("no entropy".into()))
            .unwrap_err();
        assert_eq!(err.to_string(), "cannot open the room: no entropy");
        assert!(rooms.is_empty());
        assert!(requests.take().is_empty());
    }

    #[test]
    fn a_message_is_shown_before_it_is_signed_and_refused_once_offline() {
        let (mut rooms, requests) = rooms();
        let room = RoomName::parse("lobby").unwrap();
        let (one, one_id) = peer(1);
        rooms.join(NOW, &room, 1, one, || Ok(7)).unwrap();
        requests.take();
        let composed = rooms.compose(NOW + 1, &room, &one_id, "hello").unwrap();
        assert_eq!(composed.message().text, "hello");
        assert!(
            requests.take().is_empty(),
            "nothing published before the seal"
        );
        rooms.seal(&room, composed).unwrap();
        assert_eq!(requests.take().len(), 1);

        rooms.on_link_down(NOW + 2);
        let refused = rooms.compose(NOW + 3, &room, &one_id, "anyone?");
        assert!(matches!(refused, Err(SendError::Offline)), "{refused:?}");
    }
}
