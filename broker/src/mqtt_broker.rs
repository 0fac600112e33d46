//! Starts rumqttd's router with Party's limits and returns the handle our own
//! listeners use to hand it connections.
//!
//! No rumqttd listener is configured: we accept sockets ourselves (see
//! `vendor/rumqttd/PARTY-PATCHES.md`), so we control TCP_NODELAY, the shared HTTP
//! port for WebSocket, and shutdown.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use party_core::limits::MAX_MQTT_REMAINING_BYTES;
use party_core::topic::wildcard_reaches_rooms;
use rumqttd::{Broker, Config, ConnectionSettings, RemoteAcceptor, RouterConfig, RouterGauges};

use crate::tuning::{
    BROKER_MQTT_CONNECT_TIMEOUT_MS, BROKER_ROUTER_PACKETS_PER_TURN,
    BROKER_ROUTER_SEGMENTS_PER_TOPIC, BROKER_ROUTER_SEGMENT_BYTES, BROKER_TCP_READ_BATCH_PACKETS,
    BROKER_WS_READ_BATCH_PACKETS,
};
use tokio::task::JoinHandle;

/// What MQTT clients may ask of the router (from the command line).
#[derive(Debug, Clone)]
pub struct Policy {
    /// Sessions the router holds; the admission budget keeps below it.
    pub max_connections: usize,
    pub max_subscriptions_per_client: usize,
    /// Subscriptions with wildcards that could match room topics.
    pub allow_wildcard_subscriptions: bool,
}

/// The router's counts, for `status.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouterCounts {
    pub connections: usize,
    pub topics: usize,
}

/// Owns the broker and its router task, which the acceptors feed.
pub struct MqttBroker {
    _broker: Broker,
    tcp: RemoteAcceptor,
    websocket: RemoteAcceptor,
    router: JoinHandle<()>,
    gauges: Arc<RouterGauges>,
}

impl MqttBroker {
    /// Must be called inside the runtime: the router becomes one of its tasks, next to
    /// the connections it serves (see `vendor/rumqttd/PARTY-PATCHES.md`, patch 7).
    pub fn start(policy: &Policy) -> Self {
        let gauges = Arc::new(RouterGauges::default());
        let (broker, router) = Broker::new_with_router_task(config(policy, gauges.clone()));
        let router = tokio::spawn(router);
        let tcp = broker.remote_acceptor(connection_settings(BROKER_TCP_READ_BATCH_PACKETS));
        let websocket = broker.remote_acceptor(connection_settings(BROKER_WS_READ_BATCH_PACKETS));
        MqttBroker {
            _broker: broker,
            tcp,
            websocket,
            router,
            gauges,
        }
    }

    /// A reader of the router's counts that outlives borrows of the broker.
    pub fn counts(&self) -> impl Fn() -> RouterCounts + Send + Sync + 'static {
        let gauges = self.gauges.clone();
        move || RouterCounts {
            connections: gauges.connections.load(Ordering::Relaxed),
            topics: gauges.topics.load(Ordering::Relaxed),
        }
    }

    /// For MQTT over TCP streams.
    pub fn tcp_acceptor(&self) -> RemoteAcceptor {
        self.tcp.clone()
    }

    /// For MQTT over WebSocket streams (they batch writes differently, see the limits).
    pub fn websocket_acceptor(&self) -> RemoteAcceptor {
        self.websocket.clone()
    }

    /// Resolves only if the router task ends, which leaves every connection without
    /// routing; the caller should exit rather than keep a broker that delivers nothing.
    pub async fn router_stopped(&mut self) -> String {
        match (&mut self.router).await {
            Ok(()) => "the MQTT router stopped".to_owned(),
            Err(e) => format!("the MQTT router failed: {e}"),
        }
    }
}

fn config(policy: &Policy, gauges: Arc<RouterGauges>) -> Config {
    // Party's clients subscribe to exact room topics; a wildcard over rooms would read
    // rooms whose names were never shared (docs/design.md).
    let admit_filter: Option<fn(&str) -> bool> = if policy.allow_wildcard_subscriptions {
        None
    } else {
        Some(|filter| !wildcard_reaches_rooms(filter))
    };
    Config {
        router: RouterConfig {
            max_connections: policy.max_connections,
            max_subscriptions_per_connection: Some(policy.max_subscriptions_per_client),
            admit_filter,
            gauges: Some(gauges),
            max_outgoing_packet_count: BROKER_ROUTER_PACKETS_PER_TURN,
            max_segment_size: BROKER_ROUTER_SEGMENT_BYTES,
            max_segment_count: BROKER_ROUTER_SEGMENTS_PER_TOPIC,
            ..RouterConfig::default()
        },
        ..Config::default()
    }
}

fn connection_settings(read_batch_packets: usize) -> ConnectionSettings {
    ConnectionSettings {
        connection_timeout_ms: BROKER_MQTT_CONNECT_TIMEOUT_MS,
        // rumqttd compares this with a packet's remaining length (topic and payload),
        // so a full-size Party payload on the longest room topic must still fit.
        max_payload_size: MAX_MQTT_REMAINING_BYTES,
        max_inflight_count: read_batch_packets,
        auth: None,
        external_auth: None,
        // Rooms come and go: a subscription must create its topic filter on demand.
        dynamic_filters: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use party_core::limits::MAX_PAYLOAD_BYTES;

    #[test]
    fn router_limits_satisfy_rumqttd_invariants() {
        // rumqttd panics on segments under 1 KiB or with no segment kept.
        let router = config(&policy(), Arc::default()).router;
        assert!(router.max_segment_size >= 1024);
        assert!(router.max_segment_count >= 1);
        assert!(router.max_segment_size >= MAX_PAYLOAD_BYTES);
    }

    fn policy() -> Policy {
        Policy {
            max_connections: 10,
            max_subscriptions_per_client: 5,
            allow_wildcard_subscriptions: false,
        }
    }

    #[test]
    fn wildcards_over_rooms_are_refused_unless_allowed() {
        let refuse = config(&policy(), Arc::default())
            .router
            .admit_filter
            .unwrap();
        assert!(!refuse("#"));
        assert!(refuse("party-2026-v1/party/calc-study"));
        assert!(refuse("sensors/#"));
        let open = Policy {
            allow_wildcard_subscriptions: true,
            ..policy()
        };
        assert!(config(&open, Arc::default()).router.admit_filter.is_none());
    }

    #[test]
    fn packet_limit_comes_from_core() {
        assert_eq!(
            connection_settings(BROKER_TCP_READ_BATCH_PACKETS).max_payload_size,
            MAX_MQTT_REMAINING_BYTES
        );
    }
}
