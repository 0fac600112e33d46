//! The signing half of our own keys. Ed25519 (RFC 8032) is deterministic, so any
//! correct implementation gives byte-identical signatures for one key and message;
//! native builds use aws-lc's, which is about twice as fast as ed25519-dalek's on
//! our machines (the IRC bridge signs every line its users say, so this is its
//! costliest step). The browser bundle keeps ed25519-dalek, which it needs anyway
//! for verifying. Verification always uses ed25519-dalek (`verify_strict`).

#[cfg(not(target_arch = "wasm32"))]
use std::sync::Arc;

use ed25519_dalek::{Signature, SigningKey, VerifyingKey};

/// A key we sign with. Cheap to clone.
#[derive(Clone)]
pub struct Signer {
    key: SigningKey,
    /// `None` only if aws-lc refused the key, which it has no reason to (any 32
    /// bytes are a seed, and the public key given is the seed's own); signing then
    /// falls back to ed25519-dalek.
    #[cfg(not(target_arch = "wasm32"))]
    native: Option<Arc<aws_lc_rs::signature::Ed25519KeyPair>>,
}

impl Signer {
    pub fn new(key: SigningKey) -> Self {
        Self {
            #[cfg(not(target_arch = "wasm32"))]
            native: aws_lc_rs::signature::Ed25519KeyPair::from_seed_and_public_key(
                key.as_bytes(),
                key.verifying_key().as_bytes(),
            )
            .ok()
            .map(Arc::new),
            key,
        }
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    #[cfg(not(target_arch = "wasm32"))]
    pub fn sign(&self, message: &[u8]) -> Signature {
        let native = self
            .native
            .as_ref()
            .and_then(|key| <[u8; 64]>::try_from(key.sign(message).as_ref()).ok());
        match native {
            Some(bytes) => Signature::from_bytes(&bytes),
            None => ed25519_dalek::Signer::sign(&self.key, message),
        }
    }

    #[cfg(target_arch = "wasm32")]
    pub fn sign(&self, message: &[u8]) -> Signature {
        ed25519_dalek::Signer::sign(&self.key, message)
    }
}

/// Where a local peer's private key lives.
#[derive(Clone, Debug)]
pub enum PeerKey {
    /// In this process: signatures are made on the spot.
    Held(Signer),
    /// Outside it, where it cannot be read (a non-extractable WebCrypto key in the
    /// browser): a room asks its driver for each signature with `Output::Sign` and
    /// sends the envelope once the signature comes back (`Room::signed`).
    External(super::PublicKey),
}

impl PeerKey {
    pub fn public_key(&self) -> super::PublicKey {
        match self {
            PeerKey::Held(signer) => super::PublicKey::from_verifying_key(&signer.verifying_key()),
            PeerKey::External(key) => *key,
        }
    }
}

/// Leaves the key out, so logging cannot leak it.
impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("public_key", &self.verifying_key())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn signatures_match_ed25519_dalek_byte_for_byte(
            seed in any::<[u8; 32]>(),
            message in proptest::collection::vec(any::<u8>(), 0..2048),
        ) {
            let key = SigningKey::from_bytes(&seed);
            let signer = Signer::new(key.clone());
            let expected = ed25519_dalek::Signer::sign(&key, &message);
            prop_assert_eq!(signer.sign(&message), expected);
            prop_assert!(signer.verifying_key().verify_strict(&message, &expected).is_ok());
        }
    }
}
