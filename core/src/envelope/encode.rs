//! Encoding envelopes as v1-shaped JSON, `type` first, with our fields added.

use ed25519_dalek::SigningKey;
use serde::Serialize;

use super::{Envelope, LogEntry, Msg};
use crate::sign::{sign, Auth, Seal};

/// The JSON shape of every envelope type; absent fields are omitted.
#[derive(Serialize)]
struct Wire<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    handle: Option<&'a str>,
    #[serde(rename = "avatarSeed", skip_serializing_if = "Option::is_none")]
    avatar_seed: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<Vec<Wire<'a>>>,
    from: &'a str,
    t: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<WireAuth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sig: Option<String>,
}

#[derive(Serialize)]
struct WireAuth {
    kind: &'static str,
}

impl<'a> Wire<'a> {
    fn bare(kind: &'static str, from: &'a str, t: u64) -> Self {
        Wire {
            kind,
            id: None,
            handle: None,
            avatar_seed: None,
            name: None,
            text: None,
            to: None,
            log: None,
            from,
            t,
            pk: None,
            auth: None,
            sig: None,
        }
    }

    fn sealed(mut self, seal: Option<&Seal>) -> Self {
        if let Some(seal) = seal {
            self.pk = Some(seal.public_key_base64url());
            self.auth = Some(WireAuth {
                kind: seal.auth().kind(),
            });
            self.sig = Some(seal.signature_base64url());
        }
        self
    }

    fn msg(m: &'a Msg) -> Self {
        Wire {
            id: Some(m.id.as_str()),
            handle: Some(m.handle.as_str()),
            avatar_seed: Some(m.avatar_seed.as_str()),
            name: m.name.as_ref().map(|n| n.as_str()),
            text: Some(m.text.as_str()),
            ..Wire::bare("msg", m.from.as_str(), m.t)
        }
    }

    fn entry(entry: &'a LogEntry) -> Self {
        Wire::msg(entry.msg()).sealed(entry.seal())
    }

    fn envelope(envelope: &'a Envelope) -> Self {
        let base = Wire::bare(envelope.type_name(), envelope.from().as_str(), envelope.t());
        match envelope {
            Envelope::Announce(a) => Wire {
                handle: Some(a.handle.as_str()),
                avatar_seed: Some(a.avatar_seed.as_str()),
                name: a.name.as_ref().map(|n| n.as_str()),
                ..base
            },
            Envelope::Msg(m) => Wire::msg(m),
            Envelope::HistoryRequest(_) => base,
            Envelope::HistoryResponse(r) => Wire {
                to: Some(r.to.as_str()),
                log: Some(r.log.iter().map(Wire::entry).collect()),
                ..base
            },
            Envelope::Leave(l) => Wire {
                handle: Some(l.handle.as_str()),
                avatar_seed: Some(l.avatar_seed.as_str()),
                name: l.name.as_ref().map(|n| n.as_str()),
                ..base
            },
        }
    }
}

fn to_json(wire: &Wire<'_>) -> Vec<u8> {
    // Only strings, integers, options and vectors of those: serialization cannot fail.
    serde_json::to_vec(wire).expect("envelope JSON serialization is infallible")
}

/// Signs `envelope` for `topic` and encodes it with `sig`, `pk` and `auth`.
pub fn encode_signed(topic: &str, envelope: &Envelope, key: &SigningKey, auth: Auth) -> Vec<u8> {
    let seal = sign(topic, envelope, key, auth);
    encode_sealed(envelope, Some(&seal))
}

/// Encodes `envelope` without a signature, as a Party v1 client would send it (for
/// tests and interop tools; our clients always sign).
pub fn encode_unsigned(envelope: &Envelope) -> Vec<u8> {
    encode_sealed(envelope, None)
}

pub(crate) fn encode_sealed(envelope: &Envelope, seal: Option<&Seal>) -> Vec<u8> {
    to_json(&Wire::envelope(envelope).sealed(seal))
}

/// Bytes `entry` takes inside a history-response's `log` array, without the comma.
pub fn entry_json_len(entry: &LogEntry) -> usize {
    to_json(&Wire::entry(entry)).len()
}
