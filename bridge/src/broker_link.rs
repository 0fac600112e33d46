//! The broker side: one shared MQTT connection for every room (rumqttc, TCP_NODELAY,
//! reconnect with backoff), whose events this feeds to the hub.

use std::sync::Arc;

use party_link::clock::now_ms;
use party_link::{Link, LinkEvent};

use crate::shared::Shared;

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
