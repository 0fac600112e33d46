//! Channel commands over raw TCP: JOIN, PART, PRIVMSG, NOTICE, NAMES, WHO, WHOIS,
//! TOPIC, MODE, LIST, LUSERS, and their errors.

mod support;

use support::*;

#[test]
fn join_echoes_then_names_and_says_nothing_of_a_topic_an_open_room_lacks() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.send("JOIN #Calc-Study");
    alice.expect(":alice!alice@127.0.0.1 JOIN #calc-study");
    let names = alice.expect(" 353 alice = #calc-study ");
    assert!(
        names.ends_with(":@alice"),
        "who opens an open room's channel here is its operator: {names}"
    );
    alice.expect(" 366 alice #calc-study ");
    assert!(
        alice.seen_with(" 331 ").is_empty(),
        "331 answers TOPIC, never JOIN"
    );
}

#[test]
fn names_carry_user_and_host_for_clients_that_asked_for_userhost_in_names() {
    let stack = Stack::start();
    let mut alice = stack.connect();
    alice.send("CAP LS 302");
    alice.send("CAP REQ :multi-prefix userhost-in-names");
    alice.expect("CAP * ACK :multi-prefix userhost-in-names");
    alice.send("CAP END");
    alice.register("alice");
    let mut bob = stack.user("bob");
    bob.join("#full");
    alice.send("JOIN #full");
    let names = alice.expect(" 353 alice = #full ");
    assert!(
        names.ends_with(":@bob!bob@127.0.0.1 alice!alice@127.0.0.1"),
        "{names}"
    );
    bob.send("NAMES #full");
    let plain = bob.expect(" 353 bob = #full ");
    assert!(plain.ends_with(":@bob alice"), "{plain}");
}

#[test]
fn a_handles_own_room_has_a_topic_with_setter_and_time() {
    let (handle, secret) = identity();
    let stack = Stack::start();
    let mut host = stack.connect();
    host.send(&format!("PASS {secret}"));
    host.register("host");
    host.send(&format!("JOIN #{handle}"));
    let topic = host.expect(" 332 host ");
    assert!(topic.contains(&format!("{handle}'s room")), "{topic}");
    let who_time = host.expect(" 333 host ");
    assert!(
        who_time.contains(&format!("#{handle} {handle} ")),
        "{who_time}"
    );
    assert!(host.expect(" 353 ").ends_with(":@host"), "the host is op");
    host.send(&format!("TOPIC #{handle}"));
    host.expect(" 332 host ");
}

#[test]
fn several_channels_join_at_once_and_join_0_parts_them_all() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.send("JOIN #room-one,#room-two");
    alice.expect("JOIN #room-one");
    alice.expect("JOIN #room-two");
    alice.send("JOIN 0");
    alice.expect("PART #room-one");
    alice.expect("PART #room-two");
    alice.send("PRIVMSG #room-one :still there?");
    alice.expect(" 404 alice #room-one ");
}

#[test]
fn invalid_channel_names_get_403_or_479_with_a_reason() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.send("JOIN nohash");
    alice.expect(" 403 alice nohash ");
    alice.send("JOIN #a");
    let err = alice.expect(" 479 alice #a ");
    assert!(err.contains("Illegal channel name"), "{err}");
    alice.send("JOIN #under_score");
    alice.expect(" 479 alice #under_score ");
    alice.send("JOIN #mqtt");
    alice.expect(" 479 alice #mqtt ");
}

#[test]
fn part_with_a_reason_is_seen_by_the_channel_442_when_not_on_it_and_403_when_nobody_is() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#parting");
    bob.join("#parting");
    alice.send("PART #parting :see you");
    alice.expect(":alice!alice@127.0.0.1 PART #parting :see you");
    bob.expect(":alice!alice@127.0.0.1 PART #parting :see you");
    alice.send("PART #parting");
    alice.expect(" 442 alice #parting ");
    alice.send("PART #empty");
    alice.expect(" 403 alice #empty ");
    alice.send("MODE #empty");
    alice.expect(" 403 alice #empty ");
    alice.send("PART");
    alice.expect(" 461 alice PART ");
}

#[test]
fn privmsg_reaches_the_channel_but_not_the_sender_without_echo_message() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#talk");
    bob.join("#talk");
    alice.send("PRIVMSG #talk :hello bob");
    bob.expect(":alice!alice@127.0.0.1 PRIVMSG #talk :hello bob");
    alice.sync("after");
    assert!(
        alice.seen_with("PRIVMSG #talk").is_empty(),
        "echoed without echo-message"
    );
}

#[test]
fn echo_message_and_server_time_tag_the_senders_copy() {
    let stack = Stack::start();
    let mut alice = stack.connect();
    alice.send("CAP REQ :echo-message server-time message-tags");
    alice.send("NICK alice");
    alice.send("USER alice 0 * :Alice");
    alice.send("CAP END");
    alice.expect(" 422 alice ");
    alice.join("#echo");
    alice.send("PRIVMSG #echo :hi me");
    let echo = alice.expect("PRIVMSG #echo :hi me");
    assert!(echo.starts_with("@time=20"), "{echo}");
    assert!(echo.contains(";msgid="), "{echo}");
}

#[test]
fn privmsg_errors_are_411_412_404_and_401() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.send("PRIVMSG");
    alice.expect(" 411 alice ");
    alice.send("PRIVMSG #x");
    alice.expect(" 412 alice ");
    alice.send("PRIVMSG #not-joined :hi");
    alice.expect(" 404 alice #not-joined ");
    alice.send("PRIVMSG nobody :hi");
    alice.expect(" 401 alice nobody ");
    alice.send("PRIVMSG big-red-apple :hi");
    let peer = alice.expect(" 401 alice big-red-apple ");
    assert!(peer.contains("no private messages"), "{peer}");
}

#[test]
fn notice_errors_are_never_answered() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.send("NOTICE #not-joined :hi");
    alice.send("NOTICE nobody :hi");
    alice.send("NOTICE");
    alice.sync("quiet");
    assert!(alice.seen_with(" 40").is_empty() && alice.seen_with(" 41").is_empty());
}

#[test]
fn private_messages_between_irc_users_on_the_bridge_work() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.send("PRIVMSG Bob :psst");
    bob.expect(":alice!alice@127.0.0.1 PRIVMSG bob :psst");
    bob.send("AWAY :lunch");
    bob.expect(" 306 bob ");
    alice.send("PRIVMSG bob :there?");
    alice.expect(" 301 alice bob :lunch");
}

#[test]
fn channel_notice_reaches_members() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#notes");
    bob.join("#notes");
    alice.send("NOTICE #notes :a bot reply");
    bob.expect(":alice!alice@127.0.0.1 NOTICE #notes :a bot reply");
}

#[test]
fn names_lines_stay_within_512_bytes() {
    let stack = Stack::start();
    let mut users: Vec<Irc> = (0..40)
        .map(|i| {
            let mut u = stack.user(&format!("long-nick-number-{i:02}-xxxxxxxxxx"));
            u.join("#crowd");
            u
        })
        .collect();
    let last = users.last_mut().unwrap();
    last.send("NAMES #crowd");
    let mut names = Vec::new();
    loop {
        let line = last.expect_by("NAMES", |l| l.contains(" 353 ") || l.contains(" 366 "));
        if line.contains(" 366 ") {
            break;
        }
        assert!(line.len() + 2 <= 512, "{} bytes: {line}", line.len() + 2);
        names.extend(
            line.rsplit(':')
                .next()
                .unwrap()
                .split(' ')
                .map(str::to_owned),
        );
    }
    assert_eq!(names.len(), 40, "{names:?}");
    assert!(last.seen_with(" 353 ").len() >= 4);
    last.send("NAMES");
    last.expect(" 366 long-nick-number-39-xxxxxxxxxx * ");
}

#[test]
fn names_of_a_channel_one_is_not_in_shows_nobody() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#private-ish");
    bob.send("NAMES #private-ish");
    bob.expect(" 366 bob #private-ish ");
    assert!(bob.seen_with(" 353 ").is_empty());
}

#[test]
fn who_lists_channel_members_and_ends_with_315() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#who");
    bob.join("#who");
    alice.send("WHO #who");
    alice.expect(" 352 alice #who alice 127.0.0.1 party.local alice H@ ");
    alice.expect(" 352 alice #who bob 127.0.0.1 party.local bob H ");
    alice.expect(" 315 alice #who ");
    alice.send("WHO bob");
    let bob_line = alice.expect(" 352 alice * bob ");
    assert!(
        bob_line.ends_with(":0 bob tester"),
        "the real name exactly as bob gave it: {bob_line}"
    );
    alice.expect(" 315 alice bob ");
}

#[test]
fn who_with_a_mask_matches_nicks_without_case_and_hides_invisible_strangers() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut evan = stack.user("evan");
    let _eve = stack.user("eve");
    evan.send("MODE evan +i");
    evan.expect(":evan MODE evan :+i");
    alice.send("WHO EV*");
    alice.expect(" 352 alice * eve 127.0.0.1 party.local eve H ");
    alice.expect(" 315 alice EV* ");
    assert!(
        alice.seen_with(" evan H ").is_empty(),
        "an invisible user is not listed to a stranger by a mask"
    );
    alice.send("WHO evan");
    alice.expect(" 352 alice * evan ");
    alice.expect(" 315 alice evan ");
    evan.join("#shared");
    alice.join("#shared");
    alice.send("WHO ev?n");
    alice.expect(" 352 alice * evan ");
    alice.expect(" 315 alice ev?n ");
    alice.send("WHO *tester");
    let all = alice.expect(" 315 alice *tester ");
    assert_eq!(alice.seen_with(" 352 alice * ").len(), 6, "{all}");
}

#[test]
fn whois_describes_users_and_401_for_unknown_nicks() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let _bob = {
        let mut bob = stack.user("bob");
        bob.join("#whois");
        bob
    };
    alice.send("WHOIS bob");
    alice.expect(" 311 alice bob bob 127.0.0.1 * ");
    alice.expect(" 319 alice bob :@#whois");
    alice.expect(" 312 alice bob party.local ");
    let account = alice.expect(" 330 alice bob ");
    assert!(
        account.contains("-bot :is logged in as"),
        "the handle as its account: {account}"
    );
    assert!(alice.seen_with(" 320 ").is_empty(), "no RPL_WHOISSPECIAL");
    alice.expect(" 318 alice bob ");
    alice.send("WHOIS ghost");
    alice.expect(" 401 alice ghost ");
    alice.expect(" 318 alice ghost ");
}

#[test]
fn an_open_rooms_topic_is_set_here_by_operators_unless_minus_t_and_needs_membership() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    bob.join("#bobs");
    alice.send("TOPIC #nowhere");
    alice.expect(" 403 alice #nowhere ");
    alice.send("TOPIC #bobs");
    alice.expect(" 442 alice #bobs ");
    alice.join("#bobs");
    alice.send("TOPIC #bobs");
    alice.expect(" 331 alice #bobs ");
    alice.send("TOPIC #bobs :mine now");
    alice.expect(" 482 alice #bobs ");
    bob.send("TOPIC #bobs :bob's room");
    bob.expect(":bob!bob@127.0.0.1 TOPIC #bobs :bob's room");
    alice.expect(":bob!bob@127.0.0.1 TOPIC #bobs :bob's room");
    alice.send("TOPIC #bobs");
    alice.expect(" 332 alice #bobs :bob's room");
    alice.expect(" 333 alice #bobs bob ");
    bob.send("MODE #bobs -t");
    alice.expect(":bob!bob@127.0.0.1 MODE #bobs -t");
    alice.send("TOPIC #bobs :");
    bob.expect(":alice!alice@127.0.0.1 TOPIC #bobs :");
    let mut carol = stack.user("carol");
    carol.join("#bobs");
    assert!(
        carol.seen_with(" 332 ").is_empty(),
        "a cleared topic is none"
    );
    alice.send("TOPIC");
    alice.expect(" 461 alice TOPIC ");
}

#[test]
fn an_operator_kicks_and_promotes_irc_users_here_but_not_room_peers() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    let mut carol = stack.user("carol");
    alice.join("#ops");
    bob.join("#ops");
    carol.join("#ops");
    bob.send("KICK #ops carol");
    bob.expect(" 482 bob #ops ");
    alice.send("KICK #nowhere bob");
    alice.expect(" 403 alice #nowhere ");
    alice.send("KICK #ops gentle-azure-vine-bot");
    let peer = alice.expect(" 482 alice #ops ");
    assert!(peer.contains("Party room peer"), "{peer}");
    alice.send("MODE #ops +o bob");
    carol.expect(":alice!alice@127.0.0.1 MODE #ops +o bob");
    bob.send("KICK #ops carol :out");
    alice.expect(":bob!bob@127.0.0.1 KICK #ops carol :out");
    carol.expect(":bob!bob@127.0.0.1 KICK #ops carol :out");
    carol.send("PRIVMSG #ops :still here?");
    carol.expect(" 404 carol #ops ");
    bob.send("KICK #ops carol");
    bob.expect(" 441 bob carol #ops ");
    alice.send("WHOIS bob");
    alice.expect(" 319 alice bob :@#ops");
}

#[test]
fn mode_queries_are_answered_and_changes_refused() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#modes");
    alice.send("MODE #modes");
    alice.expect(" 324 alice #modes +nt");
    alice.expect(" 329 alice #modes ");
    alice.send("MODE #modes b");
    alice.expect(" 368 alice #modes ");
    alice.send("MODE #modes +o bob");
    alice.expect(" 401 alice bob ");
    alice.send("MODE #modes +k key");
    alice.expect(" 472 alice k ");
    alice.send("MODE alice");
    alice.expect(" 221 alice +");
    alice.send("MODE alice +i");
    alice.expect(":alice MODE alice :+i");
    alice.send("MODE alice +iw");
    alice.send("MODE alice");
    alice.expect(" 221 alice +i");
    assert_eq!(
        alice.seen_with(" MODE alice ").len(),
        1,
        "+i twice is one change"
    );
    alice.send("MODE alice -i+x");
    alice.expect(":alice MODE alice :-i");
    alice.expect(" 501 alice ");
    alice.send("MODE bob");
    alice.expect(" 502 alice ");
}

#[test]
fn list_shows_no_rooms_and_lusers_counts() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#hidden");
    alice.send("LIST");
    alice.expect(" 323 alice ");
    assert!(alice.seen_with(" 322 ").is_empty() && alice.seen_with(" 321 ").is_empty());
    let mut bob = stack.user("bob");
    bob.send("MODE bob +i");
    bob.expect(":bob MODE bob :+i");
    // Connected, not registered: an unknown connection.
    let mut carol = stack.connect();
    carol.send("PING hello");
    carol.expect("PONG");
    alice.send("LUSERS");
    alice.expect(" 251 alice :There are 1 users and 1 invisible on 1 servers");
    alice.expect(" 252 alice 0 ");
    alice.expect(" 253 alice 1 ");
    alice.expect(" 254 alice 1 ");
    alice.expect(" 255 alice :I have 2 clients");
    alice.expect(" 265 alice 2 2 :");
    alice.expect(" 266 alice 2 2 :");
}

#[test]
fn user_with_an_empty_real_name_or_too_few_parameters_is_refused() {
    let stack = Stack::start();
    let mut one = stack.connect();
    one.send("NICK one");
    one.send("USER one 0 *");
    one.expect(" 461 one USER ");
    one.send("USER one 0 * :");
    one.expect(" 461 one USER ");
    one.send("USER one 0 * :One Person");
    one.expect(" 001 one ");
    one.send("USER one 0 * :Again");
    one.expect(" 462 one ");
}

#[test]
fn nick_changes_are_seen_in_channels() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#nicks");
    bob.join("#nicks");
    alice.send("NICK alicia");
    alice.expect(":alice!alice@127.0.0.1 NICK :alicia");
    bob.expect(":alice!alice@127.0.0.1 NICK :alicia");
    bob.send("NICK alicia");
    bob.expect(" 433 bob alicia ");
}

#[test]
fn an_overlong_line_gets_417_and_the_connection_goes_on() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let long = format!("PRIVMSG #x :{}", "y".repeat(10_000));
    alice.send(&long);
    alice.expect(" 417 alice ");
    alice.sync("alive");
}

#[test]
fn a_line_over_512_bytes_or_with_over_4096_bytes_of_tags_is_refused_not_relayed() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.join("#limits");
    bob.join("#limits");
    let fits = format!("PRIVMSG #limits :{}", "f".repeat(510 - 17));
    alice.send(&fits);
    bob.expect(&"f".repeat(40));
    alice.send(&format!("{fits}g"));
    alice.expect(" 417 alice ");
    alice.send(&format!(
        "@+big={} PRIVMSG #limits :tagged",
        "a".repeat(4096)
    ));
    alice.expect(" 417 alice ");
    alice.send("@+small=1 PRIVMSG #limits :after");
    bob.expect(" :after");
    assert!(bob.seen_with("tagged").is_empty() && bob.seen_with("fg").is_empty());
}

#[test]
fn invalid_utf8_is_refused_without_harm() {
    let stack = Stack::start();
    let mut alice = stack.user("alice");
    alice.join("#bytes");
    alice.send_raw(b"PRIVMSG #bytes :caf\xe9\r\n");
    let err = alice.expect(" 404 alice #bytes ");
    assert!(err.contains("UTF-8"), "{err}");
    alice.send_raw(b"WHOIS \xff\xfe\r\n");
    alice.expect(" 318 alice ");
    alice.sync("alive");
}

#[test]
fn a_flooding_client_is_delayed_then_cut_off() {
    let stack = Stack::start_with(&[
        "--flood-burst",
        "5",
        "--flood-per-sec",
        "20",
        "--flood-max-queued",
        "20",
    ]);
    let mut polite = stack.user("polite");
    // A burst a little over the allowance is delayed, not refused.
    for i in 0..12 {
        polite.send(&format!("PING p{i}"));
    }
    polite.expect("PONG party.local :p11");
    let mut flooder = stack.user("flooder");
    let burst: String = (0..200).map(|i| format!("PING f{i}\r\n")).collect();
    flooder.send_raw(burst.as_bytes());
    flooder.expect("ERROR :Closing Link: 127.0.0.1 (Excess flood)");
    polite.sync("unaffected");
}

#[test]
fn a_user_that_sets_bot_mode_is_flagged_in_who_and_whois_and_its_lines_carry_the_bot_tag() {
    let stack = Stack::start();
    let mut bob = stack.connect();
    bob.send("CAP LS 302");
    bob.send("CAP REQ :message-tags");
    bob.expect("CAP * ACK :message-tags");
    bob.send("CAP END");
    bob.register("bob");
    assert!(
        !bob.seen_with(" BOT=B ").is_empty(),
        "ISUPPORT names the bot mode"
    );
    let mut beep = stack.user("beep");
    beep.send("MODE beep +B");
    beep.expect(":beep MODE beep :+B");
    beep.send("MODE beep");
    beep.expect(" 221 beep +B");
    beep.join("#bots");
    bob.join("#bots");
    bob.send("WHO #bots");
    bob.expect(" 352 bob #bots beep 127.0.0.1 party.local beep HB@ ");
    bob.expect(" 352 bob #bots bob 127.0.0.1 party.local bob H ");
    bob.send("WHOIS beep");
    bob.expect(" 335 bob beep :is a bot");
    beep.send("PRIVMSG #bots :beep boop");
    let line = bob.expect("PRIVMSG #bots :beep boop");
    let tags = line.split(' ').next().unwrap_or_default();
    assert!(
        tags.starts_with('@') && tags[1..].split(';').any(|t| t == "bot"),
        "{line}"
    );
    bob.send("PRIVMSG #bots :just me");
    beep.expect("PRIVMSG #bots :just me");
    bob.send("WHOIS bob");
    bob.expect(" 318 bob bob ");
    assert!(
        bob.seen_with(" 335 bob bob ").is_empty(),
        "not a bot unless it says so"
    );
}
