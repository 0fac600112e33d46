//! Remote connections in the room, keyed by peer id. An identity (a handle and the
//! key it speaks with) is present while at least one of its connections is.

use std::collections::BTreeMap;

use crate::envelope::PresenceEntry;
use crate::ids::{AvatarSeed, DisplayName, Handle, PeerId};
use crate::limits::{MAX_PEERS, MAX_SILENT_UNSIGNED_PEERS, PEER_TIMEOUT_MS};
use crate::sign::PublicKey;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PeerRecord {
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
    /// The verified key this connection signs with; `None` for a v1 (unsigned) peer.
    pub key: Option<PublicKey>,
    pub last_seen: u64,
    /// It has sent a message: a peer taking part, kept over silent ones when the
    /// room is full.
    pub spoke: bool,
    /// Its latest announce as sent (with its seal), to relay to joiners in a roster.
    pub announce: Option<PresenceEntry>,
}

impl PeerRecord {
    fn is(&self, handle: &Handle, key: Option<&PublicKey>) -> bool {
        self.handle == *handle && self.key.as_ref() == key
    }

    /// Unsigned and never spoke: the cheapest peer to forge, the first to go.
    fn is_silent_unsigned(&self) -> bool {
        self.key.is_none() && !self.spoke
    }
}

/// Why a new connection has no place in the room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NoPlace {
    /// `MAX_PEERS` connections, none of them one a newcomer may displace.
    Full,
    /// `MAX_SILENT_UNSIGNED_PEERS` unsigned connections that never spoke.
    UnsignedShareFull,
}

#[derive(Default)]
pub(super) struct Peers {
    by_id: BTreeMap<PeerId, PeerRecord>,
}

impl Peers {
    /// Connections tracked.
    pub(super) fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Every tracked connection.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&PeerId, &PeerRecord)> {
        self.by_id.iter()
    }

    pub(super) fn get(&self, id: &PeerId) -> Option<&PeerRecord> {
        self.by_id.get(id)
    }

    pub(super) fn handle_present(&self, handle: &Handle) -> bool {
        self.by_id.values().any(|p| &p.handle == handle)
    }

    /// Whether `handle` speaking with `key` has a connection here.
    pub(super) fn identity_present(&self, handle: &Handle, key: Option<&PublicKey>) -> bool {
        self.by_id.values().any(|p| p.is(handle, key))
    }

    /// Makes a place for a new connection, `signed` or not, that is `speaking` (its
    /// first envelope is a message) or only announcing. An unsigned connection that
    /// never spoke may take only its share; when the room is full, a signed or
    /// speaking newcomer displaces the unsigned silent connection heard from least
    /// recently, which is returned. Nobody else is ever displaced, so a flood of
    /// forged announces cannot push out peers that sign or speak.
    pub(super) fn make_place(
        &mut self,
        signed: bool,
        speaking: bool,
    ) -> Result<Option<(PeerId, PeerRecord)>, NoPlace> {
        let silent_unsigned = || self.by_id.values().filter(|p| p.is_silent_unsigned());
        if !signed && !speaking && silent_unsigned().count() >= MAX_SILENT_UNSIGNED_PEERS {
            return Err(NoPlace::UnsignedShareFull);
        }
        if self.by_id.len() < MAX_PEERS {
            return Ok(None);
        }
        if !signed && !speaking {
            return Err(NoPlace::Full);
        }
        let displaced = self
            .by_id
            .iter()
            .filter(|(_, p)| p.is_silent_unsigned())
            .min_by_key(|(_, p)| p.last_seen)
            .map(|(id, _)| id.clone())
            .ok_or(NoPlace::Full)?;
        Ok(self.by_id.remove(&displaced).map(|p| (displaced, p)))
    }

    /// Inserts or refreshes a connection (keeping that it spoke); `true` if it is new.
    pub(super) fn upsert(&mut self, id: PeerId, mut record: PeerRecord) -> bool {
        match self.by_id.get_mut(&id) {
            Some(held) => {
                record.spoke |= held.spoke;
                *held = record;
                false
            }
            None => {
                self.by_id.insert(id, record);
                true
            }
        }
    }

    pub(super) fn remove(&mut self, id: &PeerId) -> Option<PeerRecord> {
        self.by_id.remove(id)
    }

    /// Removes and returns every connection silent for `PEER_TIMEOUT_MS` or more.
    pub(super) fn expire(&mut self, now_ms: u64) -> Vec<(PeerId, PeerRecord)> {
        let expired: Vec<PeerId> = self
            .by_id
            .iter()
            .filter(|(_, p)| now_ms >= p.last_seen.saturating_add(PEER_TIMEOUT_MS))
            .map(|(id, _)| id.clone())
            .collect();
        expired
            .into_iter()
            .filter_map(|id| self.by_id.remove(&id).map(|p| (id, p)))
            .collect()
    }

    /// When the next connection times out.
    pub(super) fn next_expiry(&self) -> Option<u64> {
        self.by_id
            .values()
            .map(|p| p.last_seen.saturating_add(PEER_TIMEOUT_MS))
            .min()
    }

    /// Every present identity once, each with the connection that stands for it (the
    /// most recently heard), ordered by handle.
    pub(super) fn identities(&self) -> Vec<(&PeerId, &PeerRecord)> {
        let mut latest: BTreeMap<(&Handle, Option<&PublicKey>), (&PeerId, &PeerRecord)> =
            BTreeMap::new();
        for (id, record) in &self.by_id {
            let slot = latest
                .entry((&record.handle, record.key.as_ref()))
                .or_insert((id, record));
            if record.last_seen > slot.1.last_seen {
                *slot = (id, record);
            }
        }
        latest.into_values().collect()
    }

    /// The connections claiming `handle`.
    pub(super) fn claiming<'a>(
        &'a self,
        handle: &'a Handle,
    ) -> impl Iterator<Item = (&'a PeerId, &'a PeerRecord)> + 'a {
        self.by_id.iter().filter(move |(_, p)| &p.handle == handle)
    }

    pub(super) fn clear(&mut self) {
        self.by_id.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(handle: &str, key: Option<u8>, last_seen: u64) -> PeerRecord {
        PeerRecord {
            handle: Handle::parse(handle).unwrap(),
            avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
            name: None,
            key: key.map(|n| PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(&[n; 32]))),
            last_seen,
            spoke: false,
            announce: None,
        }
    }

    fn many_id(n: usize) -> PeerId {
        let mut bytes = [0u8; 8];
        bytes[..8].copy_from_slice(&(n as u64).to_be_bytes());
        PeerId::from_bytes(bytes)
    }

    #[test]
    fn unsigned_silent_connections_take_only_their_share() {
        let mut peers = Peers::default();
        for n in 0..MAX_SILENT_UNSIGNED_PEERS {
            assert_eq!(peers.make_place(false, false), Ok(None));
            peers.upsert(many_id(n), record("big-red-apple", None, n as u64));
        }
        assert_eq!(
            peers.make_place(false, false),
            Err(NoPlace::UnsignedShareFull)
        );
        assert_eq!(peers.make_place(false, true), Ok(None), "one that speaks");
        assert_eq!(peers.make_place(true, false), Ok(None), "a signed one");
    }

    #[test]
    fn a_full_room_displaces_the_stalest_unsigned_silent_connection_for_a_signed_one() {
        let mut peers = Peers::default();
        let mut spoken = record("tiny-red-apple", None, 0);
        spoken.spoke = true;
        peers.upsert(many_id(0), spoken);
        for n in 1..MAX_SILENT_UNSIGNED_PEERS {
            peers.upsert(many_id(n), record("big-red-apple", None, 10 + n as u64));
        }
        for n in MAX_SILENT_UNSIGNED_PEERS..MAX_PEERS {
            peers.upsert(many_id(n), record("big-red-apple", Some(1), 0));
        }
        assert_eq!(peers.make_place(false, false), Err(NoPlace::Full));
        let (displaced, _) = peers.make_place(true, false).unwrap().unwrap();
        assert_eq!(
            displaced,
            many_id(1),
            "unsigned, silent, heard from least recently"
        );
        peers.upsert(many_id(9_999), record("big-red-apple", Some(2), 50));
        // Signed newcomers displace every unsigned silent connection, one each...
        let mut newcomers = 0;
        while let Ok(Some(_)) = peers.make_place(true, false) {
            newcomers += 1;
            peers.upsert(
                many_id(20_000 + newcomers),
                record("big-red-apple", Some(3), 60),
            );
        }
        assert_eq!(newcomers, MAX_SILENT_UNSIGNED_PEERS - 2);
        // ...and then nobody goes: the rest sign or spoke.
        assert_eq!(peers.make_place(true, false), Err(NoPlace::Full));
        assert_eq!(peers.make_place(true, true), Err(NoPlace::Full));
        assert!(peers.get(&many_id(0)).is_some(), "the one that spoke stays");
    }

    #[test]
    fn refreshing_a_connection_keeps_that_it_spoke() {
        let mut peers = Peers::default();
        let mut spoken = record("big-red-apple", None, 1);
        spoken.spoke = true;
        assert!(peers.upsert(id(1), spoken));
        assert!(!peers.upsert(id(1), record("big-red-apple", None, 2)));
        assert!(peers.get(&id(1)).unwrap().spoke);
    }

    fn id(n: u8) -> PeerId {
        PeerId::from_bytes([n; 8])
    }

    #[test]
    fn a_connection_expires_exactly_at_the_timeout() {
        let mut peers = Peers::default();
        peers.upsert(id(1), record("big-red-apple", None, 1_000));
        assert_eq!(peers.next_expiry(), Some(1_000 + PEER_TIMEOUT_MS));
        assert!(peers.expire(1_000 + PEER_TIMEOUT_MS - 1).is_empty());
        assert_eq!(peers.expire(1_000 + PEER_TIMEOUT_MS).len(), 1);
        assert_eq!(peers.next_expiry(), None);
    }

    #[test]
    fn each_identity_is_listed_once_by_its_latest_connection() {
        let mut peers = Peers::default();
        peers.upsert(id(1), record("big-red-apple", Some(1), 1));
        peers.upsert(id(2), record("big-red-apple", Some(1), 9));
        peers.upsert(id(3), record("big-red-apple", Some(2), 5));
        peers.upsert(id(4), record("tiny-red-apple", None, 5));
        let listed: Vec<&PeerId> = peers.identities().into_iter().map(|(i, _)| i).collect();
        assert_eq!(listed.len(), 3, "one per handle and key");
        assert!(listed.contains(&&id(2)) && !listed.contains(&&id(1)));
        let apple = Handle::parse("big-red-apple").unwrap();
        assert_eq!(peers.claiming(&apple).count(), 3);
    }
}
