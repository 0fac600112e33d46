//! The bridge's two front ends behind one lock, over the rooms (`crate::rooms`,
//! which knows nothing of either): IRC clients and nicks, and agents over HTTP
//! (`crate::agents`, glued in `agents`). Every IRC user of a channel and every HTTP
//! agent in a room is a local member of that room, and each front end shows what the
//! rooms report to its own members. It is synchronous and touches no socket, clock or entropy source: lines come in
//! through `handle`, broker traffic through `on_publish`, time as every call's
//! `now_ms`, randomness from the `Randomness` it was given, and what must be written
//! goes out through each client's bounded queue and the `Publisher`. That makes the
//! whole IRC behaviour testable without sockets, and keeps slow sockets from ever
//! stalling anyone else.

mod agents;
mod channel_ops;
mod client;
mod commands;
mod deliver;
mod host_rules;
mod link;
mod messages;
mod operators;
mod queries;
mod registration;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use party_core::ids::{PeerId, RoomName};

use crate::irc;
pub use crate::rooms::Publisher;
use crate::rooms::Rooms;
use crate::sendq::SendQ;

pub use agents::AgentError;
pub use client::{Caps, Client};

/// Identifies one IRC connection for its whole life.
pub type ClientId = u64;

/// What the connection task does after a line was handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// Registration just completed (the registration timeout no longer applies).
    Registered,
    /// The client is gone from the hub; write `ERROR :<reason>` and close.
    Close(String),
}

/// Where the hub's random values come from (minted keys, peer ids, the seeds of room
/// jitter): the OS in the binary (`OsRandomness`), anything in tests. An error means
/// no randomness could be had, and what needed it is refused with that reason.
pub trait Randomness: Send {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), String>;
}

/// The operating system's CSPRNG.
pub struct OsRandomness;

impl Randomness for OsRandomness {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), String> {
        party_link::random::fill(buf).map_err(|err| err.to_string())
    }
}

/// An IRC operator of this bridge: its name and the SHA-256 of its password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oper {
    pub name: String,
    pub password_sha256: [u8; 32],
}

/// Fixed facts about this server.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub name: String,
    pub network: String,
    pub motd: Option<Vec<String>>,
    pub max_channels_per_client: usize,
    /// When the bridge started, for 003.
    pub created: String,
    /// Messages one remote connection may send into a room (`--room-messages-per-sec`).
    pub room_message_rate: party_core::rate::Rate,
    /// Who may become an IRC operator (`--oper`).
    pub opers: Vec<Oper>,
}

pub struct Hub {
    info: Arc<ServerInfo>,
    clients: HashMap<ClientId, Client>,
    /// Folded nick to client, for every nick taken (registered or not).
    nicks: HashMap<String, ClientId>,
    /// Every room with one of our clients in it, each client a member by its id.
    rooms: Rooms,
    /// Operators and topics of open rooms' channels on this bridge.
    channel_ops: HashMap<RoomName, channel_ops::ChannelOps>,
    /// The peer id of each registered client, for recognizing its messages.
    by_peer: HashMap<PeerId, ClientId>,
    random: Box<dyn Randomness>,
    /// Whether users were told the broker is gone (so they hear when it is back).
    told_down: bool,
    next_id: ClientId,
    /// The most registered users at once, for LUSERS.
    most_users: usize,
    /// Messages shown to local IRC users, waiting to be signed and published.
    pending_seals: Vec<messages::PendingSeal>,
    /// Clients whose queue overflowed while delivering; cut off once the current
    /// step is done, so a delivery loop never changes the set it iterates.
    doomed: Vec<ClientId>,
    /// Clients with lines staged in this step (see `flush`).
    dirty: Vec<ClientId>,
    /// Agents in rooms over HTTP, members like IRC users.
    agents: crate::agents::Agents,
}

impl Hub {
    pub fn new(
        info: ServerInfo,
        publisher: Box<dyn Publisher>,
        random: Box<dyn Randomness>,
    ) -> Self {
        Self {
            random,
            rooms: Rooms::new(publisher, info.room_message_rate),
            info: Arc::new(info),
            clients: HashMap::new(),
            nicks: HashMap::new(),
            by_peer: HashMap::new(),
            channel_ops: HashMap::new(),
            told_down: false,
            next_id: 1,
            most_users: 0,
            doomed: Vec::new(),
            dirty: Vec::new(),
            pending_seals: Vec::new(),
            agents: crate::agents::Agents::default(),
        }
    }

    /// A new connection; its lines go to `sendq`.
    pub fn connect(&mut self, ip: IpAddr, sendq: Arc<SendQ>) -> ClientId {
        let id = self.next_id;
        self.next_id += 1;
        self.clients.insert(id, Client::new(sendq, ip));
        id
    }

    /// One raw line (no CRLF) from client `id`. Text that is not UTF-8 cannot become a
    /// room message, so PRIVMSG and NOTICE with it are refused with a reason; any
    /// other command is read with the invalid bytes replaced.
    pub fn handle_bytes(&mut self, id: ClientId, line: &[u8], now_ms: u64) -> Flow {
        match std::str::from_utf8(line) {
            Ok(text) => self.handle(id, text, now_ms),
            Err(_) => {
                let text = String::from_utf8_lossy(line);
                let msg = crate::irc::line::Message::parse(&text);
                match msg {
                    Some(msg) if msg.command == "PRIVMSG" => {
                        let target = msg.param(0).unwrap_or("*").to_owned();
                        self.reply(id, irc::numeric::ERR_CANNOTSENDTOCHAN, &[&target], "Cannot send: your message is not valid UTF-8 (set your client's charset to UTF-8)");
                        self.reap(now_ms);
                        Flow::Continue
                    }
                    Some(msg) if msg.command == "NOTICE" => Flow::Continue,
                    _ => self.handle(id, &text, now_ms),
                }
            }
        }
    }

    /// `N` random bytes.
    fn draw<const N: usize>(&mut self) -> Result<[u8; N], String> {
        draw(self.random.as_mut())
    }

    /// The client sent a line longer than IRC allows; it was dropped.
    pub fn input_too_long(&mut self, id: ClientId) {
        self.reply(
            id,
            irc::numeric::ERR_INPUTTOOLONG,
            &[],
            "Input line was too long",
        );
    }

    /// Several lines from client `id`, in order, up to one that closes it; then the
    /// step's output is handed over.
    pub fn handle_batch<'l>(
        &mut self,
        id: ClientId,
        lines: impl IntoIterator<Item = &'l [u8]>,
        now_ms: u64,
    ) -> Flow {
        let mut flow = Flow::Continue;
        for line in lines {
            match self.handle_bytes(id, line, now_ms) {
                Flow::Continue => {}
                Flow::Registered => flow = Flow::Registered,
                close @ Flow::Close(_) => {
                    flow = close;
                    break;
                }
            }
        }
        self.settle(now_ms);
        self.closed_if_gone(id, flow)
    }

    /// One line from client `id`.
    pub fn handle(&mut self, id: ClientId, line: &str, now_ms: u64) -> Flow {
        let flow = self.dispatch(id, line, now_ms);
        self.reap(now_ms);
        self.closed_if_gone(id, flow)
    }

    /// A client its own step cut off (its queue overflowed) must close.
    fn closed_if_gone(&self, id: ClientId, flow: Flow) -> Flow {
        match flow {
            Flow::Close(reason) => Flow::Close(reason),
            _ if !self.clients.contains_key(&id) => Flow::Close("SendQ exceeded".into()),
            flow => flow,
        }
    }

    /// The connection ended (socket closed, timeout, flood): the client quits.
    pub fn disconnect(&mut self, id: ClientId, reason: &str, now_ms: u64) {
        self.quit(id, reason, now_ms);
        self.reap(now_ms);
    }

    /// Cuts off every client whose queue overflowed.
    fn reap(&mut self, now_ms: u64) {
        while let Some(id) = self.doomed.pop() {
            if self.clients.contains_key(&id) {
                self.quit(id, "SendQ exceeded", now_ms);
            }
        }
    }
}

/// `N` random bytes from `random`.
fn draw<const N: usize>(random: &mut dyn Randomness) -> Result<[u8; N], String> {
    let mut buf = [0u8; N];
    random.fill(&mut buf)?;
    Ok(buf)
}
