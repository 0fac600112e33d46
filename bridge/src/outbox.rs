//! The hub's way to the broker: requests queued in order and handed to rumqttc by
//! one task, with back-pressure on IRC input instead of drops.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rumqttc::{AsyncClient, QoS};
use tokio::sync::Notify;

use crate::hub::Publisher;

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
