//! The rooms' clock: runs the hub's beats, timeouts and replies when they are due.

use std::sync::Arc;

use party_link::clock::{instant_at, now_ms};
use tokio::time::sleep_until;

use crate::shared::Shared;

/// Runs room timers: sleeps until the earliest deadline, or until woken because
/// something may have moved it.
pub async fn run(shared: Arc<Shared>) {
    loop {
        let deadline = shared.hub().next_deadline();
        let wake = shared.timer.notified();
        match deadline {
            Some(at) => {
                tokio::select! {
                    () = sleep_until(instant_at(at, now_ms())) => shared.hub().tick(now_ms()),
                    () = wake => {}
                }
            }
            None => wake.await,
        }
    }
}
