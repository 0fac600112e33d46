//! Broker-only limits and timings.
//!
//! They belong with the protocol limits in `party_core::limits`; they sit here only
//! until that crate takes them, and each is defined once, in this file.

use std::time::Duration;

use party_core::limits::MAX_PAYLOAD_BYTES;

/// How long a client may take to send a request's headers, and how long an idle
/// keep-alive connection may wait for its next request: a slowloris client holds a
/// task for no longer than this.
pub const HTTP_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an accepted MQTT stream (TCP or WebSocket) may take to send CONNECT,
/// so idle sockets cannot pile up.
pub const MQTT_CONNECT_TIMEOUT_MS: u16 = 5_000;

/// Packets one connection may hand to the router in one batch; larger batches let a
/// single publisher delay everyone else's turn.
pub const MQTT_READ_BATCH_PACKETS: usize = 100;

/// Concurrent MQTT sessions (TCP and WebSocket together); the router refuses more.
pub const MAX_MQTT_CONNECTIONS: usize = 10_000;

/// Packets the router writes to one subscriber per scheduling turn.
pub const ROUTER_PACKETS_PER_TURN: u64 = 200;

/// Bytes of one in-memory log segment per topic. The router keeps at most
/// `ROUTER_SEGMENTS_PER_TOPIC` of them (plus the message that overflows one), which
/// bounds what one room holds in memory; a subscriber lagging further skips ahead.
pub const ROUTER_SEGMENT_BYTES: usize = 4 * MAX_PAYLOAD_BYTES;

/// Log segments kept per topic; see `ROUTER_SEGMENT_BYTES`.
pub const ROUTER_SEGMENTS_PER_TOPIC: usize = 2;

/// Largest WebSocket message or frame we read: one maximal MQTT packet, i.e. the
/// payload limit plus the largest fixed header (5 bytes per MQTT 3.1.1 §2.2).
pub const MAX_WEBSOCKET_MESSAGE_BYTES: usize = MAX_PAYLOAD_BYTES + 5;

/// Read buffer of each WebSocket connection, allocated up front. tungstenite's 128 KiB
/// default costs that much per browser and measured slower for small MQTT packets
/// (round trip 28 us at 128 KiB, 21 us at 4 KiB); larger messages still arrive whole.
pub const WEBSOCKET_READ_BUFFER_BYTES: usize = 4 * 1024;

/// Pause after a failed `accept` (e.g. out of file descriptors) so the loop does not
/// spin while the condition lasts.
pub const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(100);
