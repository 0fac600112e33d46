//! Our own publishes, recognized when the broker echoes them back (MQTT 3.1.1 has no
//! "no local" option), so they cost a hash instead of a JSON decode and a signature
//! verification. A room of many local members (the IRC bridge) hears an echo for
//! every line its users say.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::hash::{Hash, Hasher};

use crate::limits::ECHOES_REMEMBERED;

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

    /// Whether `payload` is one of ours coming back (each echo is taken once).
    pub(super) fn take(&self, payload: &[u8]) -> bool {
        let print = fingerprint(payload);
        let mut recent = self.recent.borrow_mut();
        match recent.iter().position(|&p| p == print) {
            Some(index) => {
                recent.remove(index);
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
    fn only_the_most_recent_are_remembered() {
        let echoes = Echoes::default();
        for i in 0..=ECHOES_REMEMBERED {
            echoes.sent(&i.to_le_bytes());
        }
        assert!(!echoes.take(&0usize.to_le_bytes()));
        assert!(echoes.take(&ECHOES_REMEMBERED.to_le_bytes()));
    }
}
