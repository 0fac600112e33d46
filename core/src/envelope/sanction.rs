//! `kick` and `mute`: the host holds a handle back until a time. A kicked handle is
//! gone from the room (not listed, nothing it says shown); a muted one is listed but
//! nothing it says is shown. `until` at or before `t` lifts it. Like `policy`, it
//! names no sender handle and counts only under the host's pinned key.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, req_u64, Object};
use super::DecodeError;
use crate::ids::{Handle, PeerId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sanction {
    /// Whom it holds back.
    pub target: Handle,
    /// Until when (Unix ms, the host's clock).
    pub until: u64,
    pub from: PeerId,
    pub t: u64,
}

impl Sanction {
    /// Whether this lifts an earlier sanction rather than imposing one.
    pub fn lifts(&self) -> bool {
        self.until <= self.t
    }
}

impl Body for Sanction {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("target", self.target.as_str());
        sink.number("until", self.until);
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        Ok(Sanction {
            target: req_id(obj, "target", Handle::parse)?,
            until: req_u64(obj, "until")?,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }
}
