//! Registration over raw TCP: the burst, ISUPPORT, CAP, PASS, NICK/USER and their
//! errors, timeouts.

mod support;

use support::*;

#[test]
fn registration_burst_is_001_to_005_then_lusers_and_422() {
    let stack = Stack::start();
    let mut irc = stack.connect();
    irc.send("NICK alice");
    irc.send("USER alice 0 * :Alice Example");
    for code in [
        " 001 alice ",
        " 002 alice ",
        " 003 alice ",
        " 004 alice ",
        " 005 alice ",
        " 251 ",
        " 255 ",
        " 422 alice ",
    ] {
        irc.expect(code);
    }
    let notice = irc.expect("NOTICE alice");
    assert!(notice.contains("PASS "), "{notice}");
}

#[test]
fn isupport_advertises_what_clients_need() {
    let stack = Stack::start();
    let mut irc = stack.user("alice");
    let isupport = irc.seen_with(" 005 ").join(" ");
    for token in [
        "NETWORK=Party",
        "CHANTYPES=#",
        "CASEMAPPING=ascii",
        "PREFIX=(o)@",
        "CHANMODES=",
        "TOPICLEN=",
        "MODES=",
    ] {
        assert!(isupport.contains(token), "{token} missing from {isupport}");
    }
    let number = |key: &str| -> usize {
        let start = isupport
            .find(key)
            .unwrap_or_else(|| panic!("{key} missing"))
            + key.len();
        isupport[start..]
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(number("NICKLEN=") >= 32);
    assert!(number("CHANNELLEN=") >= 49);
    irc.sync("x");
}

#[test]
fn a_motd_file_is_sent_as_375_372_376() {
    let dir = temp_dir("motd");
    let motd = dir.join("motd.txt");
    std::fs::write(&motd, "Welcome to Party\nBe kind\n").unwrap();
    let stack = Stack::start_with(&["--motd", motd.to_str().unwrap()]);
    let mut irc = stack.connect();
    irc.send("NICK alice");
    irc.send("USER alice 0 * :Alice");
    irc.expect(" 375 alice ");
    assert!(irc.expect(" 372 alice ").ends_with(":- Welcome to Party"));
    irc.expect(" 376 alice ");
    irc.send("MOTD");
    irc.expect(" 375 alice ");
}

#[test]
fn cap_negotiation_holds_registration_until_cap_end() {
    let stack = Stack::start();
    let mut irc = stack.connect();
    irc.send("CAP LS 302");
    let ls = irc.expect("CAP * LS");
    for cap in [
        "server-time",
        "message-tags",
        "echo-message",
        "multi-prefix",
        "userhost-in-names",
    ] {
        assert!(ls.contains(cap), "{ls}");
    }
    irc.send("NICK alice");
    irc.send("USER alice 0 * :Alice");
    irc.send("CAP REQ :server-time echo-message");
    irc.expect("CAP alice ACK :server-time echo-message");
    irc.send("CAP REQ :sasl");
    irc.expect("CAP alice NAK :sasl");
    assert!(
        irc.seen_with(" 001 ").is_empty(),
        "registered before CAP END"
    );
    irc.send("CAP LIST");
    irc.expect("CAP alice LIST :server-time echo-message");
    irc.send("CAP END");
    irc.expect(" 001 alice ");
    irc.send("CAP BOGUS");
    irc.expect(" 410 alice BOGUS ");
}

#[test]
fn pass_with_an_agent_secret_gives_the_browsers_handle_for_that_key() {
    let (handle, secret) = identity();
    let stack = Stack::start();
    let mut irc = stack.connect();
    irc.send(&format!("PASS {secret}"));
    irc.send("NICK calcbot");
    irc.send("USER calc 0 * :Calc");
    let welcome = irc.expect(" 001 calcbot ");
    assert!(welcome.contains(&handle), "{welcome}");
    let notice = irc.expect("NOTICE calcbot");
    assert!(
        notice.contains(&handle) && !notice.contains("PASS"),
        "{notice}"
    );
}

#[test]
fn without_pass_a_minted_key_is_explained_and_reusable() {
    let stack = Stack::start();
    let mut first = stack.connect();
    first.send("NICK one");
    first.send("USER one 0 * :One");
    let handle = first
        .expect(" 001 ")
        .split('(')
        .nth(1)
        .unwrap()
        .trim_end_matches(')')
        .to_owned();
    let notice = first.expect("NOTICE one");
    let secret = notice
        .split("PASS ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    let mut again = stack.connect();
    again.send(&format!("PASS {secret}"));
    again.send("NICK two");
    again.send("USER two 0 * :Two");
    assert!(again.expect(" 001 two ").contains(&handle));
}

#[test]
fn a_bad_pass_is_refused_with_464_and_closed() {
    let stack = Stack::start();
    let mut irc = stack.connect();
    irc.send("PASS not*base64");
    irc.send("NICK alice");
    irc.send("USER alice 0 * :Alice");
    let err = irc.expect(" 464 ");
    assert!(err.contains("base64url"), "{err}");
    irc.expect("ERROR :Closing Link");
}

#[test]
fn nick_errors_are_431_432_and_433() {
    let stack = Stack::start();
    let _alice = stack.user("alice");
    let mut irc = stack.connect();
    irc.send("NICK");
    irc.expect(" 431 * ");
    irc.send("NICK 9lives");
    irc.expect(" 432 * 9lives ");
    irc.send("NICK big-red-apple");
    irc.send("USER x 0 * :X");
    let reserved = irc.expect(" 432 ");
    assert!(reserved.contains("reserved"), "{reserved}");
    irc.send("NICK ALICE");
    irc.expect(" 433 * ALICE ");
    irc.send("NICK bob");
    irc.expect(" 001 bob ");
}

#[test]
fn user_and_pass_errors_are_461_and_462() {
    let stack = Stack::start();
    let mut irc = stack.connect();
    irc.send("USER onlyone");
    irc.expect(" 461 * USER ");
    irc.send("NICK alice");
    irc.send("USER alice 0 * :Alice");
    irc.expect(" 001 alice ");
    irc.send("USER alice 0 * :Again");
    irc.expect(" 462 alice ");
    irc.send("PASS late");
    irc.expect(" 462 alice ");
    irc.send("JOIN");
    irc.expect(" 461 alice JOIN ");
}

#[test]
fn commands_before_registration_get_451() {
    let stack = Stack::start();
    let mut irc = stack.connect();
    irc.send("JOIN #calc");
    irc.expect(" 451 * ");
    irc.send("PRIVMSG #calc :hi");
    irc.expect(" 451 * ");
}

#[test]
fn unknown_commands_get_421() {
    let stack = Stack::start();
    let mut irc = stack.user("alice");
    irc.send("FROBNICATE now");
    irc.expect(" 421 alice FROBNICATE ");
}

#[test]
fn ping_is_answered_and_409_without_origin() {
    let stack = Stack::start();
    let mut irc = stack.user("alice");
    irc.send("PING :token here");
    irc.expect("PONG party.local :token here");
    irc.send("PING");
    irc.expect(" 409 alice ");
}

#[test]
fn an_unregistered_connection_times_out() {
    let stack = Stack::start_with(&["--register-timeout-secs", "1"]);
    let mut irc = stack.connect();
    irc.send("NICK slow");
    irc.expect("ERROR :Closing Link: 127.0.0.1 (Registration timed out)");
}

#[test]
fn an_idle_client_is_pinged_and_dropped_if_it_does_not_answer() {
    let stack = Stack::start_with(&["--ping-interval-secs", "1", "--ping-timeout-secs", "1"]);
    let mut answers = stack.user("answers");
    let mut silent = stack.user("silent");
    silent.expect("PING :party.local");
    answers.expect("PING :party.local");
    answers.send("PONG :party.local");
    silent.expect("ERROR :Closing Link: 127.0.0.1 (Ping timeout");
    answers.expect("PING :party.local");
    answers.sync("still-here");
}

#[test]
fn quit_closes_with_error_and_tells_channel_members() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#quitting");
    bob.join("#quitting");
    alice.send("QUIT :gone fishing");
    alice.expect("ERROR :Closing Link: 127.0.0.1 (Quit: gone fishing)");
    bob.expect(":alice!alice@127.0.0.1 QUIT :Quit: gone fishing");
}

#[test]
fn the_connection_cap_per_ip_refuses_with_an_error() {
    let stack = Stack::start_with(&["--max-clients-per-ip", "2"]);
    let _a = stack.user("a1");
    let _b = stack.user("b1");
    let mut third = stack.connect();
    third.expect("ERROR :Closing Link: 127.0.0.1 (too many connections from your IP address)");
}
