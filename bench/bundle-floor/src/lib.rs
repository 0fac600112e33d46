//! The smallest use of party-core a Party client makes: a room connection that takes
//! in an envelope, keeps the timeline and signs a message. Both floor binaries drive
//! it, so neither can lose core to dead-code elimination.

use party_core::connection::{Connection, Incoming, Will};
use party_core::ids::{IdError, PeerId, RoomName};
use party_core::room::{LocalPeer, Output, Room};
use party_core::secret::AgentSecret;
use party_core::timeline::Timeline;

pub struct Floor {
    connection: Connection,
    timeline: Timeline,
}

impl Floor {
    pub fn new(now_ms: u64) -> Result<Self, IdError> {
        let secret = AgentSecret::from_bytes([7; 32]);
        let me = LocalPeer::agent(&secret, PeerId::from_bytes([1; 8]));
        let name = RoomName::parse("floor")?;
        let mut connection = Connection::new(Room::new(name, me, now_ms, 9), Will::Leave);
        let timeline = Timeline::new(connection.room().me().handle().clone());
        connection.start(now_ms);
        Ok(Self {
            connection,
            timeline,
        })
    }

    /// Takes `payload` in as received, then sends it as our own text; returns how many
    /// rows the timeline shows.
    pub fn exchange(&mut self, now_ms: u64, payload: &str) -> usize {
        let topic = self.connection.topic().to_owned();
        let incoming = Incoming {
            topic: &topic,
            retained: false,
            payload: payload.as_bytes(),
        };
        let mut out = self.connection.receive(now_ms, incoming);
        out.extend(
            self.connection
                .send_text(now_ms, payload)
                .unwrap_or_default(),
        );
        for output in out {
            if let Output::Event(event) = output {
                self.timeline.apply(event, now_ms);
            }
        }
        self.timeline.rows().len()
    }
}
