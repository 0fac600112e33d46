//! What a room page lists: chat messages and notices, in time order, bounded, grouped
//! by sender. The room decides what happened (`RoomEvent`); this decides what a
//! person reads about it, so the browser keeps only the drawing, and the rules (which
//! joins are news, whose lines group together) are tested natively.

mod notice;
#[cfg(test)]
mod tests;
pub mod text;

pub use notice::Notice;

use std::collections::BTreeMap;

use crate::ids::{Handle, MessageId, PeerId};
use crate::limits::{HISTORY_MAX_MESSAGES, PRESENCE_SETTLE_MS};
use crate::policy::{Policy, SanctionKind};
use crate::room::{ChatMessage, Delivery, RoomEvent, Trust};

/// Consecutive messages of one sender closer than this share one header (avatar,
/// name, time), as chat apps group them.
pub const GROUP_GAP_MS: u64 = 5 * 60_000;

/// A connection that comes and goes within this long (a one-shot `party send`, a
/// tab opened and closed) is not announced at all: its message, if any, says enough.
pub const BRIEF_VISIT_MS: u64 = 5_000;

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Chat(ChatMessage),
    Notice { seq: u64, t: u64, notice: Notice },
}

impl Line {
    pub fn t(&self) -> u64 {
        match self {
            Line::Chat(message) => message.t,
            Line::Notice { t, .. } => *t,
        }
    }
}

/// A line as drawn: with whether it opens a group of one sender's messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub line: Line,
    /// A chat line that shows its sender's header (the first of a run).
    pub starts_group: bool,
    /// Our own message's delivery (`None`: someone else's, or sent before this page).
    pub delivery: Option<Delivery>,
}

impl Row {
    /// Changes whenever the row must be redrawn: a verified copy replacing the
    /// unverified one, or the row starting or joining a group.
    pub fn key(&self) -> String {
        match &self.line {
            Line::Chat(message) => format!(
                "m/{}/{:?}/{}/{}/{:?}",
                message.id, message.trust, message.history, self.starts_group, self.delivery
            ),
            Line::Notice { seq, .. } => format!("n/{seq}"),
        }
    }
}

/// The log of one room, as `me` sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    me: Handle,
    lines: Vec<Line>,
    next_seq: u64,
    /// Where our own messages stand, by id.
    deliveries: BTreeMap<MessageId, Delivery>,
    /// Joins reported before this are people who were already here when we came
    /// (or came back): the peer list shows them, the log does not announce them.
    settle_until: u64,
    /// We have been live in this room before (the next `Live` is a return).
    entered: bool,
    /// Who is writing, by connection: their handle and until when to say so.
    typing: BTreeMap<PeerId, (Handle, u64)>,
    /// Messages the room's rules held back, and the latest reason.
    hidden: u64,
    last_hidden: Option<String>,
    description: Option<String>,
    policy: Option<Policy>,
    /// Handles the host muted, until when.
    muted: BTreeMap<Handle, u64>,
    /// Our agents' drafts, waiting for our decision.
    drafts: Vec<ChatMessage>,
}

impl Timeline {
    /// The log of a room we are in as `me`.
    pub fn new(me: Handle) -> Self {
        Self {
            me,
            lines: Vec::new(),
            next_seq: 0,
            deliveries: BTreeMap::new(),
            settle_until: 0,
            entered: false,
            typing: BTreeMap::new(),
            hidden: 0,
            last_hidden: None,
            description: None,
            policy: None,
            muted: BTreeMap::new(),
            drafts: Vec::new(),
        }
    }

    /// Our agents' drafts waiting for our Approve or Reject, oldest first.
    pub fn drafts(&self) -> &[ChatMessage] {
        &self.drafts
    }

    /// A draft was decided on (approved or rejected): no longer waiting.
    pub fn drop_draft(&mut self, id: &MessageId) {
        self.drafts.retain(|d| d.id != *id);
    }

    /// Whether the host has `handle` muted at `now` (the host's view offers Unmute).
    pub fn is_muted(&self, handle: &Handle, now: u64) -> bool {
        self.muted.get(handle).is_some_and(|&until| until > now)
    }

    /// Messages held back by the room's rules so far, and why the latest was: what a
    /// page shows ("3 messages hidden by the room's rules"), so nothing is lost
    /// without a word.
    pub fn hidden(&self) -> (u64, Option<&str>) {
        (self.hidden, self.last_hidden.as_deref())
    }

    /// The host's description of the room, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The host's rules for agents, once the host has set them.
    pub fn policy(&self) -> Option<&Policy> {
        self.policy.as_ref()
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The lines with their grouping, oldest first.
    pub fn rows(&self) -> Vec<Row> {
        let mut previous: Option<&Line> = None;
        self.lines
            .iter()
            .map(|line| {
                let starts_group = match (previous, line) {
                    (Some(Line::Chat(before)), Line::Chat(message)) => !same_group(before, message),
                    (_, Line::Chat(_)) => true,
                    (_, Line::Notice { .. }) => false,
                };
                previous = Some(line);
                let delivery = match line {
                    Line::Chat(message) => self.deliveries.get(&message.id).copied(),
                    Line::Notice { .. } => None,
                };
                Row {
                    line: line.clone(),
                    starts_group,
                    delivery,
                }
            })
            .collect()
    }

    /// Takes one room event into the log at `now`. A rejection is not for the log:
    /// its reason is handed back (the page counts them).
    pub fn apply(&mut self, event: RoomEvent, now: u64) -> Option<String> {
        match event {
            RoomEvent::Message(message) => {
                self.drop_draft(&message.id);
                self.typing.remove(&message.from);
                self.upsert_message(message);
            }
            RoomEvent::Typing { peer, until } => {
                if !self.is_me(&peer.handle) {
                    self.typing.insert(peer.peer_id, (peer.handle, until));
                }
            }
            RoomEvent::PeerJoined { peer } => {
                if !self.is_me(&peer.handle) && now >= self.settle_until {
                    self.notice(
                        now,
                        Notice::Joined {
                            handle: peer.handle,
                        },
                    );
                }
            }
            RoomEvent::PeerLeft { peer, reason } => {
                self.typing.remove(&peer.peer_id);
                if !self.is_me(&peer.handle) && !self.forget_brief_visit(&peer.handle, now) {
                    self.notice(
                        now,
                        Notice::Left {
                            handle: peer.handle,
                            reason,
                        },
                    );
                }
            }
            RoomEvent::HostPresent { host, verified } => {
                if !self.is_me(&host) {
                    self.notice(
                        now,
                        match verified {
                            true => Notice::HostHere { host },
                            false => Notice::HostUnverified { host },
                        },
                    );
                }
            }
            RoomEvent::HostAway { host, .. } => {
                if !self.is_me(&host) {
                    self.notice(now, Notice::HostAway { host });
                }
            }
            RoomEvent::KeyMismatch {
                handle,
                received_key,
                ..
            } => self.notice(
                now,
                Notice::Impostor {
                    handle,
                    signed: received_key.is_some(),
                },
            ),
            RoomEvent::KeyConflict { handle, keys, .. } => {
                self.contest(&handle);
                self.notice(
                    now,
                    Notice::Contested {
                        handle,
                        keys: keys.len(),
                    },
                );
            }
            RoomEvent::Rejected { reason, .. } => return Some(reason),
            RoomEvent::Held { hidden, why, .. } => {
                self.hidden = hidden;
                self.last_hidden = Some(why);
            }
            RoomEvent::Policy { policy, .. } => {
                self.policy = Some(policy);
                self.notice(now, Notice::Policy { policy });
            }
            RoomEvent::Sanction {
                handle,
                kind,
                until,
                is_self,
                ..
            } => {
                if kind == SanctionKind::Mute {
                    match until {
                        Some(until) => self.muted.insert(handle.clone(), until),
                        None => self.muted.remove(&handle),
                    };
                }
                self.notice(
                    now,
                    Notice::Sanction {
                        handle,
                        kind,
                        until,
                        is_self,
                    },
                )
            }
            RoomEvent::Draft { message, .. } => {
                if !self.is_me(&message.handle) && !self.drafts.iter().any(|d| d.id == message.id) {
                    self.drafts.push(message);
                }
            }
            // For the agent's own runtime: nothing to show on a page.
            RoomEvent::Forwarded { .. } => {}
            RoomEvent::Grant {
                agent,
                owner,
                level,
                ..
            } => self.notice(
                now,
                Notice::Grant {
                    agent,
                    owner,
                    level,
                },
            ),
            RoomEvent::Description { text, .. } => {
                self.description = text.clone();
                self.notice(now, Notice::Description { text });
            }
            RoomEvent::Delivery { id, status, .. } => self.deliver(id, status),
            RoomEvent::Live { offline_since, .. } => {
                self.settle_until = now.saturating_add(PRESENCE_SETTLE_MS);
                match (self.entered, offline_since) {
                    (true, Some(from)) => self.notice(now, Notice::Offline { from, to: now }),
                    (true, None) => {}
                    (false, _) => self.notice(
                        now,
                        Notice::YouJoined {
                            handle: self.me.clone(),
                        },
                    ),
                }
                self.entered = true;
            }
        }
        None
    }

    /// Who is writing at `now`, each handle once, in handle order.
    pub fn typing(&self, now: u64) -> Vec<Handle> {
        let mut handles: Vec<Handle> = self
            .typing
            .values()
            .filter(|(_, until)| now < *until)
            .map(|(handle, _)| handle.clone())
            .collect();
        handles.sort();
        handles.dedup();
        handles
    }

    /// The line under the composer: who is writing (people) and which agents are
    /// working on an answer, at `now`.
    pub fn typing_line(&self, now: u64) -> Option<String> {
        let (agents, people): (Vec<Handle>, Vec<Handle>) =
            self.typing(now).into_iter().partition(Handle::is_bot);
        let say = |who: &[Handle], one: &str, many: &str| match who {
            [] => None,
            [a] => Some(format!("{a} {one}")),
            [a, b] => Some(format!("{a} and {b} {many}")),
            [a, rest @ ..] => Some(format!("{a} and {} others {many}", rest.len())),
        };
        let parts: Vec<String> = [
            say(&people, "is typing…", "are typing…"),
            say(
                &agents,
                "is working on an answer…",
                "are working on answers…",
            ),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(" · "))
    }

    /// When the next "is typing" runs out, if any is shown.
    pub fn typing_expires(&self, now: u64) -> Option<u64> {
        self.typing
            .values()
            .map(|(_, until)| *until)
            .filter(|until| *until > now)
            .min()
    }

    /// Where our own message `id` stands, if it is one.
    pub fn delivery(&self, id: &MessageId) -> Option<Delivery> {
        self.deliveries.get(id).copied()
    }

    fn deliver(&mut self, id: MessageId, status: Delivery) {
        if status == Delivery::Retried {
            self.lines
                .retain(|line| !matches!(line, Line::Chat(m) if m.id == id));
            self.deliveries.remove(&id);
            return;
        }
        self.deliveries.insert(id, status);
    }

    /// `handle` is leaving: if its "joined" is its latest notice and only just
    /// written, both go unsaid (see `BRIEF_VISIT_MS`).
    fn forget_brief_visit(&mut self, handle: &Handle, now: u64) -> bool {
        let latest = self.lines.iter().rposition(
            |line| matches!(line, Line::Notice { notice, .. } if notice.handle() == Some(handle)),
        );
        let Some(index) = latest else {
            return false;
        };
        let brief = matches!(
            &self.lines[index],
            Line::Notice { t, notice: Notice::Joined { .. }, .. } if now.saturating_sub(*t) <= BRIEF_VISIT_MS
        );
        if brief {
            self.lines.remove(index);
        }
        brief
    }

    fn is_me(&self, handle: &Handle) -> bool {
        *handle == self.me
    }

    /// Adds `message`, or replaces the line with the same id; replayed history lands
    /// at its place in time rather than below newer live lines.
    fn upsert_message(&mut self, message: ChatMessage) {
        let existing = self
            .lines
            .iter()
            .rposition(|line| matches!(line, Line::Chat(m) if m.id == message.id));
        match existing {
            Some(index) => self.lines[index] = Line::Chat(message),
            None => self.insert(Line::Chat(message)),
        }
    }

    /// Two keys claim `handle` and neither can be told to be real: every message
    /// shown under it, earlier ones included, is marked contested.
    fn contest(&mut self, handle: &Handle) {
        for line in &mut self.lines {
            if let Line::Chat(message) = line {
                if message.handle == *handle && message.trust != Trust::Impostor {
                    message.trust = Trust::Contested;
                    message.verified = false;
                }
            }
        }
    }

    fn notice(&mut self, t: u64, notice: Notice) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.insert(Line::Notice { seq, t, notice });
    }

    /// Keeps lines in time order and at most `HISTORY_MAX_MESSAGES` of them: a page
    /// never holds more than a newcomer could be replayed.
    fn insert(&mut self, line: Line) {
        let at = self
            .lines
            .partition_point(|existing| existing.t() <= line.t());
        self.lines.insert(at, line);
        if self.lines.len() > HISTORY_MAX_MESSAGES {
            let excess = self.lines.len() - HISTORY_MAX_MESSAGES;
            for line in self.lines.drain(..excess) {
                if let Line::Chat(message) = line {
                    self.deliveries.remove(&message.id);
                }
            }
        }
    }
}

/// Whether `message` goes under `before`'s header: the same sender, as trusted, in
/// the same stream (live or replayed), and soon after.
fn same_group(before: &ChatMessage, message: &ChatMessage) -> bool {
    before.handle == message.handle
        && before.from == message.from
        && before.trust == message.trust
        && before.history == message.history
        && message.t.saturating_sub(before.t) < GROUP_GAP_MS
}
