//! The broker side of the hub: connection up and down, payloads in, timers, shutdown.

use party_core::connection::{Connection, Incoming};
use party_core::topic::room_of_topic;
use party_core::Output;

use super::{ClientId, Hub};

/// Subscribes and joins at once. One MQTT session carries every room here, so its
/// SUBACKs cannot be told apart; the broker handles our packets in order, so the
/// subscription is in place before the announce arrives (see
/// `Connection::subscribed`). A refusal shows in the broker link's log.
pub(super) fn go_live(connection: &mut Connection, now_ms: u64) -> Vec<Output> {
    let mut outputs = connection.connected(now_ms);
    // Granted, so this cannot fail.
    outputs.extend(connection.subscribed(now_ms, true).unwrap_or_default());
    outputs
}

impl Hub {
    /// Connected (first time or again): every channel subscribes and its members
    /// announce again, with a fresh history request.
    pub fn on_link_up(&mut self, now_ms: u64) {
        self.link_up = true;
        let rooms: Vec<_> = self.channels.keys().cloned().collect();
        for room in rooms {
            let Some(channel) = self.channels.get_mut(&room) else {
                continue;
            };
            let outputs = go_live(&mut channel.connection, now_ms);
            self.apply(&room, outputs);
        }
        if std::mem::take(&mut self.told_down) {
            self.notice_everyone("The Party broker is back: your channels are live again");
        }
        self.reap(now_ms);
    }

    /// The broker connection failed; users hear it once, not at every retry.
    pub fn on_link_down(&mut self, reason: &str, retry_in_ms: u64, now_ms: u64) {
        self.link_up = false;
        for channel in self.channels.values_mut() {
            // A shared session has no will, so losing it asks for nothing.
            drop(channel.connection.lost(now_ms));
        }
        if !self.told_down {
            self.told_down = true;
            let secs = retry_in_ms.div_ceil(1000);
            self.notice_everyone(&format!("Lost the Party broker ({reason}); reconnecting (next try in {secs} s). Messages cannot be sent until it is back."));
        }
        self.reap(now_ms);
    }

    pub fn on_publish(&mut self, topic: &str, retained: bool, payload: &[u8], now_ms: u64) {
        let Some(room) = room_of_topic(topic) else {
            return;
        };
        let Some(channel) = self.channels.get_mut(&room) else {
            return;
        };
        let incoming = Incoming {
            topic,
            retained,
            payload,
        };
        let outputs = channel.connection.receive(now_ms, incoming);
        self.apply(&room, outputs);
        self.reap(now_ms);
    }

    /// Runs every room timer that is due.
    pub fn tick(&mut self, now_ms: u64) {
        let due: Vec<_> = self
            .channels
            .iter()
            .filter(|(_, c)| c.connection.next_deadline().is_some_and(|at| at <= now_ms))
            .map(|(room, _)| room.clone())
            .collect();
        for room in due {
            if let Some(channel) = self.channels.get_mut(&room) {
                let outputs = channel.connection.tick(now_ms);
                self.apply(&room, outputs);
            }
        }
        self.reap(now_ms);
    }

    /// When `tick` must next run.
    pub fn next_deadline(&self) -> Option<u64> {
        self.channels
            .values()
            .filter_map(|c| c.connection.next_deadline())
            .min()
    }

    /// Stopping: every IRC user leaves its rooms properly, and hears why.
    pub fn shutdown(&mut self, now_ms: u64) {
        self.seal_pending();
        let rooms: Vec<_> = self.channels.keys().cloned().collect();
        for room in rooms {
            if let Some(mut channel) = self.channels.remove(&room) {
                let outputs = channel.connection.leave(now_ms);
                self.end_room(channel.connection.topic(), outputs);
            }
        }
        let ids: Vec<ClientId> = self.clients.keys().copied().collect();
        for id in ids {
            if let Some(mut client) = self.clients.remove(&id) {
                client.hand_over();
                client.sendq.close("Server shutting down");
            }
        }
        self.nicks.clear();
        self.by_peer.clear();
    }

    fn notice_everyone(&mut self, text: &str) {
        let ids: Vec<ClientId> = self
            .clients
            .iter()
            .filter(|(_, c)| c.registered())
            .map(|(&id, _)| id)
            .collect();
        for id in ids {
            self.server_notice(id, text);
        }
    }
}
