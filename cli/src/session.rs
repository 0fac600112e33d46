//! One agent in one room, over a live broker connection: what `party listen`,
//! `party agent` and a `party send` into a host's room share.
//!
//! Core's `Connection` decides everything about the room and its broker session; a
//! session only moves bytes between it and the broker, arms its next deadline as a
//! timer, and hands the room's events to its command. Leaving says goodbye properly
//! (the MQTT Last Will covers the cases where we cannot).

use std::time::Duration;

use party_core::connection::{Connection, Incoming, LinkState, Will};
use party_core::ids::RoomName;
use party_core::secret::AgentSecret;
use party_core::{LocalPeer, Output, Room, RoomEvent};
use rumqttc::QoS;
use tokio::signal::unix::{signal, SignalKind};
use tokio::time::{sleep_until, Instant};

use crate::error::CliError;
use crate::output::{diag, EmitError};
use crate::random;
use party_link::clock;
use party_link::tuning::LEAVE_FLUSH_TIMEOUT_MS;
use party_link::BrokerUrl;
use party_link::{Link, LinkEvent};

pub struct Session {
    connection: Connection,
    link: Link,
    url: BrokerUrl,
}

impl Session {
    /// Enters `room` as the agent `secret` through the broker at `url`. Call inside
    /// the runtime: the broker link is a task of its own.
    pub fn open(room: RoomName, secret: &AgentSecret, url: BrokerUrl) -> Result<Self, CliError> {
        let peer = random::peer_id()?;
        let now = clock::now_ms();
        diag!(
            "joining room {room} on {url} as {} (peer {peer})",
            secret.handle()
        );
        let room = Room::new(
            room,
            LocalPeer::agent(secret, peer),
            now,
            random::entropy()?,
        );
        let mut connection = Connection::new(room, Will::Leave);
        // An agent's key is held here, so start's only output is the will, read back here.
        drop(connection.start(now));
        let will = connection.will().map(<[u8]>::to_vec).ok_or_else(|| {
            CliError::runtime("core prepared no Last Will for an agent's own key")
        })?;
        let link = Link::spawn(&url, connection.topic(), will)
            .map_err(|err| CliError::runtime(err.to_string()))?;
        Ok(Session {
            connection,
            link,
            url,
        })
    }

    pub fn room(&self) -> &Room {
        self.connection.room()
    }

    /// Waits for the next thing to happen (a broker event or a room timer) and returns
    /// the room events it led to; what the room asked of the broker is done. Cancel
    /// safe: nothing is lost if another branch of a `select!` wins.
    pub async fn next(&mut self) -> Result<Vec<RoomEvent>, CliError> {
        let deadline = self
            .connection
            .next_deadline()
            .map(|at| clock::instant_at(at, clock::now_ms()));
        let outputs = tokio::select! {
            event = self.link.events.recv() => match event {
                Some(event) => self.on_link_event(event)?,
                None => return Err(CliError::runtime("the broker connection stopped unexpectedly")),
            },
            () = sleep_until_some(deadline) => self.connection.tick(clock::now_ms()),
        };
        Ok(self.carry_out(outputs))
    }

    /// Does what core asked of the broker and returns the events among `outputs`.
    pub fn carry_out(&mut self, outputs: Vec<Output>) -> Vec<RoomEvent> {
        let mut events = Vec::new();
        for out in outputs {
            match out {
                Output::Event(event) => events.push(event),
                other => self.to_broker(other),
            }
        }
        events
    }

    /// Runs `act` on the connection (a send, say) and carries out what it asks.
    pub fn act<E>(
        &mut self,
        act: impl FnOnce(&mut Connection) -> Result<Vec<Output>, E>,
    ) -> Result<Vec<RoomEvent>, E> {
        let outputs = act(&mut self.connection)?;
        Ok(self.carry_out(outputs))
    }

    /// The agent is working on an answer (see `Connection::typing`).
    pub fn typing(&mut self, now_ms: u64) {
        let outputs = self.connection.typing(now_ms);
        // A typing notice reports nothing of its own.
        drop(self.carry_out(outputs));
    }

    fn on_link_event(&mut self, event: LinkEvent) -> Result<Vec<Output>, CliError> {
        let now = clock::now_ms();
        Ok(match event {
            LinkEvent::Connected => self.connection.connected(now),
            LinkEvent::Subscribed { granted } => {
                let outputs = self
                    .connection
                    .subscribed(now, granted)
                    .map_err(|err| CliError::runtime(format!("broker {}: {err}", self.url)))?;
                diag!("listening to {} on {}", self.connection.topic(), self.url);
                outputs
            }
            LinkEvent::Message(publish) => self.connection.receive(
                now,
                Incoming {
                    topic: &publish.topic,
                    retained: publish.retain,
                    payload: &publish.payload,
                },
            ),
            LinkEvent::Lost { reason, retry_in } => {
                let what = match self.connection.state() {
                    LinkState::Live => "lost the connection to",
                    _ => "cannot reach",
                };
                diag!(
                    "{what} broker {}: {reason}; retrying in {retry_in:?}",
                    self.url,
                );
                self.connection.lost(now)
            }
            LinkEvent::Refused(reason) => {
                return Err(CliError::runtime(format!("broker {}: {reason}", self.url)))
            }
            LinkEvent::Closed => {
                return Err(CliError::runtime(
                    "the broker connection closed unexpectedly",
                ))
            }
        })
    }

    /// Hands a broker request to the link. Publishes are QoS 0 like every Party
    /// client's; core only asks for them while the room is live.
    fn to_broker(&self, output: Output) {
        let client = &self.link.client;
        let queued = match output {
            Output::Publish { topic, payload } => {
                client.try_publish(topic, QoS::AtMostOnce, false, payload)
            }
            Output::Subscribe { topic } => client.try_subscribe(topic, QoS::AtMostOnce),
            Output::Will { payload, .. } => {
                self.link.set_will(payload);
                Ok(())
            }
            Output::Disconnect => client.try_disconnect(),
            // An agent's key is held here: core never asks this process to sign.
            Output::Sign(_) | Output::Event(_) => Ok(()),
        };
        if let Err(err) = queued {
            diag!("could not queue a request for the broker: {err}");
        }
    }

    /// Says goodbye: the leave envelope, then DISCONNECT (which also tells the broker
    /// not to send our Last Will, so peers see exactly one departure). Returns the
    /// room's last events.
    pub async fn leave(mut self) -> Vec<RoomEvent> {
        let outputs = self.connection.leave(clock::now_ms());
        let disconnecting = outputs.contains(&Output::Disconnect);
        let events = self.carry_out(outputs);
        if !disconnecting {
            return events;
        }
        let limit = Duration::from_millis(LEAVE_FLUSH_TIMEOUT_MS);
        let flushed = tokio::time::timeout(limit, async {
            while let Some(event) = self.link.events.recv().await {
                match event {
                    LinkEvent::Closed => return true,
                    LinkEvent::Lost { .. } | LinkEvent::Refused(_) => return false,
                    _ => {}
                }
            }
            false
        })
        .await;
        if flushed != Ok(true) {
            diag!("the leave may not have reached the broker; peers will see the Last Will");
        }
        events
    }

    /// Ends the session for `stop`: says why on stderr, leaves, and prints the room's
    /// last events (a closed stdout no longer matters then).
    pub async fn finish(self, stop: Stop) {
        stop.report();
        for event in self.leave().await {
            drop(crate::output::emit(&event));
        }
    }
}

/// Why a session's loop stops of its own accord.
pub enum Stop {
    Signal(&'static str),
    StdoutClosed,
    /// Stdin ended (`party agent`): the agent is done.
    InputClosed,
}

/// Why a step ended the loop: a normal stop, or a failure to report.
pub enum Halt {
    Stop(Stop),
    Fail(CliError),
}

impl From<CliError> for Halt {
    fn from(err: CliError) -> Self {
        Halt::Fail(err)
    }
}

impl From<EmitError> for Halt {
    fn from(err: EmitError) -> Self {
        match err {
            EmitError::Closed => Halt::Stop(Stop::StdoutClosed),
            other => Halt::Fail(other.into()),
        }
    }
}

/// SIGINT and SIGTERM, which end a session with a proper leave.
pub struct Signals {
    interrupt: tokio::signal::unix::Signal,
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    pub fn install() -> Result<Self, CliError> {
        Ok(Signals {
            interrupt: stop_signal(SignalKind::interrupt())?,
            terminate: stop_signal(SignalKind::terminate())?,
        })
    }

    /// Waits for either signal and names it.
    pub async fn recv(&mut self) -> Stop {
        tokio::select! {
            _ = self.interrupt.recv() => Stop::Signal("SIGINT"),
            _ = self.terminate.recv() => Stop::Signal("SIGTERM"),
        }
    }
}

impl Stop {
    pub fn report(&self) {
        match self {
            Stop::Signal(name) => diag!("{name}: leaving the room"),
            Stop::StdoutClosed => diag!("stdout was closed: leaving the room"),
            Stop::InputClosed => diag!("stdin ended: leaving the room"),
        }
    }
}

fn stop_signal(kind: SignalKind) -> Result<tokio::signal::unix::Signal, CliError> {
    signal(kind).map_err(|err| CliError::runtime(format!("cannot install a signal handler: {err}")))
}

/// Sleeps until `deadline`, or forever when core has nothing scheduled.
async fn sleep_until_some(deadline: Option<Instant>) {
    match deadline {
        Some(at) => sleep_until(at).await,
        None => std::future::pending().await,
    }
}
