//! Bounded memories of what was already handled: message ids (so duplicates,
//! including the broker's echo of our own messages, are dropped) and connections that
//! said goodbye (so a replay of their envelopes does not bring them back). A flood
//! cannot grow either past its bound: the oldest are forgotten first.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::ids::{MessageId, PeerId};
use crate::limits::{DEPARTED_PEERS_REMEMBERED, SEEN_IDS_MAX};

/// Message ids already handled, beyond those still in history.
#[derive(Default)]
pub(super) struct SeenIds {
    set: BTreeSet<MessageId>,
    order: VecDeque<MessageId>,
}

impl SeenIds {
    pub(super) fn contains(&self, id: &MessageId) -> bool {
        self.set.contains(id)
    }

    /// Remembers `id`, forgetting the oldest beyond `SEEN_IDS_MAX`.
    pub(super) fn insert(&mut self, id: MessageId) {
        if self.set.insert(id.clone()) {
            self.order.push_back(id);
            while self.order.len() > SEEN_IDS_MAX {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                }
            }
        }
    }
}

/// Connections that said `leave`, with the time their goodbye carried. Anything the
/// same connection signed before that time is a replay; a later envelope means it
/// came back (a page restored from the back/forward cache keeps its peer id).
#[derive(Default)]
pub(super) struct Departed {
    left_at: BTreeMap<PeerId, u64>,
    order: VecDeque<PeerId>,
}

impl Departed {
    pub(super) fn left(&mut self, id: PeerId, t: u64) {
        if self.left_at.insert(id.clone(), t).is_none() {
            self.order.push_back(id);
            while self.order.len() > DEPARTED_PEERS_REMEMBERED {
                if let Some(old) = self.order.pop_front() {
                    self.left_at.remove(&old);
                }
            }
        }
    }

    /// Whether an envelope from `id` dated `t` was sent before its goodbye.
    pub(super) fn is_replay(&self, id: &PeerId, t: u64) -> bool {
        self.left_at.get(id).is_some_and(|&left| t <= left)
    }

    /// `id` came back: its goodbye no longer applies.
    pub(super) fn returned(&mut self, id: &PeerId) {
        if self.left_at.remove(id).is_some() {
            self.order.retain(|other| other != id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oldest_ids_are_forgotten_past_the_bound() {
        let mut seen = SeenIds::default();
        let id = |i: usize| MessageId::parse(&format!("m{i}")).unwrap();
        for i in 0..=SEEN_IDS_MAX {
            seen.insert(id(i));
        }
        assert!(!seen.contains(&id(0)));
        assert!(seen.contains(&id(1)));
        assert!(seen.contains(&id(SEEN_IDS_MAX)));
    }

    #[test]
    fn what_a_departed_connection_sent_before_its_goodbye_is_a_replay() {
        let mut gone = Departed::default();
        let id = |i: usize| PeerId::from_bytes(u64::try_from(i).unwrap().to_le_bytes());
        gone.left(id(1), 100);
        assert!(gone.is_replay(&id(1), 99) && gone.is_replay(&id(1), 100));
        assert!(!gone.is_replay(&id(1), 101), "sent after: it came back");
        gone.returned(&id(1));
        assert!(!gone.is_replay(&id(1), 50));
        for i in 0..=DEPARTED_PEERS_REMEMBERED {
            gone.left(id(i), 100);
        }
        assert!(!gone.is_replay(&id(0), 1), "the oldest is forgotten");
        assert!(gone.is_replay(&id(DEPARTED_PEERS_REMEMBERED), 1));
    }
}
