//! IRC and the room meeting over a real broker: `party send` / `party listen` on one
//! side, raw IRC clients on the other.

mod support;

use support::*;

fn listen(stack: &Stack, room: &str, extra: &[&str]) -> Party {
    Party::listen(&party_bin(), &stack.url(), room, extra)
}

#[test]
fn a_room_message_arrives_as_privmsg_from_the_senders_handle() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#from-room");
    let (handle, secret) = identity();
    party_send(&stack.url(), &secret, "from-room", "hello IRC");
    alice.expect(&format!(
        ":{handle}!party@mqtt PRIVMSG #from-room :hello IRC"
    ));
}

#[test]
fn an_irc_message_reaches_the_room_signed_with_the_nick_as_display_name() {
    let stack = Stack::start();
    let mut listener = listen(&stack, "to-room", &[]);
    let mut alice = stack.user("alice");
    alice.join("#to-room");
    alice.send("PRIVMSG #to-room :hello room");
    let event = listener.wait_event("the IRC message", |v| v["event"] == "message");
    assert_eq!(event["text"], "hello room");
    assert_eq!(event["verified"], true);
    assert_eq!(event["name"], "alice");
    assert!(event["handle"].as_str().unwrap().ends_with("-bot"));
    alice.send("PRIVMSG #to-room :\u{1}ACTION waves\u{1}");
    let action = listener.wait_event("the action", |v| {
        v["event"] == "message" && v["text"] == "/me waves"
    });
    assert_eq!(action["verified"], true);
}

#[test]
fn room_peers_coming_and_going_are_join_and_part() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#presence");
    let (handle, secret) = identity();
    let visitor = listen(&stack, "presence", &["--secret", &secret]);
    alice.expect(&format!(":{handle}!party@mqtt JOIN #presence"));
    alice.send("NAMES #presence");
    let names = alice.expect(" 353 alice = #presence ");
    assert!(names.contains(&handle), "{names}");
    visitor.signal("TERM");
    alice.expect(&format!(
        ":{handle}!party@mqtt PART #presence :left the room"
    ));
}

#[test]
fn the_irc_user_is_a_peer_the_room_sees_join_and_leave() {
    let stack = Stack::start();
    let mut listener = listen(&stack, "irc-peer", &[]);
    let mut alice = stack.user("alice");
    alice.join("#irc-peer");
    let joined = listener.wait_event("alice joining", |v| v["event"] == "peer-joined");
    assert_eq!(joined["name"], "alice");
    assert_eq!(joined["verified"], true);
    alice.send("PART #irc-peer :bye");
    let left = listener.wait_event("alice leaving", |v| v["event"] == "peer-left");
    assert_eq!(left["handle"], joined["handle"]);
    assert_eq!(left["reason"], "left");
}

#[test]
fn long_room_texts_are_split_into_512_byte_lines_on_utf8_boundaries() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#long");
    let (handle, secret) = identity();
    let text = format!("{}\nsecond line", "é".repeat(3_900));
    party_send(&stack.url(), &secret, "long", &text);
    let mut received = String::new();
    loop {
        let line = alice.expect(&format!(":{handle}!party@mqtt PRIVMSG #long :"));
        assert!(line.len() + 2 <= 512, "{} bytes", line.len() + 2);
        let piece = line.split_once(" :").unwrap().1;
        if piece == "second line" {
            break;
        }
        received.push_str(piece);
    }
    assert_eq!(received, "é".repeat(3_900));
}

#[test]
fn history_is_replayed_on_join_between_notices_with_original_times() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#history");
    let (handle, secret) = identity();
    party_send(&stack.url(), &secret, "history", "first");
    party_send(&stack.url(), &secret, "history", "second");
    alice.expect("PRIVMSG #history :second");
    let mut bob = stack.connect();
    bob.send("CAP REQ :server-time");
    bob.send("NICK bob");
    bob.send("USER bob 0 * :Bob");
    bob.send("CAP END");
    bob.join("#history");
    bob.expect("NOTICE #history :Room history: 2 earlier messages");
    let first = bob.expect(&format!(":{handle}!party@mqtt PRIVMSG #history :first"));
    assert!(first.starts_with("@time=20"), "{first}");
    bob.expect("PRIVMSG #history :second");
    bob.expect("NOTICE #history :End of room history");
}

#[test]
fn the_first_irc_joiner_gets_history_from_peers_already_in_the_room() {
    let stack = Stack::start();
    let _keeper = listen(&stack, "kept", &[]);
    let (handle, secret) = identity();
    party_send(&stack.url(), &secret, "kept", "said before IRC came");
    let mut alice = stack.user("alice");
    alice.join("#kept");
    alice.expect("NOTICE #kept :Room history: 1 earlier message");
    alice.expect(&format!(
        ":{handle}!party@mqtt PRIVMSG #kept :said before IRC came"
    ));
    alice.expect("NOTICE #kept :End of room history");
}

#[test]
fn host_presence_and_absence_become_notices() {
    let stack = Stack::start();
    let (handle, secret) = identity();
    let room = handle.clone();
    let mut alice = stack.user("alice");
    alice.join(&format!("#{room}"));
    alice.expect(&format!(
        "NOTICE #{room} :This is {handle}'s room; the host is not here"
    ));
    let host = listen(&stack, &room, &["--secret", &secret]);
    alice.expect(&format!(
        "NOTICE #{room} :The host {handle} is here (signed with its key)"
    ));
    host.signal("TERM");
    alice.expect(&format!("NOTICE #{room} :The host {handle} is away"));
}

#[test]
fn users_of_one_bridge_see_each_message_once() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#once");
    bob.join("#once");
    alice.send("PRIVMSG #once :only once");
    bob.expect("PRIVMSG #once :only once");
    let (_, secret) = identity();
    party_send(&stack.url(), &secret, "once", "fence");
    bob.expect("PRIVMSG #once :fence");
    assert_eq!(bob.seen_with("only once").len(), 1);
}

#[test]
fn losing_the_broker_is_told_and_messages_are_refused_until_it_is_back() {
    let mut stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#outage");
    let (tcp, ws) = (stack.broker.tcp_port, stack.broker.ws_port);
    drop(std::mem::replace(&mut stack.broker, {
        let [tcp_port, ws_port] = free_ports();
        Mosquitto::start_on(tcp_port, ws_port)
    }));
    let lost = alice.expect("NOTICE alice :Lost the Party broker");
    assert!(lost.contains("reconnecting"), "{lost}");
    alice.send("PRIVMSG #outage :anyone?");
    let refused = alice.expect(" 404 alice #outage ");
    assert!(refused.contains("unreachable"), "{refused}");
    stack.broker = Mosquitto::start_on(tcp, ws);
    alice.expect("NOTICE alice :The Party broker is back");
    let mut listener = Party::listen(
        &party_bin(),
        &format!("mqtt://127.0.0.1:{tcp}"),
        "outage",
        &[],
    );
    alice.send("PRIVMSG #outage :back again");
    listener.wait_event("the message after the outage", |v| {
        v["text"] == "back again"
    });
}

#[test]
fn stopping_the_bridge_makes_its_irc_users_leave_their_rooms() {
    let mut stack = Stack::start();
    let mut listener = listen(&stack, "shutdown", &[]);
    let mut alice = stack.user("alice");
    alice.join("#shutdown");
    listener.wait_event("alice", |v| v["event"] == "peer-joined");
    assert_eq!(stack.bridge.stop_with("TERM"), Some(0));
    let left = listener.wait_event("alice leaving", |v| v["event"] == "peer-left");
    assert_eq!(left["reason"], "left");
    alice.expect("ERROR :Closing Link: 127.0.0.1 (Server shutting down)");
}

#[test]
fn a_client_that_stops_reading_is_cut_off_without_slowing_the_channel() {
    let stack = Stack::start_with(&[
        "--flood-burst",
        "1000000",
        "--flood-per-sec",
        "1000000",
        "--flood-max-queued",
        "1000000",
    ]);
    let mut talker = stack.user("talker");
    let mut reader = stack.user("reader");
    talker.join("#busy");
    reader.join("#busy");
    // A client that registers and joins, then never reads a byte.
    let mut stuck = std::net::TcpStream::connect(("127.0.0.1", stack.bridge.port)).unwrap();
    std::io::Write::write_all(
        &mut stuck,
        b"NICK stuck\r\nUSER stuck 0 * :Stuck\r\nJOIN #busy\r\n",
    )
    .unwrap();
    reader.expect(":stuck!stuck@127.0.0.1 JOIN #busy");
    // Far more than the kernel's socket buffers and the bridge's queue hold.
    let text = "x".repeat(400);
    let total = 20_000;
    for chunk in 0..total / 1_000 {
        let burst: String = (chunk * 1_000..(chunk + 1) * 1_000)
            .map(|i| format!("PRIVMSG #busy :{i} {text}\r\n"))
            .collect();
        talker.send_raw(burst.as_bytes());
    }
    let last = format!("PRIVMSG #busy :{} {text}", total - 1);
    let quit = ":stuck!stuck@127.0.0.1 QUIT :SendQ exceeded";
    // Both happen; which comes first depends on the kernel's buffers.
    reader.expect_by("the last message", |l| l.ends_with(&last));
    if reader.seen_with(quit).is_empty() {
        reader.expect(quit);
    }
    let received = reader.seen_with("PRIVMSG #busy :").len();
    assert_eq!(received, total, "the reading member lost messages");
    drop(stuck);
}
