//! `approve`: an owner lets their agent's draft into the room. It carries the draft as
//! the agent signed it, so every peer checks both signatures and shows the draft as
//! the agent's message, approved by its owner.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, Object};
use super::sealed::{parse_one, verify_entries, Sealed};
use super::{DecodeError, Draft, EntryRejection, LogEntry};
use crate::ids::{Handle, PeerId};

/// A draft with the agent's seal.
pub type DraftEntry = Sealed<Draft>;

impl DraftEntry {
    pub fn draft(&self) -> &Draft {
        self.body()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approve {
    pub owner: Handle,
    /// Exactly one draft (empty only after a failed check).
    pub draft: Vec<DraftEntry>,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Approve {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("owner", self.owner.as_str());
        sink.entries("draft", &self.draft);
    }

    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let draft = parse_one(obj, "draft", ctx)?;
        Ok(Approve {
            owner: req_id(obj, "owner", Handle::parse)?,
            draft,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }

    fn verify_parts(
        &mut self,
        topic: &str,
        rejected: &mut Vec<EntryRejection>,
        _known: &dyn Fn(&LogEntry) -> bool,
    ) {
        verify_entries(&mut self.draft, topic, rejected, |_| false);
    }

    fn drop_parts(&mut self) {
        self.draft.clear();
    }
}
