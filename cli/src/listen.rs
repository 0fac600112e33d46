//! `party listen`: be a peer in a room and stream what happens there as JSON lines.
//!
//! Core decides everything about the room; this module only moves bytes between core
//! and the broker, arms core's next deadline as a timer, and turns signals into a
//! proper leave (the MQTT Last Will covers the cases where we cannot say goodbye).

use std::time::Duration;

use party_core::{LocalPeer, Output, Room};
use rumqttc::QoS;
use tokio::signal::unix::{signal, SignalKind};
use tokio::time::{sleep_until, Instant};

use crate::args::ListenArgs;
use crate::error::CliError;
use crate::output::{self, diag, EmitError};
use crate::{identity, random};
use party_core::limits::LEAVE_FLUSH_TIMEOUT_MS;
use party_link::clock;
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
        LocalPeer::agent(&secret, peer.clone()),
        now,
        random::entropy()?,
    );
    crate::runtime()?.block_on(async move {
        let link = Link::spawn(&url, &peer, room.topic(), room.last_will(now));
        Listener {
            room,
            link,
            url,
            state: LinkState::Offline,
        }
        .run()
        .await
    })
}

/// How far the broker connection has come; we publish only once subscribed, since
/// announcing presence in a room we cannot hear would be a lie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkState {
    Offline,
    Subscribing,
    Joined,
}

/// Why the listener stops of its own accord.
enum Stop {
    Signal(&'static str),
    StdoutClosed,
}

struct Listener {
    room: Room,
    link: Link,
    url: BrokerUrl,
    state: LinkState,
}

impl Listener {
    async fn run(mut self) -> Result<(), CliError> {
        let mut interrupt = stop_signal(SignalKind::interrupt())?;
        let mut terminate = stop_signal(SignalKind::terminate())?;
        let stop = loop {
            let deadline = self
                .room
                .next_deadline()
                .map(|at| clock::instant_at(at, clock::now_ms()));
            let step = tokio::select! {
                event = self.link.events.recv() => match event {
                    Some(event) => self.on_link_event(event),
                    None => Err(CliError::runtime("the broker connection stopped unexpectedly").into()),
                },
                () = sleep_until_some(deadline) => {
                    let outputs = self.room.tick(clock::now_ms());
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
        match event {
            LinkEvent::Connected => {
                self.state = LinkState::Subscribing;
                self.link
                    .client
                    .try_subscribe(self.room.topic(), QoS::AtMostOnce)
                    .map_err(|err| CliError::runtime(format!("cannot subscribe: {err}")))?;
                Ok(())
            }
            LinkEvent::Subscribed { granted: false } => Err(CliError::runtime(format!(
                "broker {} refused the subscription to {}",
                self.url,
                self.room.topic()
            ))
            .into()),
            LinkEvent::Subscribed { granted: true } => {
                self.state = LinkState::Joined;
                let outputs = self.room.join(clock::now_ms());
                self.apply(outputs)?;
                diag!("listening to {} on {}", self.room.topic(), self.url);
                Ok(())
            }
            LinkEvent::Message(publish) => {
                if publish.topic == self.room.topic() {
                    let outputs = self.room.receive(clock::now_ms(), &publish.payload);
                    self.apply(outputs)?;
                }
                Ok(())
            }
            LinkEvent::Lost { reason, retry_in } => {
                let what = match self.state {
                    LinkState::Joined => "lost the connection to",
                    LinkState::Subscribing | LinkState::Offline => "cannot reach",
                };
                diag!(
                    "{what} broker {}: {reason}; retrying in {retry_in:?}",
                    self.url,
                );
                self.state = LinkState::Offline;
                self.link.set_will(self.room.last_will(clock::now_ms()));
                Ok(())
            }
            LinkEvent::Refused(reason) => {
                Err(CliError::runtime(format!("broker {}: {reason}", self.url)).into())
            }
            LinkEvent::Closed => {
                Err(CliError::runtime("the broker connection closed unexpectedly").into())
            }
        }
    }

    /// Carries out what core asked for: envelopes to the broker, events to stdout.
    fn apply(&mut self, outputs: Vec<Output>) -> Result<(), Halt> {
        for out in outputs {
            match out {
                Output::Publish { topic, payload } => self.publish(topic, payload),
                Output::Event(event) => output::emit(&event)?,
            }
        }
        Ok(())
    }

    /// Publishes at QoS 0 like every Party client. While offline the envelope is
    /// dropped on purpose: presence beats are stale by the time we are back, and core
    /// announces afresh on rejoin.
    fn publish(&self, topic: String, payload: Vec<u8>) {
        if self.state != LinkState::Joined {
            return;
        }
        if let Err(err) = self
            .link
            .client
            .try_publish(topic, QoS::AtMostOnce, false, payload)
        {
            diag!("could not queue an envelope for the broker: {err}");
        }
    }

    /// Says goodbye: the leave envelope, then DISCONNECT (which also tells the broker
    /// not to send our Last Will, so peers see exactly one departure).
    async fn leave(mut self) {
        let outputs = self.room.leave(clock::now_ms());
        for out in outputs {
            match out {
                Output::Publish { topic, payload } => self.publish(topic, payload),
                // The room is being left; a closed stdout no longer matters.
                Output::Event(event) => drop(output::emit(&event)),
            }
        }
        if self.state == LinkState::Offline {
            return;
        }
        if let Err(err) = self.link.client.try_disconnect() {
            diag!("could not disconnect cleanly: {err}");
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
