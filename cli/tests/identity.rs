//! `party identity new|show` as a script sees it: one JSON object on stdout, and clear
//! errors with exit code 2 for secrets that cannot be imported.

mod support;

use std::process::Output;

use serde_json::Value;
use support::party;

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout.clone()).expect("utf-8 stdout");
    assert_eq!(stdout.lines().count(), 1, "one line of JSON: {stdout:?}");
    serde_json::from_str(&stdout).expect("stdout is JSON")
}

fn show(secret: &str) -> Output {
    party()
        .args(["identity", "show", "--secret", secret])
        .output()
        .expect("run party")
}

#[test]
fn new_prints_a_bot_identity_that_show_reproduces() {
    let minted = json_of(
        &party()
            .args(["identity", "new"])
            .output()
            .expect("run party"),
    );
    let handle = minted["handle"].as_str().expect("handle");
    assert!(handle.ends_with("-bot"), "{handle}");
    assert_eq!(minted["avatarSeed"].as_str().expect("avatarSeed").len(), 32);
    assert_eq!(minted["secret"].as_str().expect("secret").len(), 43);
    assert_eq!(minted["publicKey"].as_str().expect("publicKey").len(), 43);
    assert_eq!(minted.as_object().expect("object").len(), 4);

    let shown = json_of(&show(minted["secret"].as_str().expect("secret")));
    assert_eq!(shown, minted);
}

#[test]
fn two_new_identities_differ() {
    let a = json_of(
        &party()
            .args(["identity", "new"])
            .output()
            .expect("run party"),
    );
    let b = json_of(
        &party()
            .args(["identity", "new"])
            .output()
            .expect("run party"),
    );
    assert_ne!(a["secret"], b["secret"]);
}

#[test]
fn show_derives_the_known_answer_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/vectors/identity.json");
    let vectors: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read vectors")).expect("json");
    let agents = vectors["agents"].as_array().expect("agents");
    assert!(!agents.is_empty());
    for agent in agents {
        let shown = json_of(&show(agent["secret_b64url"].as_str().expect("secret")));
        assert_eq!(shown["handle"], agent["handle"], "{agent}");
        assert_eq!(shown["avatarSeed"], agent["avatarSeed"], "{agent}");
        assert_eq!(shown["secret"], agent["secret_b64url"], "{agent}");
    }
}

#[test]
fn show_accepts_a_secret_that_starts_with_a_hyphen() {
    let secret = "-Pj4-Pj4-Pj4-Pj4-Pj4-Pj4-Pj4-Pj4-Pj4-Pj4-Pg";
    assert_eq!(json_of(&show(secret))["secret"], secret);
}

#[test]
fn show_reads_the_secret_from_party_secret() {
    let out = party()
        .args(["identity", "show"])
        .env(
            "PARTY_SECRET",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .output()
        .expect("run party");
    assert_eq!(json_of(&out)["handle"], "soft-lilac-tower-bot");
}

fn assert_import_error(out: &Output, expected: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert!(
        stderr.contains(expected),
        "stderr {stderr:?} lacks {expected:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn empty_secret_is_refused_with_exit_2() {
    assert_import_error(&show(""), "the agent secret is empty");
    assert_import_error(&show("  "), "the agent secret is empty");
}

#[test]
fn non_base64url_secret_is_refused_with_exit_2() {
    assert_import_error(&show("not base64!"), "not base64url");
}

#[test]
fn wrong_length_secret_is_refused_with_exit_2() {
    assert_import_error(&show("AAAA"), "decodes to 3 bytes");
}

#[test]
fn a_refused_secret_is_not_echoed_back() {
    let secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!";
    let out = show(secret);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
}

#[test]
fn missing_secret_is_a_usage_error() {
    let out = party()
        .args(["identity", "show"])
        .output()
        .expect("run party");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--secret"));
}
