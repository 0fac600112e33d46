//! Rosters: who is here, told to a joiner at once (docs/design.md, "Presence that
//! scales"). Beats stretch with the room's size, so a joiner cannot wait for each
//! peer's next one: its history-request is also a question, answered after a jitter
//! by one present peer with every announce it holds, ours included. Only a few peers
//! answer a given joiner (`ROSTER_RESPONDERS`), and they cancel theirs when another's
//! arrives first, so a join costs about one roster per room, not one beat per peer;
//! the rest drop rosters meant for others on their first bytes.

use sha2::{Digest, Sha256};

use crate::envelope::{json_len, Envelope, PresenceEntry, Received, Roster, SEAL_JSON_MAX_BYTES};
use crate::ids::PeerId;
use crate::limits::{
    HISTORY_RESPONSE_OVERHEAD_BYTES, MAX_PAYLOAD_BYTES, MAX_ROSTER_ENTRIES, PRESENCE_FRESHNESS_MS,
    ROSTER_REPLY_JITTER_MS, ROSTER_RESPONDERS,
};

use super::incoming::relayed_claim;
use super::replies::NotScheduled;
use super::{rejected, Output, Room, State};

/// Bytes of a roster's `peers` array, so each roster stays under `MAX_PAYLOAD_BYTES`
/// once sealed.
const ROSTER_BYTES: usize =
    MAX_PAYLOAD_BYTES - HISTORY_RESPONSE_OVERHEAD_BYTES - SEAL_JSON_MAX_BYTES;

impl Room {
    /// `joiner` asked: a roster is due after a jitter, unless someone answers first.
    pub(super) fn owe_roster(&mut self, now_ms: u64, joiner: &PeerId, out: &mut Vec<Output>) {
        if self.state != State::Joined || !self.answers_for(joiner) {
            return;
        }
        let due = now_ms.saturating_add(self.rng.in_range(ROSTER_REPLY_JITTER_MS));
        if let Err(NotScheduled::Full) = self.roster_replies.schedule(joiner.clone(), due) {
            out.push(rejected(format!(
                "too many rosters pending; the joiner {joiner} is not told who is here"
            )));
        }
    }

    /// Whether we are among the `ROSTER_RESPONDERS` peers that answer `joiner`: by the
    /// rank of `SHA-256(joiner ‖ peer id)` among every connection we know (the joiner
    /// aside). Every peer ranks the same ids the same way, so about that many answer.
    fn answers_for(&self, joiner: &PeerId) -> bool {
        let rank = |peer: &PeerId| -> [u8; 8] {
            let digest = Sha256::new()
                .chain_update(joiner.as_str())
                .chain_update(peer.as_str())
                .finalize();
            let mut rank = [0u8; 8];
            rank.copy_from_slice(&digest[..8]);
            rank
        };
        let ours = rank(self.members.primary().peer.peer_id());
        let ahead = self
            .peers
            .iter()
            .filter(|(id, _)| *id != joiner && rank(id) < ours)
            .count();
        ahead < ROSTER_RESPONDERS
    }

    /// Remembers a member's announce as it went out, to relay it.
    pub(super) fn keep_own_announce(&self, entry: PresenceEntry) {
        self.own_announces
            .borrow_mut()
            .insert(entry.presence().from.clone(), entry);
    }

    /// The rosters for `joiner`: our members' latest announces, then every tracked
    /// connection's, fresh enough to count as presence, in as many envelopes as it
    /// takes.
    pub(super) fn rosters(&self, joiner: PeerId, now_ms: u64) -> Vec<Output> {
        let fresh =
            |entry: &PresenceEntry| entry.presence().t.abs_diff(now_ms) <= PRESENCE_FRESHNESS_MS;
        let own = self.own_announces.borrow();
        let entries = own
            .values()
            .filter(|e| self.is_member(&e.presence().from))
            .chain(
                self.peers
                    .iter()
                    .filter(|(id, _)| **id != joiner)
                    .filter_map(|(_, record)| record.announce.as_ref()),
            );
        let mut chunks: Vec<Vec<PresenceEntry>> = Vec::new();
        let mut bytes = 0;
        for entry in entries.filter(|e| fresh(e)) {
            let size = json_len(entry) + 1;
            let full = chunks.last().is_none_or(|chunk| {
                chunk.len() == MAX_ROSTER_ENTRIES || bytes + size > ROSTER_BYTES
            });
            if full {
                chunks.push(Vec::new());
                bytes = 0;
            }
            bytes += size;
            if let Some(chunk) = chunks.last_mut() {
                chunk.push(entry.clone());
            }
        }
        let primary = self.members.primary();
        chunks
            .into_iter()
            .map(|peers| {
                let roster = Roster {
                    to: joiner.clone(),
                    peers,
                    from: primary.peer.peer_id().clone(),
                    t: now_ms,
                };
                self.publish(primary, &Envelope::Roster(roster))
            })
            .collect()
    }

    /// A roster: for one of our members, who is here; for someone else, a joiner we
    /// need not answer any more (if it is signed: an unsigned one could be anyone's).
    pub(super) fn on_roster(
        &mut self,
        now_ms: u64,
        roster: &Roster,
        received: &Received,
    ) -> Vec<Output> {
        if !self.is_member(&roster.to) {
            if received.verification.is_verified() {
                self.roster_replies.cancel(&roster.to);
            }
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut refused = 0;
        for entry in &roster.peers {
            let key = entry.seal().map(|seal| seal.public_key());
            let claim = relayed_claim(entry, key.as_ref());
            if !self.accept_relayed(now_ms, &claim, &mut out) {
                refused += 1;
            }
        }
        let dropped = received.rejected_entries.len();
        if refused + dropped > 0 {
            out.push(rejected(format!(
                "roster from {}: {} of {} entries not taken as presence (stale, replayed, or invalid)",
                roster.from,
                refused + dropped,
                roster.peers.len() + dropped
            )));
        }
        out
    }
}
