//! Handle and avatar-seed derivation, byte-compatible with Party v1.
//!
//! `SIZE[h0 % 64]-COLOR[h1 % 64]-NOUN[h2 % 256]` of `h = SHA-256(input)`, plus `-bot`
//! for agents; the avatar seed is the hex of `h[0..16]`.

use sha2::{Digest, Sha256};

use crate::ids::{AvatarSeed, Handle};
use crate::words::{COLOR, NOUN, SIZE};

/// An agent's identity from its secret bytes (all of them, whatever their length, as
/// v1 hashes them).
pub fn agent_identity(secret: &[u8]) -> (Handle, AvatarSeed) {
    identity(secret, true)
}

/// A human's identity from the WebAuthn credential rawId.
pub fn human_identity(raw_id: &[u8]) -> (Handle, AvatarSeed) {
    identity(raw_id, false)
}

fn identity(input: &[u8], bot: bool) -> (Handle, AvatarSeed) {
    let h: [u8; 32] = Sha256::digest(input).into();
    let handle = Handle::from_words(
        SIZE[usize::from(h[0]) % SIZE.len()],
        COLOR[usize::from(h[1]) % COLOR.len()],
        NOUN[usize::from(h[2]) % NOUN.len()],
        bot,
    );
    let mut prefix = [0u8; 16];
    prefix.copy_from_slice(&h[..16]);
    (handle, AvatarSeed::from_hash_prefix(&prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_handles_always_validate() {
        for i in 0..=255u8 {
            let (agent, seed) = agent_identity(&[i; 32]);
            assert_eq!(Handle::parse(agent.as_str()), Ok(agent.clone()));
            assert!(agent.is_bot());
            assert_eq!(AvatarSeed::parse(seed.as_str()), Ok(seed));
            let (human, _) = human_identity(&[i]);
            assert_eq!(Handle::parse(human.as_str()), Ok(human.clone()));
            assert!(!human.is_bot());
        }
    }

    #[test]
    fn agent_and_human_share_the_stem_for_the_same_bytes() {
        let (agent, agent_seed) = agent_identity(b"same bytes");
        let (human, human_seed) = human_identity(b"same bytes");
        assert_eq!(agent.as_str(), format!("{human}-bot"));
        assert_eq!(agent_seed, human_seed);
    }
}
