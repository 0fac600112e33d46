//! Ed25519 signatures over one canonical byte form of an envelope.
//!
//! The form binds the room topic, the envelope type, every field we know and `t`, so a
//! signature can be neither replayed into another room nor kept for different text.
//! JSON key order and escaping do not matter: the form is built from decoded values.
//! `docs/protocol.md` specifies it and pins test vectors.

mod auth;
mod canonical;
mod public_key;
mod seal;
mod signer;

pub use auth::{Auth, AuthFields, KeyOrigin};
pub use canonical::{canonical_bytes, DOMAIN_TAG};
pub use public_key::{PublicKey, PublicKeyError};
pub use seal::{sign, sign_with, verify, Seal, SignatureError};
pub use signer::{PeerKey, Signer};

/// Whether an envelope's signature was checked, and with which key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Verification {
    /// Signed, and the signature verifies for this topic under `public_key`. Whether
    /// that key owns the handle is the room's call (pinning), not this check's.
    #[serde(rename_all = "camelCase")]
    Verified { public_key: PublicKey },
    /// No signature (a Party v1 client): shown, but marked unverified.
    Unverified,
}

impl Verification {
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Verified { .. })
    }

    /// The verified public key, if any.
    pub fn public_key(&self) -> Option<&PublicKey> {
        match self {
            Verification::Verified { public_key } => Some(public_key),
            Verification::Unverified => None,
        }
    }
}
