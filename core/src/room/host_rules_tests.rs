//! The host's word in its room, enforced by every peer: the policy for agents, kicks,
//! mutes and the description, with a fake clock.

use ed25519_dalek::SigningKey;

use super::*;
use crate::envelope::{encode_signed, RoomPolicy};
use crate::ids::Handle;
use crate::limits::{KICK_MS, PRESENCE_FRESHNESS_MS};
use crate::passkey::Credential;
use crate::policy::{Hidden, Level, SanctionKind};
use crate::secret::AgentSecret;
use crate::sign::{Auth, KeyOrigin};
use crate::test_support::{deliver, events, messages, payloads, rejections};

const T0: u64 = 1_767_225_600_000;

fn person_key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n.wrapping_add(100); 32])
}

fn person(n: u8) -> LocalPeer {
    let credential = Credential::from_raw_id(&[n; 16]).unwrap();
    LocalPeer::human(
        &credential,
        person_key(n),
        KeyOrigin::Passkey,
        PeerId::from_bytes([n; 8]),
    )
}

/// `envelope` for `topic`, signed with person `n`'s passkey key.
fn as_person(topic: &str, envelope: &Envelope, n: u8) -> Vec<u8> {
    encode_signed(
        topic,
        envelope,
        &person_key(n),
        Auth::Human {
            key: KeyOrigin::Passkey,
        },
    )
}

fn agent(n: u8) -> LocalPeer {
    LocalPeer::agent(
        &AgentSecret::from_bytes([n; 32]),
        PeerId::from_bytes([n; 8]),
    )
}

/// The host (person 1), a person (2) and an agent (3) in the host's room, each
/// having heard the others join.
struct Party {
    host: Room,
    person: Room,
    agent: Room,
}

impl Party {
    fn new() -> Self {
        let name = RoomName::parse(person(1).handle().as_str()).unwrap();
        let mut rooms = [
            Room::new(name.clone(), person(1), T0, 1),
            Room::new(name.clone(), person(2), T0, 2),
            Room::new(name, agent(3), T0, 3),
        ];
        let joins: Vec<Vec<Output>> = rooms.iter_mut().map(|r| r.join(T0)).collect();
        for (i, out) in joins.iter().enumerate() {
            for (j, room) in rooms.iter_mut().enumerate() {
                if i != j {
                    deliver(out, room, T0);
                }
            }
        }
        let [host, person, agent] = rooms;
        Party {
            host,
            person,
            agent,
        }
    }

    /// Delivers `out` to every room but the sender's (the echo is the sender's own
    /// business), returning what each of the others made of it.
    fn everyone_hears(&mut self, out: &[Output], now: u64) -> [Vec<Output>; 3] {
        let from: Option<String> = payloads(out).first().and_then(|p| {
            let v: serde_json::Value = serde_json::from_slice(p).ok()?;
            v["from"].as_str().map(str::to_owned)
        });
        let mut heard = [Vec::new(), Vec::new(), Vec::new()];
        for (i, room) in [&mut self.host, &mut self.person, &mut self.agent]
            .into_iter()
            .enumerate()
        {
            if Some(room.me().peer_id().as_str()) != from.as_deref() {
                heard[i] = deliver(out, room, now);
            }
        }
        heard
    }
}

fn held(out: &[Output]) -> Vec<(Hidden, u64)> {
    events(out)
        .into_iter()
        .filter_map(|e| match e {
            RoomEvent::Held { reason, hidden, .. } => Some((reason, hidden)),
            _ => None,
        })
        .collect()
}

/// A msg from the agent, signed with its key but not checked by its own room: what
/// an agent that ignores the rules would send.
fn rogue_msg(party: &Party, now: u64, text: &str, re: Option<&MessageId>) -> Vec<Output> {
    let me = party.agent.me();
    let msg = Envelope::Msg(Msg {
        id: MessageId::generate(me.handle().as_str(), now, now),
        handle: me.handle().clone(),
        avatar_seed: me.avatar_seed().clone(),
        name: None,
        text: ChatText::parse(text).unwrap(),
        re: re.cloned(),
        from: me.peer_id().clone(),
        t: now,
    });
    let key = AgentSecret::from_bytes([3; 32]).signing_key();
    vec![Output::Publish {
        topic: party.agent.topic().to_owned(),
        payload: encode_signed(party.agent.topic(), &msg, &key, Auth::Agent),
    }]
}

#[test]
fn in_a_hosts_room_an_agent_speaks_only_when_called_until_the_host_sets_rules() {
    let mut party = Party::new();
    assert_eq!(*party.person.policy(), Policy::HOSTED_DEFAULT);
    let refused = party.agent.send_text(T0 + 1, "unprompted").unwrap_err();
    assert_eq!(refused, SendError::Held(Hidden::NotCalled));
    assert!(refused.to_string().contains("called"), "{refused}");

    let [to_host, to_person, _] =
        party.everyone_hears(&rogue_msg(&party, T0 + 2, "hi all", None), T0 + 2);
    for heard in [&to_host, &to_person] {
        assert!(messages(heard).is_empty(), "hidden from every peer");
        assert_eq!(held(heard), [(Hidden::NotCalled, 1)], "and counted");
    }
    assert_eq!(party.person.hidden_count(), 1);

    let call = format!("@{} what is 2+2?", party.agent.me().handle());
    let asked = party.person.send_text(T0 + 3, &call).unwrap();
    let [_, _, to_agent] = party.everyone_hears(&asked, T0 + 3);
    let question = messages(&to_agent).remove(0);
    let answer = party.agent.send_reply(T0 + 4, "4", &question.id).unwrap();
    let [to_host, to_person, _] = party.everyone_hears(&answer, T0 + 4);
    assert_eq!(messages(&to_host)[0].text, "4");
    assert_eq!(messages(&to_person)[0].text, "4");
}

#[test]
fn the_hosts_policy_reaches_every_peer_and_frees_its_agents() {
    let mut party = Party::new();
    let free = Policy::new(Level::Free, 2, 6).unwrap();
    let out = party.host.set_policy(T0 + 1, free).unwrap();
    assert_eq!(*party.host.policy(), free);
    let [_, to_person, to_agent] = party.everyone_hears(&out, T0 + 1);
    for (room, heard) in [(&party.person, &to_person), (&party.agent, &to_agent)] {
        assert_eq!(*room.policy(), free);
        assert!(events(heard).contains(&RoomEvent::Policy {
            policy: free,
            verified: true
        }));
    }
    for i in 0..2 {
        let said = party
            .agent
            .send_text(T0 + 2 + i, "unprompted, and allowed")
            .unwrap();
        let [_, to_person, _] = party.everyone_hears(&said, T0 + 2 + i);
        assert_eq!(messages(&to_person).len(), 1);
    }
    assert_eq!(
        party
            .agent
            .send_text(T0 + 5, "a third in a minute")
            .unwrap_err(),
        SendError::Held(Hidden::Rate),
        "the agent's own runtime keeps the rate"
    );
    let [_, to_person, _] =
        party.everyone_hears(&rogue_msg(&party, T0 + 6, "and more", None), T0 + 6);
    assert_eq!(
        held(&to_person),
        [(Hidden::Rate, 1)],
        "and so does every peer"
    );
}

#[test]
fn a_policy_not_signed_by_the_hosts_pinned_key_is_ignored() {
    let mut party = Party::new();
    let forged = Envelope::Policy(RoomPolicy {
        policy: Policy::OPEN_ROOM,
        from: party.person.me().peer_id().clone(),
        t: T0 + 1,
    });
    let payload = as_person(party.person.topic(), &forged, 2);
    let out = party.agent.receive(T0 + 1, &payload);
    assert_eq!(*party.agent.policy(), Policy::HOSTED_DEFAULT);
    assert!(
        rejections(&out)
            .iter()
            .any(|r| r.contains("not signed with the key pinned for the host")),
        "{out:?}"
    );
}

#[test]
fn a_replayed_or_stale_policy_cannot_undo_a_newer_one() {
    let mut party = Party::new();
    let free = Policy::new(Level::Free, 10, 6).unwrap();
    let first = party.host.set_policy(T0 + 1, free).unwrap();
    party.everyone_hears(&first, T0 + 1);
    let second = party
        .host
        .set_policy(T0 + 2, Policy::HOSTED_DEFAULT)
        .unwrap();
    party.everyone_hears(&second, T0 + 2);
    let [_, to_person, _] = party.everyone_hears(&first, T0 + 3);
    assert!(events(&to_person).is_empty(), "an older policy is a replay");
    assert_eq!(*party.person.policy(), Policy::HOSTED_DEFAULT);

    let mut late = Party::new();
    let late_policy = late.host.set_policy(T0 + 1, free).unwrap();
    let stale_at = T0 + 1 + PRESENCE_FRESHNESS_MS + 1;
    let out = deliver(&late_policy, &mut late.person, stale_at);
    assert_eq!(*late.person.policy(), Policy::HOSTED_DEFAULT);
    assert!(rejections(&out)[0].contains("not taken"), "{out:?}");
}

#[test]
fn a_kicked_handle_is_gone_for_a_while_and_nothing_it_says_is_shown() {
    let mut party = Party::new();
    let target = party.agent.me().handle().clone();
    let out = party.host.kick(T0 + 1, &target, None).unwrap();
    let [_, to_person, to_agent] = party.everyone_hears(&out, T0 + 1);
    let left = events(&to_person).into_iter().any(|e| {
        matches!(e, RoomEvent::PeerLeft { peer, reason: LeaveReason::Kicked } if peer.handle == target)
    });
    assert!(left, "{to_person:?}");
    assert!(party
        .person
        .remote_peers()
        .iter()
        .all(|p| p.handle != target));
    assert!(events(&to_agent).contains(&RoomEvent::Sanction {
        handle: target.clone(),
        kind: SanctionKind::Kick,
        until: Some(T0 + 1 + KICK_MS),
        is_self: true,
        verified: true,
    }));
    assert_eq!(
        party.agent.send_text(T0 + 2, "let me back").unwrap_err(),
        SendError::Held(Hidden::Kicked)
    );
    // Its beats do not bring it back, and what it says anyway is held back.
    let beat = party.agent.tick(T0 + 60_000);
    party.everyone_hears(&beat, T0 + 60_000);
    assert!(party
        .person
        .remote_peers()
        .iter()
        .all(|p| p.handle != target));
    let [to_host, to_person, _] =
        party.everyone_hears(&rogue_msg(&party, T0 + 60_001, "hi", None), T0 + 60_001);
    assert_eq!(held(&to_person), [(Hidden::Kicked, 1)]);
    assert_eq!(held(&to_host), [(Hidden::Kicked, 1)]);
    // When the kick runs out, its next beat brings it back.
    let back_at = T0 + 1 + KICK_MS + 1;
    let beat = party.agent.tick(back_at);
    let [_, to_person, _] = party.everyone_hears(&beat, back_at);
    assert!(
        party
            .person
            .remote_peers()
            .iter()
            .any(|p| p.handle == target),
        "{to_person:?}"
    );
}

#[test]
fn a_muted_person_is_listed_but_not_heard_until_unmuted() {
    let mut party = Party::new();
    let target = party.person.me().handle().clone();
    let out = party.host.mute(T0 + 1, &target, 3_600_000).unwrap();
    party.everyone_hears(&out, T0 + 1);
    assert!(
        party
            .agent
            .remote_peers()
            .iter()
            .any(|p| p.handle == target),
        "still listed"
    );
    assert_eq!(
        party.person.send_text(T0 + 2, "hello?").unwrap_err(),
        SendError::Held(Hidden::Muted)
    );
    let unmute = party.host.mute(T0 + 3, &target, 0).unwrap();
    let [_, to_person, to_agent] = party.everyone_hears(&unmute, T0 + 3);
    assert!(events(&to_agent)
        .iter()
        .any(|e| matches!(e, RoomEvent::Sanction { until: None, .. })));
    assert!(events(&to_person).iter().any(|e| matches!(
        e,
        RoomEvent::Sanction {
            until: None,
            is_self: true,
            ..
        }
    )));
    let said = party.person.send_text(T0 + 4, "thanks").unwrap();
    let [_, _, to_agent] = party.everyone_hears(&said, T0 + 4);
    assert_eq!(messages(&to_agent)[0].text, "thanks");
}

#[test]
fn a_joiner_learns_the_rules_mutes_and_description_from_the_host() {
    let mut party = Party::new();
    let free = Policy::new(Level::Free, 30, 4).unwrap();
    let muted = party.agent.me().handle().clone();
    let mut said = party.host.set_policy(T0 + 1, free).unwrap();
    said.extend(party.host.mute(T0 + 1, &muted, 600_000).unwrap());
    said.extend(
        party
            .host
            .describe(T0 + 1, "  Homework help, be kind  ")
            .unwrap(),
    );
    party.everyone_hears(&said, T0 + 1);
    assert_eq!(party.person.description(), Some("Homework help, be kind"));

    let name = party.host.name().clone();
    let mut joiner = Room::new(name, person(4), T0 + 10_000, 4);
    let join = joiner.join(T0 + 10_000);
    let asked = deliver(&join, &mut party.host, T0 + 10_000);
    assert!(
        payloads(&asked).is_empty(),
        "the repeat waits for the room's timer"
    );
    let due = T0 + 10_000;
    assert!(party.host.next_deadline().is_some_and(|at| at <= due));
    let rules = party.host.tick(due);
    let types: Vec<String> = crate::test_support::types(&rules);
    for kind in ["policy", "mute", "description"] {
        assert!(
            types.contains(&kind.to_owned()),
            "no repeat went out before, so it is due at once: {types:?}"
        );
    }
    // They arrive before the joiner knows the host's key: kept until it does.
    let is_announce = |p: &Vec<u8>| p.starts_with(b"{\"type\":\"announce\"");
    let (announces, rest): (Vec<Vec<u8>>, Vec<Vec<u8>>) =
        payloads(&rules).into_iter().partition(is_announce);
    for payload in &rest {
        assert!(
            joiner.receive(T0 + 10_001, payload).is_empty(),
            "kept quietly"
        );
    }
    assert_eq!(*joiner.policy(), Policy::HOSTED_DEFAULT);
    // The host's beat pins its key for the joiner, and what waited is taken.
    let beat = if announces.is_empty() {
        payloads(
            &party
                .host
                .tick(due + crate::limits::ANNOUNCE_INTERVAL_MS * 2),
        )
        .into_iter()
        .filter(is_announce)
        .collect()
    } else {
        announces
    };
    let beat_at = due + crate::limits::ANNOUNCE_INTERVAL_MS * 2;
    let learned: Vec<Output> = beat
        .iter()
        .flat_map(|p| joiner.receive(T0 + 10_002, p))
        .collect();
    assert!(events(&learned).contains(&RoomEvent::Policy {
        policy: free,
        verified: true
    }));
    assert_eq!(*joiner.policy(), free);
    assert_eq!(joiner.description(), Some("Homework help, be kind"));
    assert!(joiner
        .sanctioned_until(beat_at, SanctionKind::Mute, &muted)
        .is_some());

    // Joiners that ask together are told together: one repeat a second at most.
    let mut second = Room::new(party.host.name().clone(), person(5), due + 100, 5);
    let join = second.join(due + 100);
    deliver(&join, &mut party.host, due + 100);
    let gap = crate::limits::HOST_RULES_REPEAT_GAP_MS;
    let early = crate::test_support::types(&party.host.tick(due + gap - 1));
    assert!(!early.contains(&"description".to_owned()), "{early:?}");
    let repeat = crate::test_support::types(&party.host.tick(due + gap));
    assert!(repeat.contains(&"description".to_owned()), "{repeat:?}");
}

#[test]
fn only_the_host_moderates_and_never_itself() {
    let mut party = Party::new();
    let host = party.host.me().handle().clone();
    let agent = party.agent.me().handle().clone();
    assert_eq!(
        party.person.kick(T0 + 1, &agent, None).unwrap_err(),
        HostError::NotHost(host.clone())
    );
    assert_eq!(
        party.host.kick(T0 + 1, &host, None).unwrap_err(),
        HostError::HostItself
    );
    let too_long = "x".repeat(crate::limits::DESCRIPTION_MAX_CHARS + 1);
    assert!(matches!(
        party.host.describe(T0 + 1, &too_long),
        Err(HostError::Description(_))
    ));
    let mut open = Room::new(RoomName::parse("calc-study").unwrap(), person(5), T0, 5);
    open.join(T0);
    assert_eq!(open.mute(T0, &agent, 1_000).unwrap_err(), HostError::NoHost);
    assert_eq!(*open.policy(), Policy::OPEN_ROOM);
}

// ---- people's own agents: invites and grants ----

fn grants(out: &[Output]) -> Vec<(Handle, Handle, Level)> {
    events(out)
        .into_iter()
        .filter_map(|e| match e {
            RoomEvent::Grant {
                agent,
                owner,
                level,
                ..
            } => Some((agent, owner, level)),
            _ => None,
        })
        .collect()
}

/// The person (2) invites the agent (3), which takes the invite up; everyone hears.
fn invite_agent(party: &mut Party, at: u64) {
    let invite = party
        .person
        .invite([9; crate::invite::INVITE_TOKEN_BYTES])
        .unwrap();
    let code = invite.code();
    let me = party.agent.me().peer_id().clone();
    let taken = party
        .agent
        .accept_invite(at, &me, crate::invite::Invite::parse(&code).unwrap())
        .unwrap();
    let [_, to_person, _] = party.everyone_hears(&taken, at);
    let [to_host, _, to_agent] = party.everyone_hears(&to_person, at + 1);
    let agent = party.agent.me().handle().clone();
    let owner = party.person.me().handle().clone();
    for heard in [&to_host, &to_agent, &to_person] {
        assert_eq!(
            grants(heard),
            [(agent.clone(), owner.clone(), Level::Unleashed)],
            "{heard:?}"
        );
    }
}

#[test]
fn an_invited_agent_becomes_its_owners_and_speaks_at_the_level_the_owner_sets() {
    let mut party = Party::new();
    invite_agent(&mut party, T0 + 1);
    let agent = party.agent.me().handle().clone();
    let owner = party.person.me().handle().clone();
    assert_eq!(party.host.owner_of(&agent), Some(&owner));
    let listed = party.host.remote_peers();
    let shown = listed.iter().find(|p| p.handle == agent).unwrap();
    assert_eq!(
        shown.owner.as_ref(),
        Some(&owner),
        "shown as the agent of its owner"
    );
    assert_eq!(
        party.person.our_agents(),
        [(agent.clone(), Level::Unleashed)]
    );

    let draft = party
        .person
        .set_agent_level(T0 + 2, &agent, Level::Draft)
        .unwrap();
    let [to_host, _, to_agent] = party.everyone_hears(&draft, T0 + 2);
    assert_eq!(
        grants(&to_host),
        [(agent.clone(), owner.clone(), Level::Draft)]
    );
    assert!(!grants(&to_agent).is_empty());
    let call = format!("@{agent} hi");
    let asked = party.host.send_text(T0 + 3, &call).unwrap();
    let [_, _, to_agent] = party.everyone_hears(&asked, T0 + 3);
    let question = messages(&to_agent).remove(0);
    assert_eq!(
        party
            .agent
            .send_reply(T0 + 4, "hello", &question.id)
            .unwrap_err(),
        SendError::Held(Hidden::DraftOnly),
        "the owner holds it below the room's ceiling"
    );
    assert_eq!(
        party
            .host
            .set_agent_level(T0 + 5, &agent, Level::Free)
            .unwrap_err(),
        OwnerError::NotYours(agent.clone())
    );
}

#[test]
fn a_grant_without_the_agents_consent_or_the_owners_key_is_ignored() {
    let mut party = Party::new();
    invite_agent(&mut party, T0 + 1);
    let agent = party.agent.me().handle().clone();
    let owner = party.person.me().handle().clone();
    // The host signs a grant of the person's agent with the agent's real consent: the
    // consent names another owner.
    let consent = party
        .host
        .owners
        .by_agent
        .get(&agent)
        .unwrap()
        .consent
        .clone();
    let forged = Envelope::Grant(crate::envelope::Grant {
        owner: party.host.me().handle().clone(),
        level: Level::Off,
        consent: vec![consent.clone()],
        from: party.host.me().peer_id().clone(),
        t: T0 + 10,
    });
    let payload = as_person(party.host.topic(), &forged, 1);
    let out = party.agent.receive(T0 + 10, &payload);
    assert!(
        rejections(&out).iter().any(|r| r.contains("consent")),
        "{out:?}"
    );
    // Someone with another key signs as the owner.
    let impostor = Envelope::Grant(crate::envelope::Grant {
        owner: owner.clone(),
        level: Level::Off,
        consent: vec![consent],
        from: PeerId::from_bytes([42; 8]),
        t: T0 + 11,
    });
    let payload = as_person(party.host.topic(), &impostor, 42);
    let out = party.host.receive(T0 + 11, &payload);
    assert!(
        rejections(&out)
            .iter()
            .any(|r| r.contains("not signed with the key pinned")),
        "{out:?}"
    );
    assert_eq!(
        party.host.owners.by_agent.get(&agent).map(|o| o.level),
        Some(Level::Unleashed)
    );
}

#[test]
fn an_invite_seen_in_traffic_cannot_be_taken_up_by_another_agent() {
    let mut party = Party::new();
    let invite = party
        .person
        .invite([5; crate::invite::INVITE_TOKEN_BYTES])
        .unwrap();
    let me = party.agent.me().peer_id().clone();
    let taken = party.agent.accept_invite(T0 + 1, &me, invite).unwrap();
    // A watcher copies the proof into its own `invited`, under its own key.
    let proof = match crate::envelope::decode(party.agent.topic(), &payloads(&taken)[0], T0 + 1)
        .unwrap()
        .envelope
    {
        Envelope::Invited(invited) => invited.proof,
        other => panic!("{other:?}"),
    };
    let thief = AgentSecret::from_bytes([77; 32]);
    let stolen = Envelope::Invited(crate::envelope::Invited {
        handle: thief.handle(),
        owner: party.person.me().handle().clone(),
        proof,
        from: PeerId::from_bytes([77; 8]),
        t: T0 + 2,
    });
    let payload = encode_signed(
        party.agent.topic(),
        &stolen,
        &thief.signing_key(),
        Auth::Agent,
    );
    let out = party.person.receive(T0 + 2, &payload);
    assert!(grants(&out).is_empty(), "{out:?}");
    assert!(payloads(&out)
        .iter()
        .all(|p| !p.starts_with(b"{\"type\":\"grant\"")));
    assert!(
        rejections(&out)
            .iter()
            .any(|r| r.contains("no invite of ours proves")),
        "{out:?}"
    );
}

#[test]
fn a_joiner_learns_whose_agents_are_whose_from_their_owners() {
    let mut party = Party::new();
    invite_agent(&mut party, T0 + 1);
    let agent = party.agent.me().handle().clone();
    let name = party.host.name().clone();
    let mut joiner = Room::new(name, person(6), T0 + 5_000, 6);
    let join = joiner.join(T0 + 5_000);
    deliver(&join, &mut party.person, T0 + 5_000);
    let repeat = party.person.tick(T0 + 5_000);
    assert!(crate::test_support::types(&repeat).contains(&"grant".to_owned()));
    // The owner's key comes with its beat (or a roster); until then the grant waits.
    let beat = party
        .person
        .tick(T0 + 5_000 + crate::limits::ANNOUNCE_INTERVAL_MS * 2);
    let mut heard = deliver(&repeat, &mut joiner, T0 + 5_001);
    heard.extend(deliver(&beat, &mut joiner, T0 + 5_002));
    assert_eq!(
        joiner.owner_of(&agent),
        Some(party.person.me().handle()),
        "{heard:?}"
    );
}

// ---- drafts, approvals and forwards ----

#[test]
fn a_draft_reaches_only_its_owner_until_approved_and_then_every_peer_shows_it_approved() {
    let mut party = Party::new();
    invite_agent(&mut party, T0 + 1);
    let agent = party.agent.me().handle().clone();
    let owner = party.person.me().handle().clone();
    let draft_level = party
        .person
        .set_agent_level(T0 + 2, &agent, Level::Draft)
        .unwrap();
    party.everyone_hears(&draft_level, T0 + 2);
    let from = party.agent.me().peer_id().clone();
    let sent = party
        .agent
        .send_draft(T0 + 3, &from, "my draft", None)
        .unwrap();
    let [to_host, to_person, _] = party.everyone_hears(&sent, T0 + 3);
    assert!(
        messages(&to_host).is_empty() && events(&to_host).is_empty(),
        "nobody else sees a draft: {to_host:?}"
    );
    let waiting = events(&to_person)
        .into_iter()
        .find_map(|e| match e {
            RoomEvent::Draft { message, .. } => Some(message),
            _ => None,
        })
        .expect("the owner sees the draft");
    assert_eq!(waiting.text, "my draft");
    assert_eq!(
        party.person.drafts_waiting(),
        std::slice::from_ref(&waiting.id)
    );

    let approved = party.person.approve(T0 + 4, &waiting.id).unwrap();
    let mine = messages(&approved);
    assert_eq!(mine[0].approved_by.as_ref(), Some(&owner));
    let [to_host, _, to_agent] = party.everyone_hears(&approved, T0 + 4);
    for heard in [&to_host, &to_agent] {
        let shown = messages(heard).remove(0);
        assert_eq!(shown.text, "my draft");
        assert_eq!(shown.handle, agent, "shown as the agent's message");
        assert_eq!(shown.approved_by.as_ref(), Some(&owner));
    }
    assert!(party.person.drafts_waiting().is_empty());
    assert_eq!(
        party.person.approve(T0 + 5, &waiting.id).unwrap_err(),
        OwnerError::NoSuchDraft(waiting.id.clone())
    );
}

#[test]
fn an_approval_replayed_into_another_room_or_by_someone_else_is_rejected() {
    let mut party = Party::new();
    invite_agent(&mut party, T0 + 1);
    let from = party.agent.me().peer_id().clone();
    let sent = party
        .agent
        .send_draft(T0 + 3, &from, "draft", None)
        .unwrap();
    let [_, to_person, _] = party.everyone_hears(&sent, T0 + 3);
    let id = events(&to_person)
        .into_iter()
        .find_map(|e| match e {
            RoomEvent::Draft { message, .. } => Some(message.id),
            _ => None,
        })
        .unwrap();
    let approved = party.person.approve(T0 + 4, &id).unwrap();
    // The same bytes in another room: the topic is signed, so it does not verify.
    let mut elsewhere = Room::new(RoomName::parse("calc-study").unwrap(), person(7), T0, 7);
    elsewhere.join(T0);
    let out = deliver(&approved, &mut elsewhere, T0 + 5);
    assert!(messages(&out).is_empty());
    assert!(!rejections(&out).is_empty(), "{out:?}");
    // The host signs an approval of the person's agent's draft: not the owner.
    let entry = match crate::envelope::decode(party.host.topic(), &payloads(&approved)[0], T0 + 4)
        .unwrap()
        .envelope
    {
        Envelope::Approve(approve) => approve.draft,
        other => panic!("{other:?}"),
    };
    let forged = Envelope::Approve(crate::envelope::Approve {
        owner: party.host.me().handle().clone(),
        draft: entry,
        from: party.host.me().peer_id().clone(),
        t: T0 + 6,
    });
    let payload = as_person(party.host.topic(), &forged, 1);
    let out = party.agent.receive(T0 + 6, &payload);
    assert!(messages(&out).is_empty());
    assert!(
        rejections(&out).iter().any(|r| r.contains("not theirs")),
        "{out:?}"
    );
}

#[test]
fn an_owner_forwards_a_message_to_their_agent_alone() {
    let mut party = Party::new();
    invite_agent(&mut party, T0 + 1);
    let agent = party.agent.me().handle().clone();
    let said = party.host.send_text(T0 + 2, "what do you think?").unwrap();
    let [_, to_person, _] = party.everyone_hears(&said, T0 + 2);
    let id = messages(&to_person).remove(0).id;
    let forwarded = party.person.forward(T0 + 3, &id, &agent).unwrap();
    let [to_host, _, to_agent] = party.everyone_hears(&forwarded, T0 + 3);
    assert!(events(&to_host).is_empty(), "{to_host:?}");
    let got = events(&to_agent)
        .into_iter()
        .find_map(|e| match e {
            RoomEvent::Forwarded {
                id, message, owner, ..
            } => Some((id, message, owner)),
            _ => None,
        })
        .expect("the agent is handed the message");
    assert_eq!(got.0, id);
    assert_eq!(got.1.map(|m| m.text).as_deref(), Some("what do you think?"));
    assert_eq!(&got.2, party.person.me().handle());
    assert_eq!(
        party.host.forward(T0 + 4, &id, &agent).unwrap_err(),
        OwnerError::NotYours(agent)
    );
}

#[test]
fn a_kick_or_mute_signed_by_anyone_but_the_host_is_ignored() {
    let mut party = Party::new();
    let target = party.agent.me().handle().clone();
    for kind in [SanctionKind::Kick, SanctionKind::Mute] {
        let sanction = crate::envelope::Sanction {
            target: target.clone(),
            until: T0 + 600_000,
            from: party.person.me().peer_id().clone(),
            t: T0 + 1,
        };
        let forged = match kind {
            SanctionKind::Kick => Envelope::Kick(sanction),
            SanctionKind::Mute => Envelope::Mute(sanction),
        };
        let payload = as_person(party.person.topic(), &forged, 2);
        let out = party.host.receive(T0 + 1, &payload);
        assert!(
            rejections(&out)
                .iter()
                .any(|r| r.contains("not signed with the key pinned for the host")),
            "{out:?}"
        );
        assert_eq!(party.host.sanctioned_until(T0 + 2, kind, &target), None);
    }
    assert!(party.host.remote_peers().iter().any(|p| p.handle == target));
}
