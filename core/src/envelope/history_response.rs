//! `history-response`: history for one joiner, as the original signed msg envelopes.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, Object};
use super::sealed::{parse_entries, verify_entries};
use super::{DecodeError, EntryRejection, LogEntry};
use crate::ids::PeerId;
use crate::limits::HISTORY_MAX_MESSAGES;

/// History for the joiner `to`: each entry keeps its own seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryResponse {
    pub to: PeerId,
    pub log: Vec<LogEntry>,
    pub from: PeerId,
    pub t: u64,
}

impl Body for HistoryResponse {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("to", self.to.as_str());
        sink.entries("log", &self.log);
    }

    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let to = req_id(obj, "to", PeerId::parse)?;
        let from = req_id(obj, "from", PeerId::parse)?;
        let t = req_time(obj)?;
        let log = parse_entries(obj, "log", HISTORY_MAX_MESSAGES, ctx, LogEntry::parse_entry)?;
        Ok(HistoryResponse { to, log, from, t })
    }

    fn verify_parts(
        &mut self,
        topic: &str,
        rejected: &mut Vec<EntryRejection>,
        known: &dyn Fn(&LogEntry) -> bool,
    ) {
        verify_entries(&mut self.log, topic, rejected, known);
    }
}
