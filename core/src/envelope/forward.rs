//! `forward`: a person hands a message to their own agent ("→🤖"), which answers it
//! as a draft. Only that agent acts on it.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, Object};
use super::DecodeError;
use crate::ids::{Handle, MessageId, PeerId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forward {
    /// The person forwarding (the agent's owner).
    pub owner: Handle,
    pub agent: Handle,
    /// The message handed on.
    pub id: MessageId,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Forward {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("owner", self.owner.as_str());
        sink.text("agent", self.agent.as_str());
        sink.text("id", self.id.as_str());
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        Ok(Forward {
            owner: req_id(obj, "owner", Handle::parse)?,
            agent: req_id(obj, "agent", Handle::parse)?,
            id: req_id(obj, "id", MessageId::parse)?,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }
}
