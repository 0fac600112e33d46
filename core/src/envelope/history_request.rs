//! `history-request`: a joiner asking the room for its history.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, Object};
use super::DecodeError;
use crate::ids::PeerId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRequest {
    pub from: PeerId,
    pub t: u64,
}

impl Body for HistoryRequest {
    fn fields<S: FieldSink>(&self, _sink: &mut S) {}

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        Ok(HistoryRequest {
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }
}
