//! party-broker under attack: a well-behaved client's round trip while one stranger
//! hits each of the broker's limits, and the broker's memory before, during and after.
//!
//! Run with `cargo bench -p party-broker --bench attack` (also part of
//! `./scripts/bench`). For each attack it prints the healthy client's p50 and p99
//! round trip (one 100-byte QoS 0 message to its own topic and back, one in flight)
//! beside the quiet figures measured in the same run, their ratio, and the broker's
//! resident memory (VmRSS) before the attack, at its end, and once the attacker has
//! gone. The attacks are the ones measured on the unprotected broker (issue 10):
//!
//! - `filters`: SUBSCRIBE with 5,000 filters, again and again (each on a fresh
//!   connection);
//! - `connections`: connections from one address as fast as they are refused;
//! - `wildcards`: SUBSCRIBE `#` and invalid filters, again and again;
//! - `big publishes`: 200 KB publishes spread over 100 topics, retained and not.
//!
//! The attacker runs on its own thread (its own runtime) from another loopback
//! address (127.0.0.2), so the per-address limit applies to it and not to the
//! healthy client. On this 2-CPU machine the client, the attacker and the broker share
//! the CPUs, so the ratio also holds the attacker's own CPU use; the load average is
//! printed.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::raw_mqtt::{self, Frames, PUBLISH, SUBACK};
use common::{tcp_from, Broker, Dist};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

const WARMUP: usize = 300;
const SAMPLES: usize = 3_000;
const PAYLOAD: usize = 100;
/// Bound on any single wait, so a broken broker fails the run instead of hanging it.
const STALL: Duration = Duration::from_secs(10);
const ATTACKER: &str = "127.0.0.2";

#[derive(Clone, Copy)]
enum Attack {
    Filters,
    Connections,
    Wildcards,
    BigPublishes,
}

impl Attack {
    const ALL: [Attack; 4] = [
        Attack::Filters,
        Attack::Connections,
        Attack::Wildcards,
        Attack::BigPublishes,
    ];

    fn name(self) -> &'static str {
        match self {
            Attack::Filters => "filters (5,000 per SUBSCRIBE)",
            Attack::Connections => "connections (one address)",
            Attack::Wildcards => "wildcards and invalid filters",
            Attack::BigPublishes => "big publishes (200 KB x 100 topics)",
        }
    }
}

fn main() -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

async fn run() -> Result<(), BoxError> {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let pid = broker.pid();
    println!("party-broker under attack (healthy client: round trip of one 100-byte message)");
    println!("load average: {}", load_average());
    let mut healthy = Healthy::connect(&broker).await?;
    healthy.measure(WARMUP).await?;
    let quiet = percentiles(healthy.measure(SAMPLES).await?);
    println!(
        "{:<38} {:>9} {:>9} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9}",
        "attack", "p50 us", "p99 us", "p50 x", "p99 x", "attempts", "RSS MB<", "RSS MB=", "RSS MB>"
    );
    println!(
        "{:<38} {:>9.1} {:>9.1} {:>7} {:>7} {:>9} {:>9.1}",
        "none (quiet)",
        quiet.0,
        quiet.1,
        "1.00",
        "1.00",
        "-",
        rss_mb(pid)
    );
    for attack in Attack::ALL {
        let before = rss_mb(pid);
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicU64::new(0));
        let attacker = {
            let (stop, count) = (stop.clone(), count.clone());
            let mqtt = broker.mqtt;
            std::thread::spawn(move || attack_thread(attack, mqtt, stop, count))
        };
        // Let the attack get going before measuring.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let under = percentiles(healthy.measure(SAMPLES).await?);
        let during = rss_mb(pid);
        stop.store(true, Ordering::Relaxed);
        attacker
            .join()
            .map_err(|_| "the attacker thread panicked")??;
        tokio::time::sleep(Duration::from_secs(2)).await;
        healthy.measure(WARMUP).await?;
        let after = rss_mb(pid);
        println!(
            "{:<38} {:>9.1} {:>9.1} {:>7.2} {:>7.2} {:>9} {:>9.1} {:>9.1} {:>9.1}",
            attack.name(),
            under.0,
            under.1,
            under.0 / quiet.0,
            under.1 / quiet.1,
            count.load(Ordering::Relaxed),
            before,
            during,
            after
        );
    }
    println!("load average: {}", load_average());
    println!(
        "RSS MB<: before the attack, RSS MB=: at its end, RSS MB>: 2 s after the attacker left"
    );
    Ok(())
}

/// The well-behaved client: publishes to its own topic and waits for it to come back.
struct Healthy {
    stream: TcpStream,
    frames: Frames,
    topic: String,
    packet: Vec<u8>,
}

impl Healthy {
    async fn connect(broker: &Broker) -> Result<Self, BoxError> {
        let mut stream = common::raw_mqtt_session(broker, "healthy").await;
        let topic = "party-2026-v1/party/healthy-room".to_owned();
        stream.write_all(&raw_mqtt::subscribe(1, &topic)).await?;
        let mut frames = Frames::default();
        common::read_packet(&mut stream, &mut frames, SUBACK).await;
        let packet = raw_mqtt::publish(&topic, &[b'x'; PAYLOAD]);
        Ok(Healthy {
            stream,
            frames,
            topic,
            packet,
        })
    }

    async fn measure(&mut self, samples: usize) -> Result<Vec<f64>, BoxError> {
        let mut out = Vec::with_capacity(samples);
        let mut buf = vec![0u8; 64 * 1024];
        for _ in 0..samples {
            let start = Instant::now();
            self.stream.write_all(&self.packet).await?;
            tokio::time::timeout(STALL, async {
                loop {
                    while let Some((kind, _)) = self.frames.next_packet() {
                        if kind == PUBLISH {
                            return Ok::<(), BoxError>(());
                        }
                    }
                    let n = self.stream.read(&mut buf).await?;
                    if n == 0 {
                        return Err(format!("the broker closed {}", self.topic).into());
                    }
                    self.frames.push(&buf[..n]);
                }
            })
            .await
            .map_err(|_| "the healthy client's message did not come back in 10 s")??;
            out.push(start.elapsed().as_secs_f64() * 1e6);
        }
        Ok(out)
    }
}

fn attack_thread(
    attack: Attack,
    mqtt: std::net::SocketAddr,
    stop: Arc<AtomicBool>,
    count: Arc<AtomicU64>,
) -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let mut round = 0u64;
        while !stop.load(Ordering::Relaxed) {
            round += 1;
            match attack {
                Attack::Filters => {
                    let filters: Vec<String> = (0..5_000)
                        .map(|i| format!("party-2026-v1/party/r{round}-{i}"))
                        .collect();
                    if let Some(mut s) = session(mqtt, round).await {
                        let _ = s.write_all(&raw_mqtt::subscribe_many(1, &filters)).await;
                        let _ = wait_for(&mut s, SUBACK).await;
                    }
                }
                Attack::Connections => {
                    // Open and hold as many as the broker lets in; it closes the rest.
                    let mut held = Vec::new();
                    for _ in 0..200 {
                        if let Ok(s) = tcp_from(ATTACKER, mqtt).await {
                            held.push(s);
                        }
                    }
                    count.fetch_add(held.len() as u64, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                Attack::Wildcards => {
                    for filter in ["#", "+/+/+", "a/#/b", "party-2026-v1/party/+"] {
                        if let Some(mut s) = session(mqtt, round).await {
                            let _ = s.write_all(&raw_mqtt::subscribe(1, filter)).await;
                            let _ = wait_for(&mut s, SUBACK).await;
                        }
                    }
                }
                Attack::BigPublishes => {
                    if let Some(mut s) = session(mqtt, round).await {
                        let payload = vec![b'y'; 200 * 1024];
                        for topic in 0..100 {
                            let mut packet = raw_mqtt::publish(
                                &format!("party-2026-v1/party/big-{topic}"),
                                &payload,
                            );
                            if topic % 2 == 0 {
                                packet[0] |= 0x01; // RETAIN
                            }
                            if s.write_all(&packet).await.is_err() {
                                break;
                            }
                        }
                    }
                }
            }
            count.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    })
}

async fn session(mqtt: std::net::SocketAddr, round: u64) -> Option<TcpStream> {
    let mut stream = tcp_from(ATTACKER, mqtt).await.ok()?;
    stream
        .write_all(&raw_mqtt::connect(&format!("attacker-{round}"), 30))
        .await
        .ok()?;
    let mut connack = [0u8; 4];
    tokio::time::timeout(STALL, stream.read_exact(&mut connack))
        .await
        .ok()?
        .ok()?;
    Some(stream)
}

/// Reads until a packet of `kind` or the close; false on close or stall.
async fn wait_for(stream: &mut TcpStream, kind: u8) -> bool {
    let mut frames = Frames::default();
    let mut buf = vec![0u8; 64 * 1024];
    let wait = async {
        loop {
            while let Some((found, _)) = frames.next_packet() {
                if found == kind {
                    return true;
                }
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => frames.push(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(STALL, wait).await.unwrap_or(false)
}

fn percentiles(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    (at(0.50), at(0.99))
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
