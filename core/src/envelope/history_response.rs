//! `history-response`: history for one joiner, as the original signed msg envelopes.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_time, Object};
use std::collections::BTreeSet;

use super::{check, DecodeError, EntryRejection, Envelope, LogEntry};
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
        sink.log("log", &self.log);
    }

    /// An unsigned response keeps its well-formed entries and drops the others; a
    /// signed one vouches for every entry by its canonical form, which a malformed
    /// entry does not have, so one bad entry makes the whole response unverifiable.
    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let to = req_id(obj, "to", PeerId::parse)?;
        let from = req_id(obj, "from", PeerId::parse)?;
        let t = req_time(obj)?;
        let raw_log = obj
            .get("log")
            .ok_or(DecodeError::Missing("log"))?
            .as_array()
            .ok_or(DecodeError::WrongType {
                field: "log",
                expected: "an array of msg envelopes",
            })?;
        if raw_log.len() > HISTORY_MAX_MESSAGES {
            return Err(DecodeError::LogTooLong {
                entries: raw_log.len(),
                max: HISTORY_MAX_MESSAGES,
            });
        }
        let mut log = Vec::with_capacity(raw_log.len());
        for (index, raw) in raw_log.iter().enumerate() {
            match LogEntry::parse(raw) {
                Ok(entry) => log.push(entry),
                Err(error) if ctx.signed => {
                    return Err(DecodeError::LogEntry {
                        index,
                        error: Box::new(error),
                    })
                }
                Err(error) => ctx.rejected.push(EntryRejection { index, error }),
            }
        }
        Ok(HistoryResponse { to, log, from, t })
    }

    /// Each entry stands or falls on its own signature, against the same topic.
    /// Rejections keep the entry's index in the log as received.
    fn verify_parts(
        &mut self,
        topic: &str,
        rejected: &mut Vec<EntryRejection>,
        known: &dyn Fn(&LogEntry) -> bool,
    ) {
        let dropped: BTreeSet<usize> = rejected.iter().map(|r| r.index).collect();
        let received_at = (0..).filter(|index| !dropped.contains(index));
        for (index, entry) in received_at.zip(std::mem::take(&mut self.log)) {
            if known(&entry) {
                self.log.push(entry);
                continue;
            }
            match check(topic, &Envelope::Msg(entry.msg().clone()), entry.seal()) {
                Ok(_) => self.log.push(entry),
                Err(error) => rejected.push(EntryRejection { index, error }),
            }
        }
        rejected.sort_by_key(|r| r.index);
    }
}
