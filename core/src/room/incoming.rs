//! Handling received envelopes: who may say what, presence, messages and history.

use std::collections::BTreeSet;

use crate::envelope::{decode, Envelope, HistoryResponse, LogEntry, Presence, Received};
use crate::ids::{AvatarSeed, DisplayName, Handle, MessageId, PeerId};
use crate::limits::{HISTORY_REPLY_JITTER_MS, MAX_PEERS};
use crate::sign::PublicKey;

use super::peers::PeerRecord;
use super::pins::PinCheck;
use super::replies::NotScheduled;
use super::{chat_message, rejected, LeaveReason, Output, Room, RoomEvent, State};

/// Whether a sender may speak as it claims.
enum Admission {
    Accept,
    /// Our own envelope, echoed by the broker: nothing to do.
    Echo,
    Refuse(Output),
}

/// The presence an announce, msg or leave claims.
struct Claim<'a> {
    from: &'a PeerId,
    handle: &'a Handle,
    avatar_seed: &'a AvatarSeed,
    name: Option<&'a DisplayName>,
}

impl Room {
    /// Feeds one payload received on this room's topic. Never panics: anything that
    /// cannot be accepted becomes `RoomEvent::Rejected` (or `KeyMismatch`), never chat.
    pub fn receive(&mut self, now_ms: u64, payload: &[u8]) -> Vec<Output> {
        if self.state == State::Left || self.echoes.take(payload) {
            return Vec::new();
        }
        let received = match decode(&self.topic, payload, now_ms) {
            Ok(received) => received,
            Err(error) => return vec![rejected(error.to_string())],
        };
        let key = received.verification.public_key().copied();
        let key = key.as_ref();
        let admission = self.admit(received.envelope.from(), received.envelope.handle(), key);
        match admission {
            Admission::Accept => {}
            Admission::Echo => return Vec::new(),
            Admission::Refuse(output) => return vec![output],
        }
        if let Some(handle) = received.envelope.handle() {
            if let Some(mismatch) = self.check_pin(handle, received.envelope.from(), key) {
                return vec![mismatch];
            }
        }
        match &received.envelope {
            Envelope::Announce(a) => self.on_presence(now_ms, &announce_claim(a), key),
            Envelope::Msg(m) => {
                let claim = Claim {
                    from: &m.from,
                    handle: &m.handle,
                    avatar_seed: &m.avatar_seed,
                    name: m.name.as_ref(),
                };
                let mut out = self.on_presence(now_ms, &claim, key);
                if out.iter().any(is_rejection) {
                    return out;
                }
                let entry = LogEntry::new(m.clone(), received.seal().cloned());
                out.extend(self.record_message(now_ms, entry, false));
                out
            }
            Envelope::Leave(l) => self.on_leave(now_ms, l),
            Envelope::HistoryRequest(r) => self.on_history_request(now_ms, &r.from),
            Envelope::HistoryResponse(r) => self.on_history_response(now_ms, r, &received),
        }
    }

    /// Peer-id rules: our own id is ours alone, and a connection keeps the handle and
    /// key it started with, so nobody can speak, or say goodbye, for someone else.
    fn admit(&self, from: &PeerId, handle: Option<&Handle>, key: Option<&PublicKey>) -> Admission {
        if let Some(member) = self.members.get(from) {
            return if key == Some(&member.key) {
                Admission::Echo
            } else {
                Admission::Refuse(rejected(format!(
                    "an envelope claims this connection's peer id {from} without our key"
                )))
            };
        }
        let Some(record) = self.peers.get(from) else {
            return Admission::Accept;
        };
        if record.key.is_some() && record.key.as_ref() != key {
            return Admission::Refuse(rejected(format!(
                "peer {from} signs with a pinned key; an envelope with another key or none was dropped"
            )));
        }
        match handle {
            Some(handle) if *handle != record.handle => Admission::Refuse(rejected(format!(
                "peer {from} is {}; an envelope from it claiming {handle} was dropped",
                record.handle
            ))),
            _ => Admission::Accept,
        }
    }

    /// Trust on first use: the first key seen for a handle is its key in this room.
    fn check_pin(
        &mut self,
        handle: &Handle,
        from: &PeerId,
        key: Option<&PublicKey>,
    ) -> Option<Output> {
        let peers = &self.peers;
        match self.pins.check(handle, key, |h| peers.handle_present(h)) {
            PinCheck::Accepted => None,
            PinCheck::Mismatch { pinned } => Some(Output::Event(RoomEvent::KeyMismatch {
                handle: handle.clone(),
                peer_id: from.clone(),
                pinned_key: pinned,
                received_key: key.copied(),
                verified: false,
            })),
        }
    }

    /// An announce or msg: the connection is here now.
    fn on_presence(
        &mut self,
        now_ms: u64,
        claim: &Claim<'_>,
        key: Option<&PublicKey>,
    ) -> Vec<Output> {
        let is_new = self.peers.get(claim.from).is_none();
        if is_new && self.peers.is_full() {
            return vec![rejected(format!(
                "the room already tracks {MAX_PEERS} connections; peer {} ignored",
                claim.from
            ))];
        }
        // Presence events are about remote connections: a handle we also speak for
        // locally (the same key in a browser and on IRC) still comes and goes.
        let was_present = self.peers.handle_present(claim.handle);
        let record = PeerRecord {
            handle: claim.handle.clone(),
            avatar_seed: claim.avatar_seed.clone(),
            name: claim.name.cloned(),
            key: key.copied(),
            last_seen: now_ms,
        };
        self.peers.upsert(claim.from.clone(), record.clone());
        if is_new {
            self.greet_newcomer(now_ms);
        }
        let mut out = Vec::new();
        if !was_present {
            out.push(Output::Event(RoomEvent::PeerJoined {
                peer: self.peer_info(claim.from, &record),
            }));
        }
        out.extend(self.update_host(now_ms));
        out
    }

    fn on_leave(&mut self, now_ms: u64, leave: &Presence) -> Vec<Output> {
        // Unknown connections (already timed out, or never seen) have nothing to end.
        let Some(record) = self.peers.remove(&leave.from) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if !self.peers.handle_present(&record.handle) {
            out.push(Output::Event(RoomEvent::PeerLeft {
                peer: self.peer_info(&leave.from, &record),
                reason: LeaveReason::Left,
            }));
        }
        out.extend(self.update_host(now_ms));
        out
    }

    /// Shows a message once. A duplicate id is dropped (that is how the broker's echo
    /// of our own message disappears), except that a verified copy replaces an
    /// unverified one, so a forged replay cannot shadow the real message.
    fn record_message(&mut self, now_ms: u64, entry: LogEntry, history: bool) -> Option<Output> {
        let msg = entry.msg();
        let verified = entry.seal().is_some();
        let chat = chat_message(msg, verified, history, now_ms);
        if let Some(index) = self.history.position(&msg.id) {
            let held_verified = self.history.message(index).is_some_and(|m| m.verified);
            if held_verified || !verified {
                return None;
            }
            self.history.replace(index, entry, chat.clone());
            return Some(Output::Event(RoomEvent::Message(chat)));
        }
        if self.seen.contains(&msg.id) {
            return None;
        }
        self.seen.insert(msg.id.clone());
        self.history.insert(entry, chat.clone());
        Some(Output::Event(RoomEvent::Message(chat)))
    }

    /// A joiner asks for history: answer after a random delay, if we have any.
    fn on_history_request(&mut self, now_ms: u64, from: &PeerId) -> Vec<Output> {
        if self.history.is_empty() {
            return Vec::new();
        }
        let due = now_ms.saturating_add(self.rng.in_range(HISTORY_REPLY_JITTER_MS));
        match self.replies.schedule(from.clone(), due) {
            Ok(()) | Err(NotScheduled::AlreadyPending) => Vec::new(),
            Err(NotScheduled::Full) => vec![rejected(format!(
                "too many history replies pending; the request from {from} is not answered"
            ))],
        }
    }

    fn on_history_response(
        &mut self,
        now_ms: u64,
        response: &HistoryResponse,
        received: &Received,
    ) -> Vec<Output> {
        if !self.is_member(&response.to) {
            self.maybe_cancel_reply(response, received);
            return Vec::new();
        }
        if self.history_window_until.is_none() {
            return vec![rejected(format!(
                "history-response from {} arrived after the history window closed",
                response.from
            ))];
        }
        let mut out = Vec::new();
        for entry in &response.log {
            let msg = entry.msg();
            let verification = entry.verification();
            if let Some(mismatch) =
                self.check_pin(&msg.handle, &msg.from, verification.public_key())
            {
                out.push(mismatch);
                continue;
            }
            out.extend(self.record_message(now_ms, entry.clone(), true));
        }
        if let Some(first) = received.rejected_entries.first() {
            out.push(rejected(format!(
                "history-response from {}: dropped {} of {} entries (entry {}: {})",
                response.from,
                received.rejected_entries.len(),
                received.rejected_entries.len() + response.log.len(),
                first.index,
                first.error
            )));
        }
        out
    }

    /// Someone else answered a joiner we owe a reply. We stay quiet only if that answer
    /// is signed and holds every message we hold, so a fast empty or partial reply
    /// cannot suppress history.
    fn maybe_cancel_reply(&mut self, response: &HistoryResponse, received: &Received) {
        if !received.verification.is_verified() {
            return;
        }
        let theirs: BTreeSet<&MessageId> = response.log.iter().map(|e| &e.msg().id).collect();
        let covers_ours = self
            .history
            .messages()
            .iter()
            .all(|held| theirs.contains(&held.id));
        if covers_ours {
            self.replies.cancel(&response.to);
        }
    }
}

fn announce_claim(a: &Presence) -> Claim<'_> {
    Claim {
        from: &a.from,
        handle: &a.handle,
        avatar_seed: &a.avatar_seed,
        name: a.name.as_ref(),
    }
}

fn is_rejection(output: &Output) -> bool {
    matches!(output, Output::Event(RoomEvent::Rejected { .. }))
}
