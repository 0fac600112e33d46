//! Envelopes we send: built from a member's identity, signed for this room's topic.

use crate::envelope::{encode_sealed, Envelope, HistoryResponse, LogEntry, Presence};
use crate::ids::PeerId;
use crate::limits::MAX_PAYLOAD_BYTES;
use crate::sign::{sign_with, Seal};

use super::members::Member;
use super::{LocalPeer, Output, Room};

pub(super) fn announce(me: &LocalPeer, now_ms: u64) -> Envelope {
    Envelope::Announce(presence(me, now_ms))
}

pub(super) fn leave_envelope(me: &LocalPeer, now_ms: u64) -> Envelope {
    Envelope::Leave(presence(me, now_ms))
}

fn presence(me: &LocalPeer, now_ms: u64) -> Presence {
    Presence {
        handle: me.handle().clone(),
        avatar_seed: me.avatar_seed().clone(),
        name: me.display_name().cloned(),
        from: me.peer_id().clone(),
        t: now_ms,
    }
}

/// `member`'s signature over `envelope` for `topic`.
pub(super) fn seal(topic: &str, member: &Member, envelope: &Envelope) -> Seal {
    sign_with(topic, envelope, member.peer.signer(), member.peer.auth())
}

impl Room {
    pub(super) fn publish(&self, member: &Member, envelope: &Envelope) -> Output {
        let payload = encode_sealed(envelope, Some(&seal(&self.topic, member, envelope)));
        self.echoes.sent(&payload);
        Output::Publish {
            topic: self.topic.clone(),
            payload,
        }
    }

    /// Our whole history for `to`, signed by the primary member. The history byte
    /// budget keeps it under `MAX_PAYLOAD_BYTES`; should it still not fit, the oldest
    /// entries go first.
    pub(super) fn history_response(&self, to: PeerId, now_ms: u64) -> Output {
        let primary = self.members.primary();
        let entries: Vec<LogEntry> = self.history.entries().cloned().collect();
        let mut skip = 0;
        loop {
            let envelope = Envelope::HistoryResponse(HistoryResponse {
                to: to.clone(),
                log: entries[skip..].to_vec(),
                from: primary.peer.peer_id().clone(),
                t: now_ms,
            });
            let out = self.publish(primary, &envelope);
            match &out {
                Output::Publish { payload, .. }
                    if payload.len() > MAX_PAYLOAD_BYTES && skip < entries.len() =>
                {
                    skip += 1;
                }
                _ => return out,
            }
        }
    }
}
