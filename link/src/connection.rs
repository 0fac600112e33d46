//! The broker connection of a long-lived command, in a task of its own.
//!
//! rumqttc's `EventLoop::poll` is not cancel-safe (a request taken from the queue can
//! be lost if the future is dropped mid-write), so it never sits in a `select!`: this
//! task polls it without interruption, reconnects with backoff, and forwards what
//! matters as [`LinkEvent`]s over a bounded channel, which pushes back on the socket
//! when the consumer (ultimately stdout) is slow.

use std::time::Duration;

use party_core::reconnect::Backoff;
use rumqttc::{
    AsyncClient, ConnectionError, Event, EventLoop, LastWill, Outgoing, Packet, Publish, QoS,
    SubscribeReasonCode,
};
use tokio::sync::{mpsc, watch};

use crate::broker_url::BrokerUrl;
use crate::mqtt;
use crate::random::{self, RandomError};

use crate::tuning::{LINK_EVENT_CAPACITY, ONE_ROOM_MQTT_REQUEST_CAPACITY};

/// What happened on the broker connection.
#[derive(Debug)]
pub enum LinkEvent {
    /// The broker accepted our CONNECT (first time or after a reconnect).
    Connected,
    /// The broker answered our SUBSCRIBE; `granted` is false if it refused it.
    Subscribed {
        granted: bool,
    },
    Message(Publish),
    /// The connection failed or dropped; the task tries again after `retry_in`.
    Lost {
        reason: String,
        retry_in: Duration,
    },
    /// The broker refused the connection itself (e.g. not authorised): retrying the
    /// same CONNECT cannot help, so the task has stopped.
    Refused(String),
    /// Our DISCONNECT was written; the task has stopped.
    Closed,
}

/// Handle on the connection task.
pub struct Link {
    pub client: AsyncClient,
    pub events: mpsc::Receiver<LinkEvent>,
    will: Option<watch::Sender<Vec<u8>>>,
}

impl Link {
    /// Connects to `url` in the background with `will` as the MQTT Last Will, published
    /// by the broker on `will_topic` if we vanish without a DISCONNECT.
    pub fn spawn(url: &BrokerUrl, will_topic: &str, will: Vec<u8>) -> Result<Self, RandomError> {
        let last_will = LastWill::new(will_topic, will.clone(), QoS::AtMostOnce, false);
        let (will, will_rx) = watch::channel(will);
        Ok(Self::start(
            url,
            random::client_id()?,
            Some(last_will),
            Some((will_topic.to_owned(), will_rx)),
            ONE_ROOM_MQTT_REQUEST_CAPACITY,
        )
        .with_will(will))
    }

    /// Connects with no Last Will, for a process that speaks for many peers (one will
    /// cannot say goodbye for all of them). `requests` bounds the publishes and
    /// subscribes that may wait for the socket.
    pub fn spawn_shared(url: &BrokerUrl, requests: usize) -> Result<Self, RandomError> {
        Ok(Self::start(url, random::client_id()?, None, None, requests))
    }

    fn start(
        url: &BrokerUrl,
        client_id: String,
        last_will: Option<LastWill>,
        will: Option<(String, watch::Receiver<Vec<u8>>)>,
        requests: usize,
    ) -> Self {
        let (client, eventloop) = mqtt::client(url, client_id, last_will, requests);
        let (events_tx, events) = mpsc::channel(LINK_EVENT_CAPACITY);
        tokio::spawn(run(eventloop, events_tx, will));
        Self {
            client,
            events,
            will: None,
        }
    }

    fn with_will(mut self, will: watch::Sender<Vec<u8>>) -> Self {
        self.will = Some(will);
        self
    }

    /// The Last Will to register on the next (re)connect: the will is a signed envelope
    /// with a timestamp, so it is refreshed rather than replayed from start-up.
    pub fn set_will(&self, payload: Vec<u8>) {
        if let Some(will) = &self.will {
            will.send_replace(payload);
        }
    }
}

async fn run(
    mut eventloop: EventLoop,
    events: mpsc::Sender<LinkEvent>,
    will: Option<(String, watch::Receiver<Vec<u8>>)>,
) {
    let mut backoff = Backoff::new();
    loop {
        let event = match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => LinkEvent::Connected,
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                backoff.reset();
                let granted = ack
                    .return_codes
                    .iter()
                    .all(|code| matches!(code, SubscribeReasonCode::Success(_)));
                LinkEvent::Subscribed { granted }
            }
            Ok(Event::Incoming(Packet::Publish(publish))) => LinkEvent::Message(publish),
            Ok(Event::Outgoing(Outgoing::Disconnect)) => {
                // Ignoring a send error is right here: the consumer being gone is
                // exactly the case where nobody needs to hear that we closed.
                let _ = events.send(LinkEvent::Closed).await;
                return;
            }
            Ok(_) => continue,
            Err(ConnectionError::ConnectionRefused(code)) => {
                let reason = format!("the broker refused the connection ({code:?})");
                let _ = events.send(LinkEvent::Refused(reason)).await;
                return;
            }
            // Every client handle is gone: nobody can use this connection any more.
            Err(ConnectionError::RequestsDone) => return,
            Err(err) => {
                let retry_in = Duration::from_millis(backoff.next_delay_ms(random::unit()));
                let lost = LinkEvent::Lost {
                    reason: mqtt::describe(&err),
                    retry_in,
                };
                if events.send(lost).await.is_err() {
                    return;
                }
                tokio::time::sleep(retry_in).await;
                if let Some((topic, payload)) = &will {
                    let payload = payload.borrow().clone();
                    eventloop.mqtt_options.set_last_will(LastWill::new(
                        topic.as_str(),
                        payload,
                        QoS::AtMostOnce,
                        false,
                    ));
                }
                continue;
            }
        };
        if events.send(event).await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use party_core::limits::RECONNECT_BACKOFF_MS;

    #[tokio::test]
    async fn an_unreachable_broker_is_reported_as_lost_with_a_retry_delay() {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let url = BrokerUrl::parse(&format!("mqtt://127.0.0.1:{port}")).unwrap();
        let mut link = Link::spawn(&url, "t", b"will".to_vec()).unwrap();
        match link.events.recv().await {
            Some(LinkEvent::Lost { reason, retry_in }) => {
                assert!(reason.to_lowercase().contains("refused"), "{reason}");
                let first = RECONNECT_BACKOFF_MS.0;
                assert!(
                    (first / 2..=first).contains(&(retry_in.as_millis() as u64)),
                    "{retry_in:?}"
                );
            }
            other => panic!("expected Lost, got {other:?}"),
        }
    }
}
