//! Timings of the CLI's broker connection. They are client behaviour rather than
//! protocol (peers never see them), and `party_core::limits` has no slot for them yet;
//! they live here, once, until core takes them over.

/// First and largest delay between reconnect attempts; the delay doubles in between,
/// so a restarting broker is found again quickly and a dead one is not hammered.
pub const RECONNECT_BACKOFF_MS: (u64, u64) = (250, 15_000);

/// How long `party send` waits for the broker to connect and acknowledge the message
/// before it gives up and says so.
pub const SEND_TIMEOUT_MS: u64 = 10_000;

/// How long `party listen` waits, when stopped, for its leave to reach the broker.
pub const LEAVE_FLUSH_TIMEOUT_MS: u64 = 2_000;
