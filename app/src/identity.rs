//! Who this browser is, and keeping that across reloads. An identity is an enum so the
//! passkey-backed `Human` can join `Agent` without touching the views that only need a
//! handle, an avatar and a room peer.

use std::fmt;

use party_core::ids::{AvatarSeed, Handle, PeerId};
use party_core::secret::{AgentSecret, SecretError};
use party_core::LocalPeer;
use web_sys::Storage;

use crate::js_error;
use crate::webcrypto::WebCryptoKey;

/// localStorage key of the agent secret (base64url).
const AGENT_SECRET_KEY: &str = "party.agent-secret";

/// This browser's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    Agent(AgentSecret),
}

impl Identity {
    pub fn handle(&self) -> Handle {
        match self {
            Identity::Agent(secret) => secret.handle(),
        }
    }

    pub fn avatar_seed(&self) -> AvatarSeed {
        match self {
            Identity::Agent(secret) => secret.avatar_seed(),
        }
    }

    /// The non-extractable WebCrypto key this identity signs with, if it has one
    /// (core then asks for every signature: see `room_session`).
    pub fn external_key(&self) -> Option<WebCryptoKey> {
        match self {
            Identity::Agent(_) => None,
        }
    }

    /// This identity as a room peer on one connection.
    pub fn local_peer(&self, peer: PeerId) -> LocalPeer {
        match self {
            Identity::Agent(secret) => LocalPeer::agent(secret, peer),
        }
    }
}

/// Why the identity could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// localStorage is missing or refused (private mode, disabled storage, quota).
    Unavailable(String),
    /// What is stored is not a valid secret (edited by hand, or from a broken build).
    Corrupt(SecretError),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Unavailable(why) => {
                write!(f, "this browser's storage is unavailable ({why})")
            }
            StorageError::Corrupt(err) => write!(f, "the saved identity is unreadable: {err}"),
        }
    }
}

fn storage() -> Result<Storage, StorageError> {
    let window = web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
    window
        .local_storage()
        .map_err(|err| StorageError::Unavailable(js_error::text(&err)))?
        .ok_or_else(|| StorageError::Unavailable("localStorage is disabled".into()))
}

/// The identity saved in this browser, if any.
pub fn load() -> Result<Option<Identity>, StorageError> {
    let stored = storage()?
        .get_item(AGENT_SECRET_KEY)
        .map_err(|err| StorageError::Unavailable(js_error::text(&err)))?;
    stored
        .map(|text| decode(&text).map_err(StorageError::Corrupt))
        .transpose()
}

/// Keeps `identity` so a reload restores it.
pub fn save(identity: &Identity) -> Result<(), StorageError> {
    let Identity::Agent(secret) = identity;
    storage()?
        .set_item(AGENT_SECRET_KEY, &secret.to_base64url())
        .map_err(|err| StorageError::Unavailable(js_error::text(&err)))
}

/// Removes the saved identity from this browser.
pub fn forget() -> Result<(), StorageError> {
    storage()?
        .remove_item(AGENT_SECRET_KEY)
        .map_err(|err| StorageError::Unavailable(js_error::text(&err)))
}

fn decode(stored: &str) -> Result<Identity, SecretError> {
    AgentSecret::import(stored).map(Identity::Agent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_agent_secret_decodes_to_the_same_handle() {
        let secret = AgentSecret::from_bytes([9; 32]);
        let identity = decode(&secret.to_base64url()).unwrap();
        assert_eq!(identity.handle(), secret.handle());
        assert!(identity.handle().as_str().ends_with("-bot"));
    }

    #[test]
    fn a_corrupt_saved_secret_is_an_error_not_a_new_identity() {
        assert_eq!(decode("!!"), Err(SecretError::NotBase64Url));
    }
}
