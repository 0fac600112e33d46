//! Encoding envelopes as v1-shaped JSON, `type` first, with our fields added.

use ed25519_dalek::SigningKey;

use super::json::envelope_json;
use super::Envelope;
use crate::sign::{sign, Auth, Seal};

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
    envelope_json(
        envelope.type_name(),
        |json| envelope.fields(json),
        envelope.from(),
        envelope.t(),
        seal,
    )
}
