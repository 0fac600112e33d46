//! The bridge's own tuning; each is the default of a flag of the same name.

use party_core::limits::ECHOES_REMEMBERED;

/// IRC connections the bridge serves at once.
pub const BRIDGE_MAX_CLIENTS: usize = 10_000;

/// IRC connections from one IP address; loopback users and bots share one address,
/// so this is generous.
pub const BRIDGE_MAX_CLIENTS_PER_IP: usize = 64;

/// Channels one IRC connection may be in.
pub const BRIDGE_MAX_CHANNELS_PER_CLIENT: usize = 32;

/// Flood control: lines a client may send in a burst, then lines per second after it.
pub const BRIDGE_FLOOD_BURST_LINES: u32 = 10;
pub const BRIDGE_FLOOD_LINES_PER_SEC: u32 = 2;

/// Lines a throttled client may have waiting before it is cut off (`Excess flood`).
pub const BRIDGE_FLOOD_MAX_QUEUED_LINES: usize = 30;

/// Lines waiting for a slow reader before it is cut off (`SendQ exceeded`), so one
/// stalled client cannot hold memory or slow the channel for everyone.
pub const BRIDGE_SENDQ_LINES: usize = 2_048;

/// Seconds a new connection has to finish NICK/USER (and CAP END).
pub const BRIDGE_REGISTER_TIMEOUT_SECS: u64 = 30;

/// Seconds of silence from a client before we PING it.
pub const BRIDGE_PING_INTERVAL_SECS: u64 = 90;

/// Seconds a client has to answer our PING before it is cut off.
pub const BRIDGE_PING_TIMEOUT_SECS: u64 = 60;

/// Publishes and subscribes waiting for the broker connection; at this many the
/// bridge stops reading IRC input until half have gone, so a burst slows its senders
/// instead of being dropped or queued without bound.
pub const BRIDGE_MQTT_REQUEST_CAPACITY: usize = 4_096;

// Everything the bridge can have on its way to the broker (its outbox and the MQTT
// client's request channel, each this size), twice over, must fit what core
// remembers of its own publishes, or echoes lose their cheap path.
const _: () = assert!(4 * BRIDGE_MQTT_REQUEST_CAPACITY <= ECHOES_REMEMBERED);

/// Seconds between SSE heartbeat comments on an agent's event stream, so proxies and
/// clients see the stream alive while the room is quiet.
pub const SSE_HEARTBEAT_SECS: u64 = 15;

/// Largest request body an HTTP agent may send (a message is at most 4000
/// characters; this leaves room for JSON escaping and the other fields).
pub const HTTP_BODY_MAX_BYTES: usize = 64 * 1024;
