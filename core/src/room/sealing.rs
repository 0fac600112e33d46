//! Envelopes waiting for a signature from an external key (a non-extractable
//! WebCrypto key in the browser, which only signs asynchronously). The room asks its
//! driver with `Output::Sign`; the driver hands each signature back with
//! `Room::signed`. What was asked goes out in the order it was asked, so a message
//! never overtakes the announce before it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use crate::envelope::Envelope;
use crate::sign::{canonical_bytes, Auth, PublicKey, Seal};

use super::ChatMessage;

/// A signature the driver must make with the external key `public_key`: Ed25519 over
/// `message`, returned as 64 bytes with `Room::signed(id, ..)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignRequest {
    pub id: u64,
    pub public_key: PublicKey,
    pub message: Vec<u8>,
}

/// What an envelope is for, once sealed.
#[derive(Debug)]
pub(super) enum Then {
    Publish,
    /// Our own msg: kept in history, then published.
    Keep(Box<ChatMessage>),
    /// Our Last Will for the next connection.
    Will,
}

pub(super) struct Waiting {
    id: u64,
    pub envelope: Envelope,
    public_key: PublicKey,
    auth: Auth,
    pub then: Then,
    seal: Option<Seal>,
}

/// Why a signature handed back was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureRefused {
    #[error("no signature was asked for with id {0} (or the room has left)")]
    Unknown(u64),
    #[error("the signature from the external key does not verify: {0}")]
    Invalid(crate::sign::SignatureError),
}

/// Interior mutability: asking happens where the room publishes, which is `&self`
/// (see `Echoes`).
#[derive(Default)]
pub(super) struct Sealer {
    waiting: RefCell<VecDeque<Waiting>>,
    next_id: Cell<u64>,
}

impl Sealer {
    /// Queues `envelope` and returns the request to sign it.
    pub(super) fn ask(
        &self,
        topic: &str,
        envelope: Envelope,
        public_key: PublicKey,
        auth: Auth,
        then: Then,
    ) -> SignRequest {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        let message = canonical_bytes(topic, &envelope, Some((&public_key, auth)));
        self.waiting.borrow_mut().push_back(Waiting {
            id,
            envelope,
            public_key,
            auth,
            then,
            seal: None,
        });
        SignRequest {
            id,
            public_key,
            message,
        }
    }

    /// Attaches a signature to its request, checked against what was asked.
    pub(super) fn signed(
        &self,
        topic: &str,
        id: u64,
        signature: &[u8; 64],
    ) -> Result<(), SignatureRefused> {
        let mut waiting = self.waiting.borrow_mut();
        let index = waiting
            .iter()
            .position(|w| w.id == id && w.seal.is_none())
            .ok_or(SignatureRefused::Unknown(id))?;
        let entry = &mut waiting[index];
        match Seal::from_external(
            topic,
            &entry.envelope,
            &entry.public_key,
            signature,
            entry.auth,
        ) {
            Ok(seal) => {
                entry.seal = Some(seal);
                Ok(())
            }
            Err(error) => {
                waiting.remove(index);
                Err(SignatureRefused::Invalid(error))
            }
        }
    }

    /// Forgets a request the key could not sign.
    pub(super) fn failed(&self, id: u64) -> Option<Waiting> {
        let mut waiting = self.waiting.borrow_mut();
        let index = waiting.iter().position(|w| w.id == id)?;
        waiting.remove(index)
    }

    /// The sealed envelopes at the front, in the order they were asked.
    pub(super) fn take_ready(&self) -> Vec<(Waiting, Seal)> {
        let mut ready = Vec::new();
        let mut waiting = self.waiting.borrow_mut();
        while waiting.front().is_some_and(|w| w.seal.is_some()) {
            if let Some(mut entry) = waiting.pop_front() {
                if let Some(seal) = entry.seal.take() {
                    ready.push((entry, seal));
                }
            }
        }
        ready
    }

    pub(super) fn clear(&self) {
        self.waiting.borrow_mut().clear();
    }
}
