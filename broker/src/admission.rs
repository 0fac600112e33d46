//! Who may hold a connection: a budget for the whole process, sized to its file
//! descriptors, a share per client address (Ergo's per-IP limit), so one address
//! cannot take the sockets everybody else needs, and a rate of new connections per
//! address (Ergo's connection throttle), so one address cannot keep the router busy
//! with connections it opens and drops.
//!
//! Every accepted socket (MQTT over TCP, HTTP, and so WebSocket) takes a [`Ticket`]
//! first and gives it back when it closes. A refused socket is closed at once, which
//! keeps `accept` working: a process that ran out of descriptors could not even
//! accept a connection to turn it away.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use ipnet::IpNet;
use party_core::rate::{Bucket, Rate};

/// Why a connection was turned away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The address already holds its share.
    AddressFull,
    /// The process is at its connection budget.
    ServerFull,
    /// The address opened connections faster than its rate.
    TooFast,
}

/// Addresses whose connection rate is remembered; past it, those back to a full
/// bucket (nothing to remember) are forgotten first.
const RATES_REMEMBERED: usize = 65_536;

/// A client address as counted: IPv4 whole, IPv6 by its /64 (one host usually has a
/// whole /64, so counting single IPv6 addresses would limit nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum AddressKey {
    V4(u32),
    V6Prefix(u64),
}

impl AddressKey {
    fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => AddressKey::V4(u32::from(v4)),
            IpAddr::V6(v6) => AddressKey::V6Prefix((u128::from(v6) >> 64) as u64),
        }
    }
}

/// The limits, fixed at start-up.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections of all kinds the process holds at once.
    pub total: usize,
    /// Connections per client address.
    pub per_address: usize,
    /// Proxies whose own address is not counted: every client behind them shares it.
    /// A WebSocket through one is counted by the address it forwards instead.
    pub trusted_proxies: Vec<IpNet>,
    /// New connections per address.
    pub connect_rate: Rate,
}

#[derive(Default)]
struct Counts {
    total: usize,
    per_address: HashMap<AddressKey, usize>,
    rates: HashMap<AddressKey, Bucket>,
}

/// Shared by every listener.
pub struct Admission {
    limits: Limits,
    counts: Mutex<Counts>,
    /// The rate buckets' clock.
    started: Instant,
}

impl Admission {
    pub fn new(limits: Limits) -> Arc<Self> {
        Arc::new(Admission {
            limits,
            counts: Mutex::new(Counts::default()),
            started: Instant::now(),
        })
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether `ip` is a proxy we take forwarded addresses from.
    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.limits
            .trusted_proxies
            .iter()
            .any(|net| net.contains(&ip))
    }

    /// For a socket just accepted from `peer`: counts against the process budget, and
    /// against the peer's share unless the peer is a trusted proxy.
    pub fn admit(self: &Arc<Self>, peer: IpAddr) -> Result<Ticket, Refused> {
        let key = (!self.is_trusted_proxy(peer)).then(|| AddressKey::of(peer));
        let now_ms = self.now_ms();
        let mut counts = self.lock();
        if counts.total >= self.limits.total {
            return Err(Refused::ServerFull);
        }
        if let Some(key) = key {
            take_rate(&mut counts, key, self.limits.connect_rate, now_ms)?;
            take_share(&mut counts, key, self.limits.per_address)?;
        }
        counts.total += 1;
        Ok(Ticket {
            admission: self.clone(),
            key,
            counts_total: true,
        })
    }

    /// For a client a trusted proxy forwarded (its socket already holds a ticket):
    /// counts against that client's share only.
    pub fn admit_forwarded(self: &Arc<Self>, client: IpAddr) -> Result<Ticket, Refused> {
        let key = AddressKey::of(client);
        let now_ms = self.now_ms();
        let mut counts = self.lock();
        take_rate(&mut counts, key, self.limits.connect_rate, now_ms)?;
        take_share(&mut counts, key, self.limits.per_address)?;
        Ok(Ticket {
            admission: self.clone(),
            key: Some(key),
            counts_total: false,
        })
    }

    /// Connections held now, of all kinds.
    pub fn held(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        // The counts stay consistent whatever panicked while holding them: each change
        // is a single add or remove.
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn take_rate(counts: &mut Counts, key: AddressKey, rate: Rate, now_ms: u64) -> Result<(), Refused> {
    if counts.rates.len() >= RATES_REMEMBERED && !counts.rates.contains_key(&key) {
        counts
            .rates
            .retain(|_, bucket| !bucket.is_full(rate, now_ms));
        if counts.rates.len() >= RATES_REMEMBERED {
            return Err(Refused::TooFast);
        }
    }
    let bucket = counts
        .rates
        .entry(key)
        .or_insert_with(|| Bucket::full(rate, now_ms));
    if bucket.take(rate, now_ms) {
        Ok(())
    } else {
        Err(Refused::TooFast)
    }
}

fn take_share(counts: &mut Counts, key: AddressKey, per_address: usize) -> Result<(), Refused> {
    let held = counts.per_address.entry(key).or_insert(0);
    if *held >= per_address {
        if *held == 0 {
            counts.per_address.remove(&key);
        }
        return Err(Refused::AddressFull);
    }
    *held += 1;
    Ok(())
}

/// A place in the budget, given back when dropped (when its connection closes).
pub struct Ticket {
    admission: Arc<Admission>,
    key: Option<AddressKey>,
    counts_total: bool,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut counts = self.admission.lock();
        if self.counts_total {
            counts.total = counts.total.saturating_sub(1);
        }
        if let Some(key) = self.key {
            if let Some(held) = counts.per_address.get_mut(&key) {
                *held -= 1;
                if *held == 0 {
                    counts.per_address.remove(&key);
                }
            }
        }
    }
}

/// The client a request came from through a trusted proxy: the last address in
/// `X-Forwarded-For` (proxies append the address they received from) that is not
/// itself a trusted proxy. `None` if the header is missing or holds no address.
pub fn forwarded_client(admission: &Admission, header: Option<&str>) -> Option<IpAddr> {
    header?
        .rsplit(',')
        .map(str::trim)
        .filter_map(|hop| hop.parse::<IpAddr>().ok())
        .find(|ip| !admission.is_trusted_proxy(*ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission(total: usize, per_address: usize) -> Arc<Admission> {
        Admission::new(Limits {
            total,
            per_address,
            trusted_proxies: vec!["127.0.0.1/32".parse().unwrap(), "::1/128".parse().unwrap()],
            connect_rate: Rate {
                burst: 1_000,
                every_ms: 1,
            },
        })
    }

    #[test]
    fn an_address_opening_connections_too_fast_is_refused_until_its_rate_allows() {
        let admission = Admission::new(Limits {
            total: 100,
            per_address: 100,
            trusted_proxies: Vec::new(),
            connect_rate: Rate {
                burst: 3,
                every_ms: 60_000,
            },
        });
        let held: Vec<Ticket> = (0..3)
            .map(|_| admission.admit(ip("10.0.0.1")).unwrap())
            .collect();
        drop(held);
        assert_eq!(
            admission.admit(ip("10.0.0.1")).err(),
            Some(Refused::TooFast)
        );
        assert!(admission.admit(ip("10.0.0.2")).is_ok(), "another address");
        assert_eq!(
            admission.admit_forwarded(ip("10.0.0.1")).err(),
            Some(Refused::TooFast),
            "a forwarded client is throttled by its own address"
        );
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_address_holds_at_most_its_share_and_gets_it_back_on_close() {
        let admission = admission(100, 2);
        let a = admission.admit(ip("10.0.0.1")).unwrap();
        let _b = admission.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(
            admission.admit(ip("10.0.0.1")).err(),
            Some(Refused::AddressFull)
        );
        assert!(admission.admit(ip("10.0.0.2")).is_ok());
        drop(a);
        assert!(admission.admit(ip("10.0.0.1")).is_ok());
    }

    #[test]
    fn the_process_budget_counts_every_address() {
        let admission = admission(2, 10);
        let _a = admission.admit(ip("10.0.0.1")).unwrap();
        let b = admission.admit(ip("10.0.0.2")).unwrap();
        assert_eq!(
            admission.admit(ip("10.0.0.3")).err(),
            Some(Refused::ServerFull)
        );
        assert_eq!(admission.held(), 2);
        drop(b);
        assert!(admission.admit(ip("10.0.0.3")).is_ok());
    }

    #[test]
    fn ipv6_addresses_share_their_slash_64_and_mapped_ipv4_is_ipv4() {
        let admission = admission(100, 1);
        let _a = admission.admit(ip("2001:db8:1:2::1")).unwrap();
        assert_eq!(
            admission.admit(ip("2001:db8:1:2::ffff")).err(),
            Some(Refused::AddressFull)
        );
        assert!(admission.admit(ip("2001:db8:1:3::1")).is_ok());
        let _v4 = admission.admit(ip("10.0.0.1")).unwrap();
        assert_eq!(
            admission.admit(ip("::ffff:10.0.0.1")).err(),
            Some(Refused::AddressFull)
        );
    }

    #[test]
    fn trusted_proxies_are_not_limited_but_their_forwarded_clients_are() {
        let admission = admission(100, 1);
        let proxy_sockets: Vec<Ticket> = (0..5)
            .map(|_| admission.admit(ip("127.0.0.1")).unwrap())
            .collect();
        assert_eq!(admission.held(), 5);
        let _client = admission.admit_forwarded(ip("203.0.113.7")).unwrap();
        assert_eq!(
            admission.admit_forwarded(ip("203.0.113.7")).err(),
            Some(Refused::AddressFull)
        );
        assert_eq!(
            admission.held(),
            5,
            "forwarded clients ride on the proxy's socket"
        );
        drop(proxy_sockets);
        assert_eq!(admission.held(), 0);
    }

    #[test]
    fn the_forwarded_client_is_the_last_hop_not_a_trusted_proxy() {
        let admission = admission(100, 1);
        let client = |h: &str| forwarded_client(&admission, Some(h));
        assert_eq!(client("203.0.113.7"), Some(ip("203.0.113.7")));
        assert_eq!(client("198.51.100.1, 203.0.113.7"), Some(ip("203.0.113.7")));
        assert_eq!(client("203.0.113.7, 127.0.0.1"), Some(ip("203.0.113.7")));
        assert_eq!(client("garbage, 203.0.113.7 "), Some(ip("203.0.113.7")));
        assert_eq!(client("garbage"), None);
        assert_eq!(forwarded_client(&admission, None), None);
    }
}
