//! The local side of a room: the peers this process speaks for. A browser tab or the
//! CLI has one; the IRC bridge has one per IRC user in the channel, so a channel of a
//! hundred IRC users decodes and verifies each envelope once, not a hundred times.

use crate::ids::{Handle, PeerId};
use crate::limits::MAX_LOCAL_MEMBERS;
use crate::sign::PublicKey;

use super::LocalPeer;

/// One local peer and its presence schedule.
pub(super) struct Member {
    pub peer: LocalPeer,
    /// Our public key as peers pin it (`pk`), computed once.
    pub key: PublicKey,
    pub next_announce: Option<u64>,
    pub last_announce: Option<u64>,
    /// When its last `typing` went out (`TYPING_INTERVAL_MS` apart at most).
    pub last_typing: Option<u64>,
}

impl Member {
    pub fn new(peer: LocalPeer) -> Self {
        Self {
            key: peer.public_key(),
            peer,
            next_announce: None,
            last_announce: None,
            last_typing: None,
        }
    }
}

/// Never empty: the first member is the primary one, which signs the room's own
/// traffic (history requests and replies) and whose identity `Room::me` returns.
pub(super) struct Members {
    list: Vec<Member>,
}

impl Members {
    pub fn new(primary: Member) -> Self {
        Self {
            list: vec![primary],
        }
    }

    pub fn primary(&self) -> &Member {
        &self.list[0]
    }

    pub fn iter(&self) -> impl Iterator<Item = &Member> {
        self.list.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Member> {
        self.list.iter_mut()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_full(&self) -> bool {
        self.list.len() >= MAX_LOCAL_MEMBERS
    }

    pub fn get(&self, id: &PeerId) -> Option<&Member> {
        self.list.iter().find(|m| m.peer.peer_id() == id)
    }

    pub fn get_mut(&mut self, id: &PeerId) -> Option<&mut Member> {
        self.list.iter_mut().find(|m| m.peer.peer_id() == id)
    }

    pub fn has_handle(&self, handle: &Handle) -> bool {
        self.list.iter().any(|m| m.peer.handle() == handle)
    }

    pub fn push(&mut self, member: Member) {
        self.list.push(member);
    }

    /// Removes a member unless it is the last one (a room always has its primary).
    pub fn remove(&mut self, id: &PeerId) -> Option<Member> {
        if self.list.len() == 1 {
            return None;
        }
        let index = self.list.iter().position(|m| m.peer.peer_id() == id)?;
        Some(self.list.remove(index))
    }

    /// Drops every member but the primary (after the whole room said goodbye).
    pub fn keep_primary_only(&mut self) {
        self.list.truncate(1);
    }

    pub fn next_announce(&self) -> Option<u64> {
        self.list.iter().filter_map(|m| m.next_announce).min()
    }
}
