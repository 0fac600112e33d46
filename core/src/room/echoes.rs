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
//!
//! Our messages also keep their payload until their echo comes: one whose echo never
//! came when the connection was lost may not have reached anyone (QoS 0 says nothing),
//! so it is published again when the room is rejoined (`take_unconfirmed`). Receivers
//! drop a second copy by its id, so a message sent around a broker restart is shown
//! exactly once (docs/design.md, "Connection lifecycle").

use std::cell::RefCell;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

use crate::limits::{ECHOES_REMEMBERED, MAX_UNCONFIRMED_MESSAGES};

/// Capacity kept when the queue empties; more is given back.
const SHRINK_ABOVE: usize = 64;

/// Interior mutability: publishing is `&self` all through the room (it only reads
/// identities), and remembering what went out must not change that.
#[derive(Default)]
pub(super) struct Echoes {
    inner: RefCell<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Fingerprints in publish order, with the payload of our messages.
    recent: VecDeque<(u64, Option<Vec<u8>>)>,
    /// Entries of `recent` that keep a payload.
    kept: usize,
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
    /// Remembers a payload we are about to publish; `keep`: it is a message of ours,
    /// to publish again if it is not confirmed before the connection is lost.
    pub(super) fn sent(&self, payload: &[u8], keep: bool) {
        let mut inner = self.inner.borrow_mut();
        if inner.recent.len() == ECHOES_REMEMBERED {
            if let Some((_, Some(_))) = inner.recent.pop_front() {
                inner.kept -= 1;
            }
        }
        let kept = keep.then(|| payload.to_vec());
        if kept.is_some() {
            inner.kept += 1;
            if inner.kept > MAX_UNCONFIRMED_MESSAGES {
                // The oldest kept payload goes; its message still reaches joiners
                // through history.
                if let Some(slot) = inner.recent.iter_mut().find(|(_, p)| p.is_some()) {
                    slot.1 = None;
                    inner.kept -= 1;
                }
            }
        }
        inner.recent.push_back((fingerprint(payload), kept));
    }

    /// Whether `payload` is one of ours coming back (each echo is taken once, and
    /// takes the older ones that were skipped with it).
    pub(super) fn take(&self, payload: &[u8]) -> bool {
        let print = fingerprint(payload);
        let mut inner = self.inner.borrow_mut();
        match inner.recent.iter().position(|(p, _)| *p == print) {
            Some(index) => {
                let confirmed = inner
                    .recent
                    .drain(..=index)
                    .filter(|(_, p)| p.is_some())
                    .count();
                inner.kept -= confirmed;
                if inner.recent.is_empty() && inner.recent.capacity() > SHRINK_ABOVE {
                    // A burst is over: an idle room keeps no big buffer.
                    inner.recent = VecDeque::new();
                }
                true
            }
            None => false,
        }
    }

    /// Forgets every publish of a connection that is gone (no echo of them can come
    /// on the next one) and hands back our messages among them that were never
    /// confirmed, oldest first, to publish again.
    pub(super) fn take_unconfirmed(&self) -> Vec<Vec<u8>> {
        let mut inner = self.inner.borrow_mut();
        inner.kept = 0;
        std::mem::take(&mut inner.recent)
            .into_iter()
            .filter_map(|(_, payload)| payload)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echo_is_recognized_once() {
        let echoes = Echoes::default();
        echoes.sent(b"one", false);
        assert!(!echoes.take(b"two"));
        assert!(echoes.take(b"one"));
        assert!(!echoes.take(b"one"));
    }

    #[test]
    fn an_echo_forgets_the_older_publishes_that_never_came_back() {
        let echoes = Echoes::default();
        for payload in [b"lost", b"one1", b"two2"] {
            echoes.sent(payload, false);
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
            echoes.sent(&i.to_le_bytes(), false);
        }
        assert!((0..depth).all(|i| echoes.take(&i.to_le_bytes())));
        assert_eq!(echoes.inner.borrow().recent.capacity(), 0);
    }

    #[test]
    fn only_the_most_recent_are_remembered() {
        let echoes = Echoes::default();
        for i in 0..=ECHOES_REMEMBERED {
            echoes.sent(&i.to_le_bytes(), false);
        }
        assert!(!echoes.take(&0usize.to_le_bytes()));
        assert!(echoes.take(&ECHOES_REMEMBERED.to_le_bytes()));
    }

    #[test]
    fn messages_never_confirmed_are_handed_back_once_in_order() {
        let echoes = Echoes::default();
        echoes.sent(b"announce", false);
        echoes.sent(b"msg one", true);
        echoes.sent(b"msg two", true);
        assert!(echoes.take(b"msg one"));
        echoes.sent(b"msg three", true);
        assert_eq!(
            echoes.take_unconfirmed(),
            [b"msg two".to_vec(), b"msg three".to_vec()]
        );
        assert!(echoes.take_unconfirmed().is_empty());
        assert!(
            !echoes.take(b"msg two"),
            "nothing of the old connection is awaited"
        );
    }

    #[test]
    fn only_the_latest_unconfirmed_messages_keep_their_payload() {
        let echoes = Echoes::default();
        for i in 0..MAX_UNCONFIRMED_MESSAGES + 10 {
            echoes.sent(&i.to_le_bytes(), true);
        }
        let back = echoes.take_unconfirmed();
        assert_eq!(back.len(), MAX_UNCONFIRMED_MESSAGES);
        assert_eq!(back[0], 10usize.to_le_bytes());
    }
}
