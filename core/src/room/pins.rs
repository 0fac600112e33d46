//! Which key speaks for which handle in this room (docs/design.md, "Pins"). A 3-word
//! handle has only 2^20 values, so it cannot identify anyone; the key does.

use std::collections::BTreeMap;

use crate::ids::Handle;
use crate::limits::{MAX_PINNED_HANDLES, MAX_RIVAL_KEYS};
use crate::sign::PublicKey;

use super::Trust;

/// How a pin was learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// One of our own members: the key is ours.
    Own,
    /// The share link's `k=`: the host's key, known before any traffic.
    Link,
    /// The first verified key seen for the handle (trust on first use). Provisional:
    /// another key claiming the handle makes it a conflict, not a loss for the
    /// newcomer.
    Learned,
}

struct Pin {
    key: PublicKey,
    source: Source,
    /// Other keys that claimed the handle (a learned pin contested, or impostors of
    /// a firm one), bounded by `MAX_RIVAL_KEYS`.
    rivals: Vec<PublicKey>,
    /// Never forgotten: our own, the link's, and the room host's.
    permanent: bool,
    /// The key said something in the room (a msg was accepted).
    spoke: bool,
    /// An unsigned claim of the handle was reported (once is enough).
    unsigned_seen: bool,
    last_used: u64,
}

impl Pin {
    fn firm(&self) -> bool {
        self.source != Source::Learned
    }
}

/// What a claim to a handle turned out to be, and whether it is news.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Verdict {
    pub trust: Trust,
    pub news: Option<News>,
}

/// Something to report loudly, once.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum News {
    /// A claim with another key (or none) of a handle firmly pinned to `pinned`.
    Impostor { pinned: PublicKey },
    /// A second key for a learned pin: neither can be told to be the real one.
    Conflict { keys: Vec<PublicKey> },
}

/// Why a pin from the share link was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the link's key for {0} is not the key we speak with for it")]
pub struct LinkPinError(pub Handle);

pub(super) struct Pins {
    by_handle: BTreeMap<Handle, Pin>,
    /// The room's host: its pin is never forgotten.
    host: Option<Handle>,
    clock: u64,
}

impl Pins {
    pub(super) fn new(host: Option<Handle>) -> Self {
        Self {
            by_handle: BTreeMap::new(),
            host,
            clock: 0,
        }
    }

    /// Our own member's handle and key.
    pub(super) fn pin_own(&mut self, handle: Handle, key: PublicKey) {
        self.pin_firm(handle, key, Source::Own);
    }

    /// The key the share link names for `handle`. It cannot overrule our own key.
    pub(super) fn pin_from_link(
        &mut self,
        handle: Handle,
        key: PublicKey,
    ) -> Result<(), LinkPinError> {
        match self.by_handle.get(&handle) {
            Some(pin) if pin.source == Source::Own && pin.key != key => Err(LinkPinError(handle)),
            Some(pin) if pin.source == Source::Own => Ok(()),
            _ => {
                self.pin_firm(handle, key, Source::Link);
                Ok(())
            }
        }
    }

    fn pin_firm(&mut self, handle: Handle, key: PublicKey, source: Source) {
        self.clock += 1;
        let rivals = match self.by_handle.remove(&handle) {
            // Keys seen before the firm key was known are now impostors.
            Some(old) if old.key != key => {
                let mut rivals = old.rivals;
                rivals.push(old.key);
                rivals.retain(|k| *k != key);
                rivals
            }
            Some(old) => old.rivals,
            None => Vec::new(),
        };
        self.by_handle.insert(
            handle,
            Pin {
                key,
                source,
                rivals,
                permanent: true,
                spoke: false,
                unsigned_seen: false,
                last_used: self.clock,
            },
        );
    }

    /// A local member holding `handle` left: its pin now ages like one it spoke with,
    /// unless it came from the link or names the host.
    pub(super) fn release(&mut self, handle: &Handle) {
        self.clock += 1;
        let host = self.host.as_ref() == Some(handle);
        if let Some(pin) = self.by_handle.get_mut(handle) {
            if pin.source == Source::Own {
                pin.source = Source::Learned;
                pin.permanent = host;
                pin.spoke = true;
                pin.last_used = self.clock;
            }
        }
    }

    /// A claim to `handle` made with `key` (`None`: unsigned), recorded: the first
    /// verified key is learned, later ones are impostors of a firm pin or rivals of a
    /// learned one. `is_present` tells which handles are in the room now (their pins
    /// are not forgotten).
    pub(super) fn claim(
        &mut self,
        handle: &Handle,
        key: Option<&PublicKey>,
        is_present: impl Fn(&Handle) -> bool,
    ) -> Verdict {
        self.clock += 1;
        let Some(pin) = self.by_handle.get_mut(handle) else {
            let Some(key) = key else {
                return Verdict {
                    trust: Trust::Unverified,
                    news: None,
                };
            };
            self.learn(handle, *key, false, is_present);
            return Verdict {
                trust: Trust::Verified,
                news: None,
            };
        };
        pin.last_used = self.clock;
        let news = match key {
            Some(rival) if *rival != pin.key && !pin.rivals.contains(rival) => {
                if pin.rivals.len() < MAX_RIVAL_KEYS {
                    pin.rivals.push(*rival);
                    Some(if pin.firm() {
                        News::Impostor { pinned: pin.key }
                    } else {
                        News::Conflict {
                            keys: std::iter::once(pin.key)
                                .chain(pin.rivals.iter().copied())
                                .collect(),
                        }
                    })
                } else {
                    // As many keys as we track already fight over this handle.
                    None
                }
            }
            None if !pin.unsigned_seen => {
                pin.unsigned_seen = true;
                Some(News::Impostor { pinned: pin.key })
            }
            _ => None,
        };
        Verdict {
            trust: judge(pin, key),
            news,
        }
    }

    /// What a claim with `key` to `handle` is worth now, without recording it (to
    /// show peers and messages as the pins stand).
    pub(super) fn trust(&self, handle: &Handle, key: Option<&PublicKey>) -> Trust {
        match self.by_handle.get(handle) {
            Some(pin) => judge(pin, key),
            None if key.is_some() => Trust::Verified,
            None => Trust::Unverified,
        }
    }

    /// `key` said something accepted in the room under `handle`: its pin is kept
    /// ahead of keys that never spoke, and if the table had no room for it before,
    /// it may now take the place of the least recently used absent key.
    pub(super) fn spoke(
        &mut self,
        handle: &Handle,
        key: &PublicKey,
        is_present: impl Fn(&Handle) -> bool,
    ) {
        match self.by_handle.get_mut(handle) {
            Some(pin) if pin.key == *key => pin.spoke = true,
            Some(_) => {}
            None => self.learn(handle, *key, true, is_present),
        }
    }

    /// Pins a newly seen key. When the table is full, the least recently used pin of
    /// an absent handle goes, never a permanent one, and never one whose key spoke
    /// unless this key spoke too; if nothing may go, this key is not pinned (yet).
    fn learn(
        &mut self,
        handle: &Handle,
        key: PublicKey,
        spoke: bool,
        is_present: impl Fn(&Handle) -> bool,
    ) {
        if self.by_handle.len() >= MAX_PINNED_HANDLES {
            let evict = self
                .by_handle
                .iter()
                .filter(|(h, pin)| !pin.permanent && (spoke || !pin.spoke) && !is_present(h))
                .min_by_key(|(_, pin)| (pin.spoke, pin.last_used))
                .map(|(h, _)| h.clone());
            match evict {
                Some(old) => {
                    self.by_handle.remove(&old);
                }
                None => return,
            }
        }
        self.by_handle.insert(
            handle.clone(),
            Pin {
                key,
                source: Source::Learned,
                rivals: Vec::new(),
                permanent: self.host.as_ref() == Some(handle),
                spoke,
                unsigned_seen: false,
                last_used: self.clock,
            },
        );
    }

    pub(super) fn pinned_key(&self, handle: &Handle) -> Option<&PublicKey> {
        self.by_handle.get(handle).map(|pin| &pin.key)
    }
}

/// A claim against a pin as it stands: the pinned key is verified unless rivals
/// contest a learned pin; a rival of a learned pin is contested too; anything else
/// (another key of a firm pin, or no key at all) is an impostor.
fn judge(pin: &Pin, key: Option<&PublicKey>) -> Trust {
    let contested = !pin.firm() && !pin.rivals.is_empty();
    match key {
        Some(key) if *key == pin.key && !contested => Trust::Verified,
        Some(key) if contested && (*key == pin.key || pin.rivals.contains(key)) => Trust::Contested,
        _ => Trust::Impostor,
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

    fn absent(_: &Handle) -> bool {
        false
    }

    #[test]
    fn the_first_key_is_learned_and_unsigned_claims_pin_nothing() {
        let mut pins = Pins::new(None);
        let h = handle(1);
        assert_eq!(pins.claim(&h, None, absent).trust, Trust::Unverified);
        assert_eq!(pins.pinned_key(&h), None, "unsigned claims pin nothing");
        assert_eq!(pins.claim(&h, Some(&key(1)), absent).trust, Trust::Verified);
        assert_eq!(pins.claim(&h, Some(&key(1)), absent).trust, Trust::Verified);
        assert_eq!(pins.pinned_key(&h), Some(&key(1)));
    }

    #[test]
    fn a_second_key_for_a_learned_pin_contests_both() {
        let mut pins = Pins::new(None);
        let h = handle(1);
        pins.claim(&h, Some(&key(1)), absent);
        let verdict = pins.claim(&h, Some(&key(2)), absent);
        assert_eq!(verdict.trust, Trust::Contested);
        assert_eq!(
            verdict.news,
            Some(News::Conflict {
                keys: vec![key(1), key(2)]
            })
        );
        assert_eq!(pins.trust(&h, Some(&key(1))), Trust::Contested);
        assert_eq!(
            pins.claim(&h, Some(&key(2)), absent).news,
            None,
            "told once"
        );
        assert_eq!(pins.trust(&h, None), Trust::Impostor);
    }

    #[test]
    fn a_firm_pin_makes_every_other_key_an_impostor_and_says_so_once() {
        let mut pins = Pins::new(None);
        let h = handle(1);
        pins.pin_from_link(h.clone(), key(1)).unwrap();
        let verdict = pins.claim(&h, Some(&key(2)), absent);
        assert_eq!(verdict.trust, Trust::Impostor);
        assert_eq!(verdict.news, Some(News::Impostor { pinned: key(1) }));
        assert_eq!(pins.claim(&h, Some(&key(2)), absent).news, None);
        assert_eq!(pins.claim(&h, Some(&key(1)), absent).trust, Trust::Verified);
    }

    #[test]
    fn a_link_pin_turns_an_earlier_learned_key_into_an_impostor() {
        let mut pins = Pins::new(None);
        let h = handle(1);
        pins.claim(&h, Some(&key(9)), absent);
        pins.pin_from_link(h.clone(), key(1)).unwrap();
        assert_eq!(pins.trust(&h, Some(&key(9))), Trust::Impostor);
        assert_eq!(pins.trust(&h, Some(&key(1))), Trust::Verified);
    }

    #[test]
    fn fresh_keys_cannot_push_out_keys_that_spoke_nor_permanent_pins() {
        let host = handle(0);
        let mut pins = Pins::new(Some(host.clone()));
        pins.claim(&host, Some(&key(0)), absent);
        let talker = handle(1);
        pins.claim(&talker, Some(&key(1)), absent);
        pins.spoke(&talker, &key(1), absent);
        let linked = handle(2);
        pins.pin_from_link(linked.clone(), key(2)).unwrap();
        for i in 3..3 * MAX_PINNED_HANDLES {
            pins.claim(&handle(i), Some(&key(3)), absent);
        }
        assert_eq!(
            pins.pinned_key(&host),
            Some(&key(0)),
            "the host's pin stays"
        );
        assert_eq!(
            pins.pinned_key(&talker),
            Some(&key(1)),
            "a key that spoke stays"
        );
        assert_eq!(
            pins.pinned_key(&linked),
            Some(&key(2)),
            "the link's pin stays"
        );
        assert!(pins.by_handle.len() <= MAX_PINNED_HANDLES);
    }

    #[test]
    fn a_full_table_forgets_the_least_recently_used_silent_absent_handle() {
        let mut pins = Pins::new(None);
        pins.pin_own(handle(0), key(0));
        for i in 1..MAX_PINNED_HANDLES {
            pins.claim(&handle(i), Some(&key(9)), absent);
        }
        // handle(1) is the least recently used; touching it makes handle(2) the oldest.
        pins.claim(&handle(1), Some(&key(9)), absent);
        pins.claim(&handle(MAX_PINNED_HANDLES), Some(&key(9)), absent);
        assert_eq!(pins.pinned_key(&handle(0)), Some(&key(0)));
        assert_eq!(pins.pinned_key(&handle(1)), Some(&key(9)));
        assert_eq!(pins.pinned_key(&handle(2)), None);
        assert_eq!(pins.pinned_key(&handle(MAX_PINNED_HANDLES)), Some(&key(9)));
    }

    #[test]
    fn present_handles_are_never_forgotten_and_a_key_that_speaks_may_take_a_silent_place() {
        let mut pins = Pins::new(None);
        for i in 1..=MAX_PINNED_HANDLES {
            pins.claim(&handle(i), Some(&key(9)), absent);
        }
        let newcomer = handle(MAX_PINNED_HANDLES + 1);
        pins.claim(&newcomer, Some(&key(9)), |_| true);
        assert_eq!(pins.pinned_key(&handle(1)), Some(&key(9)));
        assert_eq!(pins.pinned_key(&newcomer), None, "no room yet");
        pins.spoke(&newcomer, &key(9), absent);
        assert_eq!(pins.pinned_key(&newcomer), Some(&key(9)));
    }

    #[test]
    fn a_link_key_cannot_overrule_our_own() {
        let mut pins = Pins::new(None);
        pins.pin_own(handle(1), key(1));
        assert_eq!(
            pins.pin_from_link(handle(1), key(2)),
            Err(LinkPinError(handle(1)))
        );
        assert_eq!(pins.pin_from_link(handle(1), key(1)), Ok(()));
    }
}
