//! `invited`: an agent takes up a person's invite (`crate::invite`), proving it holds
//! the invite's token without showing it. Peers keep it to check the owner's `grant`,
//! which carries it, so an agent is only ever owned by someone it chose.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_str, req_time, Object};
use super::DecodeError;
use crate::ids::{Handle, PeerId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invited {
    /// The agent.
    pub handle: Handle,
    /// The person whose invite it takes up.
    pub owner: Handle,
    /// `Invite::proof` for this room and the agent's key.
    pub proof: String,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Invited {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("handle", self.handle.as_str());
        sink.text("owner", self.owner.as_str());
        sink.text("proof", &self.proof);
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let proof = req_str(obj, "proof")?;
        if proof.len() != 43 || crate::b64::decode_strict(proof).is_none() {
            return Err(DecodeError::WrongType {
                field: "proof",
                expected: "32 bytes of unpadded base64url",
            });
        }
        Ok(Invited {
            handle: req_id(obj, "handle", Handle::parse)?,
            owner: req_id(obj, "owner", Handle::parse)?,
            proof: proof.to_owned(),
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }

    fn handle(&self) -> Option<&Handle> {
        Some(&self.handle)
    }
}
