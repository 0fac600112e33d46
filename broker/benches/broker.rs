//! party-broker against Debian's mosquitto, same client, same run.
//!
//! Run with `cargo bench -p party-broker --bench broker`. For each broker and each
//! transport (TCP, WebSocket) it measures:
//! - round-trip latency: one client subscribed to its own topic publishes one 100-byte
//!   QoS 0 message and waits for it to come back; p50 and p99 after a warm-up;
//! - pipelined throughput: the same, with 10 or 50 messages in flight, each received
//!   message answered by a new one; messages received per second.
//!
//! Both brokers run side by side and are measured in alternating short rounds, so load
//! from other processes on this shared machine hits both alike; the load average is
//! printed with each table.
//!
//! Where thread placement is left to the scheduler, either broker's p50 swings between
//! ~15 and ~100 us from run to run on this virtual machine (waking an idle virtual CPU
//! costs tens of microseconds), which says nothing about the brokers. So with two or
//! more CPUs and `taskset`, the run is made twice, with fixed placements:
//! - same CPU: client and brokers share CPU 1, so every wake-up is local and the
//!   figures are the brokers' CPU cost per message;
//! - split CPUs: client on CPU 0, brokers on CPU 1, so every message crosses CPUs as
//!   it would coming from the network.
//!
//! Environment: `BROKER_BENCH_PLACEMENT=same` or `=split` runs one of the two.
//!
//! The client is a minimal raw MQTT 3.1.1 client (see `tests/common/raw_mqtt.rs`), not
//! rumqttc: rumqttc adds its own channel hops and event loop to every message, a fixed
//! cost that would hide the brokers' difference in the latency ratio. Both ends set
//! TCP_NODELAY. Over WebSocket the client sends each write as one binary message.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use async_tungstenite::tokio::{client_async, TokioAdapter};
use async_tungstenite::tungstenite::client::IntoClientRequest;
use async_tungstenite::tungstenite::http::HeaderValue;
use common::raw_mqtt::{self, Frames};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use ws_stream_tungstenite::WsStream;

const MOSQUITTO: &str = "/usr/sbin/mosquitto";
const PAYLOAD_BYTES: usize = 100;
const LATENCY_WARMUP: usize = 500;
/// Samples per broker and transport, taken in `ROUNDS` alternating slices.
const LATENCY_SAMPLES: usize = 5_000;
const THROUGHPUT_WARMUP: Duration = Duration::from_millis(300);
/// Measured time per broker, transport and window, in `ROUNDS` alternating slices.
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(2);
const ROUNDS: u32 = 10;
const IN_FLIGHT: [usize; 2] = [10, 50];
/// Bound on any single wait, so a broken broker fails the run instead of hanging it.
const STALL: Duration = Duration::from_secs(10);
const BROKER_NAMES: [&str; 2] = ["party-broker", "mosquitto"];

type BoxError = Box<dyn std::error::Error>;

#[derive(Clone, Copy, PartialEq)]
enum Transport {
    Tcp,
    Ws,
}

impl Transport {
    fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Ws => "ws",
        }
    }
}

/// Where one broker listens.
#[derive(Clone)]
struct Endpoints {
    tcp: SocketAddr,
    ws: SocketAddr,
    ws_url: String,
}

#[derive(Default, Clone, Copy)]
struct Figures {
    p50_us: f64,
    p99_us: f64,
    /// msgs/s for each entry of `IN_FLIGHT`.
    throughput: [f64; 2],
}

fn main() -> Result<(), BoxError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run())
}

/// Which CPUs the client and the brokers run on.
#[derive(Clone, Copy)]
enum Placement {
    Unpinned,
    SameCpu,
    SplitCpus,
}

impl Placement {
    fn describe(self) -> &'static str {
        match self {
            Placement::Unpinned => "unpinned (scheduler's choice; noisy)",
            Placement::SameCpu => "same CPU: client and brokers on CPU 1",
            Placement::SplitCpus => "split CPUs: client on CPU 0, brokers on CPU 1",
        }
    }

    /// (client CPU, broker CPU) for `taskset`.
    fn cpus(self) -> Option<(&'static str, &'static str)> {
        match self {
            Placement::Unpinned => None,
            Placement::SameCpu => Some(("1", "1")),
            Placement::SplitCpus => Some(("0", "1")),
        }
    }
}

async fn run() -> Result<(), BoxError> {
    let started = Instant::now();
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let placements = match taskset_unavailable(cpus) {
        None => match std::env::var("BROKER_BENCH_PLACEMENT").as_deref() {
            Ok("same") => vec![Placement::SameCpu],
            Ok("split") => vec![Placement::SplitCpus],
            Ok(other) if !other.is_empty() => {
                return Err(format!(
                    "BROKER_BENCH_PLACEMENT={other:?}: expected \"same\" or \"split\""
                )
                .into())
            }
            _ => vec![Placement::SameCpu, Placement::SplitCpus],
        },
        Some(reason) => {
            println!("NOTE: {reason}: nothing pinned, figures are noisier.");
            vec![Placement::Unpinned]
        }
    };
    if !Path::new(MOSQUITTO).exists() {
        println!(
            "NOTE: {MOSQUITTO} not found: mosquitto skipped, no comparison \
             (install it with `apt-get install mosquitto`)."
        );
    }
    for placement in placements {
        run_placement(placement, cpus).await?;
    }
    println!("total run time: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Why the placements cannot be pinned, if they cannot.
fn taskset_unavailable(cpus: usize) -> Option<String> {
    if cpus < 2 {
        return Some("only one CPU".into());
    }
    match Command::new("taskset")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
    {
        Ok(status) if status.success() => None,
        Ok(status) => Some(format!("taskset --version failed ({status})")),
        Err(e) => Some(format!("taskset unavailable ({e})")),
    }
}

async fn run_placement(placement: Placement, cpus: usize) -> Result<(), BoxError> {
    let mut launcher = Vec::new();
    if let Some((client_cpu, broker_cpu)) = placement.cpus() {
        let status = Command::new("taskset")
            .args([
                "-a",
                "-p",
                "-c",
                client_cpu,
                &std::process::id().to_string(),
            ])
            .stdout(Stdio::null())
            .status()?;
        if !status.success() {
            return Err(format!("taskset could not pin the client: {status}").into());
        }
        launcher = vec!["taskset", "-c", broker_cpu];
    }
    let dist = common::Dist::new();
    let party = common::Broker::start_via(&launcher, &dist.dir, &[]);
    let mut brokers = vec![Endpoints {
        tcp: party.mqtt,
        ws: party.http,
        ws_url: party.ws_url.clone(),
    }];
    let mosquitto = if Path::new(MOSQUITTO).exists() {
        Some(Mosquitto::start(&launcher, &dist.root)?)
    } else {
        None
    };
    if let Some(mosquitto) = &mosquitto {
        brokers.push(mosquitto.endpoints.clone());
    }
    let load_before = load_average();

    // figures[transport][broker]
    let mut figures = Vec::new();
    for transport in [Transport::Tcp, Transport::Ws] {
        figures.push(measure(&brokers, transport).await?);
    }
    let load_after = load_average();
    drop(mosquitto);
    drop(party);

    println!();
    println!("== placement: {}", placement.describe());
    print_table(&figures);
    println!("load average (1/5/15 min) before: {load_before}; after: {load_after}; {cpus} CPUs");
    Ok(())
}

/// Figures for each broker in `brokers`, measured in alternating rounds.
async fn measure(brokers: &[Endpoints], transport: Transport) -> Result<Vec<Figures>, BoxError> {
    let mut figures = vec![Figures::default(); brokers.len()];

    let mut clients = Vec::new();
    for endpoints in brokers {
        let mut client = connect(endpoints, transport, "lat").await?;
        client.latency_samples(LATENCY_WARMUP).await?;
        clients.push(client);
    }
    let mut samples = vec![Vec::with_capacity(LATENCY_SAMPLES); brokers.len()];
    for _ in 0..ROUNDS {
        for (client, samples) in clients.iter_mut().zip(&mut samples) {
            let slice = client
                .latency_samples(LATENCY_SAMPLES / ROUNDS as usize)
                .await?;
            samples.extend(slice);
        }
    }
    for (figures, samples) in figures.iter_mut().zip(&mut samples) {
        samples.sort();
        figures.p50_us = micros(percentile(samples, 0.50));
        figures.p99_us = micros(percentile(samples, 0.99));
    }

    for (slot, &window) in IN_FLIGHT.iter().enumerate() {
        let mut clients = Vec::new();
        for endpoints in brokers {
            let mut client = connect(endpoints, transport, &format!("tput{window}")).await?;
            client.send(window).await?;
            client.pipeline_for(THROUGHPUT_WARMUP).await?;
            clients.push(client);
        }
        let mut received = vec![0usize; brokers.len()];
        for _ in 0..ROUNDS {
            for (client, received) in clients.iter_mut().zip(&mut received) {
                *received += client.pipeline_for(THROUGHPUT_WINDOW / ROUNDS).await?;
            }
        }
        for (figures, received) in figures.iter_mut().zip(received) {
            figures.throughput[slot] = received as f64 / THROUGHPUT_WINDOW.as_secs_f64();
        }
    }
    Ok(figures)
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|e| format!("unknown ({e})"))
}

/// A raw MQTT session subscribed to its own topic, over TCP or WebSocket.
enum Client {
    Tcp(Session<TcpStream>),
    Ws(Box<Session<WsStream<TokioAdapter<TcpStream>>>>),
}

async fn connect(
    endpoints: &Endpoints,
    transport: Transport,
    name: &str,
) -> Result<Client, BoxError> {
    let id = format!("bench-{name}-{}", std::process::id());
    match transport {
        Transport::Tcp => {
            let tcp = TcpStream::connect(endpoints.tcp).await?;
            tcp.set_nodelay(true)?;
            Ok(Client::Tcp(Session::start(tcp, &id).await?))
        }
        Transport::Ws => {
            let tcp = TcpStream::connect(endpoints.ws).await?;
            tcp.set_nodelay(true)?;
            let mut request = endpoints.ws_url.as_str().into_client_request()?;
            request
                .headers_mut()
                .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
            let (socket, _) = client_async(request, tcp).await?;
            Ok(Client::Ws(Box::new(
                Session::start(WsStream::new(socket), &id).await?,
            )))
        }
    }
}

impl Client {
    async fn latency_samples(&mut self, count: usize) -> Result<Vec<Duration>, BoxError> {
        match self {
            Client::Tcp(s) => s.latency_samples(count).await,
            Client::Ws(s) => s.latency_samples(count).await,
        }
    }

    async fn send(&mut self, count: usize) -> Result<(), BoxError> {
        match self {
            Client::Tcp(s) => s.send(count).await,
            Client::Ws(s) => s.send(count).await,
        }
    }

    async fn pipeline_for(&mut self, duration: Duration) -> Result<usize, BoxError> {
        match self {
            Client::Tcp(s) => s.pipeline_for(duration).await,
            Client::Ws(s) => s.pipeline_for(duration).await,
        }
    }
}

struct Session<S> {
    io: S,
    frames: Frames,
    buf: Vec<u8>,
    publish: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Session<S> {
    async fn start(io: S, id: &str) -> Result<Self, BoxError> {
        let topic = format!("bench/{id}");
        let mut session = Session {
            io,
            frames: Frames::default(),
            buf: vec![0; 64 * 1024],
            publish: raw_mqtt::publish(&topic, &[b'p'; PAYLOAD_BYTES]),
        };
        session.io.write_all(&raw_mqtt::connect(id, 60)).await?;
        session.wait_for(raw_mqtt::CONNACK).await?;
        session
            .io
            .write_all(&raw_mqtt::subscribe(1, &topic))
            .await?;
        session.wait_for(raw_mqtt::SUBACK).await?;
        Ok(session)
    }

    async fn fill(&mut self) -> Result<(), BoxError> {
        let n = tokio::time::timeout(STALL, self.io.read(&mut self.buf)).await??;
        if n == 0 {
            return Err("broker closed the connection".into());
        }
        self.frames.push(&self.buf[..n]);
        Ok(())
    }

    async fn wait_for(&mut self, packet_type: u8) -> Result<(), BoxError> {
        loop {
            while let Some((kind, _)) = self.frames.next_packet() {
                if kind == packet_type {
                    return Ok(());
                }
            }
            self.fill().await?;
        }
    }

    /// Publishes received so far, without waiting.
    fn take_publishes(&mut self) -> usize {
        let mut count = 0;
        while let Some((kind, _)) = self.frames.next_packet() {
            if kind == raw_mqtt::PUBLISH {
                count += 1;
            }
        }
        count
    }

    /// `count` publishes in one write (one WebSocket message).
    async fn send(&mut self, count: usize) -> Result<(), BoxError> {
        if count == 0 {
            return Ok(());
        }
        let batch = self.publish.repeat(count);
        self.io.write_all(&batch).await?;
        Ok(())
    }

    async fn latency_samples(&mut self, count: usize) -> Result<Vec<Duration>, BoxError> {
        let mut samples = Vec::with_capacity(count);
        for _ in 0..count {
            let sent = Instant::now();
            self.send(1).await?;
            self.wait_for(raw_mqtt::PUBLISH).await?;
            samples.push(sent.elapsed());
        }
        Ok(samples)
    }

    /// Answers every received message with a new one, keeping the number in flight
    /// constant; returns how many arrived within `duration`.
    async fn pipeline_for(&mut self, duration: Duration) -> Result<usize, BoxError> {
        let started = Instant::now();
        let mut total = 0;
        while started.elapsed() < duration {
            self.fill().await?;
            let received = self.take_publishes();
            total += received;
            self.send(received).await?;
        }
        Ok(total)
    }
}

/// Debian's mosquitto with a generated config; killed on drop.
struct Mosquitto {
    child: Child,
    endpoints: Endpoints,
    _conf: PathBuf,
}

impl Mosquitto {
    fn start(launcher: &[&str], dir: &Path) -> Result<Mosquitto, BoxError> {
        let [tcp_port, ws_port] = free_ports()?;
        let conf = dir.join("mosquitto-bench.conf");
        // `listener N 127.0.0.1` with websockets binds every interface (upstream bug),
        // so the WebSocket listener names the loopback interface instead.
        let mut file = std::fs::File::create(&conf)?;
        writeln!(file, "set_tcp_nodelay true")?;
        writeln!(file, "allow_anonymous true")?;
        writeln!(file, "log_dest stderr")?;
        writeln!(file, "log_type error")?;
        writeln!(file, "listener {tcp_port} 127.0.0.1")?;
        writeln!(file, "listener {ws_port} lo")?;
        writeln!(file, "protocol websockets")?;
        drop(file);
        let mut command = match launcher.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(MOSQUITTO);
                command
            }
            None => Command::new(MOSQUITTO),
        };
        let child = command
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut mosquitto = Mosquitto {
            child,
            endpoints: Endpoints {
                tcp: SocketAddr::from(([127, 0, 0, 1], tcp_port)),
                ws: SocketAddr::from(([127, 0, 0, 1], ws_port)),
                ws_url: format!("ws://127.0.0.1:{ws_port}/mqtt"),
            },
            _conf: conf,
        };
        mosquitto.wait_listening()?;
        Ok(mosquitto)
    }

    fn wait_listening(&mut self) -> Result<(), BoxError> {
        let until = Instant::now() + STALL;
        for addr in [self.endpoints.tcp, self.endpoints.ws] {
            while std::net::TcpStream::connect(addr).is_err() {
                if let Some(status) = self.child.try_wait()? {
                    return Err(format!("mosquitto exited at start-up: {status}").into());
                }
                if Instant::now() > until {
                    return Err(format!("mosquitto is not listening on {addr}").into());
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        }
        Ok(())
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two distinct ports that were free a moment ago (held together while picked, so
/// the second is not the first handed out again); mosquitto cannot bind port 0 and
/// report it.
fn free_ports() -> std::io::Result<[u16; 2]> {
    let a = StdListener::bind("127.0.0.1:0")?;
    let b = StdListener::bind("127.0.0.1:0")?;
    Ok([a.local_addr()?.port(), b.local_addr()?.port()])
}

fn print_table(figures: &[Vec<Figures>]) {
    let compared = figures.first().is_some_and(|f| f.len() > 1);
    println!();
    println!(
        "{:<5} {:<24} {:>14} {:>14} {:>16}",
        "proto", "metric", BROKER_NAMES[0], BROKER_NAMES[1], "party/mosquitto"
    );
    for (transport, per_broker) in [Transport::Tcp, Transport::Ws].into_iter().zip(figures) {
        let p = per_broker[0];
        let m = per_broker.get(1).copied();
        let mut rows: Vec<(String, f64, Option<f64>, &str)> = vec![
            (
                "rtt p50 (us)".into(),
                p.p50_us,
                m.map(|m| m.p50_us),
                "lower is better",
            ),
            (
                "rtt p99 (us)".into(),
                p.p99_us,
                m.map(|m| m.p99_us),
                "lower is better",
            ),
        ];
        for (slot, window) in IN_FLIGHT.iter().enumerate() {
            rows.push((
                format!("{window} in flight (msg/s)"),
                p.throughput[slot],
                m.map(|m| m.throughput[slot]),
                "higher is better",
            ));
        }
        for (metric, party_value, mosquitto_value, direction) in rows {
            let (mosq, ratio) = match mosquitto_value {
                Some(v) => (format!("{v:.0}"), format!("{:.2}", party_value / v)),
                None => ("-".into(), "-".into()),
            };
            println!(
                "{:<5} {:<24} {:>14.0} {:>14} {:>16}   {direction}",
                transport.name(),
                metric,
                party_value,
                mosq,
                ratio
            );
        }
    }
    if !compared {
        println!("mosquitto was not measured (see NOTE above).");
    }
    println!(
        "{PAYLOAD_BYTES}-byte QoS 0 payloads; latency: {LATENCY_SAMPLES} samples after {LATENCY_WARMUP} warm-up; \
         throughput: {:.0} s after {:.1} s warm-up; both in {ROUNDS} alternating rounds.",
        THROUGHPUT_WINDOW.as_secs_f64(),
        THROUGHPUT_WARMUP.as_secs_f64()
    );
}
