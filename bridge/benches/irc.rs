//! IRC benchmark: party-bridge against Debian's ngircd, in the same run.
//!
//! Run with `cargo bench -p party-bridge --bench irc` (a `harness = false`
//! bench). It needs `/usr/sbin/ngircd` (Debian package `ngircd`; another path
//! can be given with NGIRCD_BIN) and the release binaries of the project:
//!
//! * `PARTY_BRIDGE_BIN`: the bridge; default `env!("CARGO_BIN_EXE_party-bridge")`,
//!   which cargo builds along with this bench.
//! * `PARTY_BROKER_BIN`: the MQTT broker; default
//!   `<workspace>/target/release/party-broker` (build it first).
//!
//! What is measured (every figure for party-bridge and for ngircd, then
//! party/ngircd):
//!
//! 1. Hop latency p50/p99: client A sends `PRIVMSG #chan`, client B in the
//!    same channel receives it; one message in flight; LAT_SAMPLES samples after
//!    LAT_WARMUP warm-up messages. party-bridge twice: (a) A and B on one
//!    bridge, (b) A on bridge 1 and B on bridge 2, both on one party-broker
//!    (IRC -> MQTT -> IRC). ngircd: A and B on one ngircd; and, as the
//!    like-for-like reference for (b), A and B on two ngircds linked as IRC
//!    servers (printed for information; the target is against one ngircd).
//!    After the table, the protocol's own Ed25519 cost per message (sign,
//!    decode and verify, timed in this process with core's code) is printed:
//!    it lies on path (b) and on no ngircd path.
//! 2. Delivery throughput: TP_MEMBERS members in one channel, TP_SENDERS of
//!    them each send TP_PER_SENDER 100-byte messages, pipelined;
//!    messages/second DELIVERED (sum over members of PRIVMSG lines received).
//! 3. Memory per idle connection: MEM_STEPS registered connections (NICK/USER,
//!    001 received, PINGs answered, no channel); (VmRSS after - VmRSS before)/N
//!    of the server process only (the broker is a separate process; its growth
//!    is printed for information).
//!
//! ngircd flood control. ngircd throttles normal clients in two ways
//! (src/ngircd/conn.c, 26.x):
//! (1) Penalty time: a client that had more than 256 bytes processed in a
//!     second, or left commands unprocessed after the MAX_COMMANDS (3) per
//!     main-loop pass, gets 1 s of penalty during which its socket is not
//!     read; some commands (JOIN, ...) add penalties of their own. The config
//!     option `[Limits] MaxPenaltyTime = 0` caps every penalty below 10 s at
//!     0 s, i.e. turns this throttle off; we set it. What remains is the
//!     3-commands-per-pass scheduling, which is how ngircd shares its single
//!     thread, not a timer. (A client with user mode +F is exempt from the
//!     penalties too; not needed with MaxPenaltyTime = 0.)
//! (2) Hard limits that no option changes: a client whose unprocessed input
//!     reaches 2048 bytes (READBUFFER_LEN) is disconnected ("Receive buffer
//!     space exhausted"), and so is one whose pending output reaches 32 KiB.
//! So a sender may never have 2 KiB of commands in flight. The workload is
//! closed-loop: a sender writes TP_BATCH messages at a time and keeps at most
//! TP_WINDOW (16, 1.9 KB) of its messages not yet received by an observer
//! member. A message the observer got has been processed by the server, so the
//! window bounds ngircd's input buffer; for party-bridge it bounds the
//! messages it has taken in. And all senders together keep at most TP_LAG
//! (800) messages not yet received by the slowest member, so no member's send
//! queue grows without bound when a server outpaces the client's readers. TP_SENDERS (50) senders run at once: with 10,
//! ngircd stayed below 20% of a core (latency-bound); with 50 it is 75-90%
//! busy (measured and printed), so the server is what is measured. The
//! identical workload is used for both servers. The receivers read as fast as
//! they can and count with a suffix compare.
//!
//! Fairness on a shared 2-CPU machine (as in broker/benches/broker.rs): the
//! servers (and party-broker) run pinned to CPU 1 with `taskset`, the client
//! on CPU 0; latency is measured a second time with the client on CPU 1 too,
//! where every wake-up is local and the figures are the servers' cost per
//! message (crossing CPUs costs tens of microseconds on this virtual machine).
//! All servers of a measurement run side by side and are measured in
//! alternating slices (latency) or rounds (throughput), each started only
//! once every server process is idle again, so a bridge's work left over
//! from its slice (signing, publishing, the broker's echo) does not land in
//! ngircd's. The load average is printed.
//!
//! Environment: IRC_BENCH_ONLY=latency,throughput,memory runs a subset;
//! IRC_BENCH_PIN=0 pins nothing; NGIRCD_BIN, PARTY_BRIDGE_BIN,
//! PARTY_BROKER_BIN as above. IRC_BENCH_FAKE_BRIDGE=1 (development aid) runs
//! ngircd in place of the bridge (two ngircds linked as IRC servers for the
//! two-bridge variant), to exercise the bench without party-bridge.

use std::collections::VecDeque;
use std::fmt::Display;
use std::io::{BufRead, BufReader as StdBufReader, Read};
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc as std_mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinSet;
use tokio::time::timeout;

// ---------------------------------------------------------------- workload

const LAT_WARMUP: usize = 200;
const LAT_SAMPLES: usize = 2000;
/// Samples are taken in this many slices, alternating between the servers, so
/// load from other processes hits all alike.
const LAT_ROUNDS: usize = 20;
const TP_MEMBERS: usize = 100;
const TP_SENDERS: usize = 50;
const TP_PER_SENDER: usize = 200;
/// The workload is run this many times on the same members; the median counts.
const TP_ROUNDS: usize = 5;
/// Messages a sender writes at once.
const TP_BATCH: usize = 8;
/// Messages of one sender that the observer has not received yet, at most:
/// 16 * 118 B < 2 KiB, ngircd's input limit (see the module doc).
const TP_WINDOW: usize = 16;
/// Messages sent (by all senders) that the slowest member has not received yet, at
/// most. The per-sender window only follows the observer; without this bound a
/// server faster than the client could let one member fall behind until its send
/// queue overflows (a closed loop must be closed for every member).
const TP_LAG: u64 = (TP_SENDERS * TP_WINDOW) as u64;
/// Idle-connection counts measured, cumulatively (5,000 then 5,000 more).
const MEM_STEPS: [usize; 2] = [5_000, 10_000];
/// Connections registering at once (ngircd listens with a backlog of 10).
const CONNECT_CONCURRENCY: usize = 8;
const MESSAGE_LEN: usize = 100;

const START_TIMEOUT: Duration = Duration::from_secs(30);
const STEP_TIMEOUT: Duration = Duration::from_secs(20);
const TP_TIMEOUT: Duration = Duration::from_secs(60);
const TP_STALL: Duration = Duration::from_secs(5);
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
const MEM_TIMEOUT: Duration = Duration::from_secs(120);

type Res<T> = Result<T, String>;

fn err<E: Display>(ctx: &'static str) -> impl Fn(E) -> String {
    move |e| format!("{ctx}: {e}")
}

/// 88 bytes that end every workload message (makes counting a suffix compare).
const FILLER: &str =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnop";

fn payload(tag: char, a: usize, b: usize) -> String {
    let s = format!("{tag}{a:03}{b:07} {FILLER}");
    debug_assert_eq!(s.len(), MESSAGE_LEN);
    s
}

// ---------------------------------------------------------------- processes

/// A child process that is killed and reaped when dropped (also on panic).
/// Its stdout and stderr are drained by threads that keep the last lines.
struct Proc {
    name: String,
    child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
}

impl Proc {
    /// Spawn `cmd` and wait until a stdout line makes `ready` return Some.
    fn spawn<T: Send + 'static>(
        name: &str,
        mut cmd: Command,
        ready: impl Fn(&str) -> Option<T> + Send + 'static,
    ) -> Res<(Proc, T)> {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {name} ({:?}): {e}", cmd.get_program()))?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let (tx, rx) = std_mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        let errp = child.stderr.take().expect("piped stderr");
        let t1 = tail.clone();
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in StdBufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if let Some(t) = tx.as_ref().and_then(|_| ready(&line)) {
                    let _ = tx.take().unwrap().send(t);
                }
                push_tail(&t1, line);
            }
        });
        let t2 = tail.clone();
        std::thread::spawn(move || drain(errp, t2));
        let mut p = Proc {
            name: name.to_string(),
            child,
            tail,
        };
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(t) => Ok((p, t)),
            Err(e) => {
                let status = p.child.try_wait().ok().flatten();
                Err(format!(
                    "{name} did not become ready ({}; exit status {status:?}); last output:\n{}",
                    if matches!(e, std_mpsc::RecvTimeoutError::Timeout) {
                        "timeout"
                    } else {
                        "exited"
                    },
                    p.tail()
                ))
            }
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn tail(&self) -> String {
        let t = self.tail.lock().unwrap();
        t.iter().map(|l| format!("    {l}\n")).collect()
    }

    /// Error out if the process has exited.
    fn check_alive(&mut self) -> Res<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(st)) => Err(format!(
                "{} exited ({st}); last output:\n{}",
                self.name,
                self.tail()
            )),
            Err(e) => Err(format!("{}: {e}", self.name)),
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Keeps the last 10 lines, without ANSI colours, at most 300 characters each.
fn push_tail(tail: &Mutex<VecDeque<String>>, line: String) {
    let mut clean = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ parameters final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else if clean.len() < 300 {
            clean.push(c);
        }
    }
    let mut t = tail.lock().unwrap();
    if t.len() == 10 {
        t.pop_front();
    }
    t.push_back(clean);
}

fn drain(r: impl Read, tail: Arc<Mutex<VecDeque<String>>>) {
    for line in StdBufReader::new(r).lines() {
        let Ok(line) = line else { break };
        push_tail(&tail, line);
    }
}

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Res<TempDir> {
        static N: AtomicU64 = AtomicU64::new(0);
        let p = std::env::temp_dir().join(format!(
            "party-irc-bench-{}-{tag}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&p).map_err(err("temp dir"))?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> Res<u16> {
    let [port] = free_ports::<1>()?;
    Ok(port)
}

/// Distinct ports, held together while picked (one released at once can be handed
/// out again by the next bind).
fn free_ports<const N: usize>() -> Res<[u16; N]> {
    let mut listeners = Vec::with_capacity(N);
    for _ in 0..N {
        listeners.push(StdTcpListener::bind("127.0.0.1:0").map_err(err("bind 127.0.0.1:0"))?);
    }
    let mut ports = [0u16; N];
    for (port, listener) in ports.iter_mut().zip(&listeners) {
        *port = listener.local_addr().map_err(err("local_addr"))?.port();
    }
    Ok(ports)
}

/// CPU time (user + system, all threads) the process has used.
fn cpu_time(pid: u32) -> Res<Duration> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(err("/proc/PID/stat"))?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = s
        .rsplit_once(')')
        .map(|(_, r)| r)
        .ok_or("bad /proc/PID/stat")?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f
        .get(11)
        .and_then(|v| v.parse().ok())
        .zip(f.get(12).and_then(|v| v.parse::<u64>().ok()))
        .map(|(u, s): (u64, u64)| u + s)
        .ok_or("bad /proc/PID/stat")?;
    // USER_HZ is 100 on Linux.
    Ok(Duration::from_millis(ticks * 10))
}

/// Waits until the processes are (nearly) idle: under 10% of a CPU together
/// over 100 ms, for at most IDLE_TIMEOUT. A server's leftover work from the
/// previous slice (a bridge signs and publishes after local delivery; the
/// broker echoes) must not land in the next server's measurement.
async fn wait_idle(pids: &[u32]) {
    let total = || {
        pids.iter()
            .filter_map(|&p| cpu_time(p).ok())
            .sum::<Duration>()
    };
    let deadline = Instant::now() + IDLE_TIMEOUT;
    let mut before = total();
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = total();
        if now.saturating_sub(before) <= Duration::from_millis(10) {
            return;
        }
        before = now;
    }
}

fn rss_kb(pid: u32) -> Res<u64> {
    let s =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(err("/proc/PID/status"))?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no VmRSS in /proc/{pid}/status"))
}

// ---------------------------------------------------------------- servers

/// A running IRC server under test.
struct Server {
    proc: Proc,
    irc: SocketAddr,
    _dir: Option<TempDir>,
}

impl Server {
    fn irc_addr(&self) -> SocketAddr {
        self.irc
    }
    fn pid(&self) -> u32 {
        self.proc.pid()
    }
    /// Stop the server; a failed result gets the server's last output, and a
    /// server that died turns a result into an error.
    fn finish<T>(mut self, r: Res<T>) -> Res<T> {
        let alive = self.proc.check_alive();
        match (r, alive) {
            (Ok(v), Ok(())) => Ok(v),
            (Ok(_), Err(e)) => Err(e),
            (Err(e), Err(dead)) => Err(format!("{e}\n  {dead}")),
            (Err(e), Ok(())) => {
                let tail = self.proc.tail();
                if tail.is_empty() {
                    Err(e)
                } else {
                    Err(format!(
                        "{e}\n  last output of {} (pid {}):\n{tail}",
                        self.proc.name,
                        self.pid()
                    ))
                }
            }
        }
    }
}

struct Broker {
    proc: Proc,
    mqtt: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bridge,
    Ngircd,
}

/// How server processes are started: directly, or pinned with `taskset -c CPUS`.
struct Launcher {
    cpus: Option<String>,
}

impl Launcher {
    fn command(&self, bin: &Path) -> Command {
        match &self.cpus {
            Some(cpus) => {
                // taskset execs the program: the pid stays the server's.
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpus).arg(bin);
                c
            }
            None => Command::new(bin),
        }
    }
}

/// What the bench runs against: binaries, and the one broker shared by bridges.
struct Setup {
    ngircd: PathBuf,
    bridge: PathBuf,
    broker: Option<Broker>,
    fake_bridge: bool,
    launcher: Launcher,
}

impl Setup {
    fn start(&self, kind: Kind) -> Res<Server> {
        match kind {
            Kind::Ngircd => start_ngircd(&self.launcher, &self.ngircd, None),
            Kind::Bridge if self.fake_bridge => start_ngircd(&self.launcher, &self.ngircd, None),
            Kind::Bridge => {
                let b = self.broker.as_ref().ok_or("no party-broker")?;
                start_bridge(&self.launcher, &self.bridge, &b.mqtt)
            }
        }
    }

    /// Two servers between which channel messages flow: two bridges on one
    /// broker (or, faked, two linked ngircds).
    fn start_pair(&self) -> Res<(Server, Server)> {
        if self.fake_bridge {
            return self.start_ngircd_pair();
        }
        Ok((self.start(Kind::Bridge)?, self.start(Kind::Bridge)?))
    }

    /// Two ngircds linked as IRC servers: the like-for-like reference for two
    /// bridges, where a message also crosses from one server to another.
    fn start_ngircd_pair(&self) -> Res<(Server, Server)> {
        let [p1, p2] = free_ports::<2>()?;
        let a = start_ngircd_at(&self.launcher, &self.ngircd, p1, Some(("b.bench", None)))?;
        let b = start_ngircd_at(
            &self.launcher,
            &self.ngircd,
            p2,
            Some(("a.bench", Some(p1))),
        )?;
        Ok((a, b))
    }
}

fn start_broker(launcher: &Launcher, bin: &Path) -> Res<Broker> {
    let mut cmd = launcher.command(bin);
    cmd.args(["--http", "127.0.0.1:0", "--mqtt", "127.0.0.1:0"]);
    let (proc, mqtt) = Proc::spawn("party-broker", cmd, |l| {
        let rest = l.strip_prefix("party-broker listening ")?;
        rest.split_whitespace()
            .find_map(|w| w.strip_prefix("mqtt="))
            .map(str::to_string)
    })?;
    Ok(Broker { proc, mqtt })
}

fn start_bridge(launcher: &Launcher, bin: &Path, mqtt: &str) -> Res<Server> {
    let mut cmd = launcher.command(bin);
    cmd.args(["--irc", "127.0.0.1:0", "--broker", mqtt])
        .args(["--max-clients-per-ip", "100000", "--max-clients", "100000"])
        .args(["--flood-burst", "1000000", "--flood-per-sec", "1000000"])
        // One sender measures latency back to back: thousands of messages a second
        // from one connection, which a room open to strangers would drop as a flood.
        .args(["--room-messages-per-sec", "1000000"]);
    let (proc, addr) = Proc::spawn("party-bridge", cmd, |l| {
        l.strip_prefix("party-bridge listening irc=")?
            .trim()
            .parse::<SocketAddr>()
            .ok()
    })?;
    Ok(Server {
        proc,
        irc: addr,
        _dir: None,
    })
}

fn start_ngircd(launcher: &Launcher, bin: &Path, link: Option<(&str, Option<u16>)>) -> Res<Server> {
    // The port is found free, then given to ngircd: retry if someone took it.
    let mut last = String::new();
    for _ in 0..3 {
        match start_ngircd_at(launcher, bin, free_port()?, link) {
            Ok(s) => return Ok(s),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// `link`: (peer name, Some(peer port) to connect to it, None to wait for it).
fn start_ngircd_at(
    launcher: &Launcher,
    bin: &Path,
    port: u16,
    link: Option<(&str, Option<u16>)>,
) -> Res<Server> {
    let dir = TempDir::new("ngircd")?;
    // ngircd started as root switches to "nobody" before writing its pid file.
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir.0, std::fs::Permissions::from_mode(0o777));
    }
    let name = match link {
        Some((_, Some(_))) => "b.bench".to_string(),
        Some((_, None)) => "a.bench".to_string(),
        None => "bench.ngircd".to_string(),
    };
    let d = dir.0.display();
    let mut conf = format!(
        "[Global]\n\
         Name = {name}\n\
         Info = party irc bench\n\
         AdminInfo1 = bench\nAdminInfo2 = bench\nAdminEMail = bench@localhost\n\
         Listen = 127.0.0.1\n\
         Ports = {port}\n\
         MotdPhrase = bench\n\
         PidFile = {d}/ngircd.pid\n\
         [Limits]\n\
         ConnectRetry = 5\n\
         MaxConnections = 0\n\
         MaxConnectionsIP = 0\n\
         MaxJoins = 0\n\
         MaxNickLength = 30\n\
         MaxPenaltyTime = 0\n\
         PingTimeout = 100000\n\
         PongTimeout = 100000\n\
         [Options]\n\
         DNS = no\n\
         Ident = no\n\
         PAM = no\n\
         IncludeDir = {d}\n"
    );
    if let Some((peer, peer_port)) = link {
        let (mine, theirs) = if peer_port.is_some() {
            ("pw2", "pw1")
        } else {
            ("pw1", "pw2")
        };
        conf += &format!(
            "[Server]\nName = {peer}\nHost = 127.0.0.1\nMyPassword = {mine}\nPeerPassword = {theirs}\n"
        );
        if let Some(p) = peer_port {
            conf += &format!("Port = {p}\n");
        }
    }
    let conf_path = dir.0.join("ngircd.conf");
    std::fs::write(&conf_path, conf).map_err(err("write ngircd.conf"))?;
    let t = Command::new(bin)
        .arg("--configtest")
        .arg("-f")
        .arg(&conf_path)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    if !t.status.success() {
        return Err(format!(
            "ngircd --configtest failed:\n{}{}",
            String::from_utf8_lossy(&t.stdout),
            String::from_utf8_lossy(&t.stderr)
        ));
    }
    let mut cmd = launcher.command(bin);
    cmd.arg("-n").arg("-f").arg(&conf_path);
    let (proc, ()) = Proc::spawn("ngircd", cmd, |l| l.contains(") ready.").then_some(()))?;
    let irc = SocketAddr::from(([127, 0, 0, 1], port));
    Ok(Server {
        proc,
        irc,
        _dir: Some(dir),
    })
}

/// Runs of each step timed by `protocol_costs`.
const CRYPTO_SAMPLES: usize = 1000;

/// What a room message costs in protocol work alone, with core's own code: the
/// sender's signature, and each receiver's decode and verification. (Median
/// per call, so a preempted run does not count.)
fn protocol_costs() -> Res<(Duration, Duration)> {
    use party_core::envelope::{decode, encode_signed, ChatText, Envelope, Msg};
    use party_core::ids::{MessageId, PeerId, RoomName};
    use party_core::secret::AgentSecret;
    use party_core::sign::{sign_with, Auth, Signer};
    use party_core::topic::room_topic;

    let secret = AgentSecret::from_bytes([7; 32]);
    let key = secret.signing_key();
    let signer = Signer::new(key.clone());
    let topic = room_topic(&RoomName::parse("bench-hop").map_err(err("room name"))?);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(err("clock"))?
        .as_millis() as u64;
    let envelope = Envelope::Msg(Msg {
        id: MessageId::parse(&format!("{}-{now}-a1b2c3", secret.handle()))
            .map_err(err("message id"))?,
        handle: secret.handle(),
        avatar_seed: secret.avatar_seed(),
        name: None,
        text: ChatText::parse(&payload('x', 0, 0)).map_err(err("text"))?,
        re: None,
        from: PeerId::from_bytes([1; 8]),
        t: now,
    });
    let wire = encode_signed(&topic, &envelope, &key, Auth::Agent);
    let sign = median_call(|| {
        std::hint::black_box(sign_with(&topic, &envelope, &signer, Auth::Agent));
        Ok(())
    })?;
    let verify = median_call(|| {
        let received = decode(&topic, &wire, now).map_err(err("decode"))?;
        if !matches!(
            received.verification,
            party_core::sign::Verification::Verified { .. }
        ) {
            return Err("our own signed message did not verify".into());
        }
        Ok(())
    })?;
    Ok((sign, verify))
}

/// The median time of `CRYPTO_SAMPLES` calls of `f`.
fn median_call(mut f: impl FnMut() -> Res<()>) -> Res<Duration> {
    let mut times = Vec::with_capacity(CRYPTO_SAMPLES);
    for _ in 0..CRYPTO_SAMPLES {
        let t = Instant::now();
        f()?;
        times.push(t.elapsed());
    }
    times.sort();
    Ok(percentile(&times, 50))
}

// ---------------------------------------------------------------- IRC client

struct Msg<'a> {
    cmd: &'a str,
    params: Vec<&'a str>,
}

fn parse(line: &str) -> Msg<'_> {
    let mut rest = line.trim_end_matches(['\r', '\n']);
    if rest.starts_with('@') {
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    if let Some(r) = rest.strip_prefix(':') {
        rest = r.split_once(' ').map_or("", |(_, r)| r);
    }
    let rest = rest.trim_start();
    let (cmd, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut params = Vec::new();
    while !rest.is_empty() {
        if let Some(t) = rest.strip_prefix(':') {
            params.push(t);
            break;
        }
        let (p, r) = rest.split_once(' ').unwrap_or((rest, ""));
        if !p.is_empty() {
            params.push(p);
        }
        rest = r;
    }
    Msg { cmd, params }
}

/// Text of a PRIVMSG to `chan`, if `m` is one.
fn privmsg_text<'a>(m: &Msg<'a>, chan: &str) -> Option<&'a str> {
    (m.cmd == "PRIVMSG" && m.params.len() >= 2 && m.params[0].eq_ignore_ascii_case(chan))
        .then(|| m.params[m.params.len() - 1])
}

/// A registered client used where its speed does not matter much (latency
/// clients, setup). `next` is cancellation safe (partial lines stay in `buf`).
struct Irc {
    nick: String,
    r: BufReader<OwnedReadHalf>,
    w: OwnedWriteHalf,
    buf: Vec<u8>,
}

impl Irc {
    async fn connect(addr: SocketAddr, nick: &str) -> Res<Irc> {
        let s = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connect {addr}: {e}"))?;
        s.set_nodelay(true).map_err(err("nodelay"))?;
        let (r, w) = s.into_split();
        let mut irc = Irc {
            nick: nick.to_string(),
            r: BufReader::with_capacity(4096, r),
            w,
            buf: Vec::new(),
        };
        irc.send(&format!(
            "NICK {nick}\r\nUSER {nick} 0 * :party irc bench\r\n"
        ))
        .await?;
        irc.until(|m| m.cmd == "001")
            .await
            .map_err(|e| format!("registering {nick}: {e}"))?;
        Ok(irc)
    }

    async fn send(&mut self, s: &str) -> Res<()> {
        self.w
            .write_all(s.as_bytes())
            .await
            .map_err(|e| format!("{}: write: {e}", self.nick))
    }

    /// The next line from the server; answers PINGs; fails on EOF and ERROR.
    async fn next(&mut self) -> Res<String> {
        loop {
            let n = self
                .r
                .read_until(b'\n', &mut self.buf)
                .await
                .map_err(|e| format!("{}: read: {e}", self.nick))?;
            if n == 0 || !self.buf.ends_with(b"\n") {
                return Err(format!("{}: connection closed by the server", self.nick));
            }
            let line = String::from_utf8_lossy(&self.buf).trim_end().to_string();
            self.buf.clear();
            let m = parse(&line);
            match m.cmd {
                "PING" => {
                    let pong = format!("PONG :{}\r\n", m.params.last().copied().unwrap_or(""));
                    self.send(&pong).await?;
                }
                "ERROR" => return Err(format!("{}: server said {line}", self.nick)),
                _ => return Ok(line),
            }
        }
    }

    /// Read until a line satisfies `f` (at most STEP_TIMEOUT).
    async fn until(&mut self, mut f: impl FnMut(&Msg) -> bool) -> Res<String> {
        let nick = self.nick.clone();
        timeout(STEP_TIMEOUT, async {
            loop {
                let line = self.next().await?;
                let m = parse(&line);
                // 4xx/5xx numerics addressed to us are failures (e.g. 433, 403, 471).
                if m.cmd.len() == 3
                    && (m.cmd.starts_with('4') || m.cmd.starts_with('5'))
                    && m.cmd != "422"
                {
                    return Err(format!("{nick}: server replied {line}"));
                }
                if f(&m) {
                    return Ok(line);
                }
            }
        })
        .await
        .map_err(|_| format!("{nick}: timed out waiting for the server"))?
    }

    async fn join(&mut self, chan: &str) -> Res<()> {
        self.send(&format!("JOIN {chan}\r\n")).await?;
        self.until(|m| {
            m.cmd == "366"
                && m.params
                    .get(1)
                    .is_some_and(|c| c.eq_ignore_ascii_case(chan))
        })
        .await
        .map_err(|e| format!("JOIN {chan}: {e}"))?;
        Ok(())
    }
}

/// Connect `n` clients named `<prefix><i>`, each joining `chan` if given.
async fn connect_many(
    addr: SocketAddr,
    prefix: &str,
    n: usize,
    chan: Option<&str>,
) -> Res<Vec<Irc>> {
    let sem = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let mut set = JoinSet::new();
    for i in 0..n {
        let (sem, nick, chan) = (
            sem.clone(),
            format!("{prefix}{i}"),
            chan.map(str::to_string),
        );
        set.spawn(async move {
            let _p = sem.acquire_owned().await.unwrap();
            let mut c = Irc::connect(addr, &nick).await?;
            if let Some(ch) = chan {
                c.join(&ch).await?;
            }
            Ok::<_, String>((i, c))
        });
    }
    let mut out: Vec<Option<Irc>> = (0..n).map(|_| None).collect();
    while let Some(r) = set.join_next().await {
        let (i, c) = r.map_err(err("client task"))??;
        out[i] = Some(c);
    }
    Ok(out.into_iter().map(Option::unwrap).collect())
}

/// A per-run unique channel name (rooms keep history; never reuse one).
fn channel(tag: &str) -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "#bench{tag}{}x{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

// ---------------------------------------------------------------- 1. latency

struct Latency {
    p50: Duration,
    p99: Duration,
}

/// Clients A and B in one channel, ready to time A -> B hops.
struct LatRig {
    a: Irc,
    b: Irc,
    chan: String,
    next: usize,
    samples: Vec<Duration>,
}

impl LatRig {
    /// Connects A and B, joins, waits until A's messages reach B, warms up.
    async fn new(a_addr: SocketAddr, b_addr: SocketAddr) -> Res<LatRig> {
        let chan = channel("lat");
        let mut a = Irc::connect(a_addr, "hopa").await?;
        let mut b = Irc::connect(b_addr, "hopb").await?;
        a.join(&chan).await?;
        b.join(&chan).await?;
        // Subscriptions and server links are set up asynchronously: probe until
        // one of A's messages arrives at B.
        let deadline = Instant::now() + STEP_TIMEOUT;
        'ready: for k in 0.. {
            if Instant::now() > deadline {
                return Err("latency: B never received a message from A".into());
            }
            a.send(&format!("PRIVMSG {chan} :probe {k}\r\n")).await?;
            let until = tokio::time::Instant::now() + Duration::from_millis(300);
            loop {
                tokio::select! {
                    r = tokio::time::timeout_at(until, b.next()) => match r {
                        Err(_) => break,
                        Ok(line) => {
                            let line = line?;
                            if privmsg_text(&parse(&line), &chan).is_some_and(|t| t.starts_with("probe")) {
                                break 'ready;
                            }
                        }
                    },
                    r = a.next() => { r?; }
                }
            }
        }
        let mut rig = LatRig {
            a,
            b,
            chan,
            next: 0,
            samples: Vec::with_capacity(LAT_SAMPLES),
        };
        rig.sample(LAT_WARMUP).await?;
        rig.samples.clear();
        Ok(rig)
    }

    /// Times `n` hops, one message in flight.
    async fn sample(&mut self, n: usize) -> Res<()> {
        timeout(STEP_TIMEOUT, async {
            for _ in 0..n {
                let text = payload('H', 0, self.next);
                self.next += 1;
                let msg = format!("PRIVMSG {} :{text}\r\n", self.chan);
                let t0 = Instant::now();
                self.a
                    .w
                    .write_all(msg.as_bytes())
                    .await
                    .map_err(err("A: write"))?;
                loop {
                    tokio::select! {
                        biased;
                        line = self.b.next() => {
                            let line = line?;
                            if privmsg_text(&parse(&line), &self.chan) == Some(text.as_str()) {
                                break;
                            }
                        }
                        r = self.a.next() => { r?; }
                    }
                }
                self.samples.push(t0.elapsed());
            }
            Ok(())
        })
        .await
        .map_err(|_| format!("latency: no hop within {} s", STEP_TIMEOUT.as_secs()))?
    }

    fn result(&mut self) -> Latency {
        self.samples.sort();
        Latency {
            p50: percentile(&self.samples, 50),
            p99: percentile(&self.samples, 99),
        }
    }
}

/// The `p`th percentile of sorted, non-empty `samples`.
fn percentile(samples: &[Duration], p: usize) -> Duration {
    samples[(samples.len() * p / 100).min(samples.len() - 1)]
}

// ---------------------------------------------------------------- 2. throughput

struct Throughput {
    /// Deliveries per second of each round, in run order.
    rounds: Vec<f64>,
    /// Median of `rounds`.
    per_sec: f64,
    /// Server CPU time per million deliveries, over all rounds.
    cpu_per_million: Duration,
    /// Server CPU time / wall time during the rounds (1.0 = one core busy).
    cpu_load: f64,
    /// party-broker CPU time per million deliveries (bridge only).
    broker_cpu_per_million: Option<Duration>,
}

/// TP_MEMBERS members in one channel, reader tasks counting, sender tasks
/// waiting for the next round.
struct TpRig {
    pid: u32,
    broker_pid: Option<u32>,
    broker_cpu: Duration,
    counts: Arc<Vec<AtomicU64>>,
    done_rx: mpsc::UnboundedReceiver<Res<Instant>>,
    go: watch::Sender<usize>,
    /// Per sender: messages written / received by the observer.
    sent: Arc<Vec<AtomicU64>>,
    acks: Vec<watch::Receiver<usize>>,
    refusal: Arc<Mutex<Option<String>>>,
    tasks: JoinSet<()>,
    rounds: Vec<f64>,
    cpu: Duration,
    wall: Duration,
}

/// Deliveries per round: every message reaches every member but its sender.
const TP_EXPECTED: u64 = (TP_SENDERS * TP_PER_SENDER * (TP_MEMBERS - 1)) as u64;

impl Drop for TpRig {
    fn drop(&mut self) {
        self.tasks.abort_all();
    }
}

impl TpRig {
    async fn new(addr: SocketAddr, pid: u32, broker_pid: Option<u32>) -> Res<TpRig> {
        let chan = channel("tp");
        let members = connect_many(addr, "tp", TP_MEMBERS, Some(&chan)).await?;
        let total = (TP_SENDERS * TP_PER_SENDER) as u64;

        let counts: Arc<Vec<AtomicU64>> =
            Arc::new((0..TP_MEMBERS).map(|_| AtomicU64::new(0)).collect());
        let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<usize>();
        let (done_tx, done_rx) = mpsc::unbounded_channel::<Res<Instant>>();
        let mut writers = Vec::new();
        // acks[s]: how many of sender s's messages the observer (the last
        // member, not a sender) has received.
        let (ack_txs, acks): (Vec<_>, Vec<_>) =
            (0..TP_SENDERS).map(|_| watch::channel(0usize)).unzip();
        let mut ack_txs = Some(ack_txs);
        let refusal = Arc::new(Mutex::new(None));
        let progress = Arc::new(tokio::sync::Notify::new());
        let mut tasks = JoinSet::new();
        for (i, c) in members.into_iter().enumerate() {
            let w = Arc::new(tokio::sync::Mutex::new(c.w));
            let reader = Reader {
                r: c.r,
                buf: c.buf,
                w: w.clone(),
                chan: chan.clone(),
                count: counts.clone(),
                i,
                // Nobody receives their own messages.
                per_round: if i < TP_SENDERS {
                    total - TP_PER_SENDER as u64
                } else {
                    total
                },
                ready: ready_tx.clone(),
                done: done_tx.clone(),
                acks: if i == TP_MEMBERS - 1 {
                    ack_txs.take()
                } else {
                    None
                },
                refusal: refusal.clone(),
                progress: progress.clone(),
            };
            tasks.spawn(async move {
                let _ = reader.run().await;
            });
            writers.push(w);
        }
        drop(ready_tx);

        // Everyone must be able to receive before the clock starts.
        let deadline = Instant::now() + STEP_TIMEOUT;
        let mut ready = [false; TP_MEMBERS];
        ready[0] = true;
        let mut n_ready = 1;
        let mut k = 0;
        while n_ready < TP_MEMBERS {
            if Instant::now() > deadline {
                return Err(format!(
                    "throughput: only {n_ready} of {TP_MEMBERS} members received the probe"
                ));
            }
            let probe = format!("PRIVMSG {chan} :probe {k}\r\n");
            writers[0]
                .lock()
                .await
                .write_all(probe.as_bytes())
                .await
                .map_err(err("probe"))?;
            k += 1;
            let until = tokio::time::Instant::now() + Duration::from_millis(300);
            while n_ready < TP_MEMBERS {
                match tokio::time::timeout_at(until, ready_rx.recv()).await {
                    Ok(Some(i)) if !ready[i] => {
                        ready[i] = true;
                        n_ready += 1;
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        return Err("throughput: a member connection failed during setup".into())
                    }
                    Err(_) => break,
                }
            }
        }

        // Senders: round r starts when `go` reaches r + 1.
        let (go, go_rx) = watch::channel(0usize);
        let sent: Arc<Vec<AtomicU64>> =
            Arc::new((0..TP_SENDERS).map(|_| AtomicU64::new(0)).collect());
        // `floor`: messages every member has seen (received, or sent itself).
        let (floor_tx, floor) = watch::channel(0u64);
        let claimed = Arc::new(AtomicU64::new(0));
        {
            let (counts, sent, progress) = (counts.clone(), sent.clone(), progress.clone());
            tasks.spawn(async move {
                loop {
                    progress.notified().await;
                    let seen = (0..TP_MEMBERS).map(|m| {
                        let own = sent.get(m).map_or(0, |s| s.load(Ordering::Relaxed));
                        counts[m].load(Ordering::Relaxed) + own
                    });
                    let low = seen.min().unwrap_or(0);
                    floor_tx.send_if_modified(|f| std::mem::replace(f, low) != low);
                }
            });
        }
        for (s, w) in writers.into_iter().take(TP_SENDERS).enumerate() {
            let (mut ack, mut go, chan, sent) =
                (acks[s].clone(), go_rx.clone(), chan.clone(), sent.clone());
            let (mut floor, claimed, progress) = (floor.clone(), claimed.clone(), progress.clone());
            tasks.spawn(async move {
                let mut batch = String::with_capacity(TP_BATCH * 128);
                let mut seq = 0; // counts on across rounds
                for round in 0.. {
                    if go.wait_for(|g| *g > round).await.is_err() {
                        return;
                    }
                    let end = (round + 1) * TP_PER_SENDER;
                    while seq < end {
                        let n = TP_BATCH.min(end - seq);
                        if ack.wait_for(|a| seq + n <= *a + TP_WINDOW).await.is_err() {
                            return;
                        }
                        // A share of the lag budget, claimed before writing.
                        loop {
                            let fits =
                                |f: &u64| claimed.load(Ordering::Relaxed) + n as u64 <= f + TP_LAG;
                            let Ok(f) = floor.wait_for(fits).await.map(|f| *f) else {
                                return;
                            };
                            let now = claimed.load(Ordering::Relaxed);
                            if now + n as u64 <= f + TP_LAG
                                && claimed
                                    .compare_exchange(
                                        now,
                                        now + n as u64,
                                        Ordering::Relaxed,
                                        Ordering::Relaxed,
                                    )
                                    .is_ok()
                            {
                                break;
                            }
                        }
                        batch.clear();
                        for _ in 0..n {
                            batch += &format!("PRIVMSG {chan} :{}\r\n", payload('W', s, seq));
                            seq += 1;
                        }
                        if w.lock().await.write_all(batch.as_bytes()).await.is_err() {
                            return;
                        }
                        sent[s].store(seq as u64, Ordering::Relaxed);
                        // This member's own messages count as seen by it.
                        progress.notify_one();
                    }
                }
            });
        }
        Ok(TpRig {
            pid,
            broker_pid,
            broker_cpu: Duration::ZERO,
            counts,
            done_rx,
            go,
            sent,
            acks,
            refusal,
            tasks,
            rounds: Vec::new(),
            cpu: Duration::ZERO,
            wall: Duration::ZERO,
        })
    }

    /// Runs the workload once more; returns deliveries per second.
    async fn round(&mut self) -> Res<f64> {
        let round = self.rounds.len();
        // With one sender, that sender receives nothing and is not waited for.
        let waiting = if TP_SENDERS == 1 {
            TP_MEMBERS - 1
        } else {
            TP_MEMBERS
        };
        let delivered = |counts: &[AtomicU64]| {
            counts
                .iter()
                .map(|c| c.load(Ordering::Relaxed))
                .sum::<u64>()
                - TP_EXPECTED * round as u64
        };
        let cpu0 = cpu_time(self.pid)?;
        let broker0 = self.broker_pid.map(cpu_time).transpose()?;
        let start = Instant::now();
        self.go.send_replace(round + 1);
        let mut last = start;
        let mut finished = 0;
        // Wait for every member; give up when nothing arrives for TP_STALL
        // (messages lost) or after TP_TIMEOUT.
        let mut progress = (0, Instant::now());
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        while finished < waiting {
            tokio::select! {
                d = self.done_rx.recv() => match d {
                    Some(Ok(t)) => {
                        last = last.max(t);
                        finished += 1;
                    }
                    Some(Err(e)) => return Err(e),
                    None => return Err("throughput: readers ended".to_string()),
                },
                _ = tick.tick() => {
                    let got = delivered(&self.counts);
                    let now = Instant::now();
                    if got != progress.0 {
                        progress = (got, now);
                    }
                    let why = if now - progress.1 > TP_STALL {
                        format!("nothing delivered for {} s (messages lost?)", TP_STALL.as_secs())
                    } else if now - start > TP_TIMEOUT {
                        format!("timed out after {} s", TP_TIMEOUT.as_secs())
                    } else {
                        continue;
                    };
                    return Err(self.stalled(round, &why, got, finished, progress.1 - start));
                }
            }
        }
        self.cpu += cpu_time(self.pid)?.saturating_sub(cpu0);
        if let (Some(p), Some(b0)) = (self.broker_pid, broker0) {
            self.broker_cpu += cpu_time(p)?.saturating_sub(b0);
        }
        let elapsed = last - start;
        self.wall += elapsed;
        let rate = TP_EXPECTED as f64 / elapsed.as_secs_f64();
        self.rounds.push(rate);
        Ok(rate)
    }

    fn stalled(
        &self,
        round: usize,
        why: &str,
        got: u64,
        finished: usize,
        took: Duration,
    ) -> String {
        let per: Vec<u64> = self
            .counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        let (lo, hi) = (
            per.iter().min().unwrap_or(&0),
            per.iter().max().unwrap_or(&0),
        );
        // Messages the observer never got (a sender stops when its window is full).
        let missing: u64 = (0..TP_SENDERS)
            .map(|s| {
                self.sent[s]
                    .load(Ordering::Relaxed)
                    .saturating_sub(*self.acks[s].borrow() as u64)
            })
            .sum();
        let secs = took.as_secs_f64();
        let refusal = self.refusal.lock().unwrap();
        format!(
            "throughput: round {}: {why}; {got} of {TP_EXPECTED} deliveries in {secs:.1} s ({:.0}/s); \
             {finished} of {TP_MEMBERS} members got all, per-member counts {lo}..{hi} (cumulative); \
             {missing} sent messages never reached the observer{}",
            round + 1,
            got as f64 / secs.max(1e-3),
            refusal.as_ref().map_or(String::new(), |r| format!("; first refusal: {r}")),
        )
    }

    fn result(&self) -> Throughput {
        let mut sorted = self.rounds.clone();
        sorted.sort_by(f64::total_cmp);
        let deliveries = TP_EXPECTED * self.rounds.len() as u64;
        Throughput {
            per_sec: sorted[sorted.len() / 2],
            rounds: self.rounds.clone(),
            cpu_per_million: self.cpu.mul_f64(1e6 / deliveries as f64),
            cpu_load: self.cpu.as_secs_f64() / self.wall.as_secs_f64(),
            broker_cpu_per_million: self
                .broker_pid
                .map(|_| self.broker_cpu.mul_f64(1e6 / deliveries as f64)),
        }
    }
}

/// One throughput member's read side: counts workload messages with a suffix
/// compare, parses everything else.
struct Reader {
    r: BufReader<OwnedReadHalf>,
    buf: Vec<u8>,
    w: Arc<tokio::sync::Mutex<OwnedWriteHalf>>,
    chan: String,
    count: Arc<Vec<AtomicU64>>,
    i: usize,
    per_round: u64,
    ready: mpsc::UnboundedSender<usize>,
    done: mpsc::UnboundedSender<Res<Instant>>,
    /// Set for the observer: per sender, received messages.
    acks: Option<Vec<watch::Sender<usize>>>,
    /// The first error reply (4xx/5xx) any member got, for diagnostics.
    refusal: Arc<Mutex<Option<String>>>,
    /// Told when this member received workload messages.
    progress: Arc<tokio::sync::Notify>,
}

impl Reader {
    async fn run(mut self) -> Res<()> {
        let res = self.run_inner().await;
        if let Err(e) = &res {
            let _ = self.done.send(Err(e.clone()));
        }
        res
    }

    async fn run_inner(&mut self) -> Res<()> {
        let mut r = BufReader::with_capacity(64 * 1024, &mut self.r);
        let mut buf = std::mem::take(&mut self.buf);
        let mut n = 0u64;
        let mut signalled_ready = false;
        let mut unreported = false;
        loop {
            // Once per chunk read, not per line: the slowest member may have moved.
            if unreported && r.buffer().is_empty() {
                self.progress.notify_one();
                unreported = false;
            }
            buf.clear();
            let got = r
                .read_until(b'\n', &mut buf)
                .await
                .map_err(|e| format!("member tp{}: read: {e}", self.i))?;
            if got == 0 {
                return Err(format!(
                    "member tp{}: connection closed by the server",
                    self.i
                ));
            }
            let line = buf.strip_suffix(b"\n").unwrap_or(&buf);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.ends_with(FILLER.as_bytes())
                && line.len() > MESSAGE_LEN
                && line[line.len() - MESSAGE_LEN] == b'W'
            {
                n += 1;
                self.count[self.i].store(n, Ordering::Relaxed);
                unreported = true;
                if let Some(acks) = &self.acks {
                    // payload(): W, sender (3 digits), sequence number (7 digits).
                    let p = &line[line.len() - MESSAGE_LEN..];
                    let num = |d: &[u8]| d.iter().fold(0usize, |v, c| v * 10 + (c - b'0') as usize);
                    if let Some(a) = acks.get(num(&p[1..4])) {
                        let seq = num(&p[4..11]);
                        a.send_if_modified(|v| {
                            let new = (*v).max(seq + 1);
                            std::mem::replace(v, new) != new
                        });
                    }
                }
                if self.per_round > 0 && n.is_multiple_of(self.per_round) {
                    let _ = self.done.send(Ok(Instant::now()));
                }
                continue;
            }
            let line = String::from_utf8_lossy(line);
            let m = parse(&line);
            match m.cmd {
                "PING" => {
                    let pong = format!("PONG :{}\r\n", m.params.last().copied().unwrap_or(""));
                    self.w
                        .lock()
                        .await
                        .write_all(pong.as_bytes())
                        .await
                        .map_err(err("pong"))?;
                }
                "ERROR" => return Err(format!("member tp{}: server said {line}", self.i)),
                c if c.len() == 3 && (c.starts_with('4') || c.starts_with('5')) => {
                    self.refusal
                        .lock()
                        .unwrap()
                        .get_or_insert_with(|| format!("tp{}: {line}", self.i));
                }
                _ => {
                    if !signalled_ready
                        && privmsg_text(&m, &self.chan).is_some_and(|t| t.starts_with("probe"))
                    {
                        signalled_ready = true;
                        let _ = self.ready.send(self.i);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- 3. memory

struct Memory {
    /// (connections, KB per connection)
    steps: Vec<(usize, f64)>,
    /// Broker growth over the whole run, KB (bridge only).
    broker_kb: Option<i64>,
}

async fn memory(
    addr: SocketAddr,
    pid: u32,
    broker_pid: Option<u32>,
    max_conns: usize,
) -> Res<Memory> {
    timeout(MEM_TIMEOUT, memory_run(addr, pid, broker_pid, max_conns))
        .await
        .map_err(|_| "memory: timed out".to_string())?
}

async fn memory_run(
    addr: SocketAddr,
    pid: u32,
    broker_pid: Option<u32>,
    max_conns: usize,
) -> Res<Memory> {
    // Warm-up: one client registers and quits, so lazily created state
    // (e.g. the first-connection allocations) is in the baseline.
    {
        let mut c = Irc::connect(addr, "warmup").await?;
        c.send("QUIT :bye\r\n").await?;
        let _ = timeout(STEP_TIMEOUT, async { while c.next().await.is_ok() {} }).await;
    }
    let rss0 = rss_kb(pid)?;
    let broker0 = broker_pid.map(rss_kb).transpose()?;
    let sem = Arc::new(Semaphore::new(CONNECT_CONCURRENCY));
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<Res<()>>();
    // Connections the server closed after registering them.
    let closed = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    let mut steps = Vec::new();
    let mut opened = 0;
    for &n in MEM_STEPS.iter().filter(|&&n| n <= max_conns) {
        eprintln!("    {n} idle connections ...");
        for i in opened..n {
            let (sem, ready, closed) = (sem.clone(), ready_tx.clone(), closed.clone());
            tasks.spawn(async move {
                let r = idle_client(addr, i, sem, &ready, &closed).await;
                if let Err(e) = r {
                    let _ = ready.send(Err(e));
                }
            });
        }
        while opened < n {
            match ready_rx.recv().await {
                Some(Ok(())) => opened += 1,
                Some(Err(e)) => return Err(format!("memory: after {opened} connections: {e}")),
                None => return Err("memory: clients ended".into()),
            }
        }
        // Let the server finish the last welcome bursts.
        wait_idle(&[pid]).await;
        let rss = rss_kb(pid)?;
        let gone = closed.load(Ordering::Relaxed);
        if gone > 0 {
            return Err(format!(
                "memory: the server closed {gone} of {n} idle connections"
            ));
        }
        steps.push((n, (rss as f64 - rss0 as f64) / n as f64));
    }
    let broker_kb = match (broker_pid, broker0) {
        (Some(p), Some(b0)) => Some(rss_kb(p)? as i64 - b0 as i64),
        _ => None,
    };
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    Ok(Memory { steps, broker_kb })
}

/// Registers, reports, then idles answering PINGs until aborted.
async fn idle_client(
    addr: SocketAddr,
    i: usize,
    sem: Arc<Semaphore>,
    ready: &mpsc::UnboundedSender<Res<()>>,
    closed: &AtomicU64,
) -> Res<()> {
    let permit = sem.acquire_owned().await.unwrap();
    let s = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_nodelay(true).map_err(err("nodelay"))?;
    let (r, mut w) = s.into_split();
    let mut r = BufReader::with_capacity(512, r);
    w.write_all(format!("NICK m{i}\r\nUSER m{i} 0 * :idle\r\n").as_bytes())
        .await
        .map_err(err("write"))?;
    let mut line = Vec::with_capacity(512);
    loop {
        line.clear();
        let n = timeout(STEP_TIMEOUT, r.read_until(b'\n', &mut line))
            .await
            .map_err(|_| format!("m{i}: timed out"))?
            .map_err(err("read"))?;
        if n == 0 {
            return Err(format!("m{i}: connection closed by the server"));
        }
        let s = String::from_utf8_lossy(&line);
        let m = parse(&s);
        match m.cmd {
            "PING" => {
                let pong = format!("PONG :{}\r\n", m.params.last().copied().unwrap_or(""));
                w.write_all(pong.as_bytes()).await.map_err(err("write"))?;
            }
            "001" => {
                let _ = ready.send(Ok(()));
                break;
            }
            "ERROR" => return Err(format!("m{i}: server said {}", s.trim_end())),
            c if c.starts_with('4') && c.len() == 3 => {
                return Err(format!("m{i}: server replied {}", s.trim_end()))
            }
            _ => {}
        }
    }
    drop(line);
    drop(permit);
    // Idle: no deadline, just answer PINGs.
    let mut line = Vec::new();
    loop {
        line.clear();
        if !matches!(r.read_until(b'\n', &mut line).await, Ok(n) if n > 0) {
            closed.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if line.starts_with(b"PING") {
            let s = String::from_utf8_lossy(&line);
            let m = parse(&s);
            let pong = format!("PONG :{}\r\n", m.params.last().copied().unwrap_or(""));
            w.write_all(pong.as_bytes()).await.map_err(err("write"))?;
        }
    }
}

// ---------------------------------------------------------------- main

/// Raise our soft RLIMIT_NOFILE to the hard limit (with prlimit(1), so no
/// libc dependency); the servers inherit it. Returns the soft limit in force.
fn raise_nofile() -> u64 {
    let read = || -> Option<(u64, u64)> {
        let s = std::fs::read_to_string("/proc/self/limits").ok()?;
        let l = s.lines().find(|l| l.starts_with("Max open files"))?;
        let v: Vec<&str> = l.split_whitespace().collect();
        let num = |s: &str| {
            if s == "unlimited" {
                Some(u64::MAX)
            } else {
                s.parse().ok()
            }
        };
        Some((num(v[3])?, num(v[4])?))
    };
    let Some((soft, hard)) = read() else {
        return 1024;
    };
    if soft < hard {
        let want = hard.min(1 << 20);
        let _ = Command::new("prlimit")
            .arg(format!("--pid={}", std::process::id()))
            .arg(format!("--nofile={want}:{hard}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    read().map_or(soft, |(s, _)| s)
}

fn bin_from_env(var: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(var).map(PathBuf::from).unwrap_or(default)
}

const SKIPPED: &str = "skipped";

fn skipped<T>() -> Res<T> {
    Err(SKIPPED.to_string())
}

/// One measured figure per server, or why it is missing.
type Cell<T> = Res<T>;

struct Results {
    /// Per placement: (description, [bridge, bridge pair, ngircd, linked ngircd pair]).
    lat: Vec<(&'static str, [Cell<Latency>; 4])>,
    tp: [Cell<Throughput>; 2],
    mem: [Cell<Memory>; 2],
}

/// Pins every thread of this process to `cpu`.
fn pin_self(cpu: &str) -> bool {
    Command::new("taskset")
        .args(["-a", "-p", "-c", cpu, &std::process::id().to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether client and servers get CPUs of their own (`taskset`, 2+ CPUs):
/// servers (and party-broker) on CPU 1, the client on CPU 0 (or, for one
/// latency pass, on CPU 1 too). Otherwise why not.
fn pinning() -> Result<(), String> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    if std::env::var("IRC_BENCH_PIN").is_ok_and(|v| v == "0") {
        return Err("IRC_BENCH_PIN=0".into());
    }
    if cpus < 2 {
        return Err("one CPU".into());
    }
    if !pin_self("0") {
        return Err("taskset failed or missing".into());
    }
    Ok(())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn main() {
    // Pin before the runtime exists: its threads inherit the placement.
    let pinned = pinning();
    let workers = if pinned.is_ok() { 1 } else { 2 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = rt.block_on(async {
        tokio::select! {
            r = run(pinned) => match r {
                Ok(()) => 0,
                Err(e) => { eprintln!("irc bench: {e}"); 1 }
            },
            _ = tokio::signal::ctrl_c() => { eprintln!("irc bench: interrupted"); 130 }
        }
    });
    // Everything started was killed and reaped when `run` ended (Drop).
    drop(rt);
    std::process::exit(code);
}

async fn run(pinned: Result<(), String>) -> Res<()> {
    let started = Instant::now();
    let fake_bridge =
        std::env::var_os("IRC_BENCH_FAKE_BRIDGE").is_some_and(|v| v != "0" && !v.is_empty());
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let workspace = manifest.parent().unwrap_or(&manifest).to_path_buf();
    let ngircd = bin_from_env("NGIRCD_BIN", PathBuf::from("/usr/sbin/ngircd"));
    let bridge = bin_from_env(
        "PARTY_BRIDGE_BIN",
        PathBuf::from(env!("CARGO_BIN_EXE_party-bridge")),
    );
    let broker_bin = bin_from_env(
        "PARTY_BROKER_BIN",
        workspace.join("target/release/party-broker"),
    );
    if !ngircd.exists() {
        return Err(format!(
            "{} not found (apt-get install ngircd, or set NGIRCD_BIN)",
            ngircd.display()
        ));
    }
    let ngircd_version = Command::new(&ngircd)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| {
            let out = String::from_utf8_lossy(&o.stdout);
            out.lines()
                .next()
                .map(|l| l.split('-').next().unwrap_or(l).to_string())
        })
        .unwrap_or_else(|| "ngircd".into());

    let nofile = raise_nofile();
    // The client holds one end of each connection; keep a margin for the rest.
    let max_conns = nofile.saturating_sub(200) as usize;
    let load_before = load_average();

    let launcher = Launcher {
        cpus: pinned.is_ok().then(|| "1".to_string()),
    };
    let mut setup = Setup {
        ngircd,
        bridge,
        broker: None,
        fake_bridge,
        launcher,
    };
    let bridge_label = if fake_bridge {
        "fake bridge (ngircd)"
    } else {
        "party-bridge"
    };
    if !fake_bridge {
        let broker = start_broker(&setup.launcher, &broker_bin)?;
        eprintln!(
            "party-broker at {} (pid {})",
            broker.mqtt,
            broker.proc.pid()
        );
        setup.broker = Some(broker);
    }

    // IRC_BENCH_ONLY=latency,throughput,memory runs a subset.
    let only = std::env::var("IRC_BENCH_ONLY").unwrap_or_default();
    let want = |what: &str| only.is_empty() || only.split(',').any(|w| w.trim() == what);

    // 1. Latency: the three set-ups side by side, sampled in alternating
    // slices; with pinning once with the client on the servers' CPU (every
    // wake-up local: the servers' cost per message) and once on its own CPU
    // (every message crosses CPUs, as from the network).
    let lat = if want("latency") {
        eprintln!(
            "hop latency: {bridge_label}, {bridge_label} -> broker -> {bridge_label}, ngircd ..."
        );
        let bridge = setup.start(Kind::Bridge);
        let pair = setup.start_pair();
        let ngircd = setup.start(Kind::Ngircd);
        let ngircd_pair = setup.start_ngircd_pair();
        let addr = |s: &Res<Server>| s.as_ref().map(|s| s.irc_addr()).map_err(Clone::clone);
        let pair_addrs = |p: &Res<(Server, Server)>| {
            p.as_ref()
                .map(|(a, b)| (a.irc_addr(), b.irc_addr()))
                .map_err(Clone::clone)
        };
        let mut pids: Vec<u32> = [&bridge, &ngircd]
            .iter()
            .filter_map(|s| s.as_ref().ok())
            .map(|s| s.pid())
            .collect();
        for (a, b) in [&pair, &ngircd_pair].into_iter().flatten() {
            pids.extend([a.pid(), b.pid()]);
        }
        pids.extend(setup.broker.as_ref().map(|b| b.proc.pid()));
        let mut rigs: Vec<Res<LatRig>> = Vec::new();
        for addrs in [
            addr(&bridge).map(|a| (a, a)),
            pair_addrs(&pair),
            addr(&ngircd).map(|a| (a, a)),
            pair_addrs(&ngircd_pair),
        ] {
            rigs.push(match addrs {
                Ok((a, b)) => LatRig::new(a, b).await,
                Err(e) => Err(e),
            });
        }
        let placements: Vec<(&'static str, Option<&str>)> = if pinned.is_ok() {
            vec![
                ("client and servers on CPU 1", Some("1")),
                ("client on CPU 0, servers on CPU 1", Some("0")),
            ]
        } else {
            vec![("unpinned", None)]
        };
        let mut lat = Vec::new();
        for (name, client_cpu) in placements {
            if let Some(cpu) = client_cpu {
                if !pin_self(cpu) {
                    return Err(format!("taskset could not move the client to CPU {cpu}"));
                }
            }
            let mut figures = Vec::new();
            for r in rigs.iter_mut().flatten() {
                r.samples.clear();
            }
            for round in 0..=LAT_ROUNDS {
                for r in rigs.iter_mut() {
                    if let Ok(rig) = r {
                        wait_idle(&pids).await;
                        // Slice 0 is a warm-up after the move.
                        let n = if round == 0 {
                            LAT_WARMUP
                        } else {
                            LAT_SAMPLES / LAT_ROUNDS
                        };
                        let res = rig.sample(n).await;
                        if round == 0 {
                            rig.samples.clear();
                        }
                        if let Err(e) = res {
                            *r = Err(e);
                        }
                    }
                }
            }
            for r in &mut rigs {
                figures.push(r.as_mut().map(|r| r.result()).map_err(|e| e.clone()));
            }
            let [b, p, n, np]: [Res<Latency>; 4] = figures.try_into().map_err(|_| "internal")?;
            lat.push((name, [b, p, n, np]));
        }
        pin_self("0");
        // Attach server output to errors, stop the servers.
        let finish = |s: Res<Server>, r: Res<()>| match s {
            Ok(s) => s.finish(r),
            Err(e) => Err(e),
        };
        let rigs: Vec<Res<()>> = rigs.into_iter().map(|r| r.map(|_| ())).collect();
        let [rb, rp, rn, rnp]: [Res<()>; 4] = rigs.try_into().map_err(|_| "internal")?;
        let finish_pair = |p: Res<(Server, Server)>, r: Res<()>| match p {
            Ok((a, b)) => a.finish(b.finish(r)),
            Err(e) => Err(e),
        };
        let errs = [
            finish(bridge, rb).err(),
            finish_pair(pair, rp).err(),
            finish(ngircd, rn).err(),
            finish_pair(ngircd_pair, rnp).err(),
        ];
        for (_, figs) in &mut lat {
            for (f, e) in figs.iter_mut().zip(&errs) {
                if let (Err(_), Some(e)) = (&f, e) {
                    *f = Err(e.clone());
                }
            }
        }
        lat
    } else {
        vec![("", [skipped(), skipped(), skipped(), skipped()])]
    };

    // 2. Throughput: both servers, rounds alternating between them.
    let tp = if want("throughput") {
        eprintln!("delivery throughput: connecting {TP_MEMBERS} members to each server ...");
        let servers = [setup.start(Kind::Bridge), setup.start(Kind::Ngircd)];
        let mut rigs: Vec<Res<TpRig>> = Vec::new();
        let broker_pid = setup.broker.as_ref().map(|b| b.proc.pid());
        for (s, broker) in servers.iter().zip([broker_pid, None]) {
            rigs.push(match s {
                Ok(s) => TpRig::new(s.irc_addr(), s.pid(), broker).await,
                Err(e) => Err(e.clone()),
            });
        }
        let mut pids: Vec<u32> = servers
            .iter()
            .filter_map(|s| s.as_ref().ok())
            .map(|s| s.pid())
            .collect();
        pids.extend(setup.broker.as_ref().map(|b| b.proc.pid()));
        for round in 0..TP_ROUNDS {
            for (r, name) in rigs.iter_mut().zip([bridge_label, "ngircd"]) {
                if let Ok(rig) = r {
                    wait_idle(&pids).await;
                    match rig.round().await {
                        Ok(rate) => {
                            eprintln!("    round {}, {name}: {rate:.0} deliveries/s", round + 1)
                        }
                        Err(e) => *r = Err(e),
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (s, r) in servers.into_iter().zip(rigs) {
            let r = r.map(|r| r.result());
            out.push(match s {
                Ok(s) => s.finish(r),
                Err(e) => Err(e),
            });
        }
        let [b, n]: [Res<Throughput>; 2] = out.try_into().map_err(|_| "internal")?;
        [b, n]
    } else {
        [skipped(), skipped()]
    };

    // 3. Memory: one server at a time (each needs up to 10,000 client sockets).
    let mut mem = Vec::new();
    for k in [Kind::Bridge, Kind::Ngircd] {
        if !want("memory") {
            mem.push(skipped());
            continue;
        }
        eprintln!(
            "memory per idle connection, {} ...",
            if k == Kind::Bridge {
                bridge_label
            } else {
                "ngircd"
            }
        );
        let broker_pid = if k == Kind::Bridge {
            setup.broker.as_ref().map(|b| b.proc.pid())
        } else {
            None
        };
        mem.push(match setup.start(k) {
            Ok(s) => {
                let r = memory(s.irc_addr(), s.pid(), broker_pid, max_conns).await;
                s.finish(r)
            }
            Err(e) => Err(e),
        });
    }
    if let Some(b) = setup.broker.as_mut() {
        b.proc.check_alive()?;
    }

    let [m0, m1]: [Cell<Memory>; 2] = mem.try_into().map_err(|_| "internal")?;
    let results = Results {
        lat,
        tp,
        mem: [m0, m1],
    };
    report(&results, bridge_label, &ngircd_version, nofile);
    if !fake_bridge && want("latency") {
        match protocol_costs() {
            Ok((sign, verify)) => println!(
                "Ed25519, required by the protocol for every room message (median of {CRYPTO_SAMPLES}, this machine): \
                 sign {:.1} us on the sending bridge, decode and verify {:.1} us on each receiving bridge; \
                 both lie on the bridge->broker->bridge path, not on ngircd's",
                sign.as_secs_f64() * 1e6,
                verify.as_secs_f64() * 1e6
            ),
            Err(e) => println!("Ed25519 cost not measured: {e}"),
        }
    }
    let placement = match &pinned {
        Ok(()) => {
            "servers and party-broker on CPU 1; throughput and memory: client on CPU 0".to_string()
        }
        Err(why) => format!("nothing pinned ({why}), figures are noisier"),
    };
    println!(
        "placement: {placement}\nload average before {load_before}, after {}; total run time {:.0} s",
        load_average(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------- report

fn report(r: &Results, bridge: &str, ngircd: &str, nofile: u64) {
    let mut errors: Vec<String> = Vec::new();
    let mut cell = |c: Result<f64, &String>| -> Option<f64> {
        match c {
            Ok(v) => Some(v),
            Err(e) if e == SKIPPED => None,
            Err(e) => {
                if !errors.contains(e) {
                    errors.push(e.clone());
                }
                None
            }
        }
    };
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let mut rows: Vec<[String; 5]> = Vec::new();
    fn row(
        rows: &mut Vec<[String; 5]>,
        name: &str,
        a: Option<f64>,
        b: Option<f64>,
        digits: usize,
        target: &str,
        ok: Option<bool>,
    ) {
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.digits$}"));
        let ratio = match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
            _ => "-".into(),
        };
        let verdict = match ok {
            Some(true) => format!("{target} ok"),
            Some(false) => format!("{target} MISSED"),
            None => target.to_string(),
        };
        rows.push([name.to_string(), fmt(a), fmt(b), ratio, verdict]);
    }

    for (placement, [bridge_lat, pair_lat, ng_lat, ng_pair_lat]) in &r.lat {
        let ng_p50 = cell(ng_lat.as_ref().map(|l| us(l.p50)));
        let ng_p99 = cell(ng_lat.as_ref().map(|l| us(l.p99)));
        if !placement.is_empty() {
            rows.push([
                format!("hop latency, {placement}:"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for (name, lat) in [
            ("one bridge", bridge_lat),
            ("bridge->broker->bridge", pair_lat),
        ] {
            let p50 = cell(lat.as_ref().map(|l| us(l.p50)));
            let p99 = cell(lat.as_ref().map(|l| us(l.p99)));
            let ok = p50.zip(ng_p50).map(|(a, b)| a <= 1.2 * b);
            row(
                &mut rows,
                &format!("  p50 us, {name}"),
                p50,
                ng_p50,
                1,
                "<=1.2x",
                ok,
            );
            row(
                &mut rows,
                &format!("  p99 us, {name}"),
                p99,
                ng_p99,
                1,
                "",
                None,
            );
        }
        // The like-for-like topology: two servers either way (for information;
        // the target above is against one ngircd).
        let pair_p50 = cell(pair_lat.as_ref().map(|l| us(l.p50)));
        let ng_pair_p50 = cell(ng_pair_lat.as_ref().map(|l| us(l.p50)));
        row(
            &mut rows,
            "  p50 us, bridge->broker->bridge vs 2 linked ngircds",
            pair_p50,
            ng_pair_p50,
            1,
            "",
            None,
        );
    }
    let tps: Vec<Option<f64>> =
        r.tp.iter()
            .map(|t| cell(t.as_ref().map(|t| t.per_sec)))
            .collect();
    row(
        &mut rows,
        "delivered msgs/s (100 members)",
        tps[0],
        tps[1],
        0,
        ">=1.0x",
        tps[0].zip(tps[1]).map(|(a, b)| a >= b),
    );
    let cpus: Vec<Option<f64>> =
        r.tp.iter()
            .map(|t| t.as_ref().ok().map(|t| t.cpu_per_million.as_secs_f64()))
            .collect();
    row(
        &mut rows,
        "  server CPU s per 1M deliveries",
        cpus[0],
        cpus[1],
        2,
        "",
        None,
    );
    for (idx, &n) in MEM_STEPS.iter().enumerate() {
        let get = |m: &Cell<Memory>| -> Result<f64, String> {
            let m = m.as_ref().map_err(Clone::clone)?;
            m.steps
                .get(idx)
                .map(|s| s.1)
                .ok_or_else(|| format!("{n} connections not measured (RLIMIT_NOFILE {nofile})"))
        };
        let (a, b) = (get(&r.mem[0]), get(&r.mem[1]));
        let a = cell(a.as_ref().map(|v| *v));
        let b = cell(b.as_ref().map(|v| *v));
        row(
            &mut rows,
            &format!("RSS per idle conn, KB ({n} conns)"),
            a,
            b,
            2,
            "<=10 KB",
            a.map(|a| a <= 10.0),
        );
    }

    let head = ["", bridge, ngircd, "ratio", "target"];
    let w: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].len())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: &[&str; 5]| {
        format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        )
    };
    println!();
    println!("IRC benchmark: {bridge} vs {ngircd}; ratio = {bridge}/ngircd");
    println!(
        "(bridge->broker->bridge rows compare with ngircd's one-server figures, except \
         'vs 2 linked ngircds': two ngircds linked as IRC servers, A on one, B on the other)"
    );
    println!("{}", line(&head));
    println!("{}", "-".repeat(w.iter().sum::<usize>() + 8));
    for r in &rows {
        println!("{}", line(&[&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    println!();
    for (name, t) in [(bridge, &r.tp[0]), ("ngircd", &r.tp[1])] {
        if let Ok(t) = t {
            let rounds: Vec<String> = t.rounds.iter().map(|r| format!("{r:.0}")).collect();
            let broker = t.broker_cpu_per_million.map_or(String::new(), |b| {
                format!(" (+ party-broker {:.0} ms)", b.as_secs_f64() * 1e3)
            });
            println!(
                "throughput {name}: rounds {} deliveries/s; server CPU {:.0} ms{broker} per million \
                 deliveries, server load {:.2} cores",
                rounds.join(" / "),
                t.cpu_per_million.as_secs_f64() * 1e3,
                t.cpu_load
            );
        }
    }
    if let Ok(Memory {
        broker_kb: Some(kb),
        steps,
    }) = &r.mem[0]
    {
        if let Some((n, _)) = steps.last() {
            println!("party-broker RSS growth during the {n}-connection bridge run: {kb} KB (not counted above)");
        }
    }
    println!(
        "workload: latency {LAT_SAMPLES} samples after {LAT_WARMUP} warm-up, {MESSAGE_LEN}-byte messages; \
         throughput {TP_ROUNDS} rounds (median shown) of {TP_SENDERS} senders x {TP_PER_SENDER} msgs \
         to {TP_MEMBERS} members, batches of {TP_BATCH}, window {TP_WINDOW} msgs per sender"
    );
    if !errors.is_empty() {
        println!();
        println!("errors:");
        for e in &errors {
            println!("  - {e}");
        }
    }
}
