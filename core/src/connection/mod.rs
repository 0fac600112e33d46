//! The connection lifecycle around a room, sans-IO, for every client: the browser,
//! `party listen` and each channel of the IRC bridge drive this one machine and only
//! move bytes and time in and out (docs/design.md, "Connection lifecycle").
//!
//! The rules it keeps:
//! - Subscribe on every (re)connect, and join (announce, ask for history) only once
//!   the subscription is in place, so we never announce presence in a room we
//!   cannot hear.
//! - While offline, nothing is published: presence beats and history replies would
//!   be stale by the time we are back, and joining again announces us afresh. A
//!   message written while offline is composed and signed at once, reported
//!   `Delivery::Pending`, and goes out when the room is joined again (or fails and
//!   waits for a retry, see `room::outbox`); it is never reported sent before the
//!   broker echoed it.
//! - Going live is an event (`RoomEvent::Live`), with when we went offline if we had
//!   been live before, so the page can mark the gap.
//! - The Last Will (our signed `leave`) is prepared at start and refreshed after
//!   every loss, because MQTT fixes the will at CONNECT and it carries a timestamp.
//! - Retained messages are ignored: Party never retains, so a retained envelope is
//!   someone replaying old presence or history at every joiner.
//! - Leaving says goodbye, then disconnects cleanly (which cancels the will).

use crate::ids::{DisplayName, MessageId, PeerId};
use crate::room::{
    Composed, HostAction, HostError, LocalPeer, MemberError, Output, OwnerError, Room, RoomEvent,
    SendError,
};

/// Random bytes an MQTT client id is made of.
pub const CLIENT_ID_RANDOM_BYTES: usize = 18;

/// The MQTT client id for one connection, from fresh random bytes: `party` and 18
/// letters or digits, 23 characters in all, the longest MQTT 3.1.1 obliges every
/// broker to accept.
///
/// A broker drops the older of two sessions with one client id, so anyone who knows
/// an id can kick its owner off, over and over. Ids are therefore secret and random
/// (about 107 bits), and unrelated to anything peers see, such as the peer id.
pub fn mqtt_client_id(random: [u8; CLIENT_ID_RANDOM_BYTES]) -> String {
    const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = String::with_capacity(5 + CLIENT_ID_RANDOM_BYTES);
    id.push_str("party");
    id.extend(
        random
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])),
    );
    id
}

/// How far the broker connection has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// No broker session (not yet connected, or lost).
    Offline,
    /// Connected; the room subscription is on its way.
    Subscribing,
    /// Subscribed and joined: messages go out.
    Live,
    /// Left on purpose; nothing more happens.
    Left,
}

/// A publish the broker delivered to us.
#[derive(Clone, Copy, Debug)]
pub struct Incoming<'a> {
    pub topic: &'a str,
    /// The MQTT RETAIN flag: set only on messages the broker stored and replays.
    pub retained: bool,
    pub payload: &'a [u8],
}

/// Why the connection cannot go on by itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionError {
    #[error("the broker refused the subscription to {0}")]
    SubscriptionRefused(String),
}

/// Whether this connection registers a Last Will.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Will {
    /// One room on its own MQTT session: the broker says our goodbye if we vanish.
    Leave,
    /// Several rooms or members on one shared session (the IRC bridge): one will
    /// cannot speak for all of them, so there is none.
    None,
}

/// What the next CONNECT carries as its Last Will.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextWill<'a> {
    /// No will by design: connect without one.
    None,
    /// The will waits for an external key's signature: connect once `Output::Will`
    /// comes.
    Pending,
    Ready(&'a [u8]),
}

/// One room and its broker connection.
pub struct Connection {
    room: Room,
    state: LinkState,
    will: Will,
    /// Only listening: never joins, never publishes (a room's entry screen showing
    /// who is inside before the person enters).
    watching: bool,
    /// The Last Will for the next CONNECT (once signed).
    will_payload: Option<Vec<u8>>,
    /// We were live and lost the broker (or left) at this time; reported with the
    /// next `Live`.
    offline_since: Option<u64>,
}

impl Connection {
    pub fn new(room: Room, will: Will) -> Self {
        Self {
            room,
            state: LinkState::Offline,
            will,
            watching: false,
            will_payload: None,
            offline_since: None,
        }
    }

    /// A connection that only listens: it subscribes and follows presence, but never
    /// joins, announces or publishes anything, so nobody sees it. `room` is built for a
    /// throwaway local peer, which signs nothing.
    pub fn watcher(room: Room) -> Self {
        Self {
            watching: true,
            ..Self::new(room, Will::None)
        }
    }

    /// Prepares the first Last Will: an `Output::Will` (or the request to sign it)
    /// before the driver connects.
    pub fn start(&mut self, now_ms: u64) -> Vec<Output> {
        self.refresh_will(now_ms)
    }

    pub fn room(&self) -> &Room {
        &self.room
    }

    pub fn topic(&self) -> &str {
        self.room.topic()
    }

    pub fn state(&self) -> LinkState {
        self.state
    }

    pub fn is_live(&self) -> bool {
        self.state == LinkState::Live
    }

    /// The Last Will to put in the next CONNECT, once it is signed.
    pub fn will(&self) -> Option<&[u8]> {
        self.will_payload.as_deref()
    }

    /// Whether the next CONNECT can go out now, and with which Last Will.
    pub fn next_will(&self) -> NextWill<'_> {
        match self.will {
            Will::None => NextWill::None,
            Will::Leave => self
                .will_payload
                .as_deref()
                .map_or(NextWill::Pending, NextWill::Ready),
        }
    }

    /// The broker accepted our CONNECT: subscribe to the room.
    pub fn connected(&mut self, _now_ms: u64) -> Vec<Output> {
        if self.state == LinkState::Left {
            return Vec::new();
        }
        self.state = LinkState::Subscribing;
        vec![Output::Subscribe {
            topic: self.room.topic().to_owned(),
        }]
    }

    /// The broker answered our SUBSCRIBE. Granted: we join (or rejoin) the room.
    ///
    /// Brokers handle one client's packets in order, so a driver that cannot match
    /// SUBACKs to rooms (several rooms on one session) may report `granted` as soon
    /// as the SUBSCRIBE is queued: the subscription is in place before our announce
    /// reaches the broker.
    pub fn subscribed(
        &mut self,
        now_ms: u64,
        granted: bool,
    ) -> Result<Vec<Output>, ConnectionError> {
        if self.state != LinkState::Subscribing {
            return Ok(Vec::new());
        }
        if !granted {
            self.state = LinkState::Offline;
            return Err(ConnectionError::SubscriptionRefused(
                self.room.topic().to_owned(),
            ));
        }
        self.state = LinkState::Live;
        if self.watching {
            return Ok(Vec::new());
        }
        let mut outputs = vec![Output::Event(RoomEvent::Live {
            offline_since: self.offline_since.take(),
            verified: true,
        })];
        outputs.extend(self.room.join(now_ms));
        Ok(self.pass(outputs))
    }

    /// The broker connection dropped (the driver reconnects with its backoff): stop
    /// publishing, and prepare a fresh Last Will for the next CONNECT.
    pub fn lost(&mut self, now_ms: u64) -> Vec<Output> {
        if self.state == LinkState::Left {
            return Vec::new();
        }
        if self.state == LinkState::Live {
            self.offline_since = Some(now_ms);
        }
        self.state = LinkState::Offline;
        self.refresh_will(now_ms)
    }

    /// A publish from the broker.
    pub fn receive(&mut self, now_ms: u64, incoming: Incoming<'_>) -> Vec<Output> {
        if incoming.topic != self.room.topic() || self.state == LinkState::Left {
            return Vec::new();
        }
        if incoming.retained {
            return vec![Output::Event(RoomEvent::Rejected {
                reason: "ignored a retained message: Party never retains, so it is a replay".into(),
                verified: false,
            })];
        }
        let outputs = self.room.receive(now_ms, incoming.payload);
        self.pass(outputs)
    }

    /// Runs the room's timers (see `Room::tick`).
    pub fn tick(&mut self, now_ms: u64) -> Vec<Output> {
        let outputs = self.room.tick(now_ms);
        self.pass(outputs)
    }

    /// When `tick` must next run.
    pub fn next_deadline(&self) -> Option<u64> {
        self.room.next_deadline()
    }

    /// A message from the primary member: published now if live, else kept until the
    /// room is joined again (it is reported `Delivery::Pending` either way).
    pub fn send_text(&mut self, now_ms: u64, text: &str) -> Result<Vec<Output>, SendError> {
        self.require_speaker()?;
        let outputs = self.room.send_text(now_ms, text)?;
        Ok(self.pass(outputs))
    }

    /// `send_text`, answering the message `re`.
    pub fn send_reply(
        &mut self,
        now_ms: u64,
        text: &str,
        re: &MessageId,
    ) -> Result<Vec<Output>, SendError> {
        self.require_speaker()?;
        let outputs = self.room.send_reply(now_ms, text, re)?;
        Ok(self.pass(outputs))
    }

    /// Member `from` is writing, or working on an answer (see `Room::typing_as`);
    /// nothing goes out while offline.
    pub fn typing_as(&mut self, now_ms: u64, from: &PeerId) -> Vec<Output> {
        if self.watching || self.state != LinkState::Live {
            return Vec::new();
        }
        let outputs = self.room.typing_as(now_ms, from);
        self.pass(outputs)
    }

    /// We are writing (see `Room::typing`); nothing goes out while offline.
    pub fn typing(&mut self, now_ms: u64) -> Vec<Output> {
        if self.watching || self.state != LinkState::Live {
            return Vec::new();
        }
        let outputs = self.room.typing(now_ms);
        self.pass(outputs)
    }

    /// Sends the text of our failed message `id` again (see `Room::retry`), now or
    /// when the room is live again.
    pub fn retry(&mut self, now_ms: u64, id: &MessageId) -> Result<Vec<Output>, SendError> {
        self.require_speaker()?;
        let outputs = self.room.retry(now_ms, id)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::compose_as`; only while live.
    pub fn compose_as(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<Composed, SendError> {
        self.require_live()?;
        self.room.compose_as(now_ms, from, text, re)
    }

    /// See `Room::seal_composed`. If the connection went down in between, the message
    /// is not sent, and the error says so.
    pub fn seal_composed(&mut self, composed: Composed) -> Result<Vec<Output>, SendError> {
        self.require_live()?;
        let outputs = self.room.seal_composed(composed);
        Ok(self.pass(outputs))
    }

    /// See `Room::host_action`; only while live, so every peer hears it now.
    pub fn host_action(
        &mut self,
        now_ms: u64,
        action: HostAction,
    ) -> Result<Vec<Output>, HostError> {
        if self.watching || self.state != LinkState::Live {
            return Err(match self.state {
                LinkState::Left => HostError::NotJoined,
                _ if self.watching => HostError::NotJoined,
                _ => HostError::Offline,
            });
        }
        let outputs = self.room.host_action(now_ms, action)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::accept_invite`; only while live.
    pub fn accept_invite(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        invite: crate::invite::Invite,
    ) -> Result<Vec<Output>, OwnerError> {
        self.require_live_owner()?;
        let outputs = self.room.accept_invite(now_ms, from, invite)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::set_agent_level`; only while live.
    pub fn set_agent_level(
        &mut self,
        now_ms: u64,
        agent: &crate::ids::Handle,
        level: crate::policy::Level,
    ) -> Result<Vec<Output>, OwnerError> {
        self.require_live_owner()?;
        let outputs = self.room.set_agent_level(now_ms, agent, level)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::send_draft`; only while live (a draft is for an owner who is here
    /// now).
    pub fn send_draft(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        text: &str,
        re: Option<&crate::ids::MessageId>,
    ) -> Result<Vec<Output>, SendError> {
        self.require_live()?;
        let outputs = self.room.send_draft(now_ms, from, text, re)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::approve`; only while live.
    pub fn approve(
        &mut self,
        now_ms: u64,
        id: &crate::ids::MessageId,
    ) -> Result<Vec<Output>, OwnerError> {
        self.require_live_owner()?;
        let outputs = self.room.approve(now_ms, id)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::forward`; only while live.
    pub fn forward(
        &mut self,
        now_ms: u64,
        id: &crate::ids::MessageId,
        agent: &crate::ids::Handle,
    ) -> Result<Vec<Output>, OwnerError> {
        self.require_live_owner()?;
        let outputs = self.room.forward(now_ms, id, agent)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::reject` (nothing is sent: nobody else saw the draft).
    pub fn reject(&mut self, id: &crate::ids::MessageId) -> Result<(), OwnerError> {
        self.room.reject(id)
    }

    /// See `Room::invite` (nothing is sent until the agent arrives).
    pub fn invite(
        &mut self,
        token: [u8; crate::invite::INVITE_TOKEN_BYTES],
    ) -> Result<crate::invite::Invite, OwnerError> {
        self.room.invite(token)
    }

    fn require_live_owner(&self) -> Result<(), OwnerError> {
        match self.state {
            _ if self.watching => Err(OwnerError::NotJoined),
            LinkState::Live => Ok(()),
            LinkState::Left => Err(OwnerError::NotJoined),
            LinkState::Offline | LinkState::Subscribing => Err(OwnerError::Offline),
        }
    }

    /// See `Room::add_member`.
    pub fn add_member(&mut self, now_ms: u64, peer: LocalPeer) -> Result<Vec<Output>, MemberError> {
        let outputs = self.room.add_member(now_ms, peer)?;
        Ok(self.pass(outputs))
    }

    /// See `Room::remove_member`.
    pub fn remove_member(&mut self, now_ms: u64, peer_id: &PeerId) -> Vec<Output> {
        let outputs = self.room.remove_member(now_ms, peer_id);
        self.pass(outputs)
    }

    /// See `Room::rename_member`.
    pub fn rename_member(
        &mut self,
        now_ms: u64,
        peer_id: &PeerId,
        name: Option<DisplayName>,
    ) -> Vec<Output> {
        let outputs = self.room.rename_member(now_ms, peer_id, name);
        self.pass(outputs)
    }

    /// An external key's signature (see `Room::signed`).
    pub fn signed(&mut self, id: u64, signature: &[u8; 64]) -> Vec<Output> {
        let outputs = self.room.signed(id, signature);
        self.pass(outputs)
    }

    /// An external key could not sign (see `Room::signing_failed`).
    pub fn signing_failed(&mut self, id: u64, reason: &str) -> Vec<Output> {
        let outputs = self.room.signing_failed(id, reason);
        self.pass(outputs)
    }

    /// Says goodbye and ends the session: every member's `leave`, then a clean
    /// DISCONNECT. A leave an external key would still have to sign cannot wait (the
    /// page is going away): the prepared will, which is the same signed `leave`, goes
    /// out in its place.
    pub fn leave(&mut self, now_ms: u64) -> Vec<Output> {
        if self.state == LinkState::Left {
            return Vec::new();
        }
        let was_live = self.state == LinkState::Live;
        let outputs = self.room.leave(now_ms);
        self.state = LinkState::Left;
        if was_live {
            self.offline_since = Some(now_ms);
        }
        if !was_live {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(outputs.len() + 1);
        let mut unsigned = false;
        for output in outputs {
            match output {
                Output::Sign(_) => unsigned = true,
                other => out.push(other),
            }
        }
        if unsigned {
            if let Some(payload) = self.will_payload.clone() {
                out.push(Output::Publish {
                    topic: self.room.topic().to_owned(),
                    payload,
                });
            }
        }
        out.push(Output::Disconnect);
        out
    }

    /// Comes back after `leave` (a page restored from the back/forward cache): the
    /// connection starts over as a new one, with a fresh Last Will.
    pub fn resume(&mut self, now_ms: u64) -> Vec<Output> {
        if self.state != LinkState::Left {
            return Vec::new();
        }
        self.state = LinkState::Offline;
        self.refresh_will(now_ms)
    }

    /// We may speak here, live or not.
    fn require_speaker(&self) -> Result<(), SendError> {
        if self.watching {
            return Err(SendError::Watching);
        }
        match self.state {
            LinkState::Left => Err(SendError::Left),
            LinkState::Live | LinkState::Offline | LinkState::Subscribing => Ok(()),
        }
    }

    fn require_live(&self) -> Result<(), SendError> {
        if self.watching {
            return Err(SendError::Watching);
        }
        match self.state {
            LinkState::Live => Ok(()),
            LinkState::Left => Err(SendError::Left),
            LinkState::Offline | LinkState::Subscribing => Err(SendError::Offline),
        }
    }

    fn refresh_will(&mut self, now_ms: u64) -> Vec<Output> {
        match self.will {
            Will::None => Vec::new(),
            Will::Leave => {
                let output = self.room.will(now_ms);
                self.pass(vec![output])
            }
        }
    }

    /// What the room asked for, as the link allows: publishes only while live, and
    /// the latest will kept for the next CONNECT.
    fn pass(&mut self, outputs: Vec<Output>) -> Vec<Output> {
        let live = self.state == LinkState::Live && !self.watching;
        let mut out = Vec::with_capacity(outputs.len());
        for output in outputs {
            match output {
                Output::Publish { .. } if !live => {}
                Output::Will { ref payload, .. } => {
                    self.will_payload = Some(payload.clone());
                    out.push(output);
                }
                other => out.push(other),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
