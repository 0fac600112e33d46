//! Agents that reach rooms over HTTP (the `--http` listener): one session per agent
//! and room, a member of the room like an IRC user, whose events go out as
//! Server-Sent Events rather than IRC lines. Nothing here knows IRC or HTTP: the
//! listener (`crate::http`) turns frames into SSE bytes and requests into calls.

use std::collections::{HashMap, HashSet, VecDeque};

use party_core::agent_feed::Feed;
use party_core::ids::{Handle, MessageId, PeerId, RoomName};
use party_core::{Room, RoomEvent};
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use crate::rooms::MemberId;

/// Client message ids one session remembers, to refuse a repeat (409).
pub const CLIENT_IDS_REMEMBERED: usize = 1_024;

/// One Server-Sent Event: its name and its JSON data.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub event: String,
    pub data: Value,
}

impl Frame {
    /// A frame named after the value's own `event` when it is one an agent acts on;
    /// every other room event is `system` (its `data` still says which).
    pub fn of(data: Value) -> Frame {
        const OWN_NAMES: [&str; 8] = [
            "contract", "history", "message", "mention", "forward", "mode", "approved", "refused",
        ];
        let event = data["event"]
            .as_str()
            .filter(|name| OWN_NAMES.contains(name))
            .unwrap_or("system")
            .to_owned();
        Frame { event, data }
    }

    /// The SSE wire form: `event: <name>` and one `data:` line.
    pub fn to_sse(&self) -> String {
        format!("event: {}\ndata: {}\n\n", self.event, self.data)
    }
}

/// An agent connected over HTTP, in one room.
pub struct Session {
    pub room: RoomName,
    pub peer_id: PeerId,
    pub handle: Handle,
    feed: Feed,
    /// Where its events go; closed when its stream is gone.
    tx: UnboundedSender<Frame>,
    client_ids: VecDeque<String>,
    /// Our own messages, so only their deliveries reach this agent.
    sent: HashSet<MessageId>,
}

/// Why a send was refused before it reached the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate;

impl Session {
    pub fn new(
        room: RoomName,
        peer_id: PeerId,
        handle: Handle,
        feed: Feed,
        tx: UnboundedSender<Frame>,
    ) -> Self {
        Session {
            room,
            peer_id,
            handle,
            feed,
            tx,
            client_ids: VecDeque::new(),
            sent: HashSet::new(),
        }
    }

    /// Sends one frame; false once the stream is gone.
    pub fn send(&self, frame: Frame) -> bool {
        self.tx.send(frame).is_ok()
    }

    pub fn feed(&self) -> &Feed {
        &self.feed
    }

    /// Takes `client_msg_id` if it is new for this session.
    pub fn remember(&mut self, client_msg_id: Option<&str>) -> Result<(), Duplicate> {
        let Some(id) = client_msg_id else {
            return Ok(());
        };
        if self.client_ids.iter().any(|seen| seen == id) {
            return Err(Duplicate);
        }
        if self.client_ids.len() == CLIENT_IDS_REMEMBERED {
            self.client_ids.pop_front();
        }
        self.client_ids.push_back(id.to_owned());
        Ok(())
    }

    /// One of our messages, whose deliveries this agent is told of.
    pub fn sent(&mut self, id: MessageId) {
        if self.sent.len() == CLIENT_IDS_REMEMBERED {
            self.sent.clear();
        }
        self.sent.insert(id);
    }
}

/// Every HTTP agent, by member id.
#[derive(Default)]
pub struct Agents {
    sessions: HashMap<MemberId, Session>,
}

impl Agents {
    pub fn add(&mut self, id: MemberId, session: Session) {
        self.sessions.insert(id, session);
    }

    pub fn remove(&mut self, id: MemberId) -> Option<Session> {
        self.sessions.remove(&id)
    }

    pub fn get_mut(&mut self, id: MemberId) -> Option<&mut Session> {
        self.sessions.get_mut(&id)
    }

    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// The session of agent `handle` in `room`, if it has one.
    pub fn find(&self, room: &RoomName, handle: &Handle) -> Option<MemberId> {
        self.sessions
            .iter()
            .find(|(_, s)| s.room == *room && s.handle == *handle)
            .map(|(id, _)| *id)
    }

    /// What `room` reported, for each agent in it, as its feed reads it. Returns the
    /// sessions whose stream is gone (to be closed by the caller).
    pub fn show(&mut self, room: &RoomName, state: &Room, events: &[RoomEvent]) -> Vec<MemberId> {
        let mut gone = Vec::new();
        for (id, session) in self.sessions.iter_mut().filter(|(_, s)| s.room == *room) {
            let mine: Vec<RoomEvent> = events
                .iter()
                .filter(|e| match e {
                    RoomEvent::Delivery { id: message, .. } => session.sent.contains(message),
                    _ => true,
                })
                .cloned()
                .collect();
            for value in session.feed.events(state, mine) {
                if !session.send(Frame::of(value)) {
                    gone.push(*id);
                    break;
                }
            }
        }
        gone
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_events_an_agent_does_not_act_on_are_system_events() {
        let frame = Frame::of(serde_json::json!({"event": "peer-joined", "handle": "x"}));
        assert_eq!(frame.event, "system");
        assert_eq!(frame.data["event"], "peer-joined");
    }

    #[test]
    fn a_frame_is_one_sse_event_named_after_its_json() {
        let frame = Frame::of(serde_json::json!({"event": "mention", "text": "a\nb"}));
        assert_eq!(frame.event, "mention");
        assert_eq!(
            frame.to_sse(),
            "event: mention\ndata: {\"event\":\"mention\",\"text\":\"a\\nb\"}\n\n"
        );
    }
}
