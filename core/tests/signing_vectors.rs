//! The signing vectors in `vectors/signing.json` still hold, and `docs/protocol.md`
//! shows exactly the same values, so the spec and the code cannot drift apart.

use party_core::envelope::{decode, encode_signed};
use party_core::secret::AgentSecret;
use party_core::sign::{canonical_bytes, Auth, Verification};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/signing.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

#[test]
fn every_signing_vector_verifies_and_reproduces_byte_for_byte() {
    let doc = vectors();
    let secret = AgentSecret::import(str_of(&doc, "secret_b64url")).unwrap();
    assert_eq!(hex(secret.as_bytes()), str_of(&doc, "secret_hex"));
    assert_eq!(secret.handle().as_str(), str_of(&doc, "handle"));
    assert_eq!(secret.public_key().to_string(), str_of(&doc, "public_key"));
    let key = secret.signing_key();
    let topic = str_of(&doc, "topic");
    let list = doc["vectors"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|v| str_of(v, "name")).collect();
    assert_eq!(
        names,
        [
            "announce",
            "msg",
            "history-request",
            "history-response",
            "leave"
        ]
    );
    for v in list {
        let envelope = str_of(v, "envelope");
        let t = serde_json::from_str::<Value>(envelope).unwrap()["t"]
            .as_u64()
            .unwrap();
        let received = decode(topic, envelope.as_bytes(), t).unwrap();
        assert_eq!(
            received.verification,
            Verification::Verified {
                public_key: secret.public_key()
            },
            "{}",
            str_of(v, "name")
        );
        assert!(received.rejected_entries.is_empty());
        let canonical = canonical_bytes(
            topic,
            &received.envelope,
            Some((&key.verifying_key(), Auth::Agent)),
        );
        assert_eq!(
            hex(&canonical),
            str_of(v, "canonical_hex"),
            "{}",
            str_of(v, "name")
        );
        let encoded = encode_signed(topic, &received.envelope, &key, Auth::Agent);
        assert_eq!(String::from_utf8(encoded).unwrap(), envelope);
        assert_eq!(
            received.seal().map(|s| s.signature_base64url()).as_deref(),
            Some(str_of(v, "sig"))
        );
    }
}

#[test]
fn the_protocol_doc_shows_the_same_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let vectors = vectors();
    for key in [
        "secret_hex",
        "secret_b64url",
        "public_key",
        "topic",
        "handle",
    ] {
        let value = str_of(&vectors, key);
        assert!(doc.contains(value), "docs/protocol.md lacks {key} {value}");
    }
    for v in vectors["vectors"].as_array().unwrap() {
        for key in ["envelope", "canonical_hex", "sig"] {
            let value = str_of(v, key);
            assert!(
                doc.contains(value),
                "docs/protocol.md lacks the {} {key}: {value}",
                str_of(v, "name")
            );
        }
    }
}
