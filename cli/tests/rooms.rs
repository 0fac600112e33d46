//! `party listen` and `party send` through a real mosquitto, over TCP and WebSocket.

mod support;

use serde_json::Value;
use support::{bin, free_port, party, Mosquitto, Party};

fn identity() -> Value {
    let out = party()
        .args(["identity", "new"])
        .output()
        .expect("run party");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("identity JSON")
}

fn send(broker: &str, secret: &str, room: &str, text: &str) -> std::process::Output {
    party()
        .args(["send", "--broker", broker, "--secret", secret, room, text])
        .output()
        .expect("run party send")
}

fn is_message_with_text(event: &Value, text: &str) -> bool {
    event["event"] == "message" && event["text"] == text
}

fn send_reaches_listen(broker: &str, room: &str) {
    let mut listener = Party::listen(bin(), broker, room, &[]);
    let sender = identity();
    let text = format!("hello over {broker}");
    let out = send(
        broker,
        sender["secret"].as_str().expect("secret"),
        room,
        &text,
    );
    assert!(
        out.status.success(),
        "send failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let event = listener.wait_event("the sent message", |e| is_message_with_text(e, &text));
    assert_eq!(event["verified"], true, "{event}");
    assert_eq!(event["handle"], sender["handle"], "{event}");
}

#[test]
fn send_reaches_listen_verified_over_tcp() {
    let broker = Mosquitto::start();
    send_reaches_listen(&broker.tcp_url(), "cli-tcp");
}

#[test]
fn send_reaches_listen_verified_over_websocket() {
    let broker = Mosquitto::start();
    send_reaches_listen(&broker.ws_url(), "cli-ws");
}

#[test]
fn send_and_listen_on_different_transports_meet() {
    let broker = Mosquitto::start();
    let mut listener = Party::listen(bin(), &broker.ws_url(), "cli-mixed", &[]);
    let sender = identity();
    let out = send(
        &broker.tcp_url(),
        sender["secret"].as_str().expect("secret"),
        "cli-mixed",
        "mixed",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let event = listener.wait_event("the sent message", |e| is_message_with_text(e, "mixed"));
    assert_eq!(event["verified"], true);
}

#[test]
fn send_reads_the_text_from_stdin_for_dash() {
    use std::io::Write;
    use std::process::Stdio;

    let broker = Mosquitto::start();
    let mut listener = Party::listen(bin(), &broker.tcp_url(), "cli-stdin", &[]);
    let sender = identity();
    let mut child = party()
        .args(["send", "--broker", &broker.tcp_url(), "cli-stdin", "-"])
        .env("PARTY_SECRET", sender["secret"].as_str().expect("secret"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run party send");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all("line one\nline two\n".as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for send");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    listener.wait_event("the stdin message", |e| {
        is_message_with_text(e, "line one\nline two")
    });
}

#[test]
fn listen_reports_another_listener_joining_and_leaving() {
    let broker = Mosquitto::start();
    let url = broker.tcp_url();
    let mut watcher = Party::listen(bin(), &url, "cli-presence", &[]);
    let other = identity();
    let secret = other["secret"].as_str().expect("secret");
    let mut visitor = Party::listen(bin(), &url, "cli-presence", &["--secret", secret]);

    let joined = watcher.wait_event("the visitor joining", |e| {
        e["event"] == "peer-joined" && e["handle"] == other["handle"]
    });
    assert_eq!(joined["verified"], true, "{joined}");

    visitor.signal("TERM");
    assert_eq!(visitor.wait_exit(), Some(0), "listen exits 0 on SIGTERM");
    let left = watcher.wait_event("the visitor leaving", |e| {
        e["event"] == "peer-left" && e["handle"] == other["handle"]
    });
    assert_eq!(left["verified"], true, "{left}");
    assert_eq!(
        left["reason"], "left",
        "an explicit leave, not a timeout: {left}"
    );
}

#[test]
fn listen_exits_0_on_sigint() {
    let broker = Mosquitto::start();
    let mut listener = Party::listen(bin(), &broker.tcp_url(), "cli-sigint", &[]);
    listener.signal("INT");
    assert_eq!(listener.wait_exit(), Some(0));
}

#[test]
fn a_killed_listener_leaves_through_its_last_will() {
    let broker = Mosquitto::start();
    let url = broker.tcp_url();
    let mut watcher = Party::listen(bin(), &url, "cli-will", &[]);
    let other = identity();
    let mut visitor = Party::listen(
        bin(),
        &url,
        "cli-will",
        &["--secret", other["secret"].as_str().expect("secret")],
    );
    watcher.wait_event("the visitor joining", |e| {
        e["event"] == "peer-joined" && e["handle"] == other["handle"]
    });
    visitor.signal("KILL");
    visitor.wait_exit();
    watcher.wait_event("the visitor's will", |e| {
        e["event"] == "peer-left" && e["handle"] == other["handle"]
    });
}

#[test]
fn listen_reconnects_when_the_broker_comes_back() {
    let broker = Mosquitto::start();
    let (tcp_port, ws_port) = (broker.tcp_port, broker.ws_port);
    let url = broker.tcp_url();
    let mut listener = Party::listen(bin(), &url, "cli-reconnect", &[]);

    drop(broker);
    listener
        .stderr
        .wait_for("the lost connection", |l| l.contains("lost the connection"));
    let broker = Mosquitto::start_on(tcp_port, ws_port);
    listener
        .stderr
        .wait_for("listen to subscribe again", |l| l.contains("listening to"));

    let sender = identity();
    let out = send(
        &broker.tcp_url(),
        sender["secret"].as_str().expect("secret"),
        "cli-reconnect",
        "back",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    listener.wait_event("a message after reconnecting", |e| {
        is_message_with_text(e, "back")
    });
}

#[test]
fn send_fails_cleanly_when_no_broker_listens() {
    let sender = identity();
    let url = format!("mqtt://127.0.0.1:{}", free_port());
    let out = send(
        &url,
        sender["secret"].as_str().expect("secret"),
        "cli-nobody",
        "hello?",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("message not sent"), "{stderr}");
    assert!(stderr.to_lowercase().contains("refused"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn send_fails_cleanly_when_the_broker_never_answers() {
    // Accepts TCP connections (the kernel completes the handshake) but never speaks MQTT.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("mqtt://{}", silent.local_addr().expect("addr"));
    let sender = identity();
    let out = send(
        &url,
        sender["secret"].as_str().expect("secret"),
        "cli-silent",
        "hello?",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("message not sent"), "{stderr}");
    assert!(
        stderr.to_lowercase().contains("timeout") || stderr.contains("within"),
        "{stderr}"
    );
}

#[test]
fn send_refuses_bad_input_before_connecting() {
    let sender = identity();
    let secret = sender["secret"].as_str().expect("secret");
    // No broker listens here: each failure must come from input checks, not the network.
    let url = format!("mqtt://127.0.0.1:{}", free_port());
    let cases: [(Vec<String>, &str); 5] = [
        (
            vec![url.clone(), secret.into(), "Bad Room".into(), "hi".into()],
            "room name",
        ),
        (
            vec![url.clone(), secret.into(), "rooms".into(), "hi".into()],
            "reserved",
        ),
        (
            vec![
                url.clone(),
                secret.into(),
                "ok-room".into(),
                "x".repeat(4001),
            ],
            "4000",
        ),
        (
            vec![url.clone(), "AAAA".into(), "ok-room".into(), "hi".into()],
            "decodes to 3 bytes",
        ),
        (
            vec![
                "http://127.0.0.1".into(),
                secret.into(),
                "ok-room".into(),
                "hi".into(),
            ],
            "scheme",
        ),
    ];
    for (args, expected) in cases {
        let out = party()
            .args([
                "send", "--broker", &args[0], "--secret", &args[1], &args[2], &args[3],
            ])
            .output()
            .expect("run party send");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{expected:?} not in {stderr:?}");
    }
}

#[test]
fn listen_takes_the_broker_from_party_broker() {
    let broker = Mosquitto::start();
    let mut listener = Party::spawn_with(
        party()
            .args(["listen", "cli-env"])
            .env("PARTY_BROKER", broker.tcp_url()),
    );
    listener
        .stderr
        .wait_for("listen to subscribe", |l| l.contains("listening to"));
}
