//! The room state machine: `(now, bytes)` in, events and envelopes to publish out.
//! The browser and the IRC bridge drive this same code, so a room behaves the same
//! everywhere, and every timing rule is testable with a fake clock.

mod budgets;
mod drafts;
mod echoes;
mod events;
#[cfg(test)]
mod flood_tests;
mod history;
mod host;
mod host_rules;
#[cfg(test)]
mod host_rules_tests;
mod incoming;
mod jitter;
mod local_peer;
mod members;
mod outbox;
mod outgoing;
mod owners;
mod peers;
mod pins;
mod replies;
mod roster;
mod sealing;
mod seen;
mod signers;
#[cfg(test)]
mod takeover_tests;
#[cfg(test)]
mod tests;

pub use budgets::Dropped;
pub use events::{
    ChatMessage, Delivery, HostError, LeaveReason, MemberError, Output, OwnerError, PeerInfo,
    RoomEvent, SendError, Trust,
};
pub use host_rules::HostAction;
pub use local_peer::LocalPeer;
pub use pins::LinkPinError;
pub use sealing::{SignRequest, SignatureRefused};

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};

use crate::envelope::{clamp_timestamp, ChatText, Envelope, HistoryRequest, Msg, PresenceEntry};
use crate::ids::{DisplayName, Handle, MessageId, PeerId, RoomName};
use crate::limits::{
    announce_interval_ms, ANNOUNCE_INTERVAL_MS, ANNOUNCE_JITTER_PERMILLE,
    HISTORY_REQUEST_TIMEOUT_MS, MAX_PENDING_HISTORY_REPLIES, MAX_PENDING_ROSTER_REPLIES,
    PRESENCE_REPLY_MIN_GAP_MS, TYPING_INTERVAL_MS,
};
use crate::policy::{Gate, Policy, Said, SanctionKind, Verdict};
use crate::sign::PublicKey;
use crate::topic::room_topic;

use budgets::Budgets;
use drafts::Drafts;
use echoes::Echoes;
use history::History;
use host::HostWatch;
use host_rules::HostRules;
use jitter::Rng;
use members::{Member, Members};
use outbox::Outbox;
use outgoing::{announce, leave_envelope};
use owners::Owners;
use peers::{PeerRecord, Peers};
use pins::Pins;
use replies::PendingReplies;
use sealing::Sealer;
use seen::{Departed, SeenIds};
use signers::Parked;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Created; listening is fine, but we have not announced ourselves.
    Idle,
    /// Our members are in the room (the primary, and any added since).
    Joined,
    /// We said goodbye; input is ignored until `join` again.
    Left,
}

/// A message composed by `Room::compose_as`, not signed or published yet.
#[must_use = "a composed message is sent only by Room::seal_composed"]
#[derive(Debug, Clone)]
pub struct Composed {
    msg: Msg,
    chat: ChatMessage,
}

impl Composed {
    /// The message as every peer will show it.
    pub fn message(&self) -> &ChatMessage {
        &self.chat
    }
}

/// One room, from the point of view of the local peers we speak for: one for a
/// browser tab or the CLI, one per IRC user for the bridge (`add_member`). They share
/// one view of the room, so each envelope is decoded and verified once.
pub struct Room {
    name: RoomName,
    topic: String,
    members: Members,
    state: State,
    host: HostWatch,
    peers: Peers,
    pins: Pins,
    seen: SeenIds,
    /// Connections that said goodbye: a replay of their envelopes is not presence.
    departed: Departed,
    history: History,
    echoes: Echoes,
    /// Our messages until the broker has them.
    outbox: Outbox,
    /// Until when history-responses to us are merged.
    history_window_until: Option<u64>,
    /// We asked for history a second time in this window (`on_history_request`).
    asked_again: bool,
    replies: PendingReplies,
    /// Rosters we owe joiners (see `roster`).
    roster_replies: PendingReplies,
    /// Each member's latest signed announce, to relay in rosters. Interior
    /// mutability for the same reason as `echoes`: publishing is `&self`.
    own_announces: RefCell<BTreeMap<PeerId, PresenceEntry>>,
    sealer: Sealer,
    rng: Rng,
    /// What each sender may still make us do (docs/design.md, "Floods").
    budgets: Budgets,
    /// The room's rules for agents and the host's sanctions, judged on every message.
    gate: Gate,
    host_rules: HostRules,
    owners: Owners,
    drafts: Drafts,
    /// Signed statements waiting for their signer's key (`signers`).
    parked: Parked,
}

impl Room {
    /// A room for `me`. `entropy` (random from the caller) seeds reply jitter and
    /// message-id suffixes.
    pub fn new(room: RoomName, me: LocalPeer, now_ms: u64, entropy: u64) -> Room {
        let primary = Member::new(me);
        let mut pins = Pins::new(room.host());
        pins.pin_own(primary.peer.handle().clone(), primary.key);
        Room {
            topic: room_topic(&room),
            name: room.clone(),
            host: HostWatch::new(room.host()),
            members: Members::new(primary),
            state: State::Idle,
            peers: Peers::default(),
            pins,
            seen: SeenIds::default(),
            departed: Departed::default(),
            history: History::default(),
            echoes: Echoes::default(),
            outbox: Outbox::default(),
            history_window_until: None,
            asked_again: false,
            replies: PendingReplies::new(MAX_PENDING_HISTORY_REPLIES),
            roster_replies: PendingReplies::new(MAX_PENDING_ROSTER_REPLIES),
            own_announces: RefCell::new(BTreeMap::new()),
            sealer: Sealer::default(),
            // Mixing in the clock keeps rooms apart even if a caller reuses entropy.
            rng: Rng::new(entropy ^ now_ms.rotate_left(32)),
            budgets: Budgets::new(now_ms),
            gate: Gate::new(
                room.host(),
                if room.host().is_some() {
                    Policy::HOSTED_DEFAULT
                } else {
                    Policy::OPEN_ROOM
                },
            ),
            host_rules: HostRules::default(),
            owners: Owners::default(),
            drafts: Drafts::default(),
            parked: Parked::default(),
        }
    }

    /// Pins `handle` to `key` before any traffic, from the share link's `k=`: every
    /// other key claiming it is an impostor (docs/design.md, "Pins"). Refused only if
    /// it contradicts our own key for our own handle.
    pub fn pin_from_link(&mut self, handle: &Handle, key: PublicKey) -> Result<(), LinkPinError> {
        self.pins.pin_from_link(handle.clone(), key)
    }

    pub fn name(&self) -> &RoomName {
        &self.name
    }

    /// The MQTT topic to subscribe to and publish on.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The host, if the room is named after a handle.
    pub fn host(&self) -> Option<&Handle> {
        self.host.host()
    }

    /// The primary local peer (the only one, outside the bridge).
    pub fn me(&self) -> &LocalPeer {
        &self.members.primary().peer
    }

    /// Our local peer `peer_id`, if it is one of ours.
    pub fn member(&self, peer_id: &PeerId) -> Option<&LocalPeer> {
        self.members.get(peer_id).map(|m| &m.peer)
    }

    /// Whether `peer_id` is one of the local peers we speak for.
    pub fn is_member(&self, peer_id: &PeerId) -> bool {
        self.members.get(peer_id).is_some()
    }

    /// Whether the remote connection `peer_id` is present here (cheaper than
    /// `peers()` when that is all one needs to know).
    pub fn is_present(&self, peer_id: &PeerId) -> bool {
        self.peers.get(peer_id).is_some()
    }

    /// How many local peers we speak for.
    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    /// Enters the room (call after subscribing, and again after a reconnect): every
    /// member announces, and the primary sends a history-request, whose replies are
    /// merged for `HISTORY_REQUEST_TIMEOUT_MS`.
    ///
    /// Our messages the broker never echoed before the connection was lost are
    /// published again after those: they may have died with the connection, and
    /// receivers drop a second copy by its id.
    pub fn join(&mut self, now_ms: u64) -> Vec<Output> {
        self.state = State::Joined;
        self.history_window_until = Some(now_ms.saturating_add(HISTORY_REQUEST_TIMEOUT_MS));
        self.asked_again = false;
        self.echoes.forget();
        let unconfirmed = self.outbox.unconfirmed();
        let mut out = Vec::new();
        let ids: Vec<PeerId> = self
            .members
            .iter()
            .map(|m| m.peer.peer_id().clone())
            .collect();
        for id in &ids {
            out.extend(self.beat(id, now_ms));
        }
        let request = Envelope::HistoryRequest(HistoryRequest {
            from: self.me().peer_id().clone(),
            t: now_ms,
        });
        out.push(self.publish(self.members.primary(), &request));
        for (id, payload) in unconfirmed {
            self.echoes.sent(&payload, Some(id));
            out.push(Output::Publish {
                topic: self.topic.clone(),
                payload,
            });
        }
        out.extend(self.update_host(now_ms));
        out
    }

    /// Another local peer enters the room we are in (an IRC user joining a channel
    /// the bridge already follows): it announces, and shares the room's view and
    /// history at once, with no history request of its own.
    pub fn add_member(&mut self, now_ms: u64, peer: LocalPeer) -> Result<Vec<Output>, MemberError> {
        if self.state != State::Joined {
            return Err(MemberError::NotJoined);
        }
        if self.members.is_full() {
            return Err(MemberError::Full);
        }
        let id = peer.peer_id().clone();
        if self.members.get(&id).is_some() || self.peers.get(&id).is_some() {
            return Err(MemberError::PeerIdInUse(id));
        }
        let member = Member::new(peer);
        let handle = member.peer.handle().clone();
        if let Some(until) = self
            .gate
            .sanctions()
            .until(now_ms, SanctionKind::Kick, &handle)
        {
            return Err(MemberError::Kicked { handle, until });
        }
        if let Some(pinned) = self.pins.pinned_key(&handle) {
            if *pinned != member.key {
                return Err(MemberError::HandlePinnedToAnotherKey(handle));
            }
        }
        self.pins.pin_own(handle, member.key);
        self.members.push(member);
        let mut out = self.beat(&id, now_ms);
        out.extend(self.update_host(now_ms));
        Ok(out)
    }

    /// A local peer leaves while others stay: its signed `leave` goes out. Removing the
    /// last member is `leave`. Unknown ids change nothing.
    pub fn remove_member(&mut self, now_ms: u64, peer_id: &PeerId) -> Vec<Output> {
        if self.state != State::Joined {
            return Vec::new();
        }
        if self.members.len() == 1 {
            return if self.is_member(peer_id) {
                self.leave(now_ms)
            } else {
                Vec::new()
            };
        }
        let Some(member) = self.members.remove(peer_id) else {
            return Vec::new();
        };
        let mut out = vec![self.publish(&member, &leave_envelope(&member.peer, now_ms))];
        for id in self.outbox.forget_member(peer_id) {
            out.push(delivery(&id, Delivery::Failed));
        }
        self.release_pin_unless_held(member.peer.handle());
        out.extend(self.update_host(now_ms));
        out
    }

    /// A departed member's handle pin ages like any other, unless a member still here
    /// holds the same handle (one IRC user connected twice, say).
    fn release_pin_unless_held(&mut self, handle: &Handle) {
        if !self.members.has_handle(handle) {
            self.pins.release(handle);
        }
    }

    /// A member's display name changed: it beats at once, so peers show the new name
    /// now rather than at its next scheduled announce. Unknown ids change nothing.
    pub fn rename_member(
        &mut self,
        now_ms: u64,
        peer_id: &PeerId,
        name: Option<DisplayName>,
    ) -> Vec<Output> {
        let Some(member) = self.members.get_mut(peer_id) else {
            return Vec::new();
        };
        member.peer.set_display_name(name);
        if self.state != State::Joined {
            return Vec::new();
        }
        self.beat(peer_id, now_ms)
    }

    /// Publishes a signed chat message from the primary member and reports it locally
    /// (once: the broker's echo is recognized and dropped).
    pub fn send_text(&mut self, now_ms: u64, text: &str) -> Result<Vec<Output>, SendError> {
        let from = self.me().peer_id().clone();
        self.send_text_as(now_ms, &from, text, None)
    }

    /// `send_text`, answering the message `re`.
    pub fn send_reply(
        &mut self,
        now_ms: u64,
        text: &str,
        re: &MessageId,
    ) -> Result<Vec<Output>, SendError> {
        let from = self.me().peer_id().clone();
        self.send_text_as(now_ms, &from, text, Some(re))
    }

    /// `send_text` for any member, answering `re` if given.
    pub fn send_text_as(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<Vec<Output>, SendError> {
        let composed = self.compose_as(now_ms, from, text, re)?;
        // The message ends the typing; the next keystroke starts a new one.
        if let Some(member) = self.members.get_mut(from) {
            member.last_typing = None;
        }
        let chat = composed.chat.clone();
        let mut out = vec![Output::Event(RoomEvent::Message(chat.clone()))];
        out.push(delivery(&chat.id, Delivery::Pending));
        out.extend(self.seal_composed(composed));
        Ok(out)
    }

    /// The primary member is writing: a `typing` for the room, at most every
    /// `TYPING_INTERVAL_MS` however often this is called (on every keystroke, say).
    pub fn typing(&mut self, now_ms: u64) -> Vec<Output> {
        let primary = self.me().peer_id().clone();
        self.typing_as(now_ms, &primary)
    }

    /// `typing` for any member (an agent over the bridge that is working on an
    /// answer, say).
    pub fn typing_as(&mut self, now_ms: u64, from: &PeerId) -> Vec<Output> {
        if self.state != State::Joined {
            return Vec::new();
        }
        let Some(member) = self.members.get_mut(from) else {
            return Vec::new();
        };
        if member
            .last_typing
            .is_some_and(|at| now_ms < at.saturating_add(TYPING_INTERVAL_MS))
        {
            return Vec::new();
        }
        member.last_typing = Some(now_ms);
        let Some(member) = self.members.get(from) else {
            return Vec::new();
        };
        let typing = Envelope::Typing(crate::envelope::Typing {
            from: from.clone(),
            t: now_ms,
        });
        vec![self.publish(member, &typing)]
    }

    /// A one-shot message (`party send`): the message, then a `leave` for this
    /// connection, so receivers that took the message as a sign of life (it is one)
    /// do not list a sender that is already gone for the next 90 s. The room is not
    /// joined: nothing announces it.
    pub fn send_once(
        &mut self,
        now_ms: u64,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<Vec<Output>, SendError> {
        let from = self.me().peer_id().clone();
        let mut out = self.send_text_as(now_ms, &from, text, re)?;
        let primary = self.members.primary();
        out.push(self.publish(primary, &leave_envelope(&primary.peer, now_ms)));
        Ok(out)
    }

    /// Sends the text of our failed message `id` again, as a new message: the old
    /// one is reported `Retried` (drop it), then the new one as any message we send.
    pub fn retry(&mut self, now_ms: u64, id: &MessageId) -> Result<Vec<Output>, SendError> {
        if self.state == State::Left {
            return Err(SendError::Left);
        }
        let unsent = self
            .outbox
            .take_failed(id)
            .ok_or_else(|| SendError::NothingToRetry(id.clone()))?;
        let mut out = vec![delivery(id, Delivery::Retried)];
        out.extend(self.send_text_as(now_ms, &unsent.from, &unsent.text, unsent.re.as_ref())?);
        Ok(out)
    }

    /// The first half of `send_text_as`: the message as it will be shown, before the
    /// signature (the costliest step) is made. A driver with local listeners (the
    /// IRC bridge's channel) shows it to them first, then calls `seal_composed`.
    ///
    /// A room need not be joined to compose: a one-shot sender (`party send`) says
    /// one thing without announcing itself. Whether the broker can take it now is the
    /// connection's business (`Connection::send_text`).
    pub fn compose_as(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<Composed, SendError> {
        let msg = self.new_msg(now_ms, from, text, re)?;
        let key = self.members.get(from).map(|m| m.key);
        let owner_level = self.owner_level(&msg.handle, key.as_ref());
        if let Verdict::Hide(why) = self.gate.check(now_ms, said(&msg, owner_level)) {
            return Err(SendError::Held(why));
        }
        let mut chat = chat_message(&msg, Trust::Verified, false, now_ms);
        chat.owner = self.owner_for(&msg.handle, key.as_ref());
        Ok(Composed { msg, chat })
    }

    /// A message (or draft) from our member `from`, checked for text an agent must
    /// never publish, not signed yet.
    fn new_msg(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<Msg, SendError> {
        if self.state == State::Left {
            return Err(SendError::Left);
        }
        let Some(member) = self.members.get(from) else {
            return Err(SendError::NotAMember(from.clone()));
        };
        let me = &member.peer;
        if let Some(found) = me.credential_in(text) {
            return Err(SendError::Credential(found));
        }
        Ok(Msg {
            id: MessageId::generate(me.handle().as_str(), now_ms, self.rng.next_u64()),
            handle: me.handle().clone(),
            avatar_seed: me.avatar_seed().clone(),
            name: me.display_name().cloned(),
            text: ChatText::parse(text)?,
            re: re.cloned(),
            from: me.peer_id().clone(),
            t: now_ms,
        })
    }

    /// Signs a composed message, keeps it in history and returns its publish (or,
    /// for an external key, the request to sign it). A message whose member left in
    /// between is not sent (nobody may sign for it), and a `Rejected` event says so.
    pub fn seal_composed(&mut self, composed: Composed) -> Vec<Output> {
        let Composed { msg, chat } = composed;
        // Counted as every peer will count it (its rate, its hop), so the next check
        // sees it.
        let key = self.members.get(&msg.from).map(|m| m.key);
        let owner_level = self.owner_level(&msg.handle, key.as_ref());
        self.gate.judge(msg.t, said(&msg, owner_level));
        self.seal_msg(msg, chat)
    }

    /// Runs every timer that is due: presence beats, peer timeouts, the host grace
    /// period, the history window and jittered history replies.
    pub fn tick(&mut self, now_ms: u64) -> Vec<Output> {
        let mut out = Vec::new();
        if self.state == State::Left {
            return out;
        }
        let due: Vec<PeerId> = self
            .members
            .iter()
            .filter(|m| m.next_announce.is_some_and(|at| at <= now_ms))
            .map(|m| m.peer.peer_id().clone())
            .collect();
        for id in &due {
            out.extend(self.beat(id, now_ms));
        }
        if self.history_window_until.is_some_and(|at| at <= now_ms) {
            self.history_window_until = None;
        }
        for to in self.replies.take_due(now_ms) {
            if !self.history.is_empty() {
                out.push(self.history_response(to, now_ms));
            }
        }
        for to in self.roster_replies.take_due(now_ms) {
            out.extend(self.rosters(to, now_ms));
        }
        out.extend(self.repeat_host_rules_if_due(now_ms));
        let expired = self.peers.expire(now_ms);
        for (id, record) in &expired {
            self.forget_budgets(id, record);
        }
        let mut gone: Vec<(PeerId, PeerRecord)> = Vec::new();
        for (id, record) in expired {
            if !gone
                .iter()
                .any(|(_, r)| r.handle == record.handle && r.key == record.key)
            {
                gone.push((id, record));
            }
        }
        for (id, record) in gone {
            if !self
                .peers
                .identity_present(&record.handle, record.key.as_ref())
            {
                out.push(Output::Event(RoomEvent::PeerLeft {
                    peer: self.peer_info(&id, &record),
                    reason: LeaveReason::Timeout,
                }));
            }
        }
        out.extend(self.update_host(now_ms));
        let here = self.host_here();
        out.extend(self.host.tick(here, now_ms).map(Output::Event));
        for id in self.outbox.expire(now_ms) {
            out.push(delivery(&id, Delivery::Failed));
        }
        out
    }

    /// When `tick` must next run (`None`: nothing pending).
    pub fn next_deadline(&self) -> Option<u64> {
        if self.state == State::Left {
            return None;
        }
        [
            self.members.next_announce(),
            self.history_window_until,
            self.replies.next_due(),
            self.roster_replies.next_due(),
            self.peers.next_expiry(),
            self.host.deadline(),
            self.outbox.next_expiry(),
            self.host_rules_deadline(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Says goodbye for every member: a signed `leave` each, and the room stops. Peers
    /// see us go at once instead of after `PEER_TIMEOUT_MS`. Only the primary member
    /// is kept (for `join` again).
    pub fn leave(&mut self, now_ms: u64) -> Vec<Output> {
        if self.state != State::Joined {
            return Vec::new();
        }
        let out = self
            .members
            .iter()
            .map(|m| self.publish(m, &leave_envelope(&m.peer, now_ms)))
            .collect();
        let departed: Vec<Handle> = self
            .members
            .iter()
            .skip(1)
            .map(|m| m.peer.handle().clone())
            .collect();
        self.members.keep_primary_only();
        for handle in &departed {
            self.release_pin_unless_held(handle);
        }
        for member in self.members.iter_mut() {
            member.next_announce = None;
        }
        self.state = State::Left;
        self.history_window_until = None;
        self.replies.clear();
        self.roster_replies.clear();
        self.own_announces.borrow_mut().clear();
        self.sealer.clear();
        self.peers.clear();
        self.budgets.clear();
        self.host.reset();
        out
    }

    /// Raises (or lowers) how many messages one remote connection may send before
    /// the rest are dropped (`PEER_MESSAGE_RATE` by default); a handle may send twice
    /// that over all its connections. For deployments whose senders are trusted and
    /// for benchmarks; a room open to strangers keeps the default.
    pub fn set_message_rate(&mut self, per_connection: crate::rate::Rate) {
        self.budgets.set_message_rate(per_connection);
    }

    /// Envelopes dropped over budget so far (floods), by what they were.
    pub fn dropped(&self) -> Dropped {
        self.budgets.dropped()
    }

    /// A connection the room no longer tracks takes its buckets with it, and its
    /// handle's when it was the last connection of that handle.
    fn forget_budgets(&mut self, id: &PeerId, record: &PeerRecord) {
        self.budgets.forget_peer(id);
        if !self.peers.handle_present(&record.handle) {
            self.budgets.forget_handle(&record.handle);
        }
    }

    /// A connection made way for a newcomer (`Peers::make_place`).
    fn displaced(&mut self, id: PeerId, record: PeerRecord, out: &mut Vec<Output>) {
        self.forget_budgets(&id, &record);
        if !self
            .peers
            .identity_present(&record.handle, record.key.as_ref())
        {
            out.push(Output::Event(RoomEvent::PeerLeft {
                peer: self.peer_info(&id, &record),
                reason: LeaveReason::Crowded,
            }));
        }
    }

    /// Remote handles present, one entry per handle (what the bridge shows as channel
    /// members besides its own users): host first, then by handle. Impostors are left
    /// out, since they are not who their handle says; a contested handle is listed
    /// once.
    pub fn remote_peers(&self) -> Vec<PeerInfo> {
        let mut list: Vec<PeerInfo> = Vec::new();
        for (id, record) in self.peers.identities() {
            let info = self.peer_info(id, record);
            if info.trust == Trust::Impostor || list.iter().any(|p| p.handle == info.handle) {
                continue;
            }
            list.push(info);
        }
        sort_host_first(&mut list);
        list
    }

    /// Everyone present, our members included (`is_self`), one entry per handle and
    /// key: an impostor or a rival key of a handle is listed beside it, flagged by its
    /// `trust`. Host first, then by handle.
    pub fn peers(&self) -> Vec<PeerInfo> {
        let mut list: Vec<PeerInfo> = Vec::new();
        for member in self.members.iter() {
            if !list.iter().any(|p| p.handle == *member.peer.handle()) {
                list.push(self.self_info(&member.peer));
            }
        }
        for (id, record) in self.peers.identities() {
            let ours = self
                .members
                .iter()
                .any(|m| *m.peer.handle() == record.handle && Some(&m.key) == record.key.as_ref());
            if !ours {
                list.push(self.peer_info(id, record));
            }
        }
        sort_host_first(&mut list);
        list
    }

    /// The key `handle` is pinned to in this room (the first verified key seen for it),
    /// to show next to the handle or compare with a fingerprint from the share link.
    pub fn pinned_key(&self, handle: &Handle) -> Option<&PublicKey> {
        self.pins.pinned_key(handle)
    }

    /// The messages we hold, oldest first (what a new view renders, and what we replay).
    pub fn history(&self) -> &VecDeque<ChatMessage> {
        self.history.messages()
    }

    /// Until our next beat: the period for the room's size (ours included), moved at
    /// random by up to `ANNOUNCE_JITTER_PERMILLE` so beats never fall into step.
    fn announce_period(&mut self) -> u64 {
        let period = announce_interval_ms(self.peers.len() + self.members.len());
        let spread = period * ANNOUNCE_JITTER_PERMILLE / 1_000;
        period - spread + self.rng.in_range((0, 2 * spread))
    }

    /// A new v1 connection appeared (it cannot read rosters): in a small room, beat
    /// early (but not more often than `PRESENCE_REPLY_MIN_GAP_MS`) so it sees us
    /// within a second instead of a full announce interval. In a large room that
    /// would cost a beat from everyone per join, so it waits for our next beat.
    fn greet_newcomer(&mut self, now_ms: u64) {
        let small =
            announce_interval_ms(self.peers.len() + self.members.len()) <= ANNOUNCE_INTERVAL_MS;
        if self.state != State::Joined || !small {
            return;
        }
        for member in self.members.iter_mut() {
            let earliest = member
                .last_announce
                .map_or(now_ms, |at| at.saturating_add(PRESENCE_REPLY_MIN_GAP_MS))
                .max(now_ms);
            member.next_announce =
                Some(member.next_announce.map_or(earliest, |at| at.min(earliest)));
        }
    }

    /// One presence beat from member `id` now, and its next one scheduled.
    fn beat(&mut self, id: &PeerId, now_ms: u64) -> Vec<Output> {
        let period = self.announce_period();
        let Some(member) = self.members.get_mut(id) else {
            return Vec::new();
        };
        member.next_announce = Some(now_ms.saturating_add(period));
        member.last_announce = Some(now_ms);
        let Some(member) = self.members.get(id) else {
            return Vec::new();
        };
        let mut out = vec![self.publish(member, &announce(&member.peer, now_ms))];
        out.extend(self.repeat_policy(now_ms, id));
        out
    }

    fn host_here(&self) -> bool {
        self.host_presence().is_some()
    }

    /// `Some(verified)` while the host is here: whether its presence is signed with
    /// its pinned key (always, when we are the host). Impostors and contested keys do
    /// not make the host present.
    fn host_presence(&self) -> Option<bool> {
        let host = self.host.host()?;
        if self.state == State::Joined && self.members.has_handle(host) {
            return Some(true);
        }
        let mut here = None;
        for (_, record) in self.peers.claiming(host) {
            match self.pins.trust(host, record.key.as_ref()) {
                Trust::Verified => return Some(true),
                Trust::Unverified => here = Some(false),
                Trust::Impostor | Trust::Contested => {}
            }
        }
        here
    }

    fn update_host(&mut self, now_ms: u64) -> Option<Output> {
        let here = self.host_presence();
        self.host.update(here, now_ms).map(Output::Event)
    }

    fn is_host(&self, handle: &Handle) -> bool {
        self.host.host() == Some(handle)
    }

    fn self_info(&self, me: &LocalPeer) -> PeerInfo {
        PeerInfo {
            handle: me.handle().clone(),
            avatar_seed: me.avatar_seed().clone(),
            name: me.display_name().map(|n| n.as_str().to_owned()),
            peer_id: me.peer_id().clone(),
            is_host: self.is_host(me.handle()),
            is_self: true,
            verified: true,
            trust: Trust::Verified,
            owner: self.owner_for(me.handle(), Some(&me.public_key())),
        }
    }

    fn peer_info(&self, id: &PeerId, record: &PeerRecord) -> PeerInfo {
        let trust = self.pins.trust(&record.handle, record.key.as_ref());
        PeerInfo {
            handle: record.handle.clone(),
            avatar_seed: record.avatar_seed.clone(),
            name: record.name.as_ref().map(|n| n.as_str().to_owned()),
            peer_id: id.clone(),
            is_host: self.is_host(&record.handle) && trust.is_genuine(),
            is_self: false,
            verified: trust == Trust::Verified,
            trust,
            owner: self.owner_for(&record.handle, record.key.as_ref()),
        }
    }
}

/// Host first, then by handle.
fn sort_host_first(list: &mut [PeerInfo]) {
    list.sort_by(|a, b| (!a.is_host, &a.handle).cmp(&(!b.is_host, &b.handle)));
}

/// A msg as the gate judges it, with the level its owner set for its sender.
fn said(msg: &Msg, owner_level: Option<crate::policy::Level>) -> Said<'_> {
    Said {
        id: &msg.id,
        handle: &msg.handle,
        name: msg.name.as_ref(),
        text: msg.text.as_str(),
        re: msg.re.as_ref(),
        owner_level,
    }
}

/// How a msg is shown; `trust` is decided by the caller (signature and pin).
fn chat_message(msg: &Msg, trust: Trust, history: bool, now_ms: u64) -> ChatMessage {
    ChatMessage {
        id: msg.id.clone(),
        handle: msg.handle.clone(),
        avatar_seed: msg.avatar_seed.clone(),
        name: msg.name.as_ref().map(|n| n.as_str().to_owned()),
        text: msg.text.as_str().to_owned(),
        re: msg.re.clone(),
        owner: None,
        approved_by: None,
        t: clamp_timestamp(msg.t, now_ms),
        from: msg.from.clone(),
        verified: trust == Trust::Verified,
        trust,
        history,
    }
}

fn delivery(id: &MessageId, status: Delivery) -> Output {
    Output::Event(RoomEvent::Delivery {
        id: id.clone(),
        status,
        verified: true,
    })
}

fn rejected(reason: impl Into<String>) -> Output {
    Output::Event(RoomEvent::Rejected {
        reason: reason.into(),
        verified: false,
    })
}
