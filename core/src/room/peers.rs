//! Remote connections in the room, keyed by peer id. An identity (a handle and the
//! key it speaks with) is present while at least one of its connections is.

use std::collections::BTreeMap;

use crate::ids::{AvatarSeed, DisplayName, Handle, PeerId};
use crate::limits::{MAX_PEERS, PEER_TIMEOUT_MS};
use crate::sign::PublicKey;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PeerRecord {
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
    /// The verified key this connection signs with; `None` for a v1 (unsigned) peer.
    pub key: Option<PublicKey>,
    pub last_seen: u64,
}

impl PeerRecord {
    fn is(&self, handle: &Handle, key: Option<&PublicKey>) -> bool {
        self.handle == *handle && self.key.as_ref() == key
    }
}

#[derive(Default)]
pub(super) struct Peers {
    by_id: BTreeMap<PeerId, PeerRecord>,
}

impl Peers {
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

    /// Whether a new connection would exceed `MAX_PEERS`.
    pub(super) fn is_full(&self) -> bool {
        self.by_id.len() >= MAX_PEERS
    }

    /// Inserts or refreshes a connection; `true` if it is new.
    pub(super) fn upsert(&mut self, id: PeerId, record: PeerRecord) -> bool {
        self.by_id.insert(id, record).is_none()
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
        }
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
