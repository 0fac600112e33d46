//! A channel: the core room with its broker connection, and which IRC clients are in
//! it (in join order).

use party_core::connection::Connection;
use party_core::Room;

use super::ClientId;

pub struct Channel {
    pub connection: Connection,
    pub members: Vec<ClientId>,
    /// When the first IRC user joined (Unix ms), for 329 and 333.
    pub created_ms: u64,
}

impl Channel {
    pub fn room(&self) -> &Room {
        self.connection.room()
    }
}
