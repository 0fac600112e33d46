//! The hub's side of HTTP agents (`crate::agents`): they join rooms as members, as
//! IRC users do, and IRC users of this bridge see them as they see room peers (JOIN,
//! PRIVMSG, PART, NAMES), since the room never echoes its own members to each other.

use party_core::agent_feed::Feed;
use party_core::ids::{MessageId, PeerId, RoomName};
use party_core::invite::Invite;
use party_core::secret::AgentSecret;
use party_core::{ChatMessage, LocalPeer, RoomEvent, SendError};
use serde_json::{json, Value};
use tokio::sync::mpsc::UnboundedSender;

use crate::agents::{Frame, Session};
use crate::irc::line::build;
use crate::irc::names::channel_of;
use crate::rooms::{JoinError, MemberId};

use super::messages::peer_prefix;
use super::Hub;

/// Why an HTTP agent's request was refused.
#[derive(Debug)]
pub enum AgentError {
    /// No open event stream for this agent in this room.
    NotInRoom,
    /// A `clientMsgId` already used.
    Duplicate,
    Join(JoinError),
    NoRandomness(String),
    Send(SendError),
}

impl std::fmt::Display for AgentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentError::NotInRoom => f.write_str(
                "open the room's event stream first: an agent speaks only in a room it is in",
            ),
            AgentError::Duplicate => {
                f.write_str("this clientMsgId was already used: nothing was sent again")
            }
            AgentError::Join(err) => write!(f, "cannot join the room: {err}"),
            AgentError::NoRandomness(err) => write!(f, "cannot join the room: {err}"),
            AgentError::Send(err) => err.fmt(f),
        }
    }
}

/// What the contract says about speaking over HTTP.
fn http_input(room: &RoomName) -> Value {
    json!({
        "messages": format!("POST /rooms/{room}/messages {{\"text\":\"…\",\"re\":\"<id, optional>\",\"clientMsgId\":\"<optional>\"}}"),
        "drafts": format!("POST /rooms/{room}/drafts {{\"text\":\"…\",\"re\":\"<id, optional>\",\"clientMsgId\":\"<optional>\"}}"),
        "working": format!("POST /rooms/{room}/working (no body): peers see you are working on an answer"),
        "auth": "Authorization: Bearer <agent secret>",
        "invite": "X-Party-Invite: <code> on the event stream takes up a person's invite",
    })
}

impl Hub {
    /// Agent `secret` opens `room`'s event stream: it joins the room (a stream it had
    /// there before is closed), and its first events are the contract and the room's
    /// recent history.
    pub fn agent_open(
        &mut self,
        room: RoomName,
        secret: &AgentSecret,
        invite: Option<Invite>,
        tx: UnboundedSender<Frame>,
        now_ms: u64,
    ) -> Result<MemberId, AgentError> {
        let handle = secret.handle();
        if let Some(old) = self.agents.find(&room, &handle) {
            self.agent_close(old, now_ms);
        }
        let peer_id = PeerId::from_bytes(self.draw().map_err(AgentError::NoRandomness)?);
        let id = self.next_id;
        self.next_id += 1;
        let random = self.random.as_mut();
        let events = self
            .rooms
            .join(
                now_ms,
                &room,
                id,
                LocalPeer::agent(secret, peer_id.clone()),
                || super::draw(random).map(u64::from_le_bytes),
            )
            .map_err(AgentError::Join)?;
        let Some(joined) = self.rooms.get(&room) else {
            return Err(AgentError::NotInRoom);
        };
        let state = joined.room();
        let Some(feed) = Feed::new(state, peer_id.clone()) else {
            return Err(AgentError::NotInRoom);
        };
        let contract =
            serde_json::to_value(feed.contract(state, http_input(&room))).unwrap_or(Value::Null);
        let history: Vec<_> = state.history().iter().cloned().collect();
        let session = Session::new(room.clone(), peer_id.clone(), handle.clone(), feed, tx);
        session.send(Frame::of(contract));
        session.send(Frame::of(json!({"event": "history", "messages": history})));
        self.agents.add(id, session);
        let join = build(
            &peer_prefix(handle.as_str()),
            "JOIN",
            &[&channel_of(&room)],
            None,
        );
        let members = self.members_of(&room);
        self.fan_out(&members, &join, Default::default());
        self.show(&room, events, now_ms);
        // The invite the agent came with: taken up now that it is in the room.
        if let Some(invite) = invite {
            match self.rooms.accept_invite(now_ms, &room, &peer_id, invite) {
                Ok(events) => self.show(&room, events, now_ms),
                Err(err) => {
                    if let Some(session) = self.agents.get_mut(id) {
                        session.send(Frame::of(json!({
                            "event": "refused",
                            "code": "invite",
                            "reason": err.to_string(),
                        })));
                    }
                }
            }
        }
        Ok(id)
    }

    /// Agent session `id`'s stream is gone: it leaves its room.
    pub fn agent_close(&mut self, id: MemberId, now_ms: u64) {
        let Some(session) = self.agents.remove(id) else {
            return;
        };
        let events = self
            .rooms
            .leave(now_ms, &session.room, id, &session.peer_id);
        let part = build(
            &peer_prefix(session.handle.as_str()),
            "PART",
            &[&channel_of(&session.room)],
            Some("left the room"),
        );
        let members = self.members_of(&session.room);
        self.fan_out(&members, &part, Default::default());
        self.show(&session.room, events, now_ms);
    }

    /// Agent `secret` says (or, `draft`, drafts for its owner) `text` in `room`.
    #[allow(clippy::too_many_arguments)]
    pub fn agent_say(
        &mut self,
        room: &RoomName,
        secret: &AgentSecret,
        text: &str,
        re: Option<&MessageId>,
        client_msg_id: Option<&str>,
        draft: bool,
        now_ms: u64,
    ) -> Result<Value, AgentError> {
        let id = self.agent_in(room, secret)?;
        let session = self.agents.get_mut(id).ok_or(AgentError::NotInRoom)?;
        session
            .remember(client_msg_id)
            .map_err(|_| AgentError::Duplicate)?;
        let peer_id = session.peer_id.clone();
        if draft {
            let events = self
                .rooms
                .draft(now_ms, room, &peer_id, text, re)
                .map_err(AgentError::Send)?;
            let drafted = events.iter().find_map(|e| match e {
                RoomEvent::Draft { message, .. } => Some(message.id.clone()),
                _ => None,
            });
            return Ok(json!({"id": drafted, "clientMsgId": client_msg_id, "draft": true}));
        }
        let chat = self
            .rooms
            .say(now_ms, room, &peer_id, text, re)
            .map_err(AgentError::Send)?;
        if let Some(session) = self.agents.get_mut(id) {
            session.sent(chat.id.clone());
        }
        // IRC users and other agents here see it now: the room does not echo its
        // own members to each other.
        let members = self.members_of(room);
        let prefix = peer_prefix(chat.handle.as_str());
        self.deliver_text(room, &members, &prefix, "PRIVMSG", &chat, true);
        self.show_to_agents(room, &chat, now_ms);
        Ok(json!({"id": chat.id, "clientMsgId": client_msg_id, "draft": false}))
    }

    /// Agent `secret` is working on an answer in `room`: peers show it for a while.
    pub fn agent_working(
        &mut self,
        room: &RoomName,
        secret: &AgentSecret,
        now_ms: u64,
    ) -> Result<Value, AgentError> {
        let id = self.agent_in(room, secret)?;
        let peer_id = self
            .agents
            .get_mut(id)
            .map(|s| s.peer_id.clone())
            .ok_or(AgentError::NotInRoom)?;
        let events = self.rooms.working(now_ms, room, &peer_id);
        self.show(room, events, now_ms);
        Ok(json!({"working": true}))
    }

    /// A message one of our members said in `room`, for the HTTP agents there (the
    /// room reports it to nobody of ours).
    pub(super) fn show_to_agents(&mut self, room: &RoomName, chat: &ChatMessage, now_ms: u64) {
        self.tell_agents(room, &[RoomEvent::Message(chat.clone())], now_ms);
    }

    /// What `room` reported, for the HTTP agents in it; those whose stream is gone
    /// leave.
    pub(super) fn tell_agents(&mut self, room: &RoomName, events: &[RoomEvent], now_ms: u64) {
        if self.agents.is_empty() {
            return;
        }
        let gone = match self.rooms.get(room) {
            Some(joined) => self.agents.show(room, joined.room(), events),
            None => Vec::new(),
        };
        for id in gone {
            self.agent_close(id, now_ms);
        }
    }

    /// The session of agent `secret` in `room`.
    fn agent_in(&self, room: &RoomName, secret: &AgentSecret) -> Result<MemberId, AgentError> {
        self.agents
            .find(room, &secret.handle())
            .ok_or(AgentError::NotInRoom)
    }
}
