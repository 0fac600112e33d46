//! `party listen`: be a peer in a room and stream what happens there as JSON lines.
//!
//! Core's `Connection` decides everything about the room and its broker session; this
//! module only moves bytes between it and the broker, arms its next deadline as a
//! timer, and turns signals into a proper leave (the MQTT Last Will covers the cases
//! where we cannot say goodbye).

use std::time::Duration;

use party_core::connection::{Connection, Incoming, LinkState, Will};
use party_core::{LocalPeer, Output, Room};
use rumqttc::QoS;
use tokio::signal::unix::{signal, SignalKind};
use tokio::time::{sleep_until, Instant};

use crate::args::ListenArgs;
use crate::error::CliError;
use crate::output::{self, diag, EmitError};
use crate::{identity, random};
use party_link::clock;
use party_link::tuning::LEAVE_FLUSH_TIMEOUT_MS;
use party_link::BrokerUrl;
use party_link::{Link, LinkEvent};

pub fn run(args: ListenArgs) -> Result<(), CliError> {
    let secret = match &args.secret {
        Some(text) => identity::import_secret(text)?,
        None => identity::fresh_secret()?,
    };
    let peer = random::peer_id()?;
    let now = clock::now_ms();
    let url = args.broker.broker;
    diag!(
        "joining room {} on {url} as {} (peer {peer})",
        args.room,
        secret.handle()
    );
    let room = Room::new(
        args.room,
        LocalPeer::agent(&secret, peer),
        now,
        random::entropy()?,
    );
    let mut connection = Connection::new(room, Will::Leave);
    // An agent's key is held here, so start's only output is the will, read back here.
    drop(connection.start(now));
    let will = connection
        .will()
        .map(<[u8]>::to_vec)
        .ok_or_else(|| CliError::runtime("core prepared no Last Will for an agent's own key"))?;
    crate::runtime()?.block_on(async move {
        let link = Link::spawn(&url, connection.topic(), will)
            .map_err(|err| CliError::runtime(err.to_string()))?;
        Listener {
            connection,
            link,
            url,
        }
        .run()
        .await
    })
}

/// Why the listener stops of its own accord.
enum Stop {
    Signal(&'static str),
    StdoutClosed,
}

struct Listener {
    connection: Connection,
    link: Link,
    url: BrokerUrl,
}

impl Listener {
    async fn run(mut self) -> Result<(), CliError> {
        let mut interrupt = stop_signal(SignalKind::interrupt())?;
        let mut terminate = stop_signal(SignalKind::terminate())?;
        let stop = loop {
            let deadline = self
                .connection
                .next_deadline()
                .map(|at| clock::instant_at(at, clock::now_ms()));
            let step = tokio::select! {
                event = self.link.events.recv() => match event {
                    Some(event) => self.on_link_event(event),
                    None => Err(CliError::runtime("the broker connection stopped unexpectedly").into()),
                },
                () = sleep_until_some(deadline) => {
                    let outputs = self.connection.tick(clock::now_ms());
                    self.apply(outputs)
                },
                _ = interrupt.recv() => break Stop::Signal("SIGINT"),
                _ = terminate.recv() => break Stop::Signal("SIGTERM"),
            };
            match step {
                Ok(()) => {}
                Err(Halt::Stop(stop)) => break stop,
                Err(Halt::Fail(err)) => return Err(err),
            }
        };
        match stop {
            Stop::Signal(name) => diag!("{name}: leaving the room"),
            Stop::StdoutClosed => diag!("stdout was closed: leaving the room"),
        }
        self.leave().await;
        Ok(())
    }

    fn on_link_event(&mut self, event: LinkEvent) -> Result<(), Halt> {
        let now = clock::now_ms();
        let outputs = match event {
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
                return Err(CliError::runtime(format!("broker {}: {reason}", self.url)).into())
            }
            LinkEvent::Closed => {
                return Err(CliError::runtime("the broker connection closed unexpectedly").into())
            }
        };
        self.apply(outputs)
    }

    /// Carries out what core asked for: requests to the broker, events to stdout.
    fn apply(&mut self, outputs: Vec<Output>) -> Result<(), Halt> {
        for out in outputs {
            match out {
                Output::Event(event) => output::emit(&event)?,
                other => self.to_broker(other),
            }
        }
        Ok(())
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
    /// not to send our Last Will, so peers see exactly one departure).
    async fn leave(mut self) {
        let outputs = self.connection.leave(clock::now_ms());
        let disconnecting = outputs.contains(&Output::Disconnect);
        for out in outputs {
            match out {
                // The room is being left; a closed stdout no longer matters.
                Output::Event(event) => drop(output::emit(&event)),
                other => self.to_broker(other),
            }
        }
        if !disconnecting {
            return;
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
    }
}

/// Why a step ended the loop: a normal stop, or a failure to report.
enum Halt {
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
