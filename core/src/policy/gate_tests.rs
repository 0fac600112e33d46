//! The gate's rules, level by level, with the clock passed in.

use super::*;
use crate::ids::{DisplayName, Handle, MessageId};
use crate::limits::{AGENT_RATE_WINDOW_MS, MENTION_FRESH_MS, REPLIES_PER_MENTION};

const T0: u64 = 1_767_225_600_000;
const PERSON: &str = "brave-amber-heron";
const BOT: &str = "calm-teal-otter-bot";
const OTHER_BOT: &str = "swift-jade-lynx-bot";

fn handle(s: &str) -> Handle {
    Handle::parse(s).unwrap()
}

/// Messages with ids `m1`, `m2`, … said into one gate.
struct Room {
    gate: Gate,
    next: u32,
}

impl Room {
    fn new(ceiling: Level) -> Self {
        Self::with(Policy::new(ceiling, 60, 2).unwrap())
    }

    fn with(policy: Policy) -> Self {
        Room {
            gate: Gate::new(Some(handle("lucky-rose-finch")), policy),
            next: 0,
        }
    }

    /// `who` says `text` at `at`, answering `re`; its verdict and its id.
    fn say(
        &mut self,
        at: u64,
        who: &str,
        text: &str,
        re: Option<&MessageId>,
    ) -> (Verdict, MessageId) {
        self.say_as(at, who, None, None, text, re)
    }

    fn say_as(
        &mut self,
        at: u64,
        who: &str,
        name: Option<&str>,
        owner_level: Option<Level>,
        text: &str,
        re: Option<&MessageId>,
    ) -> (Verdict, MessageId) {
        self.next += 1;
        let id = MessageId::parse(&format!("m{}", self.next)).unwrap();
        let handle = handle(who);
        let name = name.map(|n| DisplayName::parse(n).unwrap());
        let verdict = self.gate.judge(
            at,
            Said {
                id: &id,
                handle: &handle,
                name: name.as_ref(),
                text,
                re,
                owner_level,
            },
        );
        (verdict, id)
    }
}

#[test]
fn people_and_the_host_are_never_limited() {
    let mut room = Room::new(Level::Off);
    assert_eq!(room.say(T0, PERSON, "hello", None).0, Verdict::Show);
    assert_eq!(
        room.say(T0, "lucky-rose-finch", "my room", None).0,
        Verdict::Show
    );
    assert_eq!(room.gate.hidden(), 0);
}

#[test]
fn off_and_draft_agents_never_speak_in_the_room() {
    let mut room = Room::new(Level::Off);
    let (_, call) = room.say(T0, PERSON, &format!("@{BOT} hi"), None);
    assert_eq!(
        room.say(T0 + 1, BOT, "hi", Some(&call)).0,
        Verdict::Hide(Hidden::Off)
    );
    let mut room = Room::new(Level::Draft);
    let (_, call) = room.say(T0, PERSON, &format!("@{BOT} hi"), None);
    assert_eq!(
        room.say(T0 + 1, BOT, "hi", Some(&call)).0,
        Verdict::Hide(Hidden::DraftOnly)
    );
    assert_eq!(room.gate.hidden(), 1);
}

#[test]
fn a_called_agent_answers_only_a_recent_mention_from_a_person_a_bounded_number_of_times() {
    let mut room = Room::new(Level::Called);
    assert_eq!(
        room.say(T0, BOT, "unprompted", None).0,
        Verdict::Hide(Hidden::NotCalled)
    );
    let (_, plain) = room.say(T0, PERSON, "no mention here", None);
    assert_eq!(
        room.say(T0 + 1, BOT, "hm", Some(&plain)).0,
        Verdict::Hide(Hidden::NotCalled)
    );
    let (_, call) = room.say_as(T0 + 2, PERSON, None, None, "@calcbot 2+2?", None);
    for _ in 0..REPLIES_PER_MENTION {
        let (verdict, _) = room.say_as(T0 + 3, BOT, Some("calcbot"), None, "4", Some(&call));
        assert_eq!(verdict, Verdict::Show);
    }
    let (verdict, _) = room.say_as(T0 + 4, BOT, Some("calcbot"), None, "4!", Some(&call));
    assert_eq!(verdict, Verdict::Hide(Hidden::CallUsedUp));
    // A mention goes stale.
    let (_, late) = room.say(T0 + 5, PERSON, &format!("@{BOT} again"), None);
    let stale = T0 + 5 + MENTION_FRESH_MS + 1;
    assert_eq!(
        room.say(stale, BOT, "sorry", Some(&late)).0,
        Verdict::Hide(Hidden::NotCalled)
    );
}

#[test]
fn an_owner_can_hold_an_agent_below_the_ceiling_but_never_lift_it_above() {
    let mut room = Room::new(Level::Called);
    let (verdict, _) = room.say_as(T0, BOT, None, Some(Level::Unleashed), "unprompted", None);
    assert_eq!(
        verdict,
        Verdict::Hide(Hidden::NotCalled),
        "the ceiling holds"
    );
    let mut room = Room::new(Level::Free);
    assert_eq!(room.say(T0, BOT, "unprompted", None).0, Verdict::Show);
    let (verdict, _) = room.say_as(T0, BOT, None, Some(Level::Off), "unprompted", None);
    assert_eq!(
        verdict,
        Verdict::Hide(Hidden::Off),
        "the owner's level holds"
    );
}

#[test]
fn only_unleashed_agents_answer_agents_and_only_when_mentioned() {
    let mut room = Room::new(Level::Free);
    let (_, said) = room.say(T0, OTHER_BOT, &format!("@{BOT} your turn"), None);
    assert_eq!(
        room.say(T0 + 1, BOT, "ok", Some(&said)).0,
        Verdict::Hide(Hidden::AnswersAgent)
    );
    let mut room = Room::new(Level::Unleashed);
    let (_, said) = room.say(T0, OTHER_BOT, "nobody in particular", None);
    assert_eq!(
        room.say(T0 + 1, BOT, "ok", Some(&said)).0,
        Verdict::Hide(Hidden::AnswersAgent)
    );
    let (_, said) = room.say(T0 + 2, OTHER_BOT, &format!("@{BOT} your turn"), None);
    assert_eq!(room.say(T0 + 3, BOT, "ok", Some(&said)).0, Verdict::Show);
}

#[test]
fn two_unleashed_agents_stop_at_the_hop_bound_until_a_person_speaks() {
    // Hop bound 2 (see `Room::new`).
    let mut room = Room::new(Level::Unleashed);
    let (opened, mut last) = room.say(T0, OTHER_BOT, &format!("@{BOT} ping"), None);
    assert_eq!(
        opened,
        Verdict::Show,
        "calling on an agent unprompted is no hop"
    );
    let mut shown = 0;
    for i in 0..5u64 {
        let (who, other) = if i % 2 == 0 {
            (BOT, OTHER_BOT)
        } else {
            (OTHER_BOT, BOT)
        };
        let (verdict, id) = room.say(T0 + 1 + i, who, &format!("@{other} ping"), Some(&last));
        if verdict == Verdict::Show {
            shown += 1;
        } else {
            assert_eq!(verdict, Verdict::Hide(Hidden::HopBound));
        }
        last = id;
    }
    assert_eq!(shown, 2);
    room.say(T0 + 10, PERSON, "carry on", None);
    let (_, fresh) = room.say(T0 + 11, OTHER_BOT, &format!("@{BOT} ping"), None);
    assert_eq!(
        room.say(T0 + 12, BOT, "pong", Some(&fresh)).0,
        Verdict::Show,
        "a person reset the count"
    );
}

#[test]
fn an_agent_sends_no_more_than_the_rate_in_any_minute() {
    let mut room = Room::with(Policy::new(Level::Free, 3, 6).unwrap());
    for i in 0..3 {
        assert_eq!(room.say(T0 + i, BOT, "tick", None).0, Verdict::Show);
    }
    assert_eq!(
        room.say(T0 + 3, BOT, "tick", None).0,
        Verdict::Hide(Hidden::Rate)
    );
    assert_eq!(
        room.say(T0 + 3, OTHER_BOT, "mine", None).0,
        Verdict::Show,
        "per agent"
    );
    assert_eq!(
        room.say(T0 + AGENT_RATE_WINDOW_MS - 1, BOT, "tick", None).0,
        Verdict::Hide(Hidden::Rate)
    );
    assert_eq!(
        room.say(T0 + AGENT_RATE_WINDOW_MS, BOT, "tick", None).0,
        Verdict::Show
    );
    assert_eq!(room.gate.hidden(), 2, "every held-back message is counted");
}

#[test]
fn in_an_open_room_agents_speak_freely_but_chains_of_answers_still_stop() {
    let mut room = Room {
        gate: Gate::new(None, Policy::OPEN_ROOM),
        next: 0,
    };
    for i in 0..100 {
        assert_eq!(room.say(T0 + i, BOT, "unprompted", None).0, Verdict::Show);
    }
    let (_, mut last) = room.say(T0 + 200, OTHER_BOT, &format!("@{BOT} ping"), None);
    let mut verdicts = Vec::new();
    for i in 0..8u64 {
        let (who, other) = if i % 2 == 0 {
            (BOT, OTHER_BOT)
        } else {
            (OTHER_BOT, BOT)
        };
        let (verdict, id) = room.say(T0 + 201 + i, who, &format!("@{other} ping"), Some(&last));
        verdicts.push(verdict);
        last = id;
    }
    let shown = verdicts.iter().filter(|v| **v == Verdict::Show).count();
    assert_eq!(shown, usize::from(Policy::OPEN_ROOM.hop_bound()));
    assert_eq!(verdicts.last(), Some(&Verdict::Hide(Hidden::HopBound)));
}

#[test]
fn reasons_are_worded_for_people() {
    assert!(Hidden::HopBound
        .to_string()
        .contains("since a person last spoke"));
    assert!(Hidden::NotCalled.to_string().contains("mentions it"));
}
