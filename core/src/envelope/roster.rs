//! `roster`: who is in the room, for one joiner, as the members' own signed
//! `announce` envelopes (docs/design.md, "Presence that scales").
//!
//! Beats stretch with the room's size, so a joiner cannot wait for everyone's next
//! beat. It asks (its `history-request`), and one present peer, after a jitter,
//! answers with every announce it holds; the others see that answer and stay quiet.
//! Each entry keeps its own seal and is verified on its own, so the responder can
//! relay who is here but cannot speak for anyone.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, Object};
use super::sealed::{parse_entries, parse_entry, verify_entries, Sealed};
use super::{DecodeError, EntryRejection, LogEntry, Presence};
use crate::ids::PeerId;
use crate::limits::MAX_ROSTER_ENTRIES;

/// One member's announce, with its seal, relayed as it was sent.
pub type PresenceEntry = Sealed<Presence>;

impl PresenceEntry {
    pub fn presence(&self) -> &Presence {
        self.body()
    }
}

/// The room's members for the joiner `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roster {
    pub to: PeerId,
    pub peers: Vec<PresenceEntry>,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Roster {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("to", self.to.as_str());
        sink.entries("peers", &self.peers);
    }

    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let to = req_id(obj, "to", PeerId::parse)?;
        let from = req_id(obj, "from", PeerId::parse)?;
        let t = req_time(obj)?;
        let peers = parse_entries(obj, "peers", MAX_ROSTER_ENTRIES, ctx, parse_entry)?;
        Ok(Roster { to, peers, from, t })
    }

    fn verify_parts(
        &mut self,
        topic: &str,
        rejected: &mut Vec<EntryRejection>,
        _known: &dyn Fn(&LogEntry) -> bool,
    ) {
        verify_entries(&mut self.peers, topic, rejected, |_| false);
    }

    fn drop_parts(&mut self) {
        self.peers.clear();
    }
}
