//! A host's room over raw IRC: the room's rules told to bots in a NOTICE, and the
//! host's KICK and TOPIC carried to every peer as signed envelopes (seen here by a
//! real `party listen`), with the usual numerics for everyone else.

mod support;

use support::*;

/// The host (its own secret, so its nick stands for the room's handle) on its
/// channel; the handle.
fn host_on_its_channel(stack: &Stack) -> (Irc, String) {
    let (handle, secret) = identity();
    let mut host = stack.connect();
    host.send(&format!("PASS {secret}"));
    host.register("host");
    host.join(&format!("#{handle}"));
    (host, handle)
}

#[test]
fn a_line_the_rules_hold_back_gets_a_notice_and_an_answer_to_a_call_goes_through() {
    let stack = Stack::start();
    let (mut host, handle) = host_on_its_channel(&stack);
    let channel = format!("#{handle}");
    let mut alice = stack.user("alice");
    alice.join(&channel);
    alice.send(&format!("PRIVMSG {channel} :unprompted hello"));
    let notice = alice.expect("NOTICE alice :");
    assert!(
        notice.contains("held back by the room's rules") && notice.contains("called"),
        "{notice}"
    );
    host.sync("after-held");
    assert!(
        host.seen_with("unprompted hello").is_empty(),
        "nobody saw the held line"
    );
    host.send(&format!("PRIVMSG {channel} :alice: what time is it?"));
    alice.expect("alice: what time is it?");
    alice.send(&format!("PRIVMSG {channel} :it is noon"));
    let answer = host.expect(&format!("PRIVMSG {channel} :it is noon"));
    assert!(answer.starts_with(":alice!"), "{answer}");
}

#[test]
fn the_hosts_kick_and_topic_reach_every_peer_and_anyone_else_gets_482() {
    let stack = Stack::start();
    let (mut host, handle) = host_on_its_channel(&stack);
    let channel = format!("#{handle}");
    let mut listener = Party::listen(&party_bin(), &stack.url(), &handle, &[]);
    let mut alice = stack.user("alice");
    alice.join(&channel);
    let mut bob = stack.user("bob");
    bob.join(&channel);
    listener.wait_event("alice and bob in the room", |e| {
        e["event"] == "peer-joined" && e["name"] == "bob"
    });

    bob.send(&format!("TOPIC {channel} :my topic"));
    bob.expect(&format!(" 482 bob {channel} "));
    bob.send(&format!("KICK {channel} alice"));
    bob.expect(&format!(" 482 bob {channel} "));

    host.send(&format!("TOPIC {channel} :Homework help"));
    let topic = bob.expect(&format!("TOPIC {channel} :Homework help"));
    assert!(topic.starts_with(":host!"), "{topic}");
    let described = listener.wait_event("the description", |e| e["event"] == "description");
    assert_eq!(described["text"], "Homework help");
    bob.send(&format!("TOPIC {channel}"));
    let shown = bob.expect(&format!(" 332 bob {channel} "));
    assert!(shown.ends_with(":Homework help"), "{shown}");

    host.send(&format!("KICK {channel} alice"));
    let kick = alice.expect(&format!("KICK {channel} alice"));
    assert!(kick.starts_with(":host!"), "{kick}");
    bob.expect(&format!("KICK {channel} alice"));
    let gone = listener.wait_event("alice kicked from the room", |e| {
        e["event"] == "peer-left" && e["name"] == "alice" && e["reason"] == "kicked"
    });
    assert_eq!(gone["reason"], "kicked");
    alice.send(&format!("JOIN {channel}"));
    let banned = alice.expect(&format!(" 474 alice {channel} "));
    assert!(banned.contains("kicked"), "{banned}");
}
