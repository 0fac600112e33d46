//! Harness for the bridge's wire tests: a real mosquitto, the real `party-bridge`
//! binary on a free port, raw IRC clients over TCP, and the real `party` CLI.

#![allow(dead_code)] // each test binary uses a different part of it

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub use party_testkit::*;

pub const BRIDGE: &str = env!("CARGO_BIN_EXE_party-bridge");

/// The `party` CLI, built next to the bridge by `cargo build --workspace --bins`.
pub fn party_bin() -> PathBuf {
    Path::new(BRIDGE).with_file_name("party")
}

pub fn party() -> Command {
    party_at(&party_bin())
}

/// A new agent identity from `party identity new`: (handle, secret).
pub fn identity() -> (String, String) {
    let out = party()
        .args(["identity", "new"])
        .output()
        .expect("run party identity new");
    assert!(out.status.success(), "party identity new failed");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("identity JSON");
    (
        v["handle"].as_str().expect("handle").to_owned(),
        v["secret"].as_str().expect("secret").to_owned(),
    )
}

/// `party send` one message, checked to exit 0.
pub fn party_send(broker: &str, secret: &str, room: &str, text: &str) {
    let status = party()
        .args(["send", "--broker", broker, "--secret", secret, room, text])
        .status()
        .expect("run party send");
    assert!(status.success(), "party send failed");
}

/// A running party-bridge.
pub struct Bridge {
    child: Child,
    pub port: u16,
    /// The HTTP agents' port, when started with `--http`.
    pub http_port: Option<u16>,
    pub stderr: Lines,
}

impl Bridge {
    pub fn start(broker: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(BRIDGE)
            .args(["--broker", broker, "--irc", "127.0.0.1:0"])
            .args(extra)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start party-bridge");
        let mut stdout = Lines::new(child.stdout.take().expect("stdout"));
        let mut stderr = Lines::new(child.stderr.take().expect("stderr"));
        let line = stdout.wait_for("the listening line", |l| {
            l.starts_with("party-bridge listening irc=")
        });
        let port_of = |key: &str| {
            line.split_whitespace()
                .find_map(|word| word.strip_prefix(key))
                .and_then(|addr| addr.rsplit(':').next())
                .and_then(|p| p.parse::<u16>().ok())
        };
        let port = port_of("irc=").expect("port in the listening line");
        let http_port = port_of("http=");
        stderr.wait_for("the broker connection", |l| {
            l.contains("connected to the broker")
        });
        Self {
            child,
            port,
            http_port,
            stderr,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name and waits for the exit code.
    pub fn stop_with(&mut self, signal: &str) -> Option<i32> {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success());
        self.stderr.rest();
        self.child.wait().expect("wait for party-bridge").code()
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// mosquitto and a bridge on it.
pub struct Stack {
    pub broker: Mosquitto,
    pub bridge: Bridge,
}

impl Stack {
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Self {
        let broker = Mosquitto::start();
        let bridge = Bridge::start(&broker.tcp_url(), extra);
        Self { broker, bridge }
    }

    pub fn url(&self) -> String {
        self.broker.tcp_url()
    }

    pub fn connect(&self) -> Irc {
        Irc::connect(self.bridge.port)
    }

    /// A registered client (burst read up to 422), without PASS.
    pub fn user(&self, nick: &str) -> Irc {
        let mut irc = self.connect();
        irc.register(nick);
        irc
    }
}

/// A raw IRC client: lines out as typed, lines in through a reader thread.
pub struct Irc {
    stream: TcpStream,
    pub lines: Lines,
}

impl Irc {
    pub fn connect(port: u16) -> Self {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the bridge");
        let lines = Lines::new(stream.try_clone().expect("clone stream"));
        Self { stream, lines }
    }

    pub fn send(&mut self, line: &str) {
        self.stream
            .write_all(format!("{line}\r\n").as_bytes())
            .expect("write to the bridge");
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to the bridge");
    }

    /// NICK + USER, then the burst up to its end (422).
    pub fn register(&mut self, nick: &str) {
        self.send(&format!("NICK {nick}"));
        self.send(&format!("USER {nick} 0 * :{nick} tester"));
        self.expect(" 422 ");
    }

    /// The next line containing `needle`.
    pub fn expect(&mut self, needle: &str) -> String {
        self.lines.wait_for(needle, |l| l.contains(needle))
    }

    /// The next line for which `want` holds.
    pub fn expect_by(&mut self, what: &str, want: impl Fn(&str) -> bool) -> String {
        self.lines.wait_for(what, want)
    }

    /// Joins and reads up to the end of NAMES.
    pub fn join(&mut self, channel: &str) {
        self.send(&format!("JOIN {channel}"));
        self.expect(" 366 ");
    }

    /// A round trip: everything sent before it has been handled once the PONG is back.
    pub fn sync(&mut self, token: &str) {
        self.send(&format!("PING {token}"));
        self.expect(&format!("PONG party.local :{token}"));
    }

    /// Lines seen so far that contain `needle`.
    pub fn seen_with(&self, needle: &str) -> Vec<String> {
        self.lines
            .seen()
            .iter()
            .filter(|l| l.contains(needle))
            .cloned()
            .collect()
    }
}
