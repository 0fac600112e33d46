//! Party v1 known answers: every vector in `vectors/identity.json` and the word lists in
//! `vectors/words.json` (copies of `/work/shared/vectors/`), so derivations stay
//! byte-compatible with v1.

use party_core::captcha::{answer, Challenge};
use party_core::derive::{agent_identity, human_identity};
use party_core::secret::AgentSecret;
use party_core::words::{COLOR, NOUN, SIZE};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn str_list(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect()
}

#[test]
fn word_lists_equal_the_v1_json_in_order() {
    let words = load("words.json");
    assert_eq!(SIZE.to_vec(), str_list(&words["size"]));
    assert_eq!(COLOR.to_vec(), str_list(&words["color"]));
    assert_eq!(NOUN.to_vec(), str_list(&words["noun"]));
    assert_eq!((SIZE.len(), COLOR.len(), NOUN.len()), (64, 64, 256));
    assert_eq!((NOUN[53], NOUN[135]), ("kite", "kite"));
    assert_eq!(NOUN.iter().filter(|w| **w == "kite").count(), 2);
}

#[test]
fn every_agent_vector_matches() {
    let vectors = load("identity.json");
    let agents = vectors["agents"].as_array().unwrap();
    assert!(!agents.is_empty());
    for v in agents {
        let bytes = unhex(v["secret_hex"].as_str().unwrap());
        let (handle, seed) = agent_identity(&bytes);
        assert_eq!(handle.as_str(), v["handle"], "{v}");
        assert_eq!(seed.as_str(), v["avatarSeed"], "{v}");
        let secret = AgentSecret::import(v["secret_b64url"].as_str().unwrap()).unwrap();
        assert_eq!(secret.as_bytes(), bytes.as_slice());
        assert_eq!(secret.to_base64url(), v["secret_b64url"]);
        assert_eq!(secret.handle(), handle);
        assert_eq!(secret.avatar_seed(), seed);
    }
}

#[test]
fn every_human_vector_matches() {
    let vectors = load("identity.json");
    let humans = vectors["humans"].as_array().unwrap();
    assert!(!humans.is_empty());
    for v in humans {
        let (handle, seed) = human_identity(&unhex(v["rawId_hex"].as_str().unwrap()));
        assert_eq!(handle.as_str(), v["handle"], "{v}");
        assert_eq!(seed.as_str(), v["avatarSeed"], "{v}");
    }
}

#[test]
fn every_captcha_vector_matches() {
    let vectors = load("identity.json");
    let captchas = vectors["captcha"].as_array().unwrap();
    assert!(!captchas.is_empty());
    for v in captchas {
        let text = v["challenge"].as_str().unwrap();
        assert_eq!(answer(text), v["answer"], "{v}");
        let nonce: [u8; 8] = unhex(text.strip_prefix("party-agent:").unwrap())
            .try_into()
            .unwrap();
        let challenge = Challenge::from_nonce(nonce);
        assert_eq!(challenge.as_str(), text);
        assert!(challenge.check(v["answer"].as_str().unwrap()));
        assert!(challenge.check(v["full_digest"].as_str().unwrap()));
    }
}
