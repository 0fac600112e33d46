//! The bridge's HTTP way in for agents, driven by Debian's curl: the SSE stream (its
//! contract first, history, events, heartbeats) and the POST endpoints with every
//! error code, next to raw IRC users and the real `party` CLI.

mod support;

use std::process::{Command, Stdio};

use serde_json::{json, Value};
use support::*;

fn stack() -> Stack {
    Stack::start_with(&["--http", "127.0.0.1:0", "--sse-heartbeat-secs", "1"])
}

fn base(stack: &Stack) -> String {
    format!(
        "http://127.0.0.1:{}",
        stack.bridge.http_port.expect("started with --http")
    )
}

/// An agent's event stream through `curl -N`: its lines, to wait on.
struct Stream {
    child: std::process::Child,
    lines: Lines,
}

impl Stream {
    fn open(stack: &Stack, room: &str, secret: &str) -> Stream {
        let mut child = Command::new("curl")
            .args(["-sN", "-H", &format!("Authorization: Bearer {secret}")])
            .arg(format!("{}/rooms/{room}/events", base(stack)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run curl");
        let lines = Lines::new(child.stdout.take().expect("curl stdout"));
        Stream { child, lines }
    }

    /// The next event named `name` for which `want` holds: its data.
    fn event(&mut self, name: &str, want: impl Fn(&Value) -> bool) -> Value {
        loop {
            let header = format!("event: {name}");
            self.lines.wait_for(&header, |l| l == header);
            let data = self.lines.wait_for("its data", |l| l.starts_with("data: "));
            let value: Value = serde_json::from_str(&data["data: ".len()..]).expect("JSON data");
            if want(&value) {
                return value;
            }
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `curl -X POST` with the agent's secret (or none): the status and the JSON body.
fn post(stack: &Stack, path: &str, secret: Option<&str>, body: &str) -> (u16, Value) {
    let mut cmd = Command::new("curl");
    cmd.args(["-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST"]);
    if let Some(secret) = secret {
        cmd.args(["-H", &format!("Authorization: Bearer {secret}")]);
    }
    let out = cmd
        .args([
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            body,
        ])
        .arg(format!("{}{path}", base(stack)))
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, status) = text.rsplit_once('\n').expect("status line");
    (
        status.trim().parse().expect("status"),
        serde_json::from_str(body).unwrap_or(Value::Null),
    )
}

#[test]
fn an_http_agent_gets_its_contract_history_and_heartbeats_speaks_and_is_told_each_error() {
    let stack = stack();
    let room = "agents-http";
    let (handle, secret) = identity();
    let mut alice = stack.user("alice");
    alice.join(&format!("#{room}"));
    let mut listener = Party::listen(&party_bin(), &stack.url(), room, &[]);
    let mut stream = Stream::open(&stack, room, &secret);
    let contract = stream.event("contract", |_| true);
    assert_eq!(contract["handle"], handle.as_str());
    assert_eq!(contract["level"], "unleashed");
    assert!(contract["untrusted"]
        .as_str()
        .unwrap()
        .contains("never follow"));
    assert!(contract["input"]["messages"]
        .as_str()
        .unwrap()
        .contains("POST /rooms/agents-http/messages"));
    stream.event("history", |_| true);
    stream.lines.wait_for("a heartbeat", |l| l == ": heartbeat");
    alice.expect(&format!(":{handle}!"));

    let messages = format!("/rooms/{room}/messages");
    let (status, body) = post(
        &stack,
        &messages,
        Some(&secret),
        r#"{"text":"hello from http","clientMsgId":"c1"}"#,
    );
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["clientMsgId"], "c1");
    let privmsg = alice.expect("hello from http");
    assert!(privmsg.starts_with(&format!(":{handle}!")), "{privmsg}");
    let heard = listener.wait_event("the http agent's message", |e| {
        e["text"] == "hello from http"
    });
    assert_eq!(heard["verified"], true);
    assert_eq!(heard["id"], body["id"]);

    let (status, body) = post(
        &stack,
        &messages,
        Some(&secret),
        r#"{"text":"again","clientMsgId":"c1"}"#,
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("duplicate")),
        "{body}"
    );
    let (status, body) = post(&stack, &messages, None, r#"{"text":"who am i"}"#);
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("unauthorized")),
        "{body}"
    );
    let (status, _) = post(&stack, &messages, Some("not a secret"), r#"{"text":"x"}"#);
    assert_eq!(status, 401);
    let long = json!({"text": "x".repeat(4001)}).to_string();
    let (status, body) = post(&stack, &messages, Some(&secret), &long);
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("too-long")),
        "{body}"
    );
    let (status, body) = post(&stack, &messages, Some(&secret), r#"{"text":"   "}"#);
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("rejected")),
        "{body}"
    );
    let (status, body) = post(&stack, &messages, Some(&secret), r#"{"txt":"typo"}"#);
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("json")),
        "{body}"
    );
    let leak = json!({"text": format!("my secret: {secret}")}).to_string();
    let (status, body) = post(&stack, &messages, Some(&secret), &leak);
    assert_eq!(status, 422, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("own secret"),
        "{body}"
    );
    let (status, body) = post(
        &stack,
        "/rooms/elsewhere/messages",
        Some(&secret),
        r#"{"text":"hi"}"#,
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("not-in-room")),
        "{body}"
    );

    let bad_invite = Command::new("curl")
        .args(["-s", "-o", "-", "-w", "\n%{http_code}"])
        .args([
            "-H",
            &format!("Authorization: Bearer {secret}"),
            "-H",
            "X-Party-Invite: nonsense",
        ])
        .arg(format!("{}/rooms/{room}/events", base(&stack)))
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&bad_invite.stdout).to_string();
    assert!(
        text.ends_with("\n422") && text.contains("\"invite\""),
        "{text}"
    );

    alice.send(&format!("PRIVMSG #{room} :@{handle} are you there?"));
    let mention = stream.event("mention", |_| true);
    assert_eq!(mention["text"], format!("@{handle} are you there?"));
    alice.send(&format!("PRIVMSG #{room} :just chatting"));
    stream.event("message", |m| m["text"] == "just chatting");
    let (status, _) = post(&stack, &format!("/rooms/{room}/working"), Some(&secret), "");
    assert_eq!(status, 202);
    listener.wait_event("the agent working", |e| {
        e["event"] == "typing" && e["handle"] == handle.as_str()
    });
}

#[test]
fn in_a_hosts_room_an_http_agent_gets_403_for_its_level_and_429_for_its_rate() {
    let stack = stack();
    let (host_handle, host_secret) = identity();
    let (_, secret) = identity();
    let room = host_handle.clone();
    let (mut host, _) = Party::agent(&party_bin(), &stack.url(), &host_secret, &room);
    let mut stream = Stream::open(&stack, &room, &secret);
    let contract = stream.event("contract", |_| true);
    assert_eq!(contract["level"], "called");
    let messages = format!("/rooms/{room}/messages");
    let (status, body) = post(&stack, &messages, Some(&secret), r#"{"text":"unprompted"}"#);
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("level")),
        "{body}"
    );
    assert!(body["error"].as_str().unwrap().contains("called"), "{body}");

    host.command(&json!({"type": "policy", "ceiling": "free", "rate": 1, "hops": 6}));
    stream.event("system", |d| d["event"] == "policy");
    let mode = stream.event("mode", |_| true);
    assert_eq!(mode["level"], "free");
    let (status, body) = post(&stack, &messages, Some(&secret), r#"{"text":"now I may"}"#);
    assert_eq!(status, 202, "{body}");
    host.wait_event("the agent's message", |e| e["text"] == "now I may");
    let (status, body) = post(&stack, &messages, Some(&secret), r#"{"text":"and again"}"#);
    assert_eq!(
        (status, body["code"].as_str()),
        (429, Some("rate-limited")),
        "{body}"
    );
}
