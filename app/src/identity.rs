//! Who this browser is, and keeping that across reloads. One identity per browser at
//! a time, as in Party v1: an agent (its secret) or a person (a passkey).
//!
//! What is kept, in `localStorage` unless said otherwise:
//! - an agent: `party.agent-secret`, the secret (base64url), as v1 kept it;
//! - a person: `party.credential-id` (the passkey's id: not secret, it names the
//!   handle), `party.key-origin` (`passkey` or `device`) and `party.public-key`; the
//!   signing key itself as a non-extractable WebCrypto key in IndexedDB
//!   (`key_store`), or, where the browser has no Ed25519 in WebCrypto, its seed in
//!   `party.signing-seed`.

use std::fmt;

use ed25519_dalek::SigningKey;
use party_core::ids::{AvatarSeed, Handle, PeerId};
use party_core::passkey::{seed_from_prf, Credential, PasskeyError};
use party_core::secret::{AgentSecret, SecretError};
use party_core::sign::{KeyOrigin, PeerKey, PublicKey};
use party_core::LocalPeer;
use web_sys::Storage;

use crate::key_store;
use crate::webcrypto::WebCryptoKey;
use crate::{js_error, random};

const AGENT_SECRET_KEY: &str = "party.agent-secret";
const CREDENTIAL_ID_KEY: &str = "party.credential-id";
const KEY_ORIGIN_KEY: &str = "party.key-origin";
const PUBLIC_KEY_KEY: &str = "party.public-key";
const SIGNING_SEED_KEY: &str = "party.signing-seed";

/// Everything Party keeps in `localStorage`, for "Clear my data".
const ALL_KEYS: [&str; 5] = [
    AGENT_SECRET_KEY,
    CREDENTIAL_ID_KEY,
    KEY_ORIGIN_KEY,
    PUBLIC_KEY_KEY,
    SIGNING_SEED_KEY,
];

/// This browser's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    Agent(AgentSecret),
    Person(Box<Person>),
}

/// A person: a passkey and the key it gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub credential: Credential,
    pub origin: KeyOrigin,
    key: PersonKey,
}

/// Where a person's signing key lives in this browser.
#[derive(Clone, Debug, PartialEq, Eq)]
enum PersonKey {
    /// Non-extractable, in WebCrypto (the usual case).
    WebCrypto(WebCryptoKey),
    /// In memory and storage, where WebCrypto has no Ed25519.
    Held(SigningKey),
}

impl Identity {
    pub fn handle(&self) -> Handle {
        match self {
            Identity::Agent(secret) => secret.handle(),
            Identity::Person(person) => person.credential.handle(),
        }
    }

    pub fn avatar_seed(&self) -> AvatarSeed {
        match self {
            Identity::Agent(secret) => secret.avatar_seed(),
            Identity::Person(person) => person.credential.avatar_seed(),
        }
    }

    pub fn public_key(&self) -> PublicKey {
        match self {
            Identity::Agent(secret) => secret.public_key(),
            Identity::Person(person) => person.public_key(),
        }
    }

    /// The non-extractable WebCrypto key this identity signs with, if it has one
    /// (core then asks for every signature: see `room_session`).
    pub fn external_key(&self) -> Option<WebCryptoKey> {
        match self {
            Identity::Person(person) => match &person.key {
                PersonKey::WebCrypto(key) => Some(key.clone()),
                PersonKey::Held(_) => None,
            },
            Identity::Agent(_) => None,
        }
    }

    /// This identity as a room peer on one connection.
    pub fn local_peer(&self, peer: PeerId) -> LocalPeer {
        match self {
            Identity::Agent(secret) => LocalPeer::agent(secret, peer),
            Identity::Person(person) => {
                let key = match &person.key {
                    PersonKey::WebCrypto(key) => PeerKey::External(key.public_key()),
                    PersonKey::Held(key) => {
                        PeerKey::Held(party_core::sign::Signer::new(key.clone()))
                    }
                };
                LocalPeer::human_with(&person.credential, key, person.origin, peer)
            }
        }
    }
}

impl Person {
    /// A person with the key a passkey's PRF output gives (`Passkey`), kept as a
    /// non-extractable WebCrypto key where the browser can.
    pub async fn from_prf(credential: Credential, prf: &[u8]) -> Result<Self, String> {
        let seed = seed_from_prf(prf).map_err(|err: PasskeyError| err.to_string())?;
        let signing = SigningKey::from_bytes(&seed);
        let public_key = PublicKey::of(&signing);
        let key = match WebCryptoKey::import(&seed, public_key).await {
            Ok(key) => PersonKey::WebCrypto(key),
            Err(_) => PersonKey::Held(signing),
        };
        Ok(Self {
            credential,
            origin: KeyOrigin::Passkey,
            key,
        })
    }

    /// A person whose authenticator has no PRF: a key of this device (`Device`).
    pub async fn with_device_key(credential: Credential) -> Result<Self, String> {
        let key = match WebCryptoKey::generate().await {
            Ok(key) => PersonKey::WebCrypto(key),
            Err(_) => PersonKey::Held(SigningKey::from_bytes(
                &random::bytes::<32>().map_err(|err| err.to_string())?,
            )),
        };
        Ok(Self {
            credential,
            origin: KeyOrigin::Device,
            key,
        })
    }

    pub fn public_key(&self) -> PublicKey {
        match &self.key {
            PersonKey::WebCrypto(key) => key.public_key(),
            PersonKey::Held(key) => PublicKey::of(key),
        }
    }
}

/// Why the identity could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// Storage is missing or refused (private mode, disabled storage, quota).
    Unavailable(String),
    /// What is stored is not valid (edited by hand, or from a broken build).
    Corrupt(String),
    /// A person's record is here but the key it names is gone (site data partly
    /// cleared): signing in with the passkey brings it back.
    KeyMissing,
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Unavailable(why) => {
                write!(f, "this browser's storage is unavailable ({why})")
            }
            StorageError::Corrupt(why) => write!(f, "the saved identity is unreadable: {why}"),
            StorageError::KeyMissing => f.write_str(
                "this browser lost the key of your saved identity; sign in with your passkey to get it back",
            ),
        }
    }
}

impl From<SecretError> for StorageError {
    fn from(err: SecretError) -> Self {
        StorageError::Corrupt(err.to_string())
    }
}

fn storage() -> Result<Storage, StorageError> {
    let window = web_sys::window().ok_or_else(|| StorageError::Unavailable("no window".into()))?;
    window
        .local_storage()
        .map_err(|err| StorageError::Unavailable(js_error::text(&err)))?
        .ok_or_else(|| StorageError::Unavailable("localStorage is disabled".into()))
}

fn read(storage: &Storage, key: &str) -> Result<Option<String>, StorageError> {
    storage
        .get_item(key)
        .map_err(|err| StorageError::Unavailable(js_error::text(&err)))
}

fn write(storage: &Storage, key: &str, value: &str) -> Result<(), StorageError> {
    storage
        .set_item(key, value)
        .map_err(|err| StorageError::Unavailable(js_error::text(&err)))
}

/// The identity saved in this browser, if any. A person's WebCrypto key is read
/// from IndexedDB, hence async.
pub async fn load() -> Result<Option<Identity>, StorageError> {
    let storage = storage()?;
    if let Some(text) = read(&storage, AGENT_SECRET_KEY)? {
        return Ok(Some(Identity::Agent(AgentSecret::import(&text)?)));
    }
    let Some(credential) = read(&storage, CREDENTIAL_ID_KEY)? else {
        return Ok(None);
    };
    let corrupt = |what: &str| StorageError::Corrupt(what.to_owned());
    let credential =
        Credential::from_base64url(&credential).map_err(|err| corrupt(&err.to_string()))?;
    let origin = match read(&storage, KEY_ORIGIN_KEY)?.as_deref() {
        Some("passkey") => KeyOrigin::Passkey,
        Some("device") => KeyOrigin::Device,
        _ => return Err(corrupt("the key's origin is missing")),
    };
    let public_key = read(&storage, PUBLIC_KEY_KEY)?
        .ok_or_else(|| corrupt("the public key is missing"))
        .and_then(|text| PublicKey::parse(&text).map_err(|err| corrupt(&err.to_string())))?;
    let key = match read(&storage, SIGNING_SEED_KEY)? {
        Some(seed) => {
            let seed = party_core::b64::decode_strict(&seed)
                .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                .ok_or_else(|| corrupt("the kept key is not 32 bytes of base64url"))?;
            let key = SigningKey::from_bytes(&seed);
            if PublicKey::of(&key) != public_key {
                return Err(corrupt("the kept key does not match the public key"));
            }
            PersonKey::Held(key)
        }
        None => match key_store::load().await {
            Ok(Some(key)) => PersonKey::WebCrypto(WebCryptoKey::from_stored(key, public_key)),
            Ok(None) => return Err(StorageError::KeyMissing),
            Err(why) => return Err(StorageError::Unavailable(why)),
        },
    };
    Ok(Some(Identity::Person(Box::new(Person {
        credential,
        origin,
        key,
    }))))
}

/// Keeps `identity` so a reload restores it, in place of any other.
pub async fn save(identity: &Identity) -> Result<(), StorageError> {
    forget().await?;
    let storage = storage()?;
    match identity {
        Identity::Agent(secret) => write(&storage, AGENT_SECRET_KEY, &secret.to_base64url()),
        Identity::Person(person) => {
            write(
                &storage,
                CREDENTIAL_ID_KEY,
                &person.credential.to_base64url(),
            )?;
            write(&storage, KEY_ORIGIN_KEY, person.origin.as_str())?;
            write(&storage, PUBLIC_KEY_KEY, &person.public_key().to_string())?;
            match &person.key {
                PersonKey::WebCrypto(key) => key_store::save(key.crypto_key())
                    .await
                    .map_err(StorageError::Unavailable),
                PersonKey::Held(key) => write(
                    &storage,
                    SIGNING_SEED_KEY,
                    &party_core::b64::encode(key.as_bytes()),
                ),
            }
        }
    }
}

/// Forgets the identity on this browser (signing out): the passkey stays in the
/// person's vault and signs them in again.
pub async fn forget() -> Result<(), StorageError> {
    let storage = storage()?;
    for key in ALL_KEYS.iter().chain(&crate::prefs::ALL_KEYS) {
        storage
            .remove_item(key)
            .map_err(|err| StorageError::Unavailable(js_error::text(&err)))?;
    }
    key_store::clear().await.map_err(StorageError::Unavailable)
}

/// Everything Party keeps in this browser, gone: the identity, the kept key, and
/// this tab's session storage.
pub async fn clear_all() -> Result<(), StorageError> {
    forget().await?;
    if let Some(session) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        session
            .clear()
            .map_err(|err| StorageError::Unavailable(js_error::text(&err)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_and_a_person_take_their_handles_from_their_own_roots() {
        let secret = AgentSecret::from_bytes([9; 32]);
        assert!(Identity::Agent(secret).handle().is_bot());
        let person = Person {
            credential: Credential::from_raw_id(&[1]).unwrap(),
            origin: KeyOrigin::Passkey,
            key: PersonKey::Held(SigningKey::from_bytes(&[2; 32])),
        };
        let identity = Identity::Person(Box::new(person));
        assert_eq!(identity.handle().as_str(), "new-misty-mouse");
        assert_eq!(
            identity.public_key(),
            PublicKey::of(&SigningKey::from_bytes(&[2; 32]))
        );
        assert!(identity.external_key().is_none());
        let peer = identity.local_peer(PeerId::from_bytes([3; 8]));
        assert_eq!(peer.handle().as_str(), "new-misty-mouse");
    }
}
