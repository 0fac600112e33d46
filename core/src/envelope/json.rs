//! Writing envelopes as JSON in v1's shape and a fixed field order (`type` first), so
//! our encodings are byte-for-byte reproducible (the signing vectors pin them).

use super::body::FieldSink;
use super::sealed::{entry_json, Relayed, Sealed};
use crate::ids::PeerId;
use crate::sign::Seal;

/// Most bytes the signature fields add to an envelope's JSON (`,"pk":…,"auth":{…},
/// "sig":…`), so a response can be sized before it is signed.
pub const SEAL_JSON_MAX_BYTES: usize = 256;

/// An ordered JSON object under construction.
pub(super) struct JsonObject {
    out: Vec<u8>,
    empty: bool,
}

impl JsonObject {
    pub(super) fn new() -> Self {
        Self {
            out: Vec::with_capacity(256),
            empty: true,
        }
    }

    fn key(&mut self, name: &str) {
        self.out.push(if self.empty { b'{' } else { b',' });
        self.empty = false;
        push_string(&mut self.out, name);
        self.out.push(b':');
    }

    fn write_number(&mut self, name: &str, value: u64) {
        self.key(name);
        self.out.extend_from_slice(value.to_string().as_bytes());
    }

    /// `pk`, `auth` and `sig`.
    pub(super) fn seal(&mut self, seal: &Seal) {
        self.text("pk", &seal.public_key().to_string());
        self.key("auth");
        let mut auth = JsonObject::new();
        for (name, value) in seal.auth().fields() {
            auth.text(name, value);
        }
        self.out.extend_from_slice(&auth.finish());
        self.text("sig", &seal.signature_base64url());
    }

    pub(super) fn finish(mut self) -> Vec<u8> {
        if self.empty {
            self.out.push(b'{');
        }
        self.out.push(b'}');
        self.out
    }
}

impl FieldSink for JsonObject {
    fn text(&mut self, name: &'static str, value: &str) {
        self.key(name);
        push_string(&mut self.out, value);
    }

    fn number(&mut self, name: &'static str, value: u64) {
        self.write_number(name, value);
    }

    fn entries<B: Relayed>(&mut self, name: &'static str, entries: &[Sealed<B>]) {
        self.key(name);
        self.out.push(b'[');
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.out.extend_from_slice(&entry_json(entry));
        }
        self.out.push(b']');
    }
}

/// Appends `s` as a JSON string, escaped exactly as serde_json escapes it.
fn push_string(out: &mut Vec<u8>, s: &str) {
    // Writing into a Vec cannot fail, and a &str always serializes.
    serde_json::to_writer(&mut *out, s).expect("a string serializes into a Vec");
}

/// A whole envelope: `type`, the body's fields, `from`, `t`, then the seal if any.
pub(super) fn envelope_json(
    kind: &str,
    fields: impl FnOnce(&mut JsonObject),
    from: &PeerId,
    t: u64,
    seal: Option<&Seal>,
) -> Vec<u8> {
    let mut json = JsonObject::new();
    json.key("type");
    push_string(&mut json.out, kind);
    fields(&mut json);
    json.text("from", from.as_str());
    json.write_number("t", t);
    if let Some(seal) = seal {
        json.seal(seal);
    }
    json.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::{encode_sealed, Envelope, HistoryRequest};
    use crate::ids::PeerId;
    use crate::sign::{sign, Auth, KeyOrigin};
    use ed25519_dalek::SigningKey;

    #[test]
    fn the_seal_bound_covers_the_largest_auth() {
        let envelope = Envelope::HistoryRequest(HistoryRequest {
            from: PeerId::from_bytes([1; 8]),
            t: u64::MAX,
        });
        let bare = encode_sealed(&envelope, None).len();
        let largest = Auth::Human {
            key: KeyOrigin::Passkey,
        };
        let seal = sign("t", &envelope, &SigningKey::from_bytes(&[1; 32]), largest);
        let sealed = encode_sealed(&envelope, Some(&seal)).len();
        assert!(sealed - bare <= SEAL_JSON_MAX_BYTES, "{}", sealed - bare);
    }
}
