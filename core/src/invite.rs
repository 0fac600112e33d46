//! Inviting one's own agent into a room. The invite a person hands their agent holds
//! a random token. The agent proves it holds the token, bound to its own key and the
//! room, without revealing it (`proof`), so someone who only watches the room's
//! traffic can neither use the invite nor pass a proof off as their own key's.

use sha2::{Digest, Sha256};

use crate::b64;
use crate::ids::Handle;
use crate::sign::PublicKey;

/// Random bytes in an invite's token.
pub const INVITE_TOKEN_BYTES: usize = 16;

/// First bytes of every proof, so it can be mistaken for no other digest.
const PROOF_TAG: &[u8] = b"party-invite-v1\n";

/// An invite: who invites, and the token their agent proves it holds.
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    owner: Handle,
    token: [u8; INVITE_TOKEN_BYTES],
}

/// Why an invite code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    #[error("an invite code is <inviter's handle>.<token>, as the inviter's page shows it")]
    Shape,
    #[error("the invite code does not start with a handle: {0}")]
    Owner(crate::ids::IdError),
    #[error("the invite's token is not {INVITE_TOKEN_BYTES} bytes of base64url")]
    Token,
}

impl Invite {
    /// A new invite from `owner`, with `token` drawn at random by the caller.
    pub fn new(owner: Handle, token: [u8; INVITE_TOKEN_BYTES]) -> Self {
        Invite { owner, token }
    }

    /// Reads the code an agent was handed (whitespace around it is ignored).
    pub fn parse(code: &str) -> Result<Self, InviteError> {
        let (owner, token) = code.trim().split_once('.').ok_or(InviteError::Shape)?;
        let owner = Handle::parse(owner).map_err(InviteError::Owner)?;
        let token = b64::decode_strict(token)
            .and_then(|bytes| <[u8; INVITE_TOKEN_BYTES]>::try_from(bytes).ok())
            .ok_or(InviteError::Token)?;
        Ok(Invite { owner, token })
    }

    /// The code to hand the agent.
    pub fn code(&self) -> String {
        format!("{}.{}", self.owner, b64::encode(&self.token))
    }

    pub fn owner(&self) -> &Handle {
        &self.owner
    }

    /// What the agent with `key` publishes in the room with topic `topic` to show it
    /// holds this invite.
    pub fn proof(&self, topic: &str, key: &PublicKey) -> String {
        let digest = Sha256::new()
            .chain_update(PROOF_TAG)
            .chain_update(self.token)
            .chain_update(u32::try_from(topic.len()).unwrap_or(u32::MAX).to_be_bytes())
            .chain_update(topic.as_bytes())
            .chain_update(key.as_bytes())
            .finalize();
        b64::encode(&digest)
    }
}

/// Leaves the token out, so logging an invite cannot leak it.
impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invite")
            .field("owner", &self.owner)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn owner() -> Handle {
        Handle::parse("brave-amber-heron").unwrap()
    }

    #[test]
    fn a_code_reads_back_and_a_proof_binds_the_token_the_room_and_the_key() {
        let invite = Invite::new(owner(), [7; INVITE_TOKEN_BYTES]);
        let code = invite.code();
        assert!(code.starts_with("brave-amber-heron."), "{code}");
        assert_eq!(Invite::parse(&format!(" {code}\n")).unwrap(), invite);
        let key = PublicKey::of(&SigningKey::from_bytes(&[1; 32]));
        let other = PublicKey::of(&SigningKey::from_bytes(&[2; 32]));
        let proof = invite.proof("party-2026-v1/party/a", &key);
        assert_eq!(proof.len(), 43);
        assert_ne!(proof, invite.proof("party-2026-v1/party/b", &key));
        assert_ne!(proof, invite.proof("party-2026-v1/party/a", &other));
        let stranger = Invite::new(owner(), [8; INVITE_TOKEN_BYTES]);
        assert_ne!(proof, stranger.proof("party-2026-v1/party/a", &key));
        assert!(!format!("{invite:?}").contains(&code[18..]));
    }

    #[test]
    fn a_bad_code_says_what_an_invite_code_looks_like() {
        assert_eq!(Invite::parse("nothing"), Err(InviteError::Shape));
        assert!(matches!(
            Invite::parse("Bad.AAAA"),
            Err(InviteError::Owner(_))
        ));
        assert_eq!(
            Invite::parse("brave-amber-heron.AAAA"),
            Err(InviteError::Token)
        );
    }
}
