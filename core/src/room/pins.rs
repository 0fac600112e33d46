//! Trust on first use, per room: the first key seen for a handle is that handle's key.
//! A 3-word handle has only 2^20 values, so it cannot identify anyone; the key does.

use std::collections::BTreeMap;

use crate::ids::Handle;
use crate::limits::MAX_PINNED_HANDLES;
use crate::sign::PublicKey;

struct Pin {
    key: PublicKey,
    last_used: u64,
    permanent: bool,
}

#[derive(Default)]
pub(super) struct Pins {
    by_handle: BTreeMap<Handle, Pin>,
    clock: u64,
}

/// The outcome of checking a claim to a handle.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum PinCheck {
    /// The key matches the pin, or the handle had no pin (a signed claim pins it; an
    /// unsigned one pins nothing).
    Accepted,
    /// The handle is pinned to `pinned` and the claim came with another key or none.
    Mismatch { pinned: PublicKey },
}

impl Pins {
    /// Pins a key that can never be forgotten (our own handle).
    pub(super) fn pin_permanently(&mut self, handle: Handle, key: PublicKey) {
        self.by_handle.insert(
            handle,
            Pin {
                key,
                last_used: 0,
                permanent: true,
            },
        );
    }

    /// Lets a permanent pin age like any other (the local member holding it left).
    pub(super) fn release(&mut self, handle: &Handle) {
        self.clock += 1;
        if let Some(pin) = self.by_handle.get_mut(handle) {
            pin.permanent = false;
            pin.last_used = self.clock;
        }
    }

    /// Checks a claim to `handle` made with `key` (`None`: unsigned). When the table is
    /// full, the least recently used pin of a handle `is_present` says is gone is
    /// forgotten.
    pub(super) fn check(
        &mut self,
        handle: &Handle,
        key: Option<&PublicKey>,
        is_present: impl Fn(&Handle) -> bool,
    ) -> PinCheck {
        self.clock += 1;
        if let Some(pin) = self.by_handle.get_mut(handle) {
            pin.last_used = self.clock;
            return if key == Some(&pin.key) {
                PinCheck::Accepted
            } else {
                PinCheck::Mismatch { pinned: pin.key }
            };
        }
        if let Some(key) = key {
            self.by_handle.insert(
                handle.clone(),
                Pin {
                    key: *key,
                    last_used: self.clock,
                    permanent: false,
                },
            );
            if self.by_handle.len() > MAX_PINNED_HANDLES {
                let evict = self
                    .by_handle
                    .iter()
                    .filter(|(h, pin)| !pin.permanent && *h != handle && !is_present(h))
                    .min_by_key(|(_, pin)| pin.last_used)
                    .map(|(h, _)| h.clone());
                // Everyone else is present (cannot happen while MAX_PEERS is below
                // MAX_PINNED_HANDLES): keep the older pins and skip pinning this one.
                self.by_handle.remove(evict.as_ref().unwrap_or(handle));
            }
        }
        PinCheck::Accepted
    }

    pub(super) fn pinned_key(&self, handle: &Handle) -> Option<&PublicKey> {
        self.by_handle.get(handle).map(|pin| &pin.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn key(n: u8) -> PublicKey {
        PublicKey::of(&SigningKey::from_bytes(&[n; 32]))
    }

    fn handle(i: usize) -> Handle {
        let word = |n: usize| {
            let a = char::from(b'a' + u8::try_from(n % 26).unwrap());
            let b = char::from(b'a' + u8::try_from(n / 26 % 26).unwrap());
            format!("{a}{b}")
        };
        Handle::parse(&format!("{}-{}-xx", word(i), word(i / 676))).unwrap()
    }

    #[test]
    fn first_key_wins_and_others_mismatch() {
        let mut pins = Pins::default();
        let h = handle(1);
        assert_eq!(pins.check(&h, None, |_| false), PinCheck::Accepted);
        assert_eq!(pins.pinned_key(&h), None, "unsigned claims pin nothing");
        assert_eq!(pins.check(&h, Some(&key(1)), |_| false), PinCheck::Accepted);
        assert_eq!(pins.check(&h, Some(&key(1)), |_| false), PinCheck::Accepted);
        let mismatch = PinCheck::Mismatch { pinned: key(1) };
        assert_eq!(pins.check(&h, Some(&key(2)), |_| false), mismatch);
        assert_eq!(pins.check(&h, None, |_| false), mismatch);
    }

    #[test]
    fn a_full_table_forgets_the_least_recently_used_absent_handle() {
        let mut pins = Pins::default();
        pins.pin_permanently(handle(0), key(0));
        for i in 1..=MAX_PINNED_HANDLES {
            pins.check(&handle(i), Some(&key(9)), |_| false);
        }
        // handle(1) is the least recently used; touching it makes handle(2) the oldest.
        pins.check(&handle(1), Some(&key(9)), |_| false);
        pins.check(&handle(MAX_PINNED_HANDLES + 1), Some(&key(9)), |_| false);
        assert_eq!(pins.pinned_key(&handle(0)), Some(&key(0)));
        assert_eq!(pins.pinned_key(&handle(1)), Some(&key(9)));
        assert_eq!(pins.pinned_key(&handle(2)), None);
        assert_eq!(
            pins.pinned_key(&handle(MAX_PINNED_HANDLES + 1)),
            Some(&key(9))
        );
    }

    #[test]
    fn present_handles_are_never_forgotten() {
        let mut pins = Pins::default();
        for i in 1..=MAX_PINNED_HANDLES {
            pins.check(&handle(i), Some(&key(9)), |_| false);
        }
        let newcomer = handle(MAX_PINNED_HANDLES + 1);
        pins.check(&newcomer, Some(&key(9)), |_| true);
        assert_eq!(pins.pinned_key(&handle(1)), Some(&key(9)));
        assert_eq!(pins.pinned_key(&newcomer), None);
    }
}
