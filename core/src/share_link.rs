//! The fragment of a host's share link, `…/<handle>#a=<avatar seed>&k=<public key>`
//! (docs/design.md, "Pins"). Browsers never send a fragment to a server, so the
//! host's key reaches the guest untouched by the broker or the page's host.
//!
//! `a` is Party v1's: the host's avatar seed, so the face shows before the broker
//! answers (v1 writes 16 hex characters and reads 12 to 64). `k` is ours: the host's
//! public key, which the guest pins before any traffic; v1 ignores it.

use crate::avatar::Identicon;
use crate::ids::AvatarSeed;
use crate::sign::{PublicKey, PublicKeyError};

/// What a share link's fragment says about its host.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct HostLink {
    /// The host's avatar seed as the link spells it (lowercase hex, 12–64 characters).
    pub avatar: Option<String>,
    /// The host's key: absent, or what `k=` held (which may be broken).
    pub key: Option<Result<PublicKey, PublicKeyError>>,
}

impl HostLink {
    /// Reads a fragment (`location.hash`, with or without its `#`). Unknown fields and
    /// a malformed `a` are ignored, as v1 does; a malformed `k` is kept as an error so
    /// the guest can be told the link is damaged.
    pub fn parse(fragment: &str) -> Self {
        let mut link = HostLink::default();
        for pair in fragment.trim_start_matches('#').split('&') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            match name {
                "a" if is_avatar_hex(value) => link.avatar = Some(value.to_ascii_lowercase()),
                "k" => link.key = Some(PublicKey::parse(value)),
                _ => {}
            }
        }
        link
    }

    /// The fragment (without `#`) of a host's own link.
    pub fn fragment(avatar: &AvatarSeed, key: &PublicKey) -> String {
        format!("a={avatar}&k={key}")
    }

    /// The host's identicon, from however much of the seed the link carries.
    pub fn identicon(&self) -> Option<Identicon> {
        self.avatar.as_deref().and_then(Identicon::from_hex_prefix)
    }
}

fn is_avatar_hex(value: &str) -> bool {
    (12..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    fn key() -> PublicKey {
        PublicKey::of(&SigningKey::from_bytes(&[1; 32]))
    }

    #[test]
    fn a_hosts_fragment_reads_back() {
        let seed = AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap();
        let fragment = HostLink::fragment(&seed, &key());
        assert_eq!(
            fragment,
            "a=66687aadf862bd776c8fc18b8e9f8e20&k=iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w"
        );
        let link = HostLink::parse(&format!("#{fragment}"));
        assert_eq!(link.avatar.as_deref(), Some(seed.as_str()));
        assert_eq!(link.key, Some(Ok(key())));
        assert_eq!(link.identicon(), Some(Identicon::from_seed(&seed)));
    }

    #[test]
    fn v1_fragments_and_junk_are_read_as_v1_does() {
        let v1 = HostLink::parse("#s=abc123&a=66687AADF862BD77&t=1767225600000");
        assert_eq!(v1.avatar.as_deref(), Some("66687aadf862bd77"));
        assert_eq!(v1.key, None);
        assert!(v1.identicon().is_some());
        let junk = HostLink::parse("#a=<script>&k=&x");
        assert_eq!(junk.avatar, None);
        assert!(matches!(junk.key, Some(Err(_))), "a broken key is reported");
        assert_eq!(HostLink::parse(""), HostLink::default());
    }
}
