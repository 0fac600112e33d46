//! The canonical signing form (specified in `docs/protocol.md`, "Canonical form").

use sha2::{Digest, Sha256};

use super::{Auth, PublicKey};
use crate::envelope::{Envelope, FieldSink, Relayed, Sealed};
use crate::ids::PeerId;

/// First bytes of every signed form, so a Party signature can never be mistaken for a
/// signature over anything else.
pub const DOMAIN_TAG: &[u8] = b"party-sig-v1\n";

/// Appends `item(name, value) = u8 len(name) || name || u32be len(value) || value`.
struct Writer<'t> {
    out: Vec<u8>,
    /// History entries are digested against the same topic.
    topic: &'t str,
}

impl Writer<'_> {
    fn item(&mut self, name: &str, value: &[u8]) {
        // Names are our own short ASCII field names; values are bounded by the payload
        // limit, far below u32::MAX.
        self.out.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
        self.out.extend_from_slice(name.as_bytes());
        self.out
            .extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_be_bytes());
        self.out.extend_from_slice(value);
    }
}

impl Writer<'_> {
    /// `item("auth.<name>", value)`, without building the name (every signature and
    /// every verification writes these).
    fn auth_item(&mut self, name: &str, value: &[u8]) {
        const PREFIX: &[u8] = b"auth.";
        self.out
            .push(u8::try_from(PREFIX.len() + name.len()).unwrap_or(u8::MAX));
        self.out.extend_from_slice(PREFIX);
        self.out.extend_from_slice(name.as_bytes());
        self.out
            .extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_be_bytes());
        self.out.extend_from_slice(value);
    }
}

impl FieldSink for Writer<'_> {
    fn text(&mut self, name: &'static str, value: &str) {
        self.item(name, value.as_bytes());
    }

    fn number(&mut self, name: &'static str, value: u64) {
        self.item(name, &value.to_be_bytes());
    }

    fn entries<B: Relayed>(&mut self, name: &'static str, entries: &[Sealed<B>]) {
        let count = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        let mut list = count.to_be_bytes().to_vec();
        for entry in entries {
            list.extend_from_slice(&entry_digest(self.topic, entry));
        }
        self.item(name, &list);
    }
}

/// The bytes an envelope's signature covers. `signer` is the public key and auth of a
/// signed envelope; `None` gives the form of an unsigned one (used only to digest
/// unsigned history entries).
pub fn canonical_bytes(
    topic: &str,
    envelope: &Envelope,
    signer: Option<(&PublicKey, Auth)>,
) -> Vec<u8> {
    canonical_form(
        topic,
        envelope.type_name(),
        |w| envelope.fields(w),
        envelope.from(),
        envelope.t(),
        signer,
    )
}

fn canonical_form(
    topic: &str,
    kind: &str,
    fields: impl FnOnce(&mut Writer<'_>),
    from: &PeerId,
    t: u64,
    signer: Option<(&PublicKey, Auth)>,
) -> Vec<u8> {
    let mut w = Writer {
        out: DOMAIN_TAG.to_vec(),
        topic,
    };
    w.item("topic", topic.as_bytes());
    w.item("type", kind.as_bytes());
    fields(&mut w);
    w.item("from", from.as_str().as_bytes());
    w.item("t", &t.to_be_bytes());
    if let Some((key, auth)) = signer {
        w.item("pk", key.as_bytes());
        for (name, value) in auth.fields() {
            w.auth_item(name, value.as_bytes());
        }
    }
    w.out
}

/// What a carrier's signature commits to per entry (history-response, roster):
/// SHA-256 of the entry's own canonical form followed by its raw 64-byte signature
/// (nothing if unsigned), so the responder vouches for exactly these entries with
/// exactly these signatures.
pub(crate) fn entry_digest<B: Relayed>(topic: &str, entry: &Sealed<B>) -> [u8; 32] {
    let body = entry.body();
    let public_key = entry.seal().map(|seal| seal.public_key());
    let signer = public_key
        .as_ref()
        .zip(entry.seal().map(|seal| seal.auth()));
    let form = canonical_form(
        topic,
        B::TYPE,
        |w| body.fields(w),
        body.sender(),
        body.sent_at(),
        signer,
    );
    let mut hasher = Sha256::new();
    hasher.update(form);
    if let Some(seal) = entry.seal() {
        hasher.update(seal.signature().to_bytes());
    }
    hasher.finalize().into()
}
