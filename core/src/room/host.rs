//! Whether the room's host is here, debounced by `HOST_GRACE_MS` so a reload or a
//! reconnect does not flash "host away".

use crate::ids::Handle;
use crate::limits::HOST_GRACE_MS;

use super::RoomEvent;

pub(super) struct HostWatch {
    host: Option<Handle>,
    present: bool,
    /// Whether the presence we reported was backed by a verified key.
    verified: bool,
    away_at: Option<u64>,
}

impl HostWatch {
    pub(super) fn new(host: Option<Handle>) -> Self {
        Self {
            host,
            present: false,
            verified: false,
            away_at: None,
        }
    }

    pub(super) fn host(&self) -> Option<&Handle> {
        self.host.as_ref()
    }

    /// Feeds whether the host is here now (`Some(verified)`): announces a return at
    /// once, and starts the grace period on departure.
    pub(super) fn update(&mut self, here: Option<bool>, now_ms: u64) -> Option<RoomEvent> {
        let host = self.host.as_ref()?;
        if let Some(verified) = here {
            self.away_at = None;
            if !self.present || verified != self.verified {
                self.present = true;
                self.verified = verified;
                return Some(RoomEvent::HostPresent {
                    host: host.clone(),
                    verified,
                });
            }
        } else if self.present && self.away_at.is_none() {
            self.away_at = Some(now_ms.saturating_add(HOST_GRACE_MS));
        }
        None
    }

    /// Reports the host away once the grace period has passed without a return.
    pub(super) fn tick(&mut self, here: bool, now_ms: u64) -> Option<RoomEvent> {
        let due = self.away_at?;
        if now_ms < due {
            return None;
        }
        self.away_at = None;
        if here {
            return None;
        }
        self.present = false;
        self.host.as_ref().map(|host| RoomEvent::HostAway {
            host: host.clone(),
            verified: self.verified,
        })
    }

    pub(super) fn deadline(&self) -> Option<u64> {
        self.away_at
    }

    /// Forgets presence (we left the room).
    pub(super) fn reset(&mut self) {
        self.present = false;
        self.away_at = None;
    }
}
