//! The local participant: who we are in a room and the key we sign with.

use crate::ids::{AvatarSeed, DisplayName, Handle, IdError, PeerId};
use crate::passkey::Credential;
use crate::secret::AgentSecret;
use crate::sign::{Auth, KeyOrigin, PeerKey, PublicKey, Signer};
use ed25519_dalek::SigningKey;

/// Our identity in a room. Built once per connection (the peer id is per connection).
#[derive(Clone)]
pub struct LocalPeer {
    handle: Handle,
    avatar_seed: AvatarSeed,
    peer_id: PeerId,
    name: Option<DisplayName>,
    key: PeerKey,
    auth: Auth,
    /// An agent's secret as it is written down, so what it says can be checked for
    /// it before it leaves (`credentials::find`).
    own_secret: Option<String>,
}

impl LocalPeer {
    /// An agent: handle, avatar and key all come from its secret. `peer_id` is 8
    /// random bytes the caller drew (`PeerId::from_bytes`).
    pub fn agent(secret: &AgentSecret, peer_id: PeerId) -> Self {
        Self {
            handle: secret.handle(),
            avatar_seed: secret.avatar_seed(),
            peer_id,
            name: None,
            key: PeerKey::Held(Signer::new(secret.signing_key())),
            auth: Auth::Agent,
            own_secret: Some(secret.to_base64url()),
        }
    }

    /// A person: handle and avatar from the passkey's credential id, the key from the
    /// passkey's PRF output (`origin` Passkey) or made by this device (Device).
    pub fn human(
        credential: &Credential,
        key: SigningKey,
        origin: KeyOrigin,
        peer_id: PeerId,
    ) -> Self {
        Self::human_with(credential, PeerKey::Held(Signer::new(key)), origin, peer_id)
    }

    /// A person whose key is held outside this process (a non-extractable WebCrypto
    /// key): the room asks for each signature (see [`PeerKey::External`]).
    pub fn human_with(
        credential: &Credential,
        key: PeerKey,
        origin: KeyOrigin,
        peer_id: PeerId,
    ) -> Self {
        Self {
            handle: credential.handle(),
            avatar_seed: credential.avatar_seed(),
            peer_id,
            name: None,
            key,
            auth: Auth::Human { key: origin },
            own_secret: None,
        }
    }

    /// Adds a display name (shown next to the handle by our clients).
    pub fn with_display_name(mut self, name: &str) -> Result<Self, IdError> {
        self.name = Some(DisplayName::parse(name)?);
        Ok(self)
    }

    /// Replaces the display name (an IRC user changed nick).
    pub fn set_display_name(&mut self, name: Option<DisplayName>) {
        self.name = name;
    }

    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    pub fn avatar_seed(&self) -> &AvatarSeed {
        &self.avatar_seed
    }

    pub fn peer_id(&self) -> &PeerId {
        &self.peer_id
    }

    pub fn display_name(&self) -> Option<&DisplayName> {
        self.name.as_ref()
    }

    /// Our public key, as peers pin it for our handle.
    pub fn public_key(&self) -> PublicKey {
        self.key.public_key()
    }

    pub(crate) fn key(&self) -> &PeerKey {
        &self.key
    }

    pub(crate) fn auth(&self) -> Auth {
        self.auth
    }

    /// A credential in `text` that an agent must not publish, if any. People's text
    /// is theirs to decide on; only agent runtimes are held to this.
    pub(crate) fn credential_in(&self, text: &str) -> Option<crate::credentials::Credential> {
        match self.auth {
            Auth::Agent => crate::credentials::find(text, self.own_secret.as_deref()),
            Auth::Human { .. } => None,
        }
    }
}

/// Leaves the key out, so logging a peer cannot leak it.
impl std::fmt::Debug for LocalPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalPeer")
            .field("handle", &self.handle)
            .field("peer_id", &self.peer_id)
            .field("name", &self.name)
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_peer_takes_its_identity_from_the_secret() {
        let secret = AgentSecret::from_bytes([0; 32]);
        let me = LocalPeer::agent(&secret, PeerId::from_bytes([1; 8]))
            .with_display_name("calcbot")
            .unwrap();
        assert_eq!(me.handle().as_str(), "soft-lilac-tower-bot");
        assert_eq!(me.avatar_seed(), &secret.avatar_seed());
        assert_eq!(me.public_key(), secret.public_key());
        assert_eq!(me.display_name().map(|n| n.as_str()), Some("calcbot"));
        assert!(!format!("{me:?}").contains(&secret.to_base64url()));
    }

    #[test]
    fn a_person_takes_handle_from_the_credential_and_key_from_the_prf() {
        let credential = Credential::from_raw_id(&[1]).unwrap();
        let key = crate::passkey::key_from_prf(&[5; 32]).unwrap();
        let me = LocalPeer::human(
            &credential,
            key.clone(),
            KeyOrigin::Passkey,
            PeerId::from_bytes([1; 8]),
        );
        assert_eq!(me.handle().as_str(), "new-misty-mouse");
        assert_eq!(me.public_key(), PublicKey::of(&key));
        assert_eq!(
            me.auth(),
            Auth::Human {
                key: KeyOrigin::Passkey
            }
        );
    }

    #[test]
    fn an_invalid_display_name_is_refused() {
        let me = LocalPeer::agent(
            &AgentSecret::from_bytes([0; 32]),
            PeerId::from_bytes([1; 8]),
        );
        assert!(me.with_display_name(" padded ").is_err());
    }
}
