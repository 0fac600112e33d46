//! IRC operators of the bridge over raw TCP: OPER with a configured password, what
//! others see of an operator, and KILL.

mod support;

use sha2::{Digest, Sha256};
use support::*;

fn stack_with_root() -> Stack {
    let hash: String = Sha256::digest(b"sesame")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Stack::start_with(&["--oper", &format!("root:{hash}")])
}

#[test]
fn oper_needs_the_configured_password_and_shows_in_who_whois_and_lusers() {
    let stack = stack_with_root();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    alice.send("OPER root wrong");
    alice.expect(" 464 alice ");
    alice.send("OPER nobody sesame");
    alice.expect(" 464 alice ");
    alice.send("OPER root");
    alice.expect(" 461 alice OPER ");
    alice.send("OPER root sesame");
    alice.expect(" 381 alice ");
    alice.expect(":alice MODE alice :+o");
    bob.send("WHO alice");
    bob.expect(" 352 bob * alice 127.0.0.1 party.local alice H* ");
    bob.send("WHOIS alice");
    bob.expect(" 313 bob alice ");
    bob.send("LUSERS");
    bob.expect(" 252 bob 1 ");
    alice.send("MODE alice -o");
    alice.expect(":alice MODE alice :-o");
    bob.send("LUSERS");
    bob.expect(" 252 bob 0 ");
}

#[test]
fn an_operator_kills_an_irc_user_who_leaves_its_channels_but_cannot_kill_a_room_peer() {
    let stack = stack_with_root();
    let mut alice = stack.user("alice");
    let mut bob = stack.user("bob");
    let mut carol = stack.user("carol");
    bob.join("#kills");
    carol.join("#kills");
    bob.send("KILL carol :no");
    bob.expect(" 481 bob ");
    alice.send("OPER root sesame");
    alice.expect(" 381 alice ");
    alice.send("KILL gentle-azure-vine-bot :gone");
    let refused = alice.expect(" 401 alice gentle-azure-vine-bot ");
    assert!(refused.contains("Party room peer"), "{refused}");
    alice.send("KILL bob :spamming");
    bob.expect("ERROR :Closing Link: 127.0.0.1 (Killed (alice (spamming)))");
    carol.expect(":bob!bob@127.0.0.1 QUIT :Killed (alice (spamming))");
    alice.send("WHOIS bob");
    alice.expect(" 401 alice bob ");
}
