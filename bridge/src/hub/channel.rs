//! A channel: the core room, and which IRC clients are in it (in join order).

use party_core::Room;

use super::ClientId;

pub struct Channel {
    pub room: Room,
    pub members: Vec<ClientId>,
    /// When the first IRC user joined (Unix ms), for 329 and 333.
    pub created_ms: u64,
}
