//! `grant`: a person confirms an agent as theirs and sets the level it may speak at
//! (never above the room's ceiling). It carries the agent's own signed `invited`, so
//! every peer can check the agent chose this owner: nobody can claim, and silence,
//! someone else's agent.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_str, req_time, Object};
use super::sealed::{parse_one, verify_entries, Sealed};
use super::{DecodeError, EntryRejection, Invited, LogEntry};
use crate::ids::{Handle, PeerId};
use crate::policy::Level;

/// The agent's consent, with its own seal.
pub type Consent = Sealed<Invited>;

impl Consent {
    pub fn invited(&self) -> &Invited {
        self.body()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The person who owns the agent (and signs this).
    pub owner: Handle,
    pub level: Level,
    /// The agent's `invited`, naming `owner`. Empty only after a failed check.
    pub consent: Vec<Consent>,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Grant {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("owner", self.owner.as_str());
        sink.text("level", self.level.as_str());
        sink.entries("consent", &self.consent);
    }

    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let level = req_str(obj, "level")?.parse().map_err(DecodeError::Level)?;
        let consent = parse_one(obj, "consent", ctx)?;
        Ok(Grant {
            owner: req_id(obj, "owner", Handle::parse)?,
            level,
            consent,
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
        verify_entries(&mut self.consent, topic, rejected, |_| false);
    }

    fn drop_parts(&mut self) {
        self.consent.clear();
    }
}
