//! `policy`: the host's rules for agents in its room. It names no handle, so Party v1
//! ignores it; peers take it only when it is signed with the key pinned for the host
//! (`Room` checks that, as only the room knows the pin).

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{opt_u64, req_id, req_str, req_time, req_u64, Object};
use super::DecodeError;
use crate::ids::PeerId;
use crate::policy::{Level, Policy};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomPolicy {
    pub policy: Policy,
    pub from: PeerId,
    pub t: u64,
}

impl Body for RoomPolicy {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("ceiling", self.policy.ceiling().as_str());
        sink.opt_number("rate", self.policy.rate_per_minute().map(u64::from));
        sink.number("hops", u64::from(self.policy.hop_bound()));
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let ceiling: Level = req_str(obj, "ceiling")?
            .parse()
            .map_err(DecodeError::Level)?;
        let policy = Policy::from_wire(ceiling, opt_u64(obj, "rate")?, req_u64(obj, "hops")?)
            .map_err(DecodeError::Policy)?;
        Ok(RoomPolicy {
            policy,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }
}
