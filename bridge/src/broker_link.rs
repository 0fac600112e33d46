//! The broker side: one shared MQTT connection for every room (rumqttc, TCP_NODELAY,
//! reconnect with backoff), and the timer that runs the rooms' beats and timeouts.

use std::sync::Arc;

use party_link::clock::{instant_at, now_ms};
use party_link::{Link, LinkEvent};
use rumqttc::{AsyncClient, QoS};
use tokio::time::sleep_until;

use crate::hub::Publisher;
use crate::shared::Shared;

/// The hub's way to the broker: requests queue in rumqttc's bounded channel and are
/// refused, never waited for, when it is full.
pub struct MqttPublisher(pub AsyncClient);

impl Publisher for MqttPublisher {
    fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<(), String> {
        self.0
            .try_publish(topic, QoS::AtMostOnce, false, payload)
            .map_err(|err| format!("the queue to the broker is full ({err})"))
    }

    fn subscribe(&self, topic: &str) -> Result<(), String> {
        self.0
            .try_subscribe(topic, QoS::AtMostOnce)
            .map_err(|err| err.to_string())
    }

    fn unsubscribe(&self, topic: &str) -> Result<(), String> {
        self.0.try_unsubscribe(topic).map_err(|err| err.to_string())
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
                    .on_publish(&publish.topic, &publish.payload, now_ms());
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
