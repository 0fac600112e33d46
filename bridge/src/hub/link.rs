//! The broker side of the hub: connection up and down, payloads in, timers, shutdown.
//! The rooms do the work; the hub tells its IRC users what they reported.

use super::{ClientId, Hub};

impl Hub {
    /// Connected (first time or again): every channel subscribes and its members
    /// announce again, with a fresh history request.
    pub fn on_link_up(&mut self, now_ms: u64) {
        for (room, events) in self.rooms.on_link_up(now_ms) {
            self.show(&room, events, now_ms);
        }
        if std::mem::take(&mut self.told_down) {
            self.notice_everyone("The Party broker is back: your channels are live again");
        }
        self.reap(now_ms);
    }

    /// The broker connection failed; users hear it once, not at every retry.
    pub fn on_link_down(&mut self, reason: &str, retry_in_ms: u64, now_ms: u64) {
        self.rooms.on_link_down(now_ms);
        if !self.told_down {
            self.told_down = true;
            let secs = retry_in_ms.div_ceil(1000);
            self.notice_everyone(&format!("Lost the Party broker ({reason}); reconnecting (next try in {secs} s). Messages cannot be sent until it is back."));
        }
        self.reap(now_ms);
    }

    pub fn on_publish(&mut self, topic: &str, retained: bool, payload: &[u8], now_ms: u64) {
        if let Some((room, events)) = self.rooms.on_publish(topic, retained, payload, now_ms) {
            self.show(&room, events, now_ms);
        }
        self.reap(now_ms);
    }

    /// Runs every room timer that is due.
    pub fn tick(&mut self, now_ms: u64) {
        for (room, events) in self.rooms.tick(now_ms) {
            self.show(&room, events, now_ms);
        }
        self.reap(now_ms);
    }

    /// When `tick` must next run.
    pub fn next_deadline(&self) -> Option<u64> {
        self.rooms.next_deadline()
    }

    /// Stopping: every IRC user leaves its rooms properly, and hears why.
    pub fn shutdown(&mut self, now_ms: u64) {
        self.seal_pending();
        self.rooms.shutdown(now_ms);
        let ids: Vec<ClientId> = self.clients.keys().copied().collect();
        for id in ids {
            if let Some(mut client) = self.clients.remove(&id) {
                client.hand_over();
                client.sendq.close("Server shutting down");
            }
        }
        self.nicks.clear();
        self.by_peer.clear();
        self.channel_ops.clear();
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
