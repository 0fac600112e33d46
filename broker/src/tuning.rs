//! The bundled broker's own tuning: limits and batch sizes measured on this broker,
//! several the defaults of its flags. Protocol limits they derive from stay in
//! `party_core::limits`.

use party_core::limits::MAX_MQTT_PACKET_BYTES;

/// How long an HTTP client may take to send a request's headers, and how long an idle
/// keep-alive connection may wait for its next request: a slowloris client holds a
/// task for no longer than this.
pub const BROKER_HTTP_HEADER_READ_TIMEOUT_MS: u64 = 10_000;

/// How long an accepted MQTT stream (TCP or WebSocket) may take to send CONNECT, so
/// idle sockets cannot pile up. (rumqttd takes it as a u16.)
pub const BROKER_MQTT_CONNECT_TIMEOUT_MS: u16 = 5_000;

/// Packets an MQTT-over-TCP connection hands to the router in one batch before the
/// routed messages are written out (rumqttd adds at most one more packet that is
/// already buffered). Small, so a pipelining client gets its first deliveries while
/// the rest are routed and both ends work at once: with client and broker on separate
/// CPUs and 10 messages in flight, a batch of 4 gave 0.74x mosquitto's throughput and
/// a batch of 1 gave 1.0x, once the per-message cost had dropped
/// (`BROKER_BENCH_PLACEMENT=split cargo bench -p party-broker --bench broker`).
pub const BROKER_TCP_READ_BATCH_PACKETS: usize = 1;

/// The same for MQTT over WebSocket, where every write also costs a frame and a copy
/// in the adapter, so a few more packets share one write: at 10 messages in flight
/// (separate CPUs) 4 gave 1.05-1.13x mosquitto's throughput and 100 gave 1.05x; at 50,
/// 4 gave 1.6-1.8x and 1 only 1.1x.
pub const BROKER_WS_READ_BATCH_PACKETS: usize = 4;

/// Concurrent MQTT sessions (TCP and WebSocket together); the router refuses more.
pub const BROKER_MAX_CONNECTIONS: usize = 10_000;

/// Topic filters one MQTT connection may hold (default of `--max-subscriptions-per-client`).
/// A browser or `party listen` holds one per room it is in, the IRC bridge one per
/// channel its users are in; past this, each further filter is refused (SUBACK 0x80)
/// rather than let one client make the router build thousands of topic logs.
pub const BROKER_MAX_SUBSCRIPTIONS_PER_CLIENT: usize = 1_000;

/// Connections one client address may hold (default of `--max-connections-per-ip`):
/// a household behind one NAT with many tabs fits, a script opening thousands does
/// not (Ergo limits per address the same way). IPv6 addresses count per /64, since one
/// host usually has a whole /64.
pub const BROKER_MAX_CONNECTIONS_PER_IP: usize = 64;

/// New connections one client address may open per second, after a burst of eight
/// seconds' worth (defaults of `--connect-rate-per-ip`; Ergo throttles connections per
/// address the same way). Every connection costs the router work before it can be
/// refused anything (a 5,000-filter SUBSCRIBE, repeated on fresh connections, pushed
/// another client's p99 round trip to 34x); a household's tabs coming back after a
/// restart fit in the burst.
pub const BROKER_CONNECT_RATE_PER_IP: u32 = 8;

/// File descriptors the broker keeps for itself (listeners, files it serves, logs)
/// beyond its connections; the connection budget is the descriptor limit minus this.
pub const BROKER_RESERVED_FILE_DESCRIPTORS: usize = 64;

/// Packets the router writes to one subscriber per scheduling turn.
pub const BROKER_ROUTER_PACKETS_PER_TURN: u64 = 200;

/// Bytes of one in-memory log segment per topic. The router keeps at most
/// `BROKER_ROUTER_SEGMENTS_PER_TOPIC` of them (plus the message that overflows one),
/// which bounds what one room holds; a subscriber lagging further skips ahead. The
/// router keeps messages it has delivered until their segment rotates out, so this is
/// what every busy room costs for good: one full-size packet, about 1,000 chat
/// messages for a laggard to catch up on. (Four times that made each room of the
/// soak grow by 2 MiB over 40 minutes.)
pub const BROKER_ROUTER_SEGMENT_BYTES: usize = MAX_MQTT_PACKET_BYTES;

/// Log segments kept per topic; see `BROKER_ROUTER_SEGMENT_BYTES`.
pub const BROKER_ROUTER_SEGMENTS_PER_TOPIC: usize = 2;

/// Read buffer of each WebSocket connection, allocated up front. tungstenite's 128 KiB
/// default costs that much per browser and measured slower for small MQTT packets
/// (round trip 28 us at 128 KiB, 21 us at 4 KiB); larger messages still arrive whole.
pub const BROKER_WEBSOCKET_READ_BUFFER_BYTES: usize = 4 * 1024;
