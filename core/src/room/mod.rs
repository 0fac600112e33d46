//! The room state machine: `(now, bytes)` in, events and envelopes to publish out.
//! The browser and the IRC bridge drive this same code, so a room behaves the same
//! everywhere, and every timing rule is testable with a fake clock.

mod events;
mod history;
mod host;
mod incoming;
mod jitter;
mod local_peer;
mod outgoing;
mod peers;
mod pins;
mod replies;
mod seen;
#[cfg(test)]
mod tests;

pub use events::{ChatMessage, LeaveReason, Output, PeerInfo, RoomEvent, SendError};
pub use local_peer::LocalPeer;

use crate::envelope::{
    clamp_timestamp, encode_sealed, ChatText, Envelope, HistoryRequest, LogEntry, Msg,
};
use crate::ids::{Handle, MessageId, PeerId, RoomName};
use crate::limits::{ANNOUNCE_INTERVAL_MS, HISTORY_REQUEST_TIMEOUT_MS, PRESENCE_REPLY_MIN_GAP_MS};
use crate::topic::room_topic;

use history::History;
use host::HostWatch;
use jitter::Rng;
use peers::{PeerRecord, Peers};
use pins::Pins;
use replies::PendingReplies;
use seen::SeenIds;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Created; listening is fine, but we have not announced ourselves.
    Idle,
    Joined,
    /// We said goodbye; input is ignored until `join` again.
    Left,
}

/// One room, from one local peer's point of view.
pub struct Room {
    topic: String,
    me: LocalPeer,
    my_key: String,
    state: State,
    host: HostWatch,
    peers: Peers,
    pins: Pins,
    seen: SeenIds,
    history: History,
    next_announce: Option<u64>,
    last_announce: Option<u64>,
    /// Until when history-responses to us are merged.
    history_window_until: Option<u64>,
    replies: PendingReplies,
    rng: Rng,
}

impl Room {
    /// A room for `me`. `entropy` (random from the caller) seeds reply jitter and
    /// message-id suffixes.
    pub fn new(room: RoomName, me: LocalPeer, now_ms: u64, entropy: u64) -> Room {
        let my_key = me.public_key_base64url();
        let mut pins = Pins::default();
        pins.pin_permanently(me.handle().clone(), my_key.clone());
        Room {
            topic: room_topic(&room),
            host: HostWatch::new(room.host()),
            me,
            my_key,
            state: State::Idle,
            peers: Peers::default(),
            pins,
            seen: SeenIds::default(),
            history: History::default(),
            next_announce: None,
            last_announce: None,
            history_window_until: None,
            replies: PendingReplies::default(),
            // Mixing in the clock keeps rooms apart even if a caller reuses entropy.
            rng: Rng::new(entropy ^ now_ms.rotate_left(32)),
        }
    }

    /// The MQTT topic to subscribe to and publish on.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The host, if the room is named after a handle.
    pub fn host(&self) -> Option<&Handle> {
        self.host.host()
    }

    pub fn me(&self) -> &LocalPeer {
        &self.me
    }

    /// Enters the room (call after subscribing, and again after a reconnect): our
    /// first announce and a history-request, whose replies are merged for
    /// `HISTORY_REQUEST_TIMEOUT_MS`.
    pub fn join(&mut self, now_ms: u64) -> Vec<Output> {
        self.state = State::Joined;
        self.next_announce = Some(now_ms.saturating_add(ANNOUNCE_INTERVAL_MS));
        self.last_announce = Some(now_ms);
        self.history_window_until = Some(now_ms.saturating_add(HISTORY_REQUEST_TIMEOUT_MS));
        let mut out = vec![
            self.publish(&self.announce(now_ms)),
            self.publish(&Envelope::HistoryRequest(HistoryRequest {
                from: self.me.peer_id().clone(),
                t: now_ms,
            })),
        ];
        out.extend(self.update_host(now_ms));
        out
    }

    /// Publishes a signed chat message and reports it locally (once: the broker's echo
    /// is recognized and dropped).
    pub fn send_text(&mut self, now_ms: u64, text: &str) -> Result<Vec<Output>, SendError> {
        if self.state != State::Joined {
            return Err(SendError::NotJoined);
        }
        let msg = Msg {
            id: MessageId::generate(self.me.handle().as_str(), now_ms, self.rng.next_u64()),
            handle: self.me.handle().clone(),
            avatar_seed: self.me.avatar_seed().clone(),
            name: self.me.display_name().cloned(),
            text: ChatText::parse(text)?,
            from: self.me.peer_id().clone(),
            t: now_ms,
        };
        let envelope = Envelope::Msg(msg.clone());
        let seal = self.seal(&envelope);
        let publish = Output::Publish {
            topic: self.topic.clone(),
            payload: encode_sealed(&envelope, Some(&seal)),
        };
        let chat = chat_message(&msg, true, false, now_ms);
        self.seen.insert(msg.id.clone());
        self.history
            .insert(LogEntry::new(msg, Some(seal)), chat.clone());
        Ok(vec![publish, Output::Event(RoomEvent::Message(chat))])
    }

    /// Runs every timer that is due: presence beats, peer timeouts, the host grace
    /// period, the history window and jittered history replies.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Output> {
        let mut out = Vec::new();
        if self.state == State::Left {
            return out;
        }
        if self.next_announce.is_some_and(|at| at <= now_ms) {
            out.push(self.publish(&self.announce(now_ms)));
            self.next_announce = Some(now_ms.saturating_add(ANNOUNCE_INTERVAL_MS));
            self.last_announce = Some(now_ms);
        }
        if self.history_window_until.is_some_and(|at| at <= now_ms) {
            self.history_window_until = None;
        }
        for to in self.replies.take_due(now_ms) {
            if !self.history.is_empty() {
                out.push(self.history_response(to, now_ms));
            }
        }
        let expired = self.peers.expire(now_ms);
        let mut gone: Vec<(PeerId, PeerRecord)> = Vec::new();
        for (id, record) in expired {
            if !gone.iter().any(|(_, r)| r.handle == record.handle) {
                gone.push((id, record));
            }
        }
        for (id, record) in gone {
            if record.handle != *self.me.handle() && !self.peers.handle_present(&record.handle) {
                out.push(Output::Event(RoomEvent::PeerLeft {
                    peer: self.peer_info(&id, &record),
                    reason: LeaveReason::Timeout,
                }));
            }
        }
        out.extend(self.update_host(now_ms));
        let here = self.host_here();
        out.extend(self.host.tick(here, now_ms).map(Output::Event));
        out
    }

    /// When `tick` must next run (`None`: nothing pending).
    pub fn next_deadline(&self) -> Option<u64> {
        if self.state == State::Left {
            return None;
        }
        [
            self.next_announce,
            self.history_window_until,
            self.replies.next_due(),
            self.peers.next_expiry(),
            self.host.deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Says goodbye: a signed `leave`, and the room stops. Peers see us go at once
    /// instead of after `PEER_TIMEOUT_MS`.
    pub fn leave(&mut self, now_ms: u64) -> Vec<Output> {
        if self.state != State::Joined {
            return Vec::new();
        }
        let out = vec![self.publish(&self.leave_envelope(now_ms))];
        self.state = State::Left;
        self.next_announce = None;
        self.history_window_until = None;
        self.replies.clear();
        self.peers.clear();
        self.host.reset();
        out
    }

    /// The payload to register as the MQTT Last Will when connecting: a signed `leave`,
    /// so peers learn of a dropped connection from the broker.
    pub fn last_will(&self, now_ms: u64) -> Vec<u8> {
        let envelope = self.leave_envelope(now_ms);
        encode_sealed(&envelope, Some(&self.seal(&envelope)))
    }

    /// Everyone present, one entry per handle, us included: host first, then by handle.
    pub fn peers(&self) -> Vec<PeerInfo> {
        let mut list = vec![self.self_info()];
        for handle in self.peers.handles() {
            if handle == self.me.handle() {
                continue;
            }
            if let Some((id, record)) = self.peers.representative(handle) {
                list.push(self.peer_info(id, record));
            }
        }
        list.sort_by(|a, b| (!a.is_host, &a.handle).cmp(&(!b.is_host, &b.handle)));
        list
    }

    /// The key `handle` is pinned to in this room (the first verified key seen for it),
    /// to show next to the handle or compare with a fingerprint from the share link.
    pub fn pinned_key(&self, handle: &Handle) -> Option<&str> {
        self.pins.pinned_key(handle)
    }

    /// The messages we hold, oldest first (what a new view renders, and what we replay).
    pub fn history(&self) -> &[ChatMessage] {
        self.history.messages()
    }

    /// A new connection appeared: beat early (but not more often than
    /// `PRESENCE_REPLY_MIN_GAP_MS`) so it sees us within a second instead of a full
    /// announce interval.
    fn greet_newcomer(&mut self, now_ms: u64) {
        if self.state != State::Joined {
            return;
        }
        let earliest = self
            .last_announce
            .map_or(now_ms, |at| at.saturating_add(PRESENCE_REPLY_MIN_GAP_MS))
            .max(now_ms);
        self.next_announce = Some(self.next_announce.map_or(earliest, |at| at.min(earliest)));
    }

    fn host_here(&self) -> bool {
        self.host_presence().is_some()
    }

    /// `Some(verified)` while the host is here: whether its presence is signed with
    /// its pinned key (always, when we are the host).
    fn host_presence(&self) -> Option<bool> {
        let host = self.host.host()?;
        if self.state == State::Joined && host == self.me.handle() {
            return Some(true);
        }
        self.peers
            .representative(host)
            .map(|(_, record)| record.key.is_some())
    }

    fn update_host(&mut self, now_ms: u64) -> Option<Output> {
        let here = self.host_presence();
        self.host.update(here, now_ms).map(Output::Event)
    }

    fn is_host(&self, handle: &Handle) -> bool {
        self.host.host() == Some(handle)
    }

    fn self_info(&self) -> PeerInfo {
        PeerInfo {
            handle: self.me.handle().clone(),
            avatar_seed: self.me.avatar_seed().clone(),
            name: self.me.display_name().map(|n| n.as_str().to_owned()),
            peer_id: self.me.peer_id().clone(),
            is_host: self.is_host(self.me.handle()),
            is_self: true,
            verified: true,
        }
    }

    fn peer_info(&self, id: &PeerId, record: &PeerRecord) -> PeerInfo {
        PeerInfo {
            handle: record.handle.clone(),
            avatar_seed: record.avatar_seed.clone(),
            name: record.name.as_ref().map(|n| n.as_str().to_owned()),
            peer_id: id.clone(),
            is_host: self.is_host(&record.handle),
            is_self: false,
            verified: record.key.is_some(),
        }
    }
}

/// How a msg is shown; `verified` is decided by the caller (signature and pin).
fn chat_message(msg: &Msg, verified: bool, history: bool, now_ms: u64) -> ChatMessage {
    ChatMessage {
        id: msg.id.clone(),
        handle: msg.handle.clone(),
        avatar_seed: msg.avatar_seed.clone(),
        name: msg.name.as_ref().map(|n| n.as_str().to_owned()),
        text: msg.text.as_str().to_owned(),
        t: clamp_timestamp(msg.t, now_ms),
        from: msg.from.clone(),
        verified,
        history,
    }
}

fn rejected(reason: impl Into<String>) -> Output {
    Output::Event(RoomEvent::Rejected {
        reason: reason.into(),
        verified: false,
    })
}
