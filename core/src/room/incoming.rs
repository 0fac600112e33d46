//! Handling received envelopes: who may say what, presence, messages and history.

use std::collections::BTreeSet;

use crate::envelope::{
    parse, Departure, Envelope, HistoryResponse, LogEntry, Msg, Presence, Received,
};
use crate::ids::{AvatarSeed, DisplayName, Handle, MessageId, PeerId};
use crate::limits::{
    HISTORY_REPLY_JITTER_MS, HISTORY_REQUEST_TIMEOUT_MS, MAX_PEERS, MAX_SILENT_UNSIGNED_PEERS,
    PRESENCE_FRESHNESS_MS, TYPING_SHOWN_MS,
};
use crate::sign::PublicKey;

use super::budgets::Spend;
use super::echoes::Echo;
use super::peers::{NoPlace, PeerRecord};
use super::pins::News;
use super::replies::{NotScheduled, PendingReplies};
use super::{
    chat_message, delivery, rejected, Delivery, LeaveReason, Output, Room, RoomEvent, State, Trust,
};
use crate::envelope::{clamp_timestamp, PresenceEntry};
use crate::policy::Verdict;
use crate::sign::Seal;

/// Whether a sender may speak as it claims.
enum Admission {
    Accept,
    /// Our own envelope, echoed by the broker: nothing to do.
    Echo,
    /// Why not.
    Refuse(String),
}

/// The presence an announce or msg claims.
pub(super) struct Claim<'a> {
    from: &'a PeerId,
    handle: &'a Handle,
    avatar_seed: &'a AvatarSeed,
    name: Option<&'a DisplayName>,
    key: Option<&'a PublicKey>,
    t: u64,
    /// It is a message, not only an announce.
    speaking: bool,
    /// The announce itself, to relay in rosters (`None` for a msg).
    announce: Option<PresenceEntry>,
    /// Relayed in a roster, not heard from the connection itself: it was last seen
    /// when it said this, not now, and it is no newcomer to greet.
    relayed: bool,
}

impl Room {
    /// Feeds one payload received on this room's topic. Never panics: anything that
    /// cannot be accepted becomes `RoomEvent::Rejected`, never chat; a sender that is
    /// not who it claims is shown flagged (`Trust`), never as the handle it claims.
    ///
    /// The sender's budgets are charged before its signature is checked, so what is
    /// over budget costs a parse and nothing more (see `budgets`).
    pub fn receive(&mut self, now_ms: u64, payload: &[u8]) -> Vec<Output> {
        if self.state == State::Left {
            return Vec::new();
        }
        if let Some(echo) = self.echoes.take(payload) {
            return self.on_echo(echo);
        }
        if self.answer_not_ours(payload) {
            return Vec::new();
        }
        let parsed = match parse(payload) {
            Ok(parsed) => parsed,
            Err(error) => return vec![rejected(error.to_string())],
        };
        let envelope = parsed.envelope();
        let from = envelope.from().clone();
        let claimed = parsed.claimed_key();
        match self.admit(&from, envelope.handle(), claimed.as_ref()) {
            Admission::Accept => {}
            Admission::Echo => return Vec::new(),
            Admission::Refuse(reason) => return vec![rejected(reason)],
        }
        let tracked = self.peers.get(&from).map(|record| record.handle.clone());
        // An answer to someone else only tells us the joiner was answered, which
        // matters only while we owe it an answer too (what `answer_not_ours` did not
        // catch by its first bytes: a v1 client's encoding, say).
        let for_us = match self.answer_to(envelope) {
            Some((to, owed)) => {
                let for_us = self.is_member(to);
                if !for_us && !owed.is_pending(to) {
                    return Vec::new();
                }
                for_us
            }
            None => true,
        };
        let spend = match envelope {
            // Unknown connections have nothing to end, and a goodbye pins nothing: a
            // flood of fresh ids saying goodbye changes nothing and costs no check.
            Envelope::Leave(_) if tracked.is_none() => return Vec::new(),
            // Typing is no sign of life: from a connection we do not track, it is
            // nobody we could show as typing.
            Envelope::Typing(_) if tracked.is_none() => return Vec::new(),
            Envelope::Typing(_) => Spend::Presence,
            // The host's rules: only the host's key counts, and it sends few.
            Envelope::Policy(_)
            | Envelope::Kick(_)
            | Envelope::Mute(_)
            | Envelope::Description(_)
            | Envelope::Invited(_)
            | Envelope::Grant(_)
            | Envelope::Forward(_) => Spend::Rules,
            // Drafts and approvals carry a message each: they cost what a message does.
            Envelope::Draft(_) | Envelope::Approve(_) => Spend::Message,
            Envelope::Announce(_) | Envelope::Leave(_) => Spend::Presence,
            // Not charged as history: answers to other joiners must not use up a
            // responder's budget for the answer to ours.
            Envelope::Roster(_) | Envelope::HistoryResponse(_) if !for_us => Spend::Presence,
            Envelope::Msg(_) => Spend::Message,
            Envelope::HistoryRequest(_) => Spend::HistoryRequest,
            Envelope::HistoryResponse(_) | Envelope::Roster(_) => Spend::HistoryResponse,
        };
        let handle = tracked.as_ref().or(envelope.handle());
        if let Err(over) = self.budgets.charge(
            now_ms,
            &from,
            handle,
            tracked.is_some(),
            parsed.is_signed(),
            spend,
        ) {
            return if over.report {
                vec![rejected(over.reason)]
            } else {
                Vec::new()
            };
        }
        let known = |entry: &LogEntry| self.history.verified_entry(&entry.msg().id) == Some(entry);
        // A roster for someone else: its entries are not ours to check (see
        // `Parsed::verify_envelope`). A history-response for someone else is checked
        // whole, as only entries that verify may stand in for the answer we owe.
        let verified = match envelope {
            Envelope::Roster(_) if !for_us => parsed.verify_envelope(&self.topic, now_ms),
            _ => parsed.verify(&self.topic, now_ms, &known),
        };
        let received = match verified {
            Ok(received) => received,
            Err(error) => return vec![rejected(error.to_string())],
        };
        let key = received.verification.public_key().copied();
        let key = key.as_ref();
        let envelope = &received.envelope;
        match envelope {
            Envelope::Announce(a) => {
                self.on_announce(now_ms, &presence_claim(a, key, received.seal(), false))
            }
            Envelope::Roster(r) => self.on_roster(now_ms, r, &received),
            Envelope::Typing(t) => self.on_typing(now_ms, &t.from),
            Envelope::Msg(m) => self.on_msg(now_ms, m, key, &received),
            Envelope::Leave(l) => self.on_leave(now_ms, l),
            Envelope::HistoryRequest(r) => self.on_history_request(now_ms, &r.from),
            Envelope::HistoryResponse(r) => self.on_history_response(now_ms, r, &received),
            Envelope::Policy(_)
            | Envelope::Kick(_)
            | Envelope::Mute(_)
            | Envelope::Description(_) => self.on_host_rule(now_ms, &received),
            Envelope::Invited(i) => self.on_invited(now_ms, i, &received),
            Envelope::Grant(g) => self.on_grant(now_ms, g, &received),
            Envelope::Draft(d) => self.on_draft(now_ms, d, &received),
            Envelope::Approve(a) => self.on_approve(now_ms, a, &received),
            Envelope::Forward(f) => self.on_forward(now_ms, f, &received),
        }
    }

    fn on_typing(&mut self, now_ms: u64, from: &PeerId) -> Vec<Output> {
        let Some(record) = self.peers.get(from) else {
            return Vec::new();
        };
        vec![Output::Event(RoomEvent::Typing {
            peer: self.peer_info(from, record),
            until: now_ms.saturating_add(TYPING_SHOWN_MS),
        })]
    }

    /// One of our publishes came back: a message of ours is sent, and ours that the
    /// broker skipped before it failed.
    fn on_echo(&mut self, echo: Echo) -> Vec<Output> {
        let mut out = Vec::new();
        for lost in echo.lost {
            if self.outbox.fail(&lost) {
                out.push(delivery(&lost, Delivery::Failed));
            }
        }
        if let Some(id) = echo.confirmed {
            if self.outbox.confirmed(&id) {
                out.push(delivery(&id, Delivery::Sent));
            }
        }
        out
    }

    /// Peer-id rules: our own id is ours alone, and a connection keeps the handle and
    /// key it started with, so nobody can speak, or say goodbye, for someone else.
    fn admit(&self, from: &PeerId, handle: Option<&Handle>, key: Option<&PublicKey>) -> Admission {
        if let Some(member) = self.members.get(from) {
            return if key == Some(&member.key) {
                Admission::Echo
            } else {
                Admission::Refuse(format!(
                    "an envelope claims this connection's peer id {from} without our key"
                ))
            };
        }
        let Some(record) = self.peers.get(from) else {
            return Admission::Accept;
        };
        if record.key.is_some() && record.key.as_ref() != key {
            return Admission::Refuse(format!(
                "peer {from} signs with a pinned key; an envelope with another key or none was dropped"
            ));
        }
        match handle {
            Some(handle) if *handle != record.handle => Admission::Refuse(format!(
                "peer {from} is {}; an envelope from it claiming {handle} was dropped",
                record.handle
            )),
            _ => Admission::Accept,
        }
    }

    /// Records a claim to `handle` against the pins and reports anything alarming.
    fn judge_claim(
        &mut self,
        handle: &Handle,
        from: &PeerId,
        key: Option<&PublicKey>,
        out: &mut Vec<Output>,
    ) -> Trust {
        let peers = &self.peers;
        let verdict = self.pins.claim(handle, key, |h| peers.handle_present(h));
        match verdict.news {
            Some(News::Impostor { pinned }) => out.push(Output::Event(RoomEvent::KeyMismatch {
                handle: handle.clone(),
                peer_id: from.clone(),
                pinned_key: pinned,
                received_key: key.copied(),
                verified: false,
            })),
            Some(News::Conflict { keys }) => out.push(Output::Event(RoomEvent::KeyConflict {
                handle: handle.clone(),
                keys,
                verified: false,
            })),
            None => {}
        }
        verdict.trust
    }

    /// Why a presence claim does not count as a sign of life, if it does not: it
    /// comes from a connection that said goodbye, or it is dated too far from now
    /// (a replay of a captured envelope, docs/design.md "Presence that cannot be
    /// replayed").
    fn not_alive(&self, claim: &Claim<'_>, now_ms: u64) -> Option<String> {
        if self.departed.is_replay(claim.from, claim.t) {
            return Some(format!(
                "peer {} already left; an envelope it sent before is a replay",
                claim.from
            ));
        }
        let skew = claim.t.abs_diff(now_ms);
        (skew > PRESENCE_FRESHNESS_MS).then(|| {
            format!(
                "{} ({}) is dated {} s from our clock: not taken as presence",
                claim.handle,
                claim.from,
                skew / 1000
            )
        })
    }

    /// A relayed announce, held to every rule a direct one is (who may claim what,
    /// freshness, departures); whether it was taken as presence.
    pub(super) fn accept_relayed(
        &mut self,
        now_ms: u64,
        claim: &Claim<'_>,
        out: &mut Vec<Output>,
    ) -> bool {
        if self.is_member(claim.from) {
            return true;
        }
        if let Admission::Refuse(_) = self.admit(claim.from, Some(claim.handle), claim.key) {
            return false;
        }
        if self.not_alive(claim, now_ms).is_some() || self.is_kicked(now_ms, claim.handle) {
            return false;
        }
        self.on_presence(now_ms, claim, out).is_some()
    }

    fn on_announce(&mut self, now_ms: u64, claim: &Claim<'_>) -> Vec<Output> {
        if let Some(reason) = self.not_alive(claim, now_ms) {
            return vec![rejected(reason)];
        }
        // Kicked: not here until the kick runs out (it was reported once, when it came).
        if self.is_kicked(now_ms, claim.handle) {
            return Vec::new();
        }
        let mut out = Vec::new();
        self.on_presence(now_ms, claim, &mut out);
        out
    }

    /// A msg: a sign of life if it is fresh, and a message to show, flagged as its
    /// key deserves.
    fn on_msg(
        &mut self,
        now_ms: u64,
        msg: &Msg,
        key: Option<&PublicKey>,
        received: &Received,
    ) -> Vec<Output> {
        let claim = Claim {
            from: &msg.from,
            handle: &msg.handle,
            avatar_seed: &msg.avatar_seed,
            name: msg.name.as_ref(),
            key,
            t: msg.t,
            speaking: true,
            announce: None,
            relayed: false,
        };
        let mut out = Vec::new();
        let kicked = self.is_kicked(now_ms, &msg.handle);
        let trust = match self.not_alive(&claim, now_ms) {
            // A kicked handle is not here: what it says is judged (and held back) as
            // a message, but is no sign of life.
            None if kicked => self.judge_claim(&msg.handle, &msg.from, key, &mut out),
            None => match self.on_presence(now_ms, &claim, &mut out) {
                Some(trust) => trust,
                None => return out,
            },
            Some(reason) if self.departed.is_replay(&msg.from, msg.t) => {
                return vec![rejected(reason)]
            }
            // A message dated far from now (a clock that is off) is still shown, but
            // is no sign of life.
            Some(_) => self.judge_claim(&msg.handle, &msg.from, key, &mut out),
        };
        let entry = LogEntry::new(msg.clone(), received.seal().cloned());
        out.extend(self.record_message(now_ms, entry, trust, false));
        out
    }

    /// An announce or a fresh msg: the connection is here now. `None` if the room has
    /// no place for another connection (nothing about the claim is recorded then).
    fn on_presence(
        &mut self,
        now_ms: u64,
        claim: &Claim<'_>,
        out: &mut Vec<Output>,
    ) -> Option<Trust> {
        let is_new = self.peers.get(claim.from).is_none();
        if is_new {
            match self.peers.make_place(claim.key.is_some(), claim.speaking) {
                Ok(None) => {}
                Ok(Some((id, record))) => self.displaced(id, record, out),
                Err(no_place) => {
                    out.push(rejected(match no_place {
                        NoPlace::Full => format!(
                            "the room already tracks {MAX_PEERS} connections; peer {} ignored",
                            claim.from
                        ),
                        NoPlace::UnsignedShareFull => format!(
                            "the room already tracks {MAX_SILENT_UNSIGNED_PEERS} unsigned connections that never spoke; peer {} ignored",
                            claim.from
                        ),
                    }));
                    return None;
                }
            }
        }
        let trust = self.judge_claim(claim.handle, claim.from, claim.key, out);
        // Presence events are about remote identities: a handle we also speak for
        // locally (the same key in a browser and on IRC) still comes and goes.
        let was_present = self.peers.identity_present(claim.handle, claim.key);
        let previous = self.peers.get(claim.from);
        let last_seen = match claim.relayed {
            // Relayed: seen when it said this, unless we heard from it since.
            true => clamp_timestamp(claim.t, now_ms).max(previous.map_or(0, |p| p.last_seen)),
            false => now_ms,
        };
        let announce = claim
            .announce
            .clone()
            .or_else(|| previous.and_then(|p| p.announce.clone()));
        let record = PeerRecord {
            handle: claim.handle.clone(),
            avatar_seed: claim.avatar_seed.clone(),
            name: claim.name.cloned(),
            key: claim.key.copied(),
            last_seen,
            spoke: claim.speaking,
            announce,
        };
        self.peers.upsert(claim.from.clone(), record.clone());
        self.departed.returned(claim.from);
        // A signed newcomer asks, and is answered with a roster; a v1 client cannot
        // read one, so in a room small enough to afford it we beat early for it.
        if is_new && !claim.relayed && claim.key.is_none() {
            self.greet_newcomer(now_ms);
        }
        if !was_present {
            out.push(Output::Event(RoomEvent::PeerJoined {
                peer: self.peer_info(claim.from, &record),
            }));
        }
        out.extend(self.update_host(now_ms));
        if trust == Trust::Verified {
            // Statements that waited for this signer's key.
            out.extend(self.take_parked(now_ms, claim.handle));
            if !claim.handle.is_bot() && !was_present {
                out.extend(self.owner_present(now_ms, claim.handle));
            }
        }
        Some(trust)
    }

    fn on_leave(&mut self, now_ms: u64, leave: &Departure) -> Vec<Output> {
        // Unknown connections (already timed out, or never seen) have nothing to end,
        // and pin nothing: a flood of fresh keys saying goodbye changes nothing.
        let Some(record) = self.peers.remove(&leave.from) else {
            return Vec::new();
        };
        self.forget_budgets(&leave.from, &record);
        self.departed.left(leave.from.clone(), leave.t);
        let mut out = Vec::new();
        if !self
            .peers
            .identity_present(&record.handle, record.key.as_ref())
        {
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
    fn record_message(
        &mut self,
        now_ms: u64,
        entry: LogEntry,
        trust: Trust,
        history: bool,
    ) -> Option<Output> {
        let msg = entry.msg();
        let key = entry.seal().map(|seal| seal.public_key());
        let mut chat = chat_message(msg, trust, history, now_ms);
        chat.owner = self.owner_for(&msg.handle, key.as_ref());
        if let Some(index) = self.history.position(&msg.id) {
            let held_verified = self.history.message(index).is_some_and(|m| m.verified);
            if held_verified || !chat.verified {
                return None;
            }
            self.history.replace(index, entry, chat.clone());
            return Some(Output::Event(RoomEvent::Message(chat)));
        }
        if self.seen.contains(&msg.id) {
            return None;
        }
        self.seen.insert(msg.id.clone());
        // History is judged at the time it was said, so a burst replayed to a joiner
        // meets the rate it met when it was live.
        let at = if history { chat.t } else { now_ms };
        let owner_level = self.owner_level(&msg.handle, key.as_ref());
        if let Verdict::Hide(reason) = self.gate.judge(at, super::said(msg, owner_level)) {
            return Some(Output::Event(RoomEvent::Held {
                id: msg.id.clone(),
                handle: msg.handle.clone(),
                reason,
                why: reason.to_string(),
                hidden: self.gate.hidden(),
                verified: false,
            }));
        }
        if let (Some(seal), Trust::Verified) = (entry.seal(), trust) {
            let key = seal.public_key();
            let peers = &self.peers;
            self.pins
                .spoke(&msg.handle, &key, |h| peers.handle_present(h));
        }
        self.history.insert(entry, chat.clone());
        Some(Output::Event(RoomEvent::Message(chat)))
    }

    /// A joiner asks for history: answer after a random delay, if we have any.
    ///
    /// Someone asking while our own window is open has just (re)joined too, as
    /// everyone does after a broker restart. Whoever came back first asked when nobody
    /// could answer, and the newcomer may hold messages that died in flight on their
    /// way to us: we ask once more, now that it is here.
    fn on_history_request(&mut self, now_ms: u64, from: &PeerId) -> Vec<Output> {
        let mut out = Vec::new();
        let window_open = self
            .history_window_until
            .is_some_and(|until| now_ms < until);
        if window_open && !self.asked_again {
            self.asked_again = true;
            self.history_window_until = Some(now_ms.saturating_add(HISTORY_REQUEST_TIMEOUT_MS));
            let request = Envelope::HistoryRequest(crate::envelope::HistoryRequest {
                from: self.me().peer_id().clone(),
                t: now_ms,
            });
            out.push(self.publish(self.members.primary(), &request));
        }
        self.owe_roster(now_ms, from, &mut out);
        // A joiner learns the host's rules from the host.
        self.owe_host_rules(now_ms);
        if self.history.is_empty() {
            return out;
        }
        let due = now_ms.saturating_add(self.rng.in_range(HISTORY_REPLY_JITTER_MS));
        match self.replies.schedule(from.clone(), due) {
            Ok(()) | Err(NotScheduled::AlreadyPending) => {}
            Err(NotScheduled::Full) => out.push(rejected(format!(
                "too many history replies pending; the request from {from} is not answered"
            ))),
        }
        out
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
            let key = entry.seal().map(|seal| seal.public_key());
            let trust = self.judge_claim(&msg.handle, &msg.from, key.as_ref(), &mut out);
            out.extend(self.record_message(now_ms, entry.clone(), trust, true));
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

    /// Whether `payload` is a roster or history-response for someone else that we owe
    /// nothing: our own encoding names `to` first, so it is told by its first bytes,
    /// without parsing what can be hundreds of kilobytes. Anything else is parsed.
    pub(super) fn answer_not_ours(&self, payload: &[u8]) -> bool {
        const ROSTER: &[u8] = b"{\"type\":\"roster\",\"to\":\"";
        const HISTORY: &[u8] = b"{\"type\":\"history-response\",\"to\":\"";
        /// A peer id's length in hex.
        const PEER_ID_HEX_CHARS: usize = 16;
        let (rest, owed) = if let Some(rest) = payload.strip_prefix(ROSTER) {
            (rest, &self.roster_replies)
        } else if let Some(rest) = payload.strip_prefix(HISTORY) {
            (rest, &self.replies)
        } else {
            return false;
        };
        let Some(id) = rest
            .get(..PEER_ID_HEX_CHARS)
            .and_then(|id| std::str::from_utf8(id).ok())
            .and_then(|id| PeerId::parse(id).ok())
        else {
            return false;
        };
        !self.is_member(&id) && !owed.is_pending(&id)
    }

    /// For an answer to a joiner (a roster or a history-response): the joiner, and
    /// the replies of that kind we may owe it.
    fn answer_to<'e>(&self, envelope: &'e Envelope) -> Option<(&'e PeerId, &PendingReplies)> {
        match envelope {
            Envelope::Roster(roster) => Some((&roster.to, &self.roster_replies)),
            Envelope::HistoryResponse(response) => Some((&response.to, &self.replies)),
            _ => None,
        }
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

/// A roster entry as a claim: the member's own announce, relayed.
pub(super) fn relayed_claim<'a>(entry: &'a PresenceEntry, key: Option<&'a PublicKey>) -> Claim<'a> {
    presence_claim(entry.presence(), key, entry.seal(), true)
}

fn presence_claim<'a>(
    p: &'a Presence,
    key: Option<&'a PublicKey>,
    seal: Option<&Seal>,
    relayed: bool,
) -> Claim<'a> {
    Claim {
        from: &p.from,
        handle: &p.handle,
        avatar_seed: &p.avatar_seed,
        name: p.name.as_ref(),
        key,
        t: p.t,
        speaking: false,
        announce: Some(PresenceEntry::new(p.clone(), seal.cloned())),
        relayed,
    }
}
