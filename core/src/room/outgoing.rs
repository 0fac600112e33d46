//! Envelopes we send: built from our identity, signed for this room's topic.

use crate::envelope::{encode_sealed, Announce, Envelope, HistoryResponse, Leave, LogEntry};
use crate::ids::PeerId;
use crate::limits::MAX_PAYLOAD_BYTES;
use crate::sign::{sign, Seal};

use super::{Output, Room};

impl Room {
    pub(super) fn announce(&self, now_ms: u64) -> Envelope {
        Envelope::Announce(Announce {
            handle: self.me.handle().clone(),
            avatar_seed: self.me.avatar_seed().clone(),
            name: self.me.display_name().cloned(),
            from: self.me.peer_id().clone(),
            t: now_ms,
        })
    }

    pub(super) fn leave_envelope(&self, now_ms: u64) -> Envelope {
        Envelope::Leave(Leave {
            handle: self.me.handle().clone(),
            avatar_seed: self.me.avatar_seed().clone(),
            name: self.me.display_name().cloned(),
            from: self.me.peer_id().clone(),
            t: now_ms,
        })
    }

    /// Our signature over `envelope` for this room's topic.
    pub(super) fn seal(&self, envelope: &Envelope) -> Seal {
        sign(&self.topic, envelope, self.me.signing_key(), self.me.auth())
    }

    pub(super) fn publish(&self, envelope: &Envelope) -> Output {
        Output::Publish {
            topic: self.topic.clone(),
            payload: encode_sealed(envelope, Some(&self.seal(envelope))),
        }
    }

    /// Our whole history for `to`. The history byte budget keeps it under
    /// `MAX_PAYLOAD_BYTES`; should it still not fit, the oldest entries go first.
    pub(super) fn history_response(&self, to: PeerId, now_ms: u64) -> Output {
        let entries: Vec<LogEntry> = self.history.entries().cloned().collect();
        let mut skip = 0;
        loop {
            let envelope = Envelope::HistoryResponse(HistoryResponse {
                to: to.clone(),
                log: entries[skip..].to_vec(),
                from: self.me.peer_id().clone(),
                t: now_ms,
            });
            let out = self.publish(&envelope);
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
