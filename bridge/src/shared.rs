//! State every task shares: the hub behind its lock, the room timer's wake-up, the
//! per-connection limits, and the connection counts the listener enforces.

use std::collections::HashMap;
use std::net::IpAddr;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use party_link::clock::now_ms;
use tokio::sync::Notify;

use crate::hub::Hub;
use crate::outbox::Outbox;

/// The locked hub; dropping it ends the step (`Hub::settle`), so no caller can leave
/// lines staged and unsent.
pub struct HubGuard<'a>(MutexGuard<'a, Hub>);

impl Deref for HubGuard<'_> {
    type Target = Hub;
    fn deref(&self) -> &Hub {
        &self.0
    }
}

impl DerefMut for HubGuard<'_> {
    fn deref_mut(&mut self) -> &mut Hub {
        &mut self.0
    }
}

impl Drop for HubGuard<'_> {
    fn drop(&mut self) {
        self.0.settle(now_ms());
    }
}

/// Limits of one connection (from the command line).
#[derive(Debug, Clone)]
pub struct ConnLimits {
    pub flood_burst: std::num::NonZeroU32,
    pub flood_per_sec: std::num::NonZeroU32,
    pub flood_max_queued: usize,
    pub sendq_lines: usize,
    pub register_timeout: Duration,
    pub ping_interval: Duration,
    pub ping_timeout: Duration,
}

pub struct Shared {
    hub: Mutex<Hub>,
    /// Requests on their way to the broker; input waits while it is backed up.
    pub outbox: Arc<Outbox>,
    /// Woken after anything that may move the earliest room deadline.
    pub timer: Notify,
    pub limits: ConnLimits,
    pub server_name: String,
    pub max_clients: usize,
    pub max_clients_per_ip: usize,
    counts: Mutex<Counts>,
    all_closed: Notify,
}

#[derive(Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

/// Why a connection was refused at the door.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    ServerFull,
    TooManyFromIp,
}

/// A connection's place in the counts, given back when dropped.
pub struct Slot<'a> {
    shared: &'a Shared,
    ip: IpAddr,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut counts = lock(&self.shared.counts);
        counts.total = counts.total.saturating_sub(1);
        if counts.total == 0 {
            self.shared.all_closed.notify_waiters();
        }
        if let Some(n) = counts.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                counts.per_ip.remove(&self.ip);
            }
        }
    }
}

impl Shared {
    pub fn new(
        hub: Hub,
        outbox: Arc<Outbox>,
        limits: ConnLimits,
        server_name: String,
        max_clients: usize,
        max_clients_per_ip: usize,
    ) -> Self {
        Self {
            hub: Mutex::new(hub),
            outbox,
            timer: Notify::new(),
            limits,
            server_name,
            max_clients,
            max_clients_per_ip,
            counts: Mutex::new(Counts::default()),
            all_closed: Notify::new(),
        }
    }

    /// The hub. A panic while it was held (a bug) must not take every other client
    /// down with it, so a poisoned lock is used anyway. Whatever the holder did, its
    /// output reaches the connections when the guard goes.
    pub fn hub(&self) -> HubGuard<'_> {
        HubGuard(lock(&self.hub))
    }

    /// Resolves once no connection is open (each has written its goodbye).
    pub async fn all_closed(&self) {
        loop {
            let closed = self.all_closed.notified();
            if lock(&self.counts).total == 0 {
                return;
            }
            closed.await;
        }
    }

    /// Takes a place for a new connection from `ip`, if the caps allow.
    pub fn admit(&self, ip: IpAddr) -> Result<Slot<'_>, Refusal> {
        let mut counts = lock(&self.counts);
        if counts.total >= self.max_clients {
            return Err(Refusal::ServerFull);
        }
        let from_ip = counts.per_ip.entry(ip).or_insert(0);
        if *from_ip >= self.max_clients_per_ip {
            return Err(Refusal::TooManyFromIp);
        }
        *from_ip += 1;
        counts.total += 1;
        Ok(Slot { shared: self, ip })
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
