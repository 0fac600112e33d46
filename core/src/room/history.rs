//! The room's message log: what we show and what we replay to joiners. Ordered by
//! (clamped) time, bounded by count and by encoded size so a full history-response
//! always fits one MQTT publish. Double-ended queues: a full log drops its oldest for
//! every new message, which must not shift the whole log.

use std::collections::VecDeque;

use crate::envelope::{json_len, LogEntry};
use crate::ids::MessageId;
use crate::limits::{HISTORY_MAX_BYTES, HISTORY_MAX_MESSAGES};

use super::ChatMessage;

#[derive(Default)]
pub(super) struct History {
    entries: VecDeque<(LogEntry, usize)>,
    messages: VecDeque<ChatMessage>,
    /// Sum over entries of their JSON length plus one separating comma.
    bytes: usize,
}

impl History {
    pub(super) fn messages(&self) -> &VecDeque<ChatMessage> {
        &self.messages
    }

    pub(super) fn entries(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().map(|(entry, _)| entry)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(super) fn position(&self, id: &MessageId) -> Option<usize> {
        self.messages.iter().position(|m| &m.id == id)
    }

    pub(super) fn message(&self, index: usize) -> Option<&ChatMessage> {
        self.messages.get(index)
    }

    /// The entry held for `id`, if its message was verified.
    pub(super) fn verified_entry(&self, id: &MessageId) -> Option<&LogEntry> {
        let index = self.position(id)?;
        let verified = self.messages.get(index).is_some_and(|m| m.verified);
        verified
            .then(|| self.entries.get(index).map(|(entry, _)| entry))
            .flatten()
    }

    /// Inserts after every message not newer than it (arrival order breaks ties), then
    /// drops the oldest past the count or byte bound.
    pub(super) fn insert(&mut self, entry: LogEntry, message: ChatMessage) {
        let at = self.messages.partition_point(|m| m.t <= message.t);
        let len = json_len(&entry) + 1;
        self.bytes += len;
        self.entries.insert(at, (entry, len));
        self.messages.insert(at, message);
        while self.entries.len() > HISTORY_MAX_MESSAGES || self.bytes > HISTORY_MAX_BYTES {
            self.remove(0);
        }
        debug_assert_eq!(self.entries.len(), self.messages.len());
    }

    /// Replaces the message at `index` (a verified copy of an unverified one).
    pub(super) fn replace(&mut self, index: usize, entry: LogEntry, message: ChatMessage) {
        self.remove(index);
        self.insert(entry, message);
    }

    fn remove(&mut self, index: usize) {
        if let Some((_, len)) = self.entries.remove(index) {
            self.bytes -= len;
            self.messages.remove(index);
        }
    }
}
