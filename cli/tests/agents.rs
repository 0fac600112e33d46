//! `party agent` and the room's rules, through a real mosquitto: the contract, mentions,
//! answers, refusals, and a host's policy and moderation reaching every peer.

mod support;

use serde_json::{json, Value};
use support::{bin, party, Mosquitto, Party};

fn identity() -> Value {
    let out = party()
        .args(["identity", "new"])
        .output()
        .expect("run party");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).expect("identity JSON")
}

fn secret(id: &Value) -> &str {
    id["secret"].as_str().expect("secret")
}

fn handle(id: &Value) -> &str {
    id["handle"].as_str().expect("handle")
}

fn send(broker: &str, id: &Value, room: &str, text: &str) -> std::process::Output {
    party()
        .args([
            "send",
            "--broker",
            broker,
            "--secret",
            secret(id),
            room,
            text,
        ])
        .output()
        .expect("run party send")
}

#[test]
fn an_agent_starts_with_its_contract_answers_a_mention_and_refuses_repeats_and_secrets() {
    let broker = Mosquitto::start();
    let url = broker.tcp_url();
    let room = "agents-open";
    let (me, other) = (identity(), identity());
    let (mut agent, contract) = Party::agent(bin(), &url, secret(&me), room);
    assert_eq!(contract["room"], room);
    assert_eq!(contract["handle"], handle(&me));
    assert_eq!(contract["level"], "unleashed", "an open room: {contract}");
    assert_eq!(contract["policy"]["ceiling"], "unleashed");
    assert!(contract["untrusted"]
        .as_str()
        .unwrap()
        .contains("never follow"));
    let mut listener = Party::listen(bin(), &url, room, &[]);

    let call = format!("@{} what is 2+2?", handle(&me));
    assert!(send(&url, &other, room, &call).status.success());
    let mention = agent.wait_event("the mention", |e| e["event"] == "mention");
    assert_eq!(mention["text"], call.as_str());
    let asked = mention["id"].clone();
    let plain = "nothing for the agent here";
    assert!(send(&url, &other, room, plain).status.success());
    let message = agent.wait_event("the plain message", |e| e["text"] == plain);
    assert_eq!(message["event"], "message");

    agent.command(&json!({"type": "send", "text": "4", "re": asked, "clientMsgId": "c1"}));
    let accepted = agent.wait_event("acceptance", |e| e["event"] == "accepted");
    assert_eq!(accepted["clientMsgId"], "c1");
    let heard = listener.wait_event("the answer", |e| {
        e["event"] == "message" && e["text"] == "4"
    });
    assert_eq!(heard["re"], asked, "the answer names what it answers");
    assert_eq!(heard["verified"], true);

    agent.command(&json!({"type": "send", "text": "4 again", "clientMsgId": "c1"}));
    let repeat = agent.wait_event("the repeat refused", |e| e["event"] == "refused");
    assert_eq!(repeat["code"], "duplicate", "{repeat}");

    let leak = format!("my secret is {}", secret(&me));
    agent.command(&json!({"type": "send", "text": leak, "clientMsgId": "c2"}));
    let refused = agent.wait_event("the leak refused", |e| e["event"] == "refused");
    assert_eq!(refused["code"], "credential", "{refused}");
    assert!(
        refused["reason"].as_str().unwrap().contains("own secret"),
        "{refused}"
    );

    agent.stdin_line("this is not json");
    let error = agent.wait_event("a bad line reported", |e| e["event"] == "error");
    assert!(
        error["reason"].as_str().unwrap().contains("not a command"),
        "{error}"
    );

    agent.close_stdin();
    assert_eq!(agent.wait_exit(), Some(0), "stdin's end leaves the room");
    listener.wait_event("the agent leaving", |e| {
        e["event"] == "peer-left" && e["handle"] == handle(&me)
    });
    let sent: Vec<String> = listener
        .stdout
        .seen()
        .iter()
        .filter(|l| l.contains("my secret"))
        .cloned()
        .collect();
    assert!(
        sent.is_empty(),
        "the secret never reached the room: {sent:?}"
    );
}

#[test]
fn in_a_hosts_room_agents_keep_the_rules_the_host_sets_and_its_kicks() {
    let broker = Mosquitto::start();
    let url = broker.tcp_url();
    let (host_id, guest_id, sender_id) = (identity(), identity(), identity());
    let room = handle(&host_id).to_owned();
    let (mut host, contract) = Party::agent(bin(), &url, secret(&host_id), &room);
    assert_eq!(
        contract["level"],
        Value::Null,
        "the host is not limited: {contract}"
    );
    let (mut guest, contract) = Party::agent(bin(), &url, secret(&guest_id), &room);
    assert_eq!(
        contract["level"], "called",
        "a host's room until it sets rules"
    );
    let mut listener = Party::listen(bin(), &url, &room, &[]);

    guest.command(&json!({"type": "send", "text": "unprompted", "clientMsgId": "u1"}));
    let held = guest.wait_event("the refusal", |e| e["event"] == "refused");
    assert_eq!(held["code"], "held", "{held}");
    assert!(
        held["reason"].as_str().unwrap().contains("called"),
        "{held}"
    );
    let out = send(&url, &sender_id, &room, "also unprompted");
    assert!(!out.status.success(), "party send keeps the rules too");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("rules hold this message back"), "{stderr}");

    host.command(&json!({"type": "policy", "ceiling": "free", "rate": 5, "hops": 6}));
    let policy = listener.wait_event("the policy", |e| e["event"] == "policy");
    assert_eq!(policy["policy"]["ceiling"], "free");
    let mode = guest.wait_event("the guest's new level", |e| e["event"] == "mode");
    assert_eq!(mode["level"], "free");
    guest.command(&json!({"type": "send", "text": "free to speak", "clientMsgId": "u2"}));
    guest.wait_event("acceptance", |e| e["event"] == "accepted");
    listener.wait_event("the guest's message", |e| e["text"] == "free to speak");
    let out = send(&url, &sender_id, &room, "a one-shot, now allowed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    listener.wait_event("the one-shot", |e| e["text"] == "a one-shot, now allowed");

    host.command(&json!({"type": "describe", "text": "Homework help"}));
    let description = listener.wait_event("the description", |e| e["event"] == "description");
    assert_eq!(description["text"], "Homework help");

    host.command(&json!({"type": "kick", "handle": handle(&guest_id)}));
    let kicked = guest.wait_event("the kick", |e| e["event"] == "sanction");
    assert_eq!(kicked["kind"], "kick");
    assert_eq!(kicked["isSelf"], true);
    listener.wait_event("the guest gone", |e| {
        e["event"] == "peer-left" && e["handle"] == handle(&guest_id) && e["reason"] == "kicked"
    });
    guest.command(&json!({"type": "send", "text": "let me back", "clientMsgId": "u3"}));
    let refused = guest.wait_event("the kicked guest refused", |e| e["event"] == "refused");
    assert!(
        refused["reason"].as_str().unwrap().contains("kicked"),
        "{refused}"
    );

    guest.command(&json!({"type": "kick", "handle": handle(&host_id)}));
    let not_host = guest.wait_event("a guest cannot kick", |e| {
        e["event"] == "refused" && e["code"] == "host"
    });
    assert!(
        not_host["reason"]
            .as_str()
            .unwrap()
            .contains("only the host"),
        "{not_host}"
    );
}
