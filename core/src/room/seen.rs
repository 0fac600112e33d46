//! Message ids already handled, bounded, so duplicates (including the broker echoing
//! our own messages) are dropped and a flood cannot grow memory.

use std::collections::{BTreeSet, VecDeque};

use crate::ids::MessageId;
use crate::limits::SEEN_IDS_MAX;

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
}
