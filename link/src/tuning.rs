//! Tuning the native binaries share: queue sizes between a room's steps and the
//! broker connection, how long a leaving client waits, and the sockets our servers
//! accept. Protocol rules and timings stay in `party_core::limits`.

/// How long a leaving client waits for its `leave` to reach the broker before it
/// closes anyway (the Last Will covers the rest).
pub const LEAVE_FLUSH_TIMEOUT_MS: u64 = 2_000;

/// Requests (publishes, subscribes) a one-room command (`party listen`, `party send`)
/// may have waiting for the broker connection; room steps emit only a handful each,
/// so this is slack, not a queue.
pub const ONE_ROOM_MQTT_REQUEST_CAPACITY: usize = 64;

/// Broker events a link hands its consumer ahead of being handled, one step each; a
/// few in flight smooth bursts, and a slow consumer pushes back on the socket.
pub const LINK_EVENT_CAPACITY: usize = 16;

/// How long data we sent may stay unacknowledged before the kernel gives the socket
/// up (`TCP_USER_TIMEOUT`): keepalive probes only run on an idle socket, and a busy
/// room keeps writing to a peer that vanished, which would otherwise be retried for
/// many minutes.
pub const TCP_USER_TIMEOUT_SECS: u64 = 30;

/// Pause after a failed `accept` (e.g. out of file descriptors) so the loop does not
/// spin while the condition lasts.
pub const ACCEPT_ERROR_BACKOFF_MS: u64 = 100;

/// TCP keepalive on every socket our servers accept: first probe after this much
/// silence, then one every `TCP_KEEPALIVE_INTERVAL_SECS`, and the peer is declared
/// gone after `TCP_KEEPALIVE_PROBES` unanswered ones, about 30 s after it vanished.
pub const TCP_KEEPALIVE_IDLE_SECS: u64 = 15;
pub const TCP_KEEPALIVE_INTERVAL_SECS: u64 = 5;
pub const TCP_KEEPALIVE_PROBES: u32 = 3;
