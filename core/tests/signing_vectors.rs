//! The signing vectors in `vectors/signing.json` still hold, and `docs/protocol.md`
//! shows exactly the same values, so the spec and the code cannot drift apart.

use party_core::envelope::{decode, encode_signed};
use party_core::passkey::{key_from_prf, seed_from_prf, Credential, PRF_SALT, SEED_TAG};
use party_core::secret::AgentSecret;
use party_core::sign::{canonical_bytes, Auth, KeyOrigin, PublicKey, Verification};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/signing.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes `v`'s envelope, checks it verifies under `key`, and that canonical form,
/// encoding and signature are reproduced byte for byte with `auth`.
fn check_vector(topic: &str, v: &Value, key: &ed25519_dalek::SigningKey, auth: Auth) {
    let name = str_of(v, "name");
    let envelope = str_of(v, "envelope");
    let t = serde_json::from_str::<Value>(envelope).unwrap()["t"]
        .as_u64()
        .unwrap();
    let received = decode(topic, envelope.as_bytes(), t).unwrap();
    assert_eq!(
        received.verification,
        Verification::Verified {
            public_key: PublicKey::of(key)
        },
        "{name}"
    );
    assert!(received.rejected_entries.is_empty());
    assert_eq!(received.seal().map(|s| s.auth()), Some(auth), "{name}");
    let canonical = canonical_bytes(topic, &received.envelope, Some((&PublicKey::of(key), auth)));
    assert_eq!(hex(&canonical), str_of(v, "canonical_hex"), "{name}");
    let encoded = encode_signed(topic, &received.envelope, key, auth);
    assert_eq!(String::from_utf8(encoded).unwrap(), envelope, "{name}");
    assert_eq!(
        received.seal().map(|s| s.signature_base64url()).as_deref(),
        Some(str_of(v, "sig")),
        "{name}"
    );
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
            "msg-re",
            "history-request",
            "history-response",
            "leave"
        ]
    );
    for v in list {
        check_vector(topic, v, &key, Auth::Agent);
    }
}

#[test]
fn the_human_vectors_derive_their_key_from_the_prf_output_and_reproduce() {
    let doc = vectors();
    let human = &doc["human"];
    let credential = Credential::from_base64url(str_of(human, "credential_id_b64url")).unwrap();
    assert_eq!(credential.handle().as_str(), str_of(human, "handle"));
    assert_eq!(str_of(human, "prf_salt").as_bytes(), PRF_SALT);
    assert_eq!(str_of(human, "seed_tag").as_bytes(), SEED_TAG);
    let prf = unhex(str_of(human, "prf_output_hex"));
    assert_eq!(
        hex(&seed_from_prf(&prf).unwrap()),
        str_of(human, "seed_hex")
    );
    let key = key_from_prf(&prf).unwrap();
    assert_eq!(PublicKey::of(&key).to_string(), str_of(human, "public_key"));
    let topic = str_of(&doc, "topic");
    let list = human["vectors"].as_array().unwrap();
    let origins = [KeyOrigin::Passkey, KeyOrigin::Passkey, KeyOrigin::Device];
    assert_eq!(list.len(), origins.len());
    for (v, origin) in list.iter().zip(origins) {
        check_vector(topic, v, &key, Auth::Human { key: origin });
    }
}

#[test]
fn the_host_vectors_verify_in_the_hosts_own_room() {
    let doc = vectors();
    let secret = AgentSecret::import(str_of(&doc, "secret_b64url")).unwrap();
    let host = &doc["host"];
    let topic = str_of(host, "topic");
    assert!(topic.ends_with(secret.handle().as_str()), "{topic}");
    let list = host["vectors"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|v| str_of(v, "name")).collect();
    assert_eq!(names, ["policy", "kick", "mute", "description"]);
    for v in list {
        check_vector(topic, v, &secret.signing_key(), Auth::Agent);
    }
}

#[test]
fn the_owner_vectors_verify_and_the_proof_is_the_invites() {
    let doc = vectors();
    let secret = AgentSecret::import(str_of(&doc, "secret_b64url")).unwrap();
    let topic = str_of(&doc, "topic");
    let owners = &doc["owners"];
    let list = owners["vectors"].as_array().unwrap();
    let names: Vec<&str> = list.iter().map(|v| str_of(v, "name")).collect();
    assert_eq!(names, ["invited", "grant", "draft", "approve", "forward"]);
    let prf = unhex(str_of(&doc["human"], "prf_output_hex"));
    let human = key_from_prf(&prf).unwrap();
    let passkey = Auth::Human {
        key: KeyOrigin::Passkey,
    };
    for v in list {
        match str_of(v, "name") {
            "invited" | "draft" => check_vector(topic, v, &secret.signing_key(), Auth::Agent),
            _ => check_vector(topic, v, &human, passkey),
        }
    }
    let invite = party_core::invite::Invite::parse(str_of(owners, "invite_code")).unwrap();
    let invited: Value = serde_json::from_str(str_of(&list[0], "envelope")).unwrap();
    assert_eq!(
        invited["proof"],
        invite.proof(topic, &secret.public_key()).as_str()
    );
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
    let human = &vectors["human"];
    for key in [
        "credential_id_b64url",
        "prf_output_hex",
        "seed_hex",
        "public_key",
        "handle",
    ] {
        let value = str_of(human, key);
        assert!(
            doc.contains(value),
            "docs/protocol.md lacks the human {key} {value}"
        );
    }
    let all = vectors["vectors"].as_array().unwrap().iter();
    let host = vectors["host"]["vectors"].as_array().unwrap();
    assert!(doc.contains(str_of(&vectors["host"], "topic")));
    let owners = vectors["owners"]["vectors"].as_array().unwrap();
    assert!(doc.contains(str_of(&vectors["owners"], "invite_code")));
    for v in all
        .chain(human["vectors"].as_array().unwrap())
        .chain(host)
        .chain(owners)
    {
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
