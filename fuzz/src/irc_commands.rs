//! The IRC line parser and the bridge's command handling: every line of the input,
//! as one registered client would send it, through the hub that serves every IRC
//! user (JOIN, PRIVMSG to rooms, MODE, WHO, …). Nothing may panic, whatever order.
use std::sync::{Arc, Mutex};

use party_bridge::hub::{Hub, OsRandomness, Publisher, ServerInfo};
use party_bridge::irc::line::Message;
use party_bridge::sendq::SendQ;

const NOW: u64 = 1_767_225_600_000;

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<usize>>);

impl Publisher for Sink {
    fn publish(&self, _topic: &str, _payload: Vec<u8>) -> Result<(), String> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Ok(())
    }
    fn subscribe(&self, _topic: &str) -> Result<(), String> {
        Ok(())
    }
    fn unsubscribe(&self, _topic: &str) -> Result<(), String> {
        Ok(())
    }
}

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        let info = ServerInfo {
            name: "party.fuzz".into(),
            network: "Party".into(),
            motd: None,
            max_channels_per_client: 4,
            created: "today".into(),
            room_message_rate: party_core::limits::PEER_MESSAGE_RATE,
            opers: Vec::new(),
        };
        let mut hub = Hub::new(info, Box::new(Sink::default()), Box::new(OsRandomness));
        hub.on_link_up(NOW);
        let queue = Arc::new(SendQ::new(4096));
        let id = hub.connect(
            "127.0.0.1"
                .parse()
                .unwrap_or(std::net::Ipv4Addr::LOCALHOST.into()),
            queue.clone(),
        );
        hub.handle(id, "NICK fuzzer", NOW);
        hub.handle(id, "USER fuzzer 0 * :Fuzzer", NOW);
        for (i, line) in text.split('\n').enumerate() {
            let _ = Message::parse(line);
            hub.handle(id, line.trim_end_matches('\r'), NOW + i as u64);
            hub.settle(NOW + i as u64);
            if hub.has_pending_seals() {
                hub.seal_pending();
            }
        }
        let _ = queue.take_rest();
    });
}
