//! The broker side: one shared MQTT connection for every room (rumqttc, TCP_NODELAY,
//! reconnect with backoff), and the timer that runs the rooms' beats and timeouts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use party_link::clock::{instant_at, now_ms};
use party_link::{Link, LinkEvent};
use rumqttc::{AsyncClient, QoS};
use tokio::sync::Notify;
use tokio::time::sleep_until;

use crate::hub::Publisher;
use crate::shared::Shared;

/// One request for the broker, in the order the hub made it (a subscribe must reach
/// the broker before the announce that follows it).
enum Request {
    Publish(String, Vec<u8>),
    Subscribe(String),
    Unsubscribe(String),
    /// Last: everything queued before it reaches the broker first.
    Disconnect,
}

/// The hub's way to the broker. The hub never waits: requests go into this outbox,
/// and one task hands them to rumqttc, waiting whenever rumqttc's own queue is full.
/// Nothing is dropped; instead, connections stop reading input while the backlog is
/// high (`Outbox::wait_for_room`), so a burst slows its senders down the way TCP
/// would, and is not refused.
pub struct Outbox {
    tx: tokio::sync::mpsc::UnboundedSender<Request>,
    backlog: AtomicUsize,
    drained: Notify,
    high_water: usize,
}

impl Outbox {
    /// The outbox and the task that empties it into `client`.
    pub fn start(client: AsyncClient, high_water: usize) -> Arc<Self> {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let outbox = Arc::new(Self {
            tx,
            backlog: AtomicUsize::new(0),
            drained: Notify::new(),
            high_water,
        });
        tokio::spawn(drain(outbox.clone(), rx, client));
        outbox
    }

    fn push(&self, request: Request) -> Result<(), String> {
        self.backlog.fetch_add(1, Ordering::Relaxed);
        self.tx.send(request).map_err(|_| {
            self.backlog.fetch_sub(1, Ordering::Relaxed);
            "the broker connection has stopped".to_owned()
        })
    }

    /// Closes the broker connection after everything already queued (the leaves of
    /// a shutdown) has been handed over.
    pub fn disconnect(&self) -> Result<(), String> {
        self.push(Request::Disconnect)
    }

    /// Waits while the backlog is at or above the high-water mark.
    pub async fn wait_for_room(&self) {
        loop {
            let drained = self.drained.notified();
            if self.backlog.load(Ordering::Relaxed) < self.high_water {
                return;
            }
            drained.await;
        }
    }
}

async fn drain(
    outbox: Arc<Outbox>,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Request>,
    client: AsyncClient,
) {
    while let Some(request) = rx.recv().await {
        let done = match request {
            Request::Publish(topic, payload) => {
                client.publish(topic, QoS::AtMostOnce, false, payload).await
            }
            Request::Subscribe(topic) => client.subscribe(topic, QoS::AtMostOnce).await,
            Request::Unsubscribe(topic) => client.unsubscribe(topic).await,
            Request::Disconnect => client.disconnect().await,
        };
        if let Err(err) = done {
            tracing::warn!("the broker connection has stopped: {err}");
        }
        let left = outbox.backlog.fetch_sub(1, Ordering::Relaxed) - 1;
        if left < outbox.high_water / 2 || left == 0 {
            outbox.drained.notify_waiters();
        }
    }
}

/// The hub's side of the outbox.
pub struct MqttPublisher(pub Arc<Outbox>);

impl Publisher for MqttPublisher {
    fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<(), String> {
        self.0.push(Request::Publish(topic.to_owned(), payload))
    }

    fn subscribe(&self, topic: &str) -> Result<(), String> {
        self.0.push(Request::Subscribe(topic.to_owned()))
    }

    fn unsubscribe(&self, topic: &str) -> Result<(), String> {
        self.0.push(Request::Unsubscribe(topic.to_owned()))
    }
}

/// Feeds broker events to the hub until the connection is refused for good.
pub async fn run(mut link: Link, shared: Arc<Shared>) -> Result<(), String> {
    while let Some(event) = link.events.recv().await {
        match event {
            LinkEvent::Connected => {
                tracing::info!("connected to the broker");
                shared.hub().on_link_up(now_ms());
            }
            LinkEvent::Subscribed { granted } => {
                if !granted {
                    tracing::warn!("the broker refused a room subscription");
                }
            }
            LinkEvent::Message(publish) => {
                shared
                    .hub()
                    .on_publish(&publish.topic, publish.retain, &publish.payload, now_ms());
            }
            LinkEvent::Lost { reason, retry_in } => {
                tracing::warn!("broker connection lost: {reason}; retrying in {retry_in:?}");
                let retry_ms = u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX);
                shared.hub().on_link_down(&reason, retry_ms, now_ms());
            }
            LinkEvent::Refused(reason) => return Err(reason),
            LinkEvent::Closed => return Ok(()),
        }
        shared.timer.notify_one();
    }
    Err("the broker connection task stopped".into())
}

/// Runs room timers: sleeps until the earliest deadline, or until woken because
/// something may have moved it.
pub async fn run_timers(shared: Arc<Shared>) {
    loop {
        let deadline = shared.hub().next_deadline();
        let wake = shared.timer.notified();
        match deadline {
            Some(at) => {
                tokio::select! {
                    () = sleep_until(instant_at(at, now_ms())) => shared.hub().tick(now_ms()),
                    () = wake => {}
                }
            }
            None => wake.await,
        }
    }
}
