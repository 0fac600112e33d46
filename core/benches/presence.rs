//! Presence at room sizes of 10, 100 and 1000 peers: what it costs the broker
//! (deliveries a second), how soon a join is seen both ways, and how soon a departure
//! is seen (a graceful leave, and a killed client whose Last Will the broker sends).
//! Party's rooms run the real `party_core::Room` (signatures and all) over a simulated
//! broker with a fake clock; Party v1's rule is modelled in the same run from
//! lib/mesh.js: a beat every 4 s, no leave and no will, a peer dropped by a sweep
//! every 5 s once silent for 90 s.
//!
//! Run: `cargo bench -p party-core --bench presence` (a few minutes; the 1000-peer room
//! verifies a few million signatures). `PRESENCE_SIZES=10,100` picks the sizes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use party_core::ids::{PeerId, RoomName};
use party_core::secret::AgentSecret;
use party_core::{LocalPeer, Output, Room};

/// The simulated broker's one-way latency: every publish reaches every subscriber
/// this long after it was sent.
const LATENCY_MS: u64 = 5;
/// The room fills at once (a millisecond apart): what a strangers' budget drops then
/// comes in with the next beats, so no join waits on a roster of hundreds, which
/// would make filling a simulated room of 1000 cubic in time.
const JOIN_SPACING_MS: u64 = 1;
/// After the joins, how long to settle before measuring: two of the longest beat
/// periods, so everyone has heard everyone and beats are spread over the period.
const SETTLE_MS: u64 = 90_000;
/// How long the steady cost is measured: one of the longest beat periods.
const MEASURE_MS: u64 = 40_000;
const T0: u64 = 1_767_225_600_000;

// Party v1 (lib/mesh.js).
const V1_ANNOUNCE_INTERVAL_MS: u64 = 4_000;
const V1_PEER_TIMEOUT_MS: u64 = 90_000;
const V1_GC_INTERVAL_MS: u64 = 5_000;

fn main() {
    let sizes: Vec<usize> = std::env::var("PRESENCE_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 100, 1000]);
    println!(
        "presence: Party (real core rooms, simulated broker, {LATENCY_MS} ms one way) against Party v1's rule (4 s beats, 90 s timeout)"
    );
    println!(
        "{:>5} {:<7} {:>14} {:>10} {:>16} {:>14} {:>14} {:>14}",
        "peers",
        "rule",
        "deliveries/s",
        "per peer",
        "joiner sees all",
        "join seen by",
        "leave seen",
        "kill seen"
    );
    for n in sizes {
        let started = Instant::now();
        let party = party_room(n);
        let v1 = v1_room(n);
        party.print(n, "party");
        v1.print(n, "v1");
        println!(
            "{:>5} {:<7} {:>13.3}x {:>10} {:>15.3}x {:>13.3}x {:>13.4}x {:>13.4}x   ({:.0} s to simulate)",
            n,
            "ratio",
            party.deliveries_per_sec / v1.deliveries_per_sec,
            "",
            party.joiner_sees_all_ms as f64 / v1.joiner_sees_all_ms.max(1) as f64,
            party.join_seen_ms as f64 / v1.join_seen_ms.max(1) as f64,
            party.leave_seen_ms as f64 / v1.leave_seen_ms.max(1) as f64,
            party.kill_seen_ms as f64 / v1.kill_seen_ms.max(1) as f64,
            started.elapsed().as_secs_f64()
        );
    }
}

struct Figures {
    deliveries_per_sec: f64,
    /// From a newcomer's join until it lists every peer in the room.
    joiner_sees_all_ms: u64,
    /// From that join until every peer lists the newcomer.
    join_seen_ms: u64,
    /// From a graceful leave until no peer lists the one who left.
    leave_seen_ms: u64,
    /// From a kill until no peer lists the killed client.
    kill_seen_ms: u64,
}

impl Figures {
    fn print(&self, n: usize, rule: &str) {
        println!(
            "{:>5} {:<7} {:>14.0} {:>10.1} {:>13} ms {:>11} ms {:>11} ms {:>11} ms",
            n,
            rule,
            self.deliveries_per_sec,
            self.deliveries_per_sec / n as f64,
            self.joiner_sees_all_ms,
            self.join_seen_ms,
            self.leave_seen_ms,
            self.kill_seen_ms
        );
    }
}

// ---- Party: real rooms over a simulated broker ----

struct Sim {
    rooms: Vec<Option<Room>>,
    /// The Last Will each client registered at its CONNECT.
    wills: Vec<Option<Vec<u8>>>,
    /// Publishes in flight: (arrival, sequence) → payload.
    queue: BinaryHeap<Reverse<(u64, u64, usize)>>,
    payloads: Vec<Vec<u8>>,
    seq: u64,
    now: u64,
    deliveries: u64,
    /// Each client's next timer, and a heap of them (stale entries are skipped).
    deadlines: Vec<Option<u64>>,
    timers: BinaryHeap<Reverse<(u64, usize)>>,
}

impl Sim {
    fn new(capacity: usize) -> Self {
        Self {
            rooms: Vec::with_capacity(capacity),
            wills: Vec::with_capacity(capacity),
            queue: BinaryHeap::new(),
            payloads: Vec::new(),
            seq: 0,
            now: T0,
            deliveries: 0,
            deadlines: Vec::with_capacity(capacity),
            timers: BinaryHeap::new(),
        }
    }

    /// Re-reads client `i`'s next timer after it was touched.
    fn rearm(&mut self, i: usize) {
        let at = self.rooms[i].as_ref().and_then(Room::next_deadline);
        if self.deadlines[i] != at {
            self.deadlines[i] = at;
            if let Some(at) = at {
                self.timers.push(Reverse((at, i)));
            }
        }
    }

    /// The earliest live timer.
    fn next_timer(&mut self) -> Option<(u64, usize)> {
        while let Some(&Reverse((at, i))) = self.timers.peek() {
            if self.deadlines[i] == Some(at) {
                return Some((at, i));
            }
            self.timers.pop();
        }
        None
    }

    fn publish(&mut self, payload: Vec<u8>) {
        self.seq += 1;
        self.payloads.push(payload);
        self.queue.push(Reverse((
            self.now + LATENCY_MS,
            self.seq,
            self.payloads.len() - 1,
        )));
    }

    fn apply(&mut self, who: usize, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::Publish { payload, .. } => self.publish(payload),
                Output::Will { payload, .. } => self.wills[who] = Some(payload),
                _ => {}
            }
        }
    }

    fn join(&mut self, i: usize) {
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        seed[31] = 0x5a;
        let mut id = [0u8; 8];
        id[..4].copy_from_slice(&(i as u32 + 1).to_le_bytes());
        id[7] = 0x5a;
        let me = LocalPeer::agent(&AgentSecret::from_bytes(seed), PeerId::from_bytes(id));
        let name = RoomName::parse("presence-bench").unwrap_or_else(|err| panic!("{err}"));
        let mut room = Room::new(name, me, self.now, i as u64 + 7);
        let will = room.will(self.now);
        let joined = room.join(self.now);
        self.rooms.push(Some(room));
        self.wills.push(None);
        self.deadlines.push(None);
        self.apply(i, vec![will]);
        self.apply(i, joined);
        self.rearm(i);
    }

    /// Runs every delivery and timer up to `until`.
    fn run_until(&mut self, until: u64) {
        loop {
            let next_delivery = self.queue.peek().map(|Reverse((at, _, _))| *at);
            let next_timer = self.next_timer();
            let deliver_first = match (next_delivery, next_timer) {
                (Some(d), Some((t, _))) => d <= t,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if deliver_first {
                let Some(Reverse((at, _, index))) = self.queue.peek().copied() else {
                    break;
                };
                if at > until {
                    break;
                }
                self.queue.pop();
                self.now = at.max(self.now);
                let payload = std::mem::take(&mut self.payloads[index]);
                self.deliver(&payload);
            } else {
                let Some((at, i)) = next_timer else {
                    break;
                };
                if at > until {
                    break;
                }
                self.now = at.max(self.now);
                let now = self.now;
                if let Some(out) = self.rooms[i].as_mut().map(|r| r.tick(now)) {
                    self.apply(i, out);
                }
                self.rearm(i);
            }
        }
        self.now = until;
    }

    fn deliver(&mut self, payload: &[u8]) {
        let now = self.now;
        for i in 0..self.rooms.len() {
            let Some(room) = self.rooms[i].as_mut() else {
                continue;
            };
            self.deliveries += 1;
            let out = room.receive(now, payload);
            self.apply(i, out);
            self.rearm(i);
        }
    }

    fn id(&self, j: usize) -> Option<PeerId> {
        self.rooms
            .get(j)?
            .as_ref()
            .map(|room| room.me().peer_id().clone())
    }

    /// Whether client `i` (if still running) lists the connection `id`.
    fn lists(&self, i: usize, id: &PeerId) -> bool {
        self.rooms
            .get(i)
            .and_then(Option::as_ref)
            .is_some_and(|room| room.is_present(id))
    }

    /// Steps in 5 ms until `done` holds (or `limit` ms pass); the time it took.
    fn time_until(&mut self, limit: u64, done: impl Fn(&Sim) -> bool) -> u64 {
        let start = self.now;
        while !done(self) && self.now - start < limit {
            let next = self.now + 5;
            self.run_until(next);
        }
        self.now - start
    }
}

fn party_room(n: usize) -> Figures {
    let mut sim = Sim::new(n + 1);
    for i in 0..n {
        sim.join(i);
        let next = sim.now + JOIN_SPACING_MS;
        sim.run_until(next);
    }
    let settled = sim.now + SETTLE_MS;
    sim.run_until(settled);

    let before = sim.deliveries;
    let end = sim.now + MEASURE_MS;
    sim.run_until(end);
    let deliveries_per_sec = (sim.deliveries - before) as f64 * 1_000.0 / MEASURE_MS as f64;

    // A newcomer.
    let ids: Vec<PeerId> = (0..n).filter_map(|j| sim.id(j)).collect();
    sim.join(n);
    let newcomer = sim.id(n).unwrap_or_else(|| unreachable!("just joined"));
    let start = sim.now;
    let mut joiner_sees_all_ms = None;
    let mut join_seen_ms = None;
    while (joiner_sees_all_ms.is_none() || join_seen_ms.is_none()) && sim.now - start < 120_000 {
        if joiner_sees_all_ms.is_none() && ids.iter().all(|id| sim.lists(n, id)) {
            joiner_sees_all_ms = Some(sim.now - start);
        }
        if join_seen_ms.is_none() && (0..n).all(|i| sim.lists(i, &newcomer)) {
            join_seen_ms = Some(sim.now - start);
        }
        let next = sim.now + 5;
        sim.run_until(next);
    }

    // Peer 0 leaves gracefully.
    let leaver = ids[0].clone();
    let now = sim.now;
    if let Some(out) = sim.rooms[0].as_mut().map(|r| r.leave(now)) {
        sim.apply(0, out);
    }
    sim.rooms[0] = None;
    sim.rearm(0);
    let leave_seen_ms = sim.time_until(200_000, |s| (1..=n).all(|i| !s.lists(i, &leaver)));

    // Peer 1 is killed: the broker sees its socket close and sends its will.
    let victim = ids[1.min(n - 1)].clone();
    sim.rooms[1.min(n - 1)] = None;
    sim.rearm(1.min(n - 1));
    if let Some(will) = sim.wills[1.min(n - 1)].clone() {
        sim.publish(will);
    }
    let kill_seen_ms = sim.time_until(200_000, |s| (0..=n).all(|i| !s.lists(i, &victim)));

    Figures {
        deliveries_per_sec,
        joiner_sees_all_ms: joiner_sees_all_ms.unwrap_or(u64::MAX),
        join_seen_ms: join_seen_ms.unwrap_or(u64::MAX),
        leave_seen_ms,
        kill_seen_ms,
    }
}

// ---- Party v1's rule, modelled ----

fn v1_room(n: usize) -> Figures {
    // Client i joins at T0 + i·JOIN_SPACING_MS, as above, and from then on beats every
    // 4 s and sweeps every 5 s. A beat reaches all n clients. A newcomer learns of each
    // peer at that peer's next beat; peers learn of it from the announce it sends on
    // connect. v1 has no leave and no will: a client that goes, gracefully or killed,
    // is dropped by each peer's first sweep after 90 s of silence.
    let joined = |i: usize| T0 + i as u64 * JOIN_SPACING_MS;
    let deliveries_per_sec = (n * n) as f64 * 1_000.0 / V1_ANNOUNCE_INTERVAL_MS as f64;
    let arrival = joined(n) + SETTLE_MS + MEASURE_MS;
    let next_after = |start: u64, period: u64, t: u64| t + (period - (t - start) % period);
    let joiner_sees_all_ms = (0..n)
        .map(|j| next_after(joined(j), V1_ANNOUNCE_INTERVAL_MS, arrival) + LATENCY_MS - arrival)
        .max()
        .unwrap_or(0);
    let gone = |who: usize, at: u64| {
        let last_beat =
            next_after(joined(who), V1_ANNOUNCE_INTERVAL_MS, at) - V1_ANNOUNCE_INTERVAL_MS;
        let stale_after = last_beat + LATENCY_MS + V1_PEER_TIMEOUT_MS;
        (0..=n)
            .filter(|i| *i != who)
            .map(|i| next_after(joined(i), V1_GC_INTERVAL_MS, stale_after) - at)
            .max()
            .unwrap_or(0)
    };
    let leave_at = arrival + 5_000;
    Figures {
        deliveries_per_sec,
        joiner_sees_all_ms,
        join_seen_ms: LATENCY_MS,
        leave_seen_ms: gone(0, leave_at),
        kill_seen_ms: gone(1.min(n - 1), leave_at + 1_000),
    }
}
