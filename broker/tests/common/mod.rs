//! Test support: the real `party-broker` binary as a child process, a throwaway dist
//! directory, a raw HTTP/1.1 exchange and rumqttc clients.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod raw_mqtt;

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, QoS, Transport};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc as tokio_mpsc;

/// Generous: a debug build on a busy 2-core machine.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A running broker; killed and reaped on drop.
pub struct Broker {
    child: Child,
    pub http: SocketAddr,
    pub mqtt: SocketAddr,
    pub ws_url: String,
    pub http_url: String,
    stderr: Arc<Mutex<String>>,
}

impl Broker {
    pub fn start(dist: &Path) -> Broker {
        Broker::start_with(dist, &[])
    }

    pub fn start_with(dist: &Path, extra: &[&str]) -> Broker {
        Broker::start_via(&[], dist, extra)
    }

    /// `launcher` runs the binary (e.g. `taskset -c 1`); it must exec it, so the pid
    /// stays the broker's.
    pub fn start_via(launcher: &[&str], dist: &Path, extra: &[&str]) -> Broker {
        let binary = env!("CARGO_BIN_EXE_party-broker");
        let mut command = match launcher.split_first() {
            Some((program, args)) => {
                let mut command = Command::new(program);
                command.args(args).arg(binary);
                command
            }
            None => Command::new(binary),
        };
        let mut child = command
            .args(["--http", "127.0.0.1:0", "--mqtt", "127.0.0.1:0", "--dist"])
            .arg(dist)
            .args(extra)
            .env("RUST_LOG", "warn,party_broker=debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn party-broker");
        let stderr = Arc::new(Mutex::new(String::new()));
        let err_pipe = child.stderr.take().expect("stderr piped");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(err_pipe);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let out_pipe = child.stdout.take().expect("stdout piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(out_pipe);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep draining so the child never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let mut broker = Broker {
            child,
            http: "0.0.0.0:0".parse().unwrap(),
            mqtt: "0.0.0.0:0".parse().unwrap(),
            ws_url: String::new(),
            http_url: String::new(),
            stderr,
        };
        let line = match rx.recv_timeout(DEADLINE) {
            Ok(line) => line,
            Err(_) => panic!("no listening line; stderr:\n{}", broker.stderr()),
        };
        let field = |key: &str| -> String {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .unwrap_or_else(|| panic!("no {key} in {line:?}"))
                .to_owned()
        };
        assert!(line.starts_with("party-broker listening "), "{line:?}");
        broker.http_url = field("http=");
        broker.ws_url = field("ws=");
        let host_port = |url: &str, scheme: &str| -> SocketAddr {
            let rest = url.strip_prefix(scheme).unwrap();
            rest.split('/').next().unwrap().parse().unwrap()
        };
        broker.http = host_port(&broker.http_url, "http://");
        broker.mqtt = host_port(&field("mqtt="), "mqtt://");
        broker
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits (bounded) for a log line containing all of `needles`.
    pub fn wait_for_log(&self, needles: &[&str]) -> String {
        let until = Instant::now() + DEADLINE;
        loop {
            let log = self.stderr();
            if let Some(line) = log.lines().find(|l| needles.iter().all(|n| l.contains(n))) {
                return line.to_owned();
            }
            assert!(
                Instant::now() < until,
                "no log line with {needles:?}; stderr:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// None while the process is running.
    pub fn try_exit_status(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("try_wait")
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let until = Instant::now() + within;
        loop {
            if let Some(status) = self.try_exit_status() {
                return status;
            }
            assert!(
                Instant::now() < until,
                "broker still running after {within:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The process is alive and nothing in it has panicked (a panicking task would
    /// abort the whole process in a release build).
    pub fn assert_running(&mut self) {
        if let Some(status) = self.try_exit_status() {
            panic!("broker exited with {status}; stderr:\n{}", self.stderr());
        }
        let log = self.stderr();
        assert!(!log.contains("panicked"), "broker panicked; stderr:\n{log}");
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A dist directory like Trunk's output, removed on drop. `secret` sits next to it,
/// outside, to prove traversal cannot reach it.
pub struct Dist {
    pub root: PathBuf,
    pub dir: PathBuf,
}

pub const INDEX_HTML: &str = "<!doctype html><title>party</title><script type=module src=./party-app-0123456789abcdef.js></script>";
pub const SECRET: &str = "not-for-the-web";

impl Dist {
    pub fn new() -> Dist {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "party-broker-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let dir = root.join("dist");
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(root.join("secret.txt"), SECRET).unwrap();
        let files: [(&str, &[u8]); 9] = [
            ("index.html", INDEX_HTML.as_bytes()),
            ("party-app-0123456789abcdef.js", b"export default 1;"),
            ("party-app-0123456789abcdef_bg.wasm", b"\0asm\x01\0\0\0"),
            ("style-89abcdef01234567.css", b"body{}"),
            ("icon.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            ("favicon.ico", b"\0\0\x01\0"),
            ("manifest.json", b"{}"),
            ("party-app.js", b"export default 2;"),
            ("assets/logo.svg", b"<svg/>"),
        ];
        for (name, bytes) in files {
            std::fs::write(dir.join(name), bytes).unwrap();
        }
        Dist { root, dir }
    }
}

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` verbatim (so tests can send what no HTTP client would) and reads
/// the response until the server closes the connection.
pub fn http_raw(addr: SocketAddr, request: &str) -> HttpResponse {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).expect("connect http");
    stream.set_read_timeout(Some(DEADLINE)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> HttpResponse {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let header_len = match response.parse(raw).expect("parse response") {
        httparse::Status::Complete(n) => n,
        httparse::Status::Partial => panic!("partial response: {:?}", String::from_utf8_lossy(raw)),
    };
    HttpResponse {
        status: response.code.expect("status"),
        headers: response
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_owned(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect(),
        body: raw[header_len..].to_vec(),
    }
}

/// `method path` with `Connection: close`.
pub fn http_request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra_headers: &str,
) -> HttpResponse {
    http_raw(
        addr,
        &format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\n{extra_headers}Connection: close\r\n\r\n"),
    )
}

pub fn http_get(addr: SocketAddr, path: &str) -> HttpResponse {
    http_request(addr, "GET", path, "")
}

/// A connected rumqttc client whose event loop runs in a task; incoming packets
/// arrive on `events`.
pub struct Client {
    pub client: AsyncClient,
    pub events: tokio_mpsc::UnboundedReceiver<Packet>,
    /// Set when the event loop ended with an error (the connection is gone).
    pub ended: tokio_mpsc::UnboundedReceiver<String>,
}

pub fn tcp_options(broker: &Broker, id: &str) -> MqttOptions {
    let mut options = MqttOptions::new(id, broker.mqtt.ip().to_string(), broker.mqtt.port());
    options.set_keep_alive(Duration::from_secs(30));
    options
}

pub fn ws_options(broker: &Broker, id: &str) -> MqttOptions {
    let mut options = MqttOptions::new(id, broker.ws_url.clone(), broker.http.port());
    options.set_transport(Transport::Ws);
    options.set_keep_alive(Duration::from_secs(30));
    options
}

impl Client {
    /// Connects and waits for CONNACK.
    pub async fn connect(options: MqttOptions) -> Client {
        let (client, mut eventloop) = AsyncClient::new(options, 100);
        let mut network = eventloop.network_options();
        network.set_tcp_nodelay(true);
        eventloop.set_network_options(network);
        let (tx, events) = tokio_mpsc::unbounded_channel();
        let (end_tx, ended) = tokio_mpsc::unbounded_channel();
        tokio::spawn(drive(eventloop, tx, end_tx));
        let mut connected = Client {
            client,
            events,
            ended,
        };
        connected.expect(|p| matches!(p, Packet::ConnAck(_))).await;
        connected
    }

    /// Waits (bounded) for the first incoming packet matching `want`, skipping others.
    pub async fn expect(&mut self, want: impl Fn(&Packet) -> bool) -> Packet {
        let wait = async {
            loop {
                tokio::select! {
                    packet = self.events.recv() => match packet {
                        Some(p) if want(&p) => return p,
                        Some(_) => continue,
                        None => panic!("event loop gone"),
                    },
                    reason = self.ended.recv() => panic!("connection ended: {reason:?}"),
                }
            }
        };
        tokio::time::timeout(DEADLINE, wait)
            .await
            .expect("timed out waiting for a packet")
    }

    pub async fn subscribe(&mut self, topic: &str) {
        self.client
            .subscribe(topic, QoS::AtMostOnce)
            .await
            .expect("queue subscribe");
        self.expect(|p| matches!(p, Packet::SubAck(_))).await;
    }

    pub async fn publish(&self, topic: &str, payload: Vec<u8>) {
        self.client
            .publish(topic, QoS::AtMostOnce, false, payload)
            .await
            .expect("queue publish");
    }

    pub async fn expect_publish(&mut self, topic: &str) -> Vec<u8> {
        let topic = topic.to_owned();
        match self
            .expect(move |p| matches!(p, Packet::Publish(m) if m.topic == topic))
            .await
        {
            Packet::Publish(m) => m.payload.to_vec(),
            _ => unreachable!("filtered for Publish"),
        }
    }

    /// Publishes and receives on a fresh topic: proves the broker still routes for us.
    pub async fn round_trip(&mut self, topic: &str) {
        self.subscribe(topic).await;
        self.publish(topic, b"still here".to_vec()).await;
        assert_eq!(self.expect_publish(topic).await, b"still here");
    }
}

async fn drive(
    mut eventloop: EventLoop,
    tx: tokio_mpsc::UnboundedSender<Packet>,
    end_tx: tokio_mpsc::UnboundedSender<String>,
) {
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(packet)) => {
                if tx.send(packet).is_err() {
                    return;
                }
            }
            Ok(Event::Outgoing(_)) => {}
            Err(e) => {
                let _ = end_tx.send(e.to_string());
                return;
            }
        }
    }
}

/// Reads until the peer closes the stream (EOF or reset), bounded by `DEADLINE`;
/// returns what arrived before the close.
pub async fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let read_all = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(DEADLINE, read_all)
        .await
        .expect("server did not close the connection");
    received
}

/// A raw MQTT session over TCP, already past CONNECT/CONNACK.
pub async fn raw_mqtt_session(broker: &Broker, id: &str) -> TcpStream {
    raw_mqtt_session_with(broker, raw_mqtt::connect(id, 30)).await
}

/// Like `raw_mqtt_session`, with a CONNECT of the caller's choosing.
pub async fn raw_mqtt_session_with(broker: &Broker, connect: Vec<u8>) -> TcpStream {
    let mut stream = TcpStream::connect(broker.mqtt).await.expect("connect mqtt");
    stream.set_nodelay(true).unwrap();
    stream.write_all(&connect).await.unwrap();
    let mut connack = [0u8; 4];
    tokio::time::timeout(DEADLINE, stream.read_exact(&mut connack))
        .await
        .expect("connack in time")
        .expect("read connack");
    assert_eq!(connack, [0x20, 0x02, 0x00, 0x00], "CONNACK accepted");
    stream
}

/// Small deterministic generator for bounded "random" input (no extra dependency,
/// reproducible failures).
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Reads (bounded) until a packet of type `kind` arrives on a raw session; returns its
/// body. Packets of other types are skipped.
pub async fn read_packet(
    stream: &mut TcpStream,
    frames: &mut raw_mqtt::Frames,
    kind: u8,
) -> Vec<u8> {
    let wait = async {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            while let Some((found, body)) = frames.next_packet() {
                if found == kind {
                    return body.to_vec();
                }
            }
            match stream.read(&mut buf).await {
                Ok(0) => panic!("closed while waiting for packet type {kind}"),
                Ok(n) => frames.push(&buf[..n]),
                Err(e) => panic!("read failed while waiting for packet type {kind}: {e}"),
            }
        }
    };
    tokio::time::timeout(DEADLINE, wait)
        .await
        .unwrap_or_else(|_| panic!("no packet of type {kind} in time"))
}

/// A TCP connection to the broker's MQTT port from a chosen loopback address
/// (127.0.0.2, ...), so tests can be several clients' addresses at once.
pub async fn tcp_from(local: &str, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(format!("{local}:0").parse().expect("loopback address"))?;
    let stream = socket.connect(to).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

/// What a CONNECT from a chosen address led to.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// CONNACK 0: the session is open (the stream is kept by the caller).
    Accepted,
    /// Closed before any CONNACK.
    Closed,
}

/// Connects from `local`, sends CONNECT and reports whether a CONNACK came or the
/// connection was closed; the stream is returned when accepted.
pub async fn try_session_from(
    local: &str,
    to: SocketAddr,
    id: &str,
) -> (Admission, Option<TcpStream>) {
    let Ok(mut stream) = tcp_from(local, to).await else {
        return (Admission::Closed, None);
    };
    if stream.write_all(&raw_mqtt::connect(id, 30)).await.is_err() {
        return (Admission::Closed, None);
    }
    let mut connack = [0u8; 4];
    match tokio::time::timeout(DEADLINE, stream.read_exact(&mut connack)).await {
        Ok(Ok(_)) if connack == [0x20, 0x02, 0x00, 0x00] => (Admission::Accepted, Some(stream)),
        Ok(_) => (Admission::Closed, None),
        Err(_) => panic!("neither CONNACK nor close within {DEADLINE:?}"),
    }
}

/// Connects from `local` until a session is admitted (bounded by `DEADLINE`, which
/// panics with `what`): for a place that frees up once the broker has seen another
/// client go, or once an address's rate allows it again. Polled, since nothing tells
/// a refused client when to come back.
pub async fn session_once_admitted(local: &str, to: SocketAddr, id: &str, what: &str) -> TcpStream {
    let retry = async {
        loop {
            if let (Admission::Accepted, Some(stream)) = try_session_from(local, to, id).await {
                return stream;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(DEADLINE, retry)
        .await
        .unwrap_or_else(|_| panic!("{what}: not admitted within {DEADLINE:?}"))
}

/// The broker's `status.json`, parsed.
pub fn status(broker: &Broker) -> serde_json::Value {
    let response = http_get(broker.http, "/status.json");
    assert_eq!(response.status, 200, "{}", response.text());
    serde_json::from_slice(&response.body).expect("status.json is JSON")
}

/// Polls `status.json` (bounded) until `key` reads `value`: for changes that follow a
/// client's close, which no reply to us can order.
pub async fn wait_for_status(broker: &Broker, key: &str, value: u64) {
    let until = Instant::now() + DEADLINE;
    loop {
        let now = status(broker);
        if now[key] == value {
            return;
        }
        assert!(Instant::now() < until, "{key} never became {value}: {now}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
