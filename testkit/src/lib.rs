//! Test harness shared by the binaries' integration tests: a real mosquitto and real
//! `party` processes, each owned by a guard that kills it on drop, and line readers
//! that wait for output with a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Generous: the machine is shared and debug builds are slow.
pub const WAIT: Duration = Duration::from_secs(20);

/// The `party` CLI at `path` (tests pass their `CARGO_BIN_EXE_*` or a sibling of it),
/// with no identity or broker leaking in from the environment.
pub fn party_at(path: &Path) -> Command {
    assert!(
        path.exists(),
        "{} is missing: build it with cargo build --workspace --bins",
        path.display()
    );
    let mut cmd = Command::new(path);
    cmd.env_remove("PARTY_SECRET").env_remove("PARTY_BROKER");
    cmd
}

/// A port nobody listens on right now (bound to port 0, then released).
pub fn free_port() -> u16 {
    let [port] = free_ports();
    port
}

/// `N` distinct ports nobody listens on right now: all are held until every one is
/// picked, since a port released at once can be handed out again by the next bind
/// (two picked one after the other were once the same, and mosquitto failed).
pub fn free_ports<const N: usize>() -> [u16; N] {
    let listeners: Vec<TcpListener> = (0..N)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind port 0"))
        .collect();
    std::array::from_fn(|i| listeners[i].local_addr().expect("local addr").port())
}

/// A fresh directory under cargo's per-target temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "{tag}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Lines of one output stream, read on a thread so tests can wait with a deadline.
pub struct Lines {
    rx: Receiver<String>,
    seen: Vec<String>,
}

impl Lines {
    pub fn new(stream: impl Read + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            rx,
            seen: Vec::new(),
        }
    }

    /// The next line matching `want`, skipping others; panics with everything seen
    /// if none arrives within `WAIT` or the stream ends.
    pub fn wait_for(&mut self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if want(&line) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for {what}; saw {:#?}", self.seen)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("stream ended before {what}; saw {:#?}", self.seen)
                }
            }
        }
    }

    /// Everything until the stream closes (the process exited).
    pub fn rest(&mut self) -> Vec<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => return self.seen.clone(),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("stream did not close; saw {:#?}", self.seen)
                }
            }
        }
    }

    pub fn seen(&self) -> &[String] {
        &self.seen
    }
}

/// A running mosquitto with a TCP listener and a WebSocket listener.
pub struct Mosquitto {
    child: Child,
    pub tcp_port: u16,
    pub ws_port: u16,
    dir: PathBuf,
}

impl Mosquitto {
    pub fn start() -> Self {
        let [tcp_port, ws_port] = free_ports();
        Self::start_on(tcp_port, ws_port)
    }

    /// Starts on the given ports (to restart a broker where clients expect it).
    pub fn start_on(tcp_port: u16, ws_port: u16) -> Self {
        let dir = temp_dir("mosquitto");
        let conf = dir.join("mosquitto.conf");
        // `listener N lo` rather than 127.0.0.1: mosquitto 2.0.11 binds websockets on
        // every interface when given an address.
        std::fs::write(
            &conf,
            format!(
                "listener {tcp_port} 127.0.0.1\nallow_anonymous true\n\
                 listener {ws_port} lo\nprotocol websockets\n"
            ),
        )
        .expect("write mosquitto.conf");
        let mut child = Command::new("/usr/sbin/mosquitto")
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start /usr/sbin/mosquitto (apt-get install mosquitto)");
        let mut log = Lines::new(child.stderr.take().expect("mosquitto stderr"));
        let broker = Self {
            child,
            tcp_port,
            ws_port,
            dir,
        };
        log.wait_for("mosquitto to run", |l| l.contains(" running"));
        // Keep draining its log so mosquitto never blocks on a full pipe.
        std::thread::spawn(move || while log.rx.recv().is_ok() {});
        for port in [tcp_port, ws_port] {
            TcpStream::connect(("127.0.0.1", port)).expect("mosquitto accepts connections");
        }
        broker
    }

    pub fn tcp_url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.tcp_port)
    }

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/mqtt", self.ws_port)
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running `party` command with its stdout and stderr as line streams.
pub struct Party {
    child: Child,
    pub stdout: Lines,
    pub stderr: Lines,
    /// Open for `party agent`'s commands; `None` for the other commands.
    stdin: Option<ChildStdin>,
}

impl Party {
    pub fn spawn(bin: &Path, args: &[&str]) -> Self {
        Self::spawn_with(party_at(bin).args(args))
    }

    pub fn spawn_with(cmd: &mut Command) -> Self {
        Self::spawn_piped(cmd, false)
    }

    fn spawn_piped(cmd: &mut Command, with_stdin: bool) -> Self {
        let stdin = if with_stdin {
            Stdio::piped()
        } else {
            Stdio::null()
        };
        let mut child = cmd
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start party");
        let stdout = Lines::new(child.stdout.take().expect("stdout"));
        let stderr = Lines::new(child.stderr.take().expect("stderr"));
        let stdin = child.stdin.take();
        Self {
            child,
            stdout,
            stderr,
            stdin,
        }
    }

    /// Starts `party agent` as `secret` in `room`, waits until it is in the room,
    /// and returns it with its contract (its first line).
    pub fn agent(bin: &Path, broker: &str, secret: &str, room: &str) -> (Self, serde_json::Value) {
        let mut party = Self::spawn_piped(
            party_at(bin).args(["agent", "--broker", broker, "--secret", secret, room]),
            true,
        );
        let contract = party.wait_event("the contract", |e| e["event"] == "contract");
        party
            .stderr
            .wait_for("the agent to be subscribed", |l| l.contains("listening to"));
        (party, contract)
    }

    /// Writes one command line to `party agent`'s stdin.
    pub fn command(&mut self, command: &serde_json::Value) {
        let stdin = self.stdin.as_mut().expect("started with an open stdin");
        writeln!(stdin, "{command}").expect("write a command to party agent");
        stdin.flush().expect("flush the command");
    }

    /// Writes a raw line (not necessarily JSON) to `party agent`'s stdin.
    pub fn stdin_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("started with an open stdin");
        writeln!(stdin, "{line}").expect("write a line to party agent");
        stdin.flush().expect("flush the line");
    }

    /// Closes stdin: `party agent` leaves the room.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Starts `party listen` and waits until it is subscribed to the room.
    pub fn listen(bin: &Path, broker: &str, room: &str, extra: &[&str]) -> Self {
        let mut args = vec!["listen", "--broker", broker];
        args.extend_from_slice(extra);
        args.push(room);
        let mut party = Self::spawn(bin, &args);
        party
            .stderr
            .wait_for("listen to be subscribed", |l| l.contains("listening to"));
        party
    }

    /// Next stdout line that is a JSON event satisfying `want`.
    pub fn wait_event(
        &mut self,
        what: &str,
        want: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let line = self.stdout.wait_for(what, |line| {
            serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| want(&v))
        });
        serde_json::from_str(&line).expect("event JSON")
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits (bounded) for the process to exit, which closes its pipes, and returns
    /// its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        self.stderr.rest();
        self.stdout.rest();
        self.child.wait().expect("wait for party").code()
    }
}

impl Drop for Party {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
