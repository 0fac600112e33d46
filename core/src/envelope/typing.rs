//! `typing`: a connection is writing a message. Ephemeral: shown for a few seconds,
//! never kept. It names no handle, so Party v1 (which takes any envelope with a
//! valid `handle` as a sign of life) ignores it.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, Object};
use super::DecodeError;
use crate::ids::PeerId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Typing {
    pub from: PeerId,
    pub t: u64,
}

impl Body for Typing {
    fn fields<S: FieldSink>(&self, _sink: &mut S) {}

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        Ok(Typing {
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }
}
