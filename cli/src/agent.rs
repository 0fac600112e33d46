//! `party agent`: an agent session in one room, as JSON lines both ways.
//!
//! Stdout starts with the contract (the room, who the agent is, the level it speaks
//! at, the room's rules and what to respond to), then carries what happens: `message`
//! and `mention` (a message that calls this agent in), `policy` and `mode` (the
//! agent's level changed), `accepted` and `refused` for what it asked to send, and
//! the room's other events as `party listen` prints them. Stdin takes one command
//! per line: `{"type":"send","text":…,"re":…,"clientMsgId":…}` and
//! `{"type":"working"}`. The room's rules are kept before anything is sent, and a
//! refusal says why; stdin's end leaves the room.

use std::collections::VecDeque;

use party_core::agent_feed::Feed;
use party_core::ids::{Handle, MessageId};
use party_core::invite::Invite;
use party_core::policy::{Level, Policy};
use party_core::room::{Delivery, SendError};
use party_core::{HostAction, RoomEvent};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::args::AgentArgs;
use crate::error::CliError;
use crate::identity;
use crate::output;
use crate::session::{Halt, Session, Signals, Stop};
use party_link::clock;

/// Client message ids remembered to refuse a repeat (a retrying agent).
const CLIENT_IDS_REMEMBERED: usize = 1_024;

/// The contract's `input`: the commands `party agent` takes on stdin.
fn input() -> Value {
    json!({
        "send": {"type": "send", "text": "…", "re": "<id of the message answered, optional>", "clientMsgId": "<your id, optional>"},
        "draft": {"type": "draft", "text": "…", "re": "<id, optional>", "clientMsgId": "<optional>"},
        "working": {"type": "working"},
        "host": [
            {"type": "policy", "ceiling": "off|draft|called|free|unleashed", "rate": "1-60 (optional)", "hops": "1-50"},
            {"type": "kick", "handle": "…", "minutes": "optional"},
            {"type": "mute", "handle": "…", "minutes": 0},
            {"type": "describe", "text": "…"},
        ],
    })
}

/// What an agent asks for on stdin.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
enum Command {
    Send {
        text: String,
        #[serde(default)]
        re: Option<MessageId>,
        #[serde(default, rename = "clientMsgId")]
        client_msg_id: Option<String>,
    },
    /// A draft for the agent's owner to approve (or drop).
    Draft {
        text: String,
        #[serde(default)]
        re: Option<MessageId>,
        #[serde(default, rename = "clientMsgId")]
        client_msg_id: Option<String>,
    },
    /// The agent is working on an answer: peers show it for a few seconds.
    Working,
    /// The host's rules for agents (only in the agent's own room).
    Policy {
        ceiling: Level,
        #[serde(default)]
        rate: Option<u64>,
        hops: u64,
    },
    /// The host sends a handle away (`minutes` 0 lets it back).
    Kick {
        handle: Handle,
        #[serde(default)]
        minutes: Option<u64>,
    },
    /// The host silences a handle for `minutes` (0 lifts it).
    Mute { handle: Handle, minutes: u64 },
    /// The host says what its room is for (empty clears it).
    Describe { text: String },
}

pub fn run(args: AgentArgs) -> Result<(), CliError> {
    let secret = identity::import_secret(&args.secret.secret)?;
    let invite = args
        .invite
        .as_deref()
        .map(Invite::parse)
        .transpose()
        .map_err(|err| CliError::input(format!("--invite: {err}")))?;
    crate::runtime()?.block_on(async move {
        let mut session = Session::open(args.room.clone(), &secret, args.broker.broker)?;
        let me = session.room().me().peer_id().clone();
        let feed = Feed::new(session.room(), me)
            .ok_or_else(|| CliError::runtime("the agent is not a member of its own room"))?;
        let mut agent = Agent {
            feed,
            client_ids: VecDeque::new(),
            invite,
        };
        output::emit(&agent.feed.contract(session.room(), input()))?;
        let mut signals = Signals::install()?;
        let mut stdin = BufReader::new(tokio::io::stdin()).lines();
        let stop = loop {
            let step: Result<(), Halt> = tokio::select! {
                events = session.next() => match events {
                    Ok(events) => agent.show(&mut session, events),
                    Err(err) => Err(Halt::Fail(err)),
                },
                line = stdin.next_line() => match line {
                    Ok(Some(line)) => agent.command(&mut session, &line),
                    Ok(None) => Err(Halt::Stop(Stop::InputClosed)),
                    Err(err) => Err(Halt::Fail(CliError::runtime(format!("cannot read stdin: {err}")))),
                },
                stop = signals.recv() => Err(Halt::Stop(stop)),
            };
            match step {
                Ok(()) => {}
                Err(Halt::Stop(stop)) => break stop,
                Err(Halt::Fail(err)) => return Err(err),
            }
        };
        session.finish(stop).await;
        Ok(())
    })
}

struct Agent {
    feed: Feed,
    client_ids: VecDeque<String>,
    /// The invite to take up once the room is live.
    invite: Option<Invite>,
}

impl Agent {
    /// The room's events as the agent reads them; the invite is taken up once live.
    fn show(&mut self, session: &mut Session, events: Vec<RoomEvent>) -> Result<(), Halt> {
        let live = events.iter().any(|e| matches!(e, RoomEvent::Live { .. }));
        for value in self.feed.events(session.room(), events) {
            output::emit(&value)?;
        }
        // Only once live: the invite is kept until then.
        let invite = if live { self.invite.take() } else { None };
        if let Some(invite) = invite {
            let now = clock::now_ms();
            let me = session.room().me().peer_id().clone();
            match session.act(|c| c.accept_invite(now, &me, invite)) {
                Ok(events) => self.show(session, events)?,
                Err(err) => refuse(None, "invite", &err.to_string())?,
            }
        }
        Ok(())
    }

    fn command(&mut self, session: &mut Session, line: &str) -> Result<(), Halt> {
        if line.trim().is_empty() {
            return Ok(());
        }
        let command: Command = match serde_json::from_str(line) {
            Ok(command) => command,
            Err(err) => {
                output::emit(&json!({
                    "event": "error",
                    "reason": format!("not a command: {err}; see the contract's `input`"),
                }))?;
                return Ok(());
            }
        };
        let now = clock::now_ms();
        let host_action = match command {
            Command::Working => {
                session.typing(now);
                return Ok(());
            }
            Command::Policy {
                ceiling,
                rate,
                hops,
            } => match Policy::from_wire(ceiling, rate, hops) {
                Ok(policy) => HostAction::Policy(policy),
                Err(err) => return refuse(None, "policy", &err.to_string()),
            },
            Command::Kick { handle, minutes } => HostAction::Kick {
                handle,
                for_ms: minutes.map(|m| m.saturating_mul(60_000)),
            },
            Command::Mute { handle, minutes } => HostAction::Mute {
                handle,
                for_ms: minutes.saturating_mul(60_000),
            },
            Command::Describe { text } => HostAction::Describe(text),
            Command::Send {
                text,
                re,
                client_msg_id,
            } => return self.send(session, now, text, re, client_msg_id, false),
            Command::Draft {
                text,
                re,
                client_msg_id,
            } => return self.send(session, now, text, re, client_msg_id, true),
        };
        match session.act(|c| c.host_action(now, host_action)) {
            Ok(events) => self.show(session, events),
            Err(err) => refuse(None, "host", &err.to_string()),
        }
    }

    fn send(
        &mut self,
        session: &mut Session,
        now: u64,
        text: String,
        re: Option<MessageId>,
        client_msg_id: Option<String>,
        draft: bool,
    ) -> Result<(), Halt> {
        if let Some(id) = &client_msg_id {
            if self.client_ids.contains(id) {
                return refuse(
                    client_msg_id.as_deref(),
                    "duplicate",
                    "this clientMsgId was already used: nothing was sent again",
                );
            }
            if self.client_ids.len() == CLIENT_IDS_REMEMBERED {
                self.client_ids.pop_front();
            }
            self.client_ids.push_back(id.clone());
        }
        let sent = session.act(|c| match (&re, draft) {
            (re, true) => {
                let me = c.room().me().peer_id().clone();
                c.send_draft(now, &me, &text, re.as_ref())
            }
            (Some(re), false) => c.send_reply(now, &text, re),
            (None, false) => c.send_text(now, &text),
        });
        let events = match sent {
            Ok(events) => events,
            Err(err) => {
                let code = match &err {
                    SendError::Held(_) => "held",
                    SendError::Credential(_) => "credential",
                    SendError::Text(_) => "text",
                    SendError::Offline => "offline",
                    SendError::NoOwner => "no-owner",
                    _ => "refused",
                };
                return refuse(client_msg_id.as_deref(), code, &err.to_string());
            }
        };
        for event in events {
            match event {
                RoomEvent::Message(chat) | RoomEvent::Draft { message: chat, .. } => {
                    output::emit(&json!({
                        "event": "accepted",
                        "clientMsgId": client_msg_id,
                        "id": chat.id,
                        "draft": draft,
                    }))?
                }
                RoomEvent::Delivery {
                    status: Delivery::Pending,
                    ..
                } => {}
                other => output::emit(&other)?,
            }
        }
        Ok(())
    }
}

fn refuse(client_msg_id: Option<&str>, code: &str, reason: &str) -> Result<(), Halt> {
    output::emit(&json!({
        "event": "refused",
        "clientMsgId": client_msg_id,
        "code": code,
        "reason": reason,
    }))?;
    Ok(())
}
