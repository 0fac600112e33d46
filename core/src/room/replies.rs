//! Replies we owe joiners (history, rosters), each due after a random jitter, so not
//! every peer answers at once and a good answer seen first can make ours unnecessary.

use std::collections::BTreeMap;

use crate::ids::PeerId;

pub(super) struct PendingReplies {
    due: BTreeMap<PeerId, u64>,
    /// Most replies waiting at once: each can be large, so this caps what a flood of
    /// spoofed requests can make us publish.
    capacity: usize,
}

/// Why a reply was not scheduled.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NotScheduled {
    AlreadyPending,
    Full,
}

impl PendingReplies {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            due: BTreeMap::new(),
            capacity,
        }
    }

    pub(super) fn schedule(&mut self, to: PeerId, due: u64) -> Result<(), NotScheduled> {
        if self.due.contains_key(&to) {
            return Err(NotScheduled::AlreadyPending);
        }
        if self.due.len() >= self.capacity {
            return Err(NotScheduled::Full);
        }
        self.due.insert(to, due);
        Ok(())
    }

    pub(super) fn is_pending(&self, to: &PeerId) -> bool {
        self.due.contains_key(to)
    }

    pub(super) fn cancel(&mut self, to: &PeerId) -> bool {
        self.due.remove(to).is_some()
    }

    /// Removes and returns the requesters whose reply is due.
    pub(super) fn take_due(&mut self, now_ms: u64) -> Vec<PeerId> {
        let due: Vec<PeerId> = self
            .due
            .iter()
            .filter(|(_, &at)| at <= now_ms)
            .map(|(to, _)| to.clone())
            .collect();
        for to in &due {
            self.due.remove(to);
        }
        due
    }

    pub(super) fn next_due(&self) -> Option<u64> {
        self.due.values().copied().min()
    }

    pub(super) fn clear(&mut self) {
        self.due.clear();
    }
}
