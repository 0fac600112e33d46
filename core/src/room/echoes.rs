//! Our own publishes, recognized when the broker echoes them back (MQTT 3.1.1 has no
//! "no local" option), so they cost a hash instead of a JSON decode and a signature
//! verification. A room of many local members (the IRC bridge) hears an echo for
//! every line its users say, and under load thousands of its publishes can be on their
//! way at once.
//!
//! A room publishes on one topic, and a broker delivers one publisher's messages on
//! one topic in order, so when an echo comes back, the ones sent before it that did
//! not come back never will (refused, or lost with a connection): they are forgotten
//! with it. That keeps the usual lookup at the front of the queue.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

use crate::limits::ECHOES_REMEMBERED;

/// Capacity kept when the queue empties; more is given back.
const SHRINK_ABOVE: usize = 64;

/// Interior mutability: publishing is `&self` all through the room (it only reads
/// identities), and remembering what went out must not change that.
#[derive(Default)]
pub(super) struct Echoes {
    recent: RefCell<VecDeque<u64>>,
}

/// A fingerprint of a payload. SipHash with fixed keys: a collision would need a
/// second preimage of 64 bits, and would only make a message look like our echo,
/// which is dropped either way.
fn fingerprint(payload: &[u8]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    payload.hash(&mut hasher);
    hasher.finish()
}

impl Echoes {
    /// Remembers a payload we are about to publish.
    pub(super) fn sent(&self, payload: &[u8]) {
        let mut recent = self.recent.borrow_mut();
        if recent.len() == ECHOES_REMEMBERED {
            recent.pop_front();
        }
        recent.push_back(fingerprint(payload));
    }

    /// Whether `payload` is one of ours coming back (each echo is taken once, and
    /// takes the older ones that were skipped with it).
    pub(super) fn take(&self, payload: &[u8]) -> bool {
        let print = fingerprint(payload);
        let mut recent = self.recent.borrow_mut();
        match recent.iter().position(|&p| p == print) {
            Some(index) => {
                recent.drain(..=index);
                if recent.is_empty() && recent.capacity() > SHRINK_ABOVE {
                    // A burst is over: an idle room keeps no big buffer.
                    *recent = VecDeque::new();
                }
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echo_is_recognized_once() {
        let echoes = Echoes::default();
        echoes.sent(b"one");
        assert!(!echoes.take(b"two"));
        assert!(echoes.take(b"one"));
        assert!(!echoes.take(b"one"));
    }

    #[test]
    fn an_echo_forgets_the_older_publishes_that_never_came_back() {
        let echoes = Echoes::default();
        for payload in [b"lost", b"one1", b"two2"] {
            echoes.sent(payload);
        }
        assert!(echoes.take(b"one1"));
        assert!(!echoes.take(b"lost"));
        assert!(echoes.take(b"two2"));
    }

    #[test]
    fn a_burst_as_deep_as_the_bridge_queues_is_recognized_in_order() {
        let echoes = Echoes::default();
        let depth = 2 * crate::limits::BRIDGE_MQTT_REQUEST_CAPACITY;
        for i in 0..depth {
            echoes.sent(&i.to_le_bytes());
        }
        assert!((0..depth).all(|i| echoes.take(&i.to_le_bytes())));
        assert_eq!(echoes.recent.borrow().capacity(), 0);
    }

    #[test]
    fn only_the_most_recent_are_remembered() {
        let echoes = Echoes::default();
        for i in 0..=ECHOES_REMEMBERED {
            echoes.sent(&i.to_le_bytes());
        }
        assert!(!echoes.take(&0usize.to_le_bytes()));
        assert!(echoes.take(&ECHOES_REMEMBERED.to_le_bytes()));
    }
}
