//! One IRC connection's I/O: lines in (bounded, throttled), lines out (from its
//! queue), and the registration and ping timers. Everything the lines mean is the
//! hub's business.

use std::collections::VecDeque;
use std::io::IoSlice;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};
use party_link::clock::now_ms;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::time::{sleep_until, timeout, Instant};

use crate::hub::{ClientId, Flow};
use crate::irc::limits::{too_long, IRC_CLIENT_TAGS_MAX_BYTES, IRC_LINE_MAX_BYTES};
use crate::sendq::{Ended, SendQ};
use crate::shared::Shared;

/// Longest line we buffer: a full line plus a full tags section.
const MAX_INPUT_LINE: usize = IRC_LINE_MAX_BYTES + IRC_CLIENT_TAGS_MAX_BYTES;

/// Bytes read per syscall; the buffer exists only while input is pending, so an idle
/// connection holds none.
const READ_CHUNK: usize = 2048;

/// How long the goodbye (`ERROR :…`) may take to write to a client that stopped
/// reading.
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(2);

/// Input lines handled before the task lets writes and other connections run.
const LINES_PER_TURN: usize = 16;

/// Why the connection ends.
enum End {
    /// The hub already removed the client (QUIT, bad PASS, SendQ, shutdown).
    Closed(String),
    /// The hub still has the client: it must quit with this reason.
    Lost(String),
}

pub async fn serve(mut stream: TcpStream, ip: IpAddr, shared: Arc<Shared>) {
    let sendq = Arc::new(SendQ::new(shared.limits.sendq_lines));
    let id = shared.hub().connect(ip, sendq.clone());
    let end = Conn::new(id, &shared).run(&mut stream, &sendq).await;
    let reason = match end {
        End::Closed(reason) => reason,
        End::Lost(reason) => {
            shared.hub().disconnect(id, &reason, now_ms());
            shared.timer.notify_one();
            reason
        }
    };
    // What the hub said last (a 464 before a bad PASS closes us, say) still goes out,
    // then the goodbye. The client may be gone or not reading: both are a courtesy.
    let mut last = sendq.take_rest();
    last.extend_from_slice(format!("ERROR :Closing Link: {ip} ({reason})\r\n").as_bytes());
    let _ = timeout(GOODBYE_TIMEOUT, stream.write_all(&last)).await;
}

/// Writes every batch, several per system call.
async fn write_batches(stream: &mut TcpStream, batches: &[Vec<u8>]) -> std::io::Result<()> {
    if let [one] = batches {
        return stream.write_all(one).await;
    }
    let mut slices: Vec<IoSlice<'_>> = batches.iter().map(|b| IoSlice::new(b)).collect();
    let mut rest = &mut slices[..];
    while !rest.is_empty() {
        let written = stream.write_vectored(rest).await?;
        if written == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut rest, written);
    }
    Ok(())
}

/// A client that stops reading must not hold its task, and its connection slot,
/// forever once its socket buffer is full: a write that cannot finish within the ping
/// timeout ends the connection, as an unanswered PING would. (The timer is only armed
/// when the write has to wait.)
async fn write_in_time(
    stream: &mut TcpStream,
    batches: &[Vec<u8>],
    within: Duration,
) -> Result<(), String> {
    match tokio::time::timeout(within, write_batches(stream, batches)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(format!("Write error: {err}")),
        Err(_) => Err(format!("Write timed out: {} seconds", within.as_secs())),
    }
}

struct Conn<'a> {
    id: ClientId,
    shared: &'a Shared,
    input: Vec<u8>,
    /// Skipping the rest of an over-long line.
    discarding: bool,
    queue: VecDeque<Vec<u8>>,
    registered: bool,
    started: Instant,
    last_input: Instant,
    ping_sent: Option<Instant>,
}

impl<'a> Conn<'a> {
    fn new(id: ClientId, shared: &'a Shared) -> Self {
        let now = Instant::now();
        Self {
            id,
            shared,
            input: Vec::new(),
            discarding: false,
            queue: VecDeque::new(),
            registered: false,
            started: now,
            last_input: now,
            ping_sent: None,
        }
    }

    async fn run(&mut self, stream: &mut TcpStream, sendq: &SendQ) -> End {
        let limits = &self.shared.limits;
        let flood = RateLimiter::direct(
            Quota::per_second(limits.flood_per_sec).allow_burst(limits.flood_burst),
        );
        let clock = DefaultClock::default();
        let mut out: Vec<Vec<u8>> = Vec::new();
        // One timer, moved as its deadline moves, rather than a new one per wake-up.
        let timer = sleep_until(self.timer_deadline());
        tokio::pin!(timer);
        loop {
            let mut throttled_until = None;
            // A few lines per turn, then writes and other tasks get their turn: a
            // client pipelining thousands of lines must not starve its readers.
            let mut turn = 0;
            while turn < LINES_PER_TURN.min(self.queue.len()) {
                if let Err(not_until) = flood.check() {
                    throttled_until = Some(Instant::now() + not_until.wait_time_from(clock.now()));
                    break;
                }
                turn += 1;
            }
            if turn > 0 {
                // The broker is backed up: stop taking input (TCP pushes back on the
                // sender) until the outbox has drained, rather than drop anything.
                self.shared.outbox.wait_for_room().await;
                let lines = self.queue.range(..turn).map(Vec::as_slice);
                let flow = self.shared.hub().handle_batch(self.id, lines, now_ms());
                self.queue.drain(..turn);
                self.shared.timer.notify_one();
                match flow {
                    Flow::Continue => {}
                    Flow::Registered => self.registered = true,
                    Flow::Close(reason) => return End::Closed(reason),
                }
            }
            if self.shared.hub().has_pending_seals() {
                // Let the writers of the local recipients run first, then sign.
                tokio::task::yield_now().await;
                self.shared.hub().seal_pending();
            }
            if self.queue.capacity() > 64 && self.queue.is_empty() {
                self.queue = VecDeque::new();
            }
            let deadline = self.timer_deadline();
            if timer.deadline() != deadline {
                timer.as_mut().reset(deadline);
            }
            let can_read = self.queue.len() <= limits.flood_max_queued;
            tokio::select! {
                biased;
                next = sendq.next(&mut out) => match next {
                    Ok(()) => {
                        if let Err(reason) = write_in_time(stream, &out, limits.ping_timeout).await {
                            return End::Lost(reason);
                        }
                        out.clear();
                    }
                    Err(Ended::Closed(reason)) => return End::Closed(reason),
                    // The hub still has us, and cuts us off when told.
                    Err(Ended::Overflowed) => return End::Lost("SendQ exceeded".into()),
                },
                ready = stream.readable(), if can_read => {
                    if let Err(err) = ready {
                        return End::Lost(format!("Read error: {err}"));
                    }
                    match self.read(stream) {
                        Ok(true) => {}
                        Ok(false) => return End::Lost("Connection closed".into()),
                        Err(err) => return End::Lost(format!("Read error: {err}")),
                    }
                    if self.queue.len() > limits.flood_max_queued {
                        return End::Lost("Excess flood".into());
                    }
                }
                () = async {
                    match throttled_until {
                        Some(at) => sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                }, if throttled_until.is_some() => {}
                () = tokio::task::yield_now(), if throttled_until.is_none() && !self.queue.is_empty() => {}
                () = &mut timer => {
                    if let Some(end) = self.on_timer(stream).await {
                        return end;
                    }
                }
            }
        }
    }

    /// Reads what is there; `Ok(false)` at end of stream.
    fn read(&mut self, stream: &TcpStream) -> std::io::Result<bool> {
        self.input.reserve(READ_CHUNK);
        match stream.try_read_buf(&mut self.input) {
            Ok(0) => return Ok(false),
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => return Ok(true),
            Err(err) => return Err(err),
        }
        self.last_input = Instant::now();
        self.ping_sent = None;
        let mut start = 0;
        while let Some(end) = self.input[start..].iter().position(|&b| b == b'\n') {
            let line_end = start + end;
            let mut line = &self.input[start..line_end];
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            if std::mem::take(&mut self.discarding) || too_long(line) {
                self.input_too_long();
            } else if !line.is_empty() {
                self.queue.push_back(line.to_vec());
            }
            start = line_end + 1;
        }
        self.input.drain(..start);
        if self.input.len() > MAX_INPUT_LINE {
            // No line end in sight: drop what we have and the rest of the line.
            self.discarding = true;
            self.input.clear();
        }
        if self.input.is_empty() {
            self.input = Vec::new();
        }
        Ok(true)
    }

    fn input_too_long(&self) {
        self.shared.hub().input_too_long(self.id);
    }

    fn timer_deadline(&self) -> Instant {
        let limits = &self.shared.limits;
        if !self.registered {
            self.started + limits.register_timeout
        } else if let Some(sent) = self.ping_sent {
            sent + limits.ping_timeout
        } else {
            self.last_input + limits.ping_interval
        }
    }

    async fn on_timer(&mut self, stream: &mut TcpStream) -> Option<End> {
        let limits = &self.shared.limits;
        if !self.registered {
            return Some(End::Lost("Registration timed out".into()));
        }
        if self.ping_sent.is_some() {
            return Some(End::Lost(format!(
                "Ping timeout: {} seconds",
                (limits.ping_interval + limits.ping_timeout).as_secs()
            )));
        }
        self.ping_sent = Some(Instant::now());
        let ping = format!("PING :{}\r\n", self.shared.server_name).into_bytes();
        write_in_time(stream, &[ping], limits.ping_timeout)
            .await
            .err()
            .map(End::Lost)
    }
}
