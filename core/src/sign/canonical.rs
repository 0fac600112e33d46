//! The canonical signing form (specified in `docs/protocol.md`, "Canonical form").

use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha256};

use super::Auth;
use crate::envelope::{Envelope, LogEntry, Msg};

/// First bytes of every signed form, so a Party signature can never be mistaken for a
/// signature over anything else.
pub const DOMAIN_TAG: &[u8] = b"party-sig-v1\n";

/// Appends `item(name, value) = u8 len(name) || name || u32be len(value) || value`.
struct Writer {
    out: Vec<u8>,
}

impl Writer {
    fn item(&mut self, name: &str, value: &[u8]) {
        // Names are our own short ASCII field names; values are bounded by the payload
        // limit, far below u32::MAX.
        self.out.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
        self.out.extend_from_slice(name.as_bytes());
        self.out
            .extend_from_slice(&u32::try_from(value.len()).unwrap_or(u32::MAX).to_be_bytes());
        self.out.extend_from_slice(value);
    }

    fn text(&mut self, name: &str, value: &str) {
        self.item(name, value.as_bytes());
    }

    fn opt_text(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.text(name, value);
        }
    }
}

/// The bytes an envelope's signature covers. `signer` is the public key and auth of a
/// signed envelope; `None` gives the form of an unsigned one (used only to digest
/// unsigned history entries).
pub fn canonical_bytes(
    topic: &str,
    envelope: &Envelope,
    signer: Option<(&VerifyingKey, Auth)>,
) -> Vec<u8> {
    let mut w = Writer {
        out: DOMAIN_TAG.to_vec(),
    };
    w.text("topic", topic);
    w.text("type", envelope.type_name());
    match envelope {
        Envelope::Announce(a) => {
            w.text("handle", a.handle.as_str());
            w.text("avatarSeed", a.avatar_seed.as_str());
            w.opt_text("name", a.name.as_ref().map(|n| n.as_str()));
        }
        Envelope::Msg(m) => msg_items(&mut w, m),
        Envelope::HistoryRequest(_) => {}
        Envelope::HistoryResponse(r) => {
            w.text("to", r.to.as_str());
            let count = u32::try_from(r.log.len()).unwrap_or(u32::MAX);
            let mut log = count.to_be_bytes().to_vec();
            for entry in &r.log {
                log.extend_from_slice(&entry_digest(topic, entry));
            }
            w.item("log", &log);
        }
        Envelope::Leave(l) => {
            w.text("handle", l.handle.as_str());
            w.text("avatarSeed", l.avatar_seed.as_str());
            w.opt_text("name", l.name.as_ref().map(|n| n.as_str()));
        }
    }
    w.text("from", envelope.from().as_str());
    w.item("t", &envelope.t().to_be_bytes());
    if let Some((key, auth)) = signer {
        w.item("pk", key.as_bytes());
        w.text("auth.kind", auth.kind());
    }
    w.out
}

/// Everything of a msg between `type` and `from`, in order.
fn msg_items(w: &mut Writer, m: &Msg) {
    w.text("id", m.id.as_str());
    w.text("handle", m.handle.as_str());
    w.text("avatarSeed", m.avatar_seed.as_str());
    w.opt_text("name", m.name.as_ref().map(|n| n.as_str()));
    w.text("text", m.text.as_str());
}

/// What a history-response signature commits to per entry: SHA-256 of the entry's own
/// canonical form followed by its raw 64-byte signature (nothing if unsigned), so the
/// responder vouches for exactly these entries with exactly these signatures.
pub fn entry_digest(topic: &str, entry: &LogEntry) -> [u8; 32] {
    let envelope = Envelope::Msg(entry.msg().clone());
    let mut hasher = Sha256::new();
    match entry.seal() {
        Some(seal) => {
            hasher.update(canonical_bytes(
                topic,
                &envelope,
                Some((seal.verifying_key(), seal.auth())),
            ));
            hasher.update(seal.signature().to_bytes());
        }
        None => hasher.update(canonical_bytes(topic, &envelope, None)),
    }
    hasher.finalize().into()
}
