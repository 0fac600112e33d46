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
//! Each of our messages is remembered with its id, so its echo confirms it (see
//! `outbox`), and the ones an echo skipped are known to be lost.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

use crate::ids::MessageId;
use crate::limits::ECHOES_REMEMBERED;

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
    /// Fingerprints in publish order, with the id of our messages.
    recent: VecDeque<(u64, Option<MessageId>)>,
}

/// One of our publishes came back.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Echo {
    /// It was this message of ours.
    pub(super) confirmed: Option<MessageId>,
    /// Our messages published before it whose echo never came: the broker dropped
    /// them.
    pub(super) lost: Vec<MessageId>,
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
    /// Remembers a payload we are about to publish; `message`: the id, when it is a
    /// message of ours.
    pub(super) fn sent(&self, payload: &[u8], message: Option<MessageId>) {
        let mut inner = self.inner.borrow_mut();
        if inner.recent.len() == ECHOES_REMEMBERED {
            inner.recent.pop_front();
        }
        inner.recent.push_back((fingerprint(payload), message));
    }

    /// Whether `payload` is one of ours coming back (each echo is taken once, and
    /// takes the older ones that were skipped with it).
    pub(super) fn take(&self, payload: &[u8]) -> Option<Echo> {
        let print = fingerprint(payload);
        let mut inner = self.inner.borrow_mut();
        let index = inner.recent.iter().position(|(p, _)| *p == print)?;
        let mut taken: Vec<Option<MessageId>> =
            inner.recent.drain(..=index).map(|(_, id)| id).collect();
        let confirmed = taken.pop().flatten();
        if inner.recent.is_empty() && inner.recent.capacity() > SHRINK_ABOVE {
            // A burst is over: an idle room keeps no big buffer.
            inner.recent = VecDeque::new();
        }
        Some(Echo {
            confirmed,
            lost: taken.into_iter().flatten().collect(),
        })
    }

    /// Forgets every publish of a connection that is gone: no echo of them can come
    /// on the next one.
    pub(super) fn forget(&self) {
        self.inner.borrow_mut().recent = VecDeque::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echo_is_recognized_once() {
        let echoes = Echoes::default();
        echoes.sent(b"one", None);
        assert!(echoes.take(b"two").is_none());
        assert!(echoes.take(b"one").is_some());
        assert!(echoes.take(b"one").is_none());
    }

    #[test]
    fn an_echo_forgets_the_older_publishes_that_never_came_back() {
        let echoes = Echoes::default();
        for payload in [b"lost", b"one1", b"two2"] {
            echoes.sent(payload, None);
        }
        assert!(echoes.take(b"one1").is_some());
        assert!(echoes.take(b"lost").is_none());
        assert!(echoes.take(b"two2").is_some());
    }

    #[test]
    fn a_burst_of_half_of_what_is_remembered_is_recognized_in_order() {
        let echoes = Echoes::default();
        let depth: usize = crate::limits::ECHOES_REMEMBERED / 2;
        for i in 0..depth {
            echoes.sent(&i.to_le_bytes(), None);
        }
        assert!((0..depth).all(|i| echoes.take(&i.to_le_bytes()).is_some()));
        assert_eq!(echoes.inner.borrow().recent.capacity(), 0);
    }

    #[test]
    fn only_the_most_recent_are_remembered() {
        let echoes = Echoes::default();
        for i in 0..=ECHOES_REMEMBERED {
            echoes.sent(&i.to_le_bytes(), None);
        }
        assert!(echoes.take(&0usize.to_le_bytes()).is_none());
        assert!(echoes.take(&ECHOES_REMEMBERED.to_le_bytes()).is_some());
    }

    fn id(s: &str) -> MessageId {
        MessageId::parse(s).unwrap()
    }

    #[test]
    fn an_echo_confirms_its_message_and_reports_the_skipped_ones_lost() {
        let echoes = Echoes::default();
        echoes.sent(b"announce", None);
        echoes.sent(b"msg one", Some(id("one")));
        echoes.sent(b"msg two", Some(id("two")));
        echoes.sent(b"msg three", Some(id("three")));
        assert_eq!(
            echoes.take(b"msg one"),
            Some(Echo {
                confirmed: Some(id("one")),
                lost: Vec::new()
            })
        );
        assert_eq!(
            echoes.take(b"msg three"),
            Some(Echo {
                confirmed: Some(id("three")),
                lost: vec![id("two")]
            })
        );
    }

    #[test]
    fn nothing_of_a_lost_connection_is_awaited_on_the_next() {
        let echoes = Echoes::default();
        echoes.sent(b"msg one", Some(id("one")));
        echoes.forget();
        assert_eq!(echoes.take(b"msg one"), None);
    }
}
