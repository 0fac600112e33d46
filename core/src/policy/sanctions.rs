//! Who the host holds back: kicked handles (gone for a while) and muted ones (here,
//! but nothing they say is shown). Each is kept until its time runs out.

use std::collections::HashMap;

use crate::ids::Handle;
use crate::limits::SANCTIONS_REMEMBERED;

/// What the host does to a handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SanctionKind {
    Kick,
    Mute,
}

impl std::fmt::Display for SanctionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SanctionKind::Kick => "kick",
            SanctionKind::Mute => "mute",
        })
    }
}

/// The handles held back now, with the time each is held back until.
#[derive(Default)]
pub struct Sanctions {
    held: HashMap<(SanctionKind, Handle), u64>,
}

impl Sanctions {
    /// Holds `handle` back until `until`; a time at or before `now_ms` lifts it.
    /// When the table is full, the sanction that ends first makes way.
    pub fn set(&mut self, now_ms: u64, kind: SanctionKind, handle: &Handle, until: u64) {
        self.expire(now_ms);
        if until <= now_ms {
            self.held.remove(&(kind, handle.clone()));
            return;
        }
        let key = (kind, handle.clone());
        if self.held.len() >= SANCTIONS_REMEMBERED && !self.held.contains_key(&key) {
            if let Some(first) = self
                .held
                .iter()
                .min_by_key(|(_, until)| **until)
                .map(|(key, _)| key.clone())
            {
                self.held.remove(&first);
            }
        }
        self.held.insert(key, until);
    }

    /// Until when `handle` is held back in this way, if it is now.
    pub fn until(&self, now_ms: u64, kind: SanctionKind, handle: &Handle) -> Option<u64> {
        self.held
            .get(&(kind, handle.clone()))
            .copied()
            .filter(|&until| until > now_ms)
    }

    /// Every sanction in force, to tell a joiner (the host re-publishes them).
    pub fn in_force(&self, now_ms: u64) -> Vec<(SanctionKind, Handle, u64)> {
        let mut list: Vec<_> = self
            .held
            .iter()
            .filter(|(_, &until)| until > now_ms)
            .map(|((kind, handle), &until)| (*kind, handle.clone(), until))
            .collect();
        list.sort_by(|a, b| (a.2, &a.1).cmp(&(b.2, &b.1)));
        list
    }

    fn expire(&mut self, now_ms: u64) {
        self.held.retain(|_, until| *until > now_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sanction_holds_until_its_time_and_a_past_time_lifts_it() {
        let mut s = Sanctions::default();
        let h = Handle::parse("brave-amber-heron").unwrap();
        s.set(1_000, SanctionKind::Mute, &h, 5_000);
        assert_eq!(s.until(4_999, SanctionKind::Mute, &h), Some(5_000));
        assert_eq!(s.until(4_999, SanctionKind::Kick, &h), None);
        assert_eq!(s.until(5_000, SanctionKind::Mute, &h), None);
        s.set(2_000, SanctionKind::Mute, &h, 9_000);
        s.set(3_000, SanctionKind::Mute, &h, 3_000);
        assert_eq!(s.until(3_001, SanctionKind::Mute, &h), None, "lifted");
    }
}
