//! The judge every peer runs on agent messages: the effective level, the mention
//! that called the agent in, the rate per agent and the hop bound. Every peer sees
//! the same messages in the same order on a room's topic, so every peer reaches the
//! same verdicts.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use super::{mentions, Level, Policy, SanctionKind, Sanctions};
use crate::ids::{DisplayName, Handle, MessageId};
use crate::limits::{
    AGENT_RATE_WINDOW_MS, MENTION_FRESH_MS, RECENT_CALLS_REMEMBERED, REPLIES_PER_MENTION,
};

/// One message, as the gate needs to see it.
#[derive(Clone, Copy, Debug)]
pub struct Said<'a> {
    pub id: &'a MessageId,
    pub handle: &'a Handle,
    pub name: Option<&'a DisplayName>,
    pub text: &'a str,
    /// The message it answers, if any.
    pub re: Option<&'a MessageId>,
    /// The level the agent's owner set for it, if it has an owner here.
    pub owner_level: Option<Level>,
}

/// Whether a message may be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Show,
    Hide(Hidden),
}

/// Why a message is held back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hidden {
    /// The host kicked its sender, who is not back yet.
    Kicked,
    /// The host muted its sender.
    Muted,
    /// Its level is `off`.
    Off,
    /// Its level is `draft`: only an approved draft reaches the room.
    DraftOnly,
    /// `called`, and not in reply to a recent message from a person that mentions it.
    NotCalled,
    /// It already answered the mention that called it as often as one allows.
    CallUsedUp,
    /// It answers another agent, which only `unleashed` agents may, when mentioned.
    AnswersAgent,
    /// The agents have answered each other as often as the room allows since a
    /// person last spoke.
    HopBound,
    /// More messages in the last minute than the room allows one agent.
    Rate,
}

impl fmt::Display for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Hidden::Kicked => "the host kicked its sender out of this room for now",
            Hidden::Muted => "the host muted its sender in this room",
            Hidden::Off => "its level here is off",
            Hidden::DraftOnly => "its level here is draft: its owner must approve what it says",
            Hidden::NotCalled => {
                "its level here is called: it may only answer a recent message from a person that mentions it"
            }
            Hidden::CallUsedUp => "it has answered that mention as often as one mention allows",
            Hidden::AnswersAgent => {
                "it answers another agent, which only an unleashed agent that was mentioned may do"
            }
            Hidden::HopBound => {
                "agents have answered each other as often as this room allows since a person last spoke"
            }
            Hidden::Rate => "it sent more messages in the last minute than this room allows an agent",
        })
    }
}

/// A recent message agents may answer.
struct Recent {
    id: MessageId,
    at: u64,
    by_person: bool,
    text: String,
    /// Answers each agent gave it, by handle.
    answers: HashMap<Handle, u8>,
}

/// One room's judge.
pub struct Gate {
    /// The room's host: never limited in its own room.
    host: Option<Handle>,
    policy: Policy,
    recent: VecDeque<Recent>,
    /// Agent-to-agent answers since a person last spoke.
    hops: u8,
    /// When each agent's shown messages were received, within the rate window.
    shown: HashMap<Handle, VecDeque<u64>>,
    hidden: u64,
    sanctions: Sanctions,
}

impl Gate {
    pub fn new(host: Option<Handle>, policy: Policy) -> Self {
        Self {
            host,
            policy,
            recent: VecDeque::new(),
            hops: 0,
            shown: HashMap::new(),
            hidden: 0,
            sanctions: Sanctions::default(),
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The host's new rules, from now on.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    /// Agent messages held back so far.
    pub fn hidden(&self) -> u64 {
        self.hidden
    }

    /// Who the host holds back.
    pub fn sanctions(&self) -> &Sanctions {
        &self.sanctions
    }

    /// The host kicks, mutes or lets back a handle.
    pub fn sanction(&mut self, now_ms: u64, kind: SanctionKind, handle: &Handle, until: u64) {
        self.sanctions.set(now_ms, kind, handle, until);
    }

    /// What `judge` would say of `said` at `now_ms`, changing nothing: what an agent
    /// runtime asks before it sends, to refuse with the reason instead.
    pub fn check(&self, now_ms: u64, said: Said<'_>) -> Verdict {
        match self.verdict(now_ms, said) {
            Ok(_) => Verdict::Show,
            Err(why) => Verdict::Hide(why),
        }
    }

    /// Judges `said`, received at `now_ms`, and remembers what a shown message
    /// changes (a person's words reset the hop count and may call agents in).
    pub fn judge(&mut self, now_ms: u64, said: Said<'_>) -> Verdict {
        self.forget_before(now_ms.saturating_sub(MENTION_FRESH_MS));
        match self.verdict(now_ms, said) {
            Ok(hop) => {
                // The host speaks for its room as a person does, even as an agent:
                // its words call agents in and end a chain of agents.
                let by_person = !said.handle.is_bot() || self.is_host(said.handle);
                if by_person {
                    self.hops = 0;
                } else {
                    self.count_agent(now_ms, said, hop);
                }
                self.remember(now_ms, said, by_person);
                Verdict::Show
            }
            Err(why) => {
                self.hidden += 1;
                // Remembered all the same, as no person's: an answer to it carries
                // its chain on, and is judged as one.
                self.remember(now_ms, said, false);
                Verdict::Hide(why)
            }
        }
    }

    /// The newest fresh message that calls `handle` (by handle or `name`) and that it
    /// may still answer: what an agent that cannot say what it answers (an IRC bot)
    /// is taken to answer when its rules require an answer.
    pub fn open_call(
        &self,
        now_ms: u64,
        handle: &Handle,
        name: Option<&DisplayName>,
    ) -> Option<MessageId> {
        let fresh_since = now_ms.saturating_sub(MENTION_FRESH_MS);
        self.recent
            .iter()
            .rev()
            .take_while(|r| r.at >= fresh_since)
            .find(|r| {
                r.answers.get(handle).copied().unwrap_or(0) < REPLIES_PER_MENTION
                    && mentions(&r.text, handle, name)
            })
            .map(|r| r.id.clone())
    }

    fn is_host(&self, handle: &Handle) -> bool {
        self.host.as_ref() == Some(handle)
    }

    /// Whether `said` may show, and if so whether it is an agent-to-agent hop.
    fn verdict(&self, now_ms: u64, said: Said<'_>) -> Result<bool, Hidden> {
        if self.is_host(said.handle) {
            return Ok(false);
        }
        if self
            .sanctions
            .until(now_ms, SanctionKind::Kick, said.handle)
            .is_some()
        {
            return Err(Hidden::Kicked);
        }
        if self
            .sanctions
            .until(now_ms, SanctionKind::Mute, said.handle)
            .is_some()
        {
            return Err(Hidden::Muted);
        }
        if !said.handle.is_bot() {
            return Ok(false);
        }
        self.agent_verdict(now_ms, said)
    }

    /// A shown agent message: its hop, its answer to a mention, its place in the
    /// rate window.
    fn count_agent(&mut self, now_ms: u64, said: Said<'_>, hop: bool) {
        if hop {
            self.hops = self.hops.saturating_add(1);
        }
        if let Some(answered) = said.re.and_then(|re| self.find_mut(re)) {
            *answered.answers.entry(said.handle.clone()).or_insert(0) += 1;
        }
        if self.policy.rate_per_minute().is_some() {
            let window = self.shown.entry(said.handle.clone()).or_default();
            while window
                .front()
                .is_some_and(|&at| at.saturating_add(AGENT_RATE_WINDOW_MS) <= now_ms)
            {
                window.pop_front();
            }
            window.push_back(now_ms);
        }
    }

    fn agent_verdict(&self, now_ms: u64, said: Said<'_>) -> Result<bool, Hidden> {
        let level = self.policy.effective(said.owner_level);
        match level {
            Level::Off => return Err(Hidden::Off),
            Level::Draft => return Err(Hidden::DraftOnly),
            Level::Called | Level::Free | Level::Unleashed => {}
        }
        let fresh_since = now_ms.saturating_sub(MENTION_FRESH_MS);
        let answered = said
            .re
            .and_then(|re| self.find(re))
            .filter(|r| r.at >= fresh_since);
        let calls_it = |r: &Recent| mentions(&r.text, said.handle, said.name);
        match answered {
            Some(r) if !r.by_person && (level < Level::Unleashed || !calls_it(r)) => {
                return Err(Hidden::AnswersAgent);
            }
            Some(r) if r.by_person && level == Level::Called => {
                if !calls_it(r) {
                    return Err(Hidden::NotCalled);
                }
                if r.answers.get(said.handle).copied().unwrap_or(0) >= REPLIES_PER_MENTION {
                    return Err(Hidden::CallUsedUp);
                }
            }
            None if level == Level::Called => return Err(Hidden::NotCalled),
            _ => {}
        }
        // An answer to an agent is a hop, and the room allows only so many before a
        // person speaks. Speaking unprompted is no hop: the rate bounds it, and only
        // `free` agents and above may.
        let hop = answered.is_some_and(|r| !r.by_person);
        if hop && self.hops >= self.policy.hop_bound() {
            return Err(Hidden::HopBound);
        }
        if let Some(rate) = self.policy.rate_per_minute() {
            let in_window = self.shown.get(said.handle).map_or(0, |times| {
                times
                    .iter()
                    .filter(|&&at| at.saturating_add(AGENT_RATE_WINDOW_MS) > now_ms)
                    .count()
            });
            if in_window >= usize::from(rate) {
                return Err(Hidden::Rate);
            }
        }
        Ok(hop)
    }

    fn remember(&mut self, now_ms: u64, said: Said<'_>, by_person: bool) {
        if self.recent.len() == RECENT_CALLS_REMEMBERED {
            self.recent.pop_front();
        }
        self.recent.push_back(Recent {
            id: said.id.clone(),
            at: now_ms,
            by_person,
            text: said.text.to_owned(),
            answers: HashMap::new(),
        });
    }

    fn find(&self, id: &MessageId) -> Option<&Recent> {
        self.recent.iter().find(|r| r.id == *id)
    }

    fn find_mut(&mut self, id: &MessageId) -> Option<&mut Recent> {
        self.recent.iter_mut().find(|r| r.id == *id)
    }

    fn forget_before(&mut self, cutoff: u64) {
        while self.recent.front().is_some_and(|r| r.at < cutoff) {
            self.recent.pop_front();
        }
        self.shown.retain(|_, times| {
            times
                .back()
                .is_some_and(|&at| at.saturating_add(AGENT_RATE_WINDOW_MS) > cutoff)
        });
    }
}
