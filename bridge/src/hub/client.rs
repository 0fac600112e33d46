//! One IRC connection as the hub sees it.

use std::net::IpAddr;
use std::sync::Arc;

use party_core::ids::{PeerId, RoomName};
use party_core::secret::AgentSecret;

use crate::sendq::{Pushed, SendQ};

/// Room made for the first line a client gets in a step.
const FIRST_STAGE_BYTES: usize = 2048;

/// IRCv3 capabilities we offer; a client enables any subset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Caps(u8);

impl Caps {
    pub const SERVER_TIME: Caps = Caps(1);
    pub const MESSAGE_TAGS: Caps = Caps(2);
    pub const ECHO_MESSAGE: Caps = Caps(4);
    pub const MULTI_PREFIX: Caps = Caps(8);
    pub const USERHOST_IN_NAMES: Caps = Caps(16);

    /// Every capability by its CAP name, in the order CAP LS lists them.
    pub const ALL: [(&'static str, Caps); 5] = [
        ("server-time", Caps::SERVER_TIME),
        ("message-tags", Caps::MESSAGE_TAGS),
        ("echo-message", Caps::ECHO_MESSAGE),
        ("multi-prefix", Caps::MULTI_PREFIX),
        ("userhost-in-names", Caps::USERHOST_IN_NAMES),
    ];

    pub fn by_name(name: &str) -> Option<Caps> {
        Self::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, c)| c)
    }

    pub fn has(self, other: Caps) -> bool {
        self.0 & other.0 == other.0
    }

    pub fn with(self, other: Caps) -> Caps {
        Caps(self.0 | other.0)
    }

    pub fn without(self, other: Caps) -> Caps {
        Caps(self.0 & !other.0)
    }

    pub fn names(self) -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|(_, c)| self.has(*c))
            .map(|&(n, _)| n)
            .collect()
    }
}

/// Who a registered client is in Party rooms.
pub struct Identity {
    pub secret: AgentSecret,
    pub peer_id: PeerId,
}

pub struct Client {
    pub sendq: Arc<SendQ>,
    /// Lines of the current hub step for this client, handed to `sendq` in one go
    /// when the step ends (see `Hub::flush`).
    pub out: Vec<u8>,
    pub out_lines: usize,
    pub host: String,
    pub nick: Option<String>,
    /// From USER; `None` until it came.
    pub user: Option<String>,
    pub realname: String,
    pub pass: Option<String>,
    /// CAP LS or REQ seen and no CAP END yet: registration waits.
    pub cap_negotiating: bool,
    pub caps: Caps,
    /// `Some` once registered.
    pub identity: Option<Identity>,
    pub channels: Vec<RoomName>,
    pub away: Option<String>,
    /// User mode +i: hidden from WHO and LUSERS's visible count to those who share
    /// no channel with it.
    pub invisible: bool,
    /// User mode +B (IRCv3 bot mode): it says it is a bot.
    pub bot: bool,
    /// User mode +o: an IRC operator of this bridge (OPER).
    pub oper: bool,
}

impl Client {
    pub fn new(sendq: Arc<SendQ>, ip: IpAddr) -> Self {
        Self {
            sendq,
            out: Vec::new(),
            out_lines: 0,
            host: ip.to_string(),
            nick: None,
            user: None,
            realname: String::new(),
            pass: None,
            cap_negotiating: false,
            caps: Caps::default(),
            identity: None,
            channels: Vec::new(),
            away: None,
            invisible: false,
            bot: false,
            oper: false,
        }
    }

    /// Adds one finished line to this step's output; true if it is the first.
    pub fn stage(&mut self, line: &[u8]) -> bool {
        let first = self.out.is_empty();
        if self.out.capacity() == 0 {
            // One allocation for a typical step instead of a doubling from 8 bytes.
            self.out.reserve(FIRST_STAGE_BYTES.max(line.len()));
        }
        self.out.extend_from_slice(line);
        self.out_lines += 1;
        first
    }

    /// Gives this step's lines to the connection's queue.
    pub fn hand_over(&mut self) -> Pushed {
        let lines = std::mem::take(&mut self.out_lines);
        self.sendq.push_batch(&mut self.out, lines)
    }

    pub fn registered(&self) -> bool {
        self.identity.is_some()
    }

    /// The nick for numerics: `*` before one was chosen.
    pub fn nick_or_star(&self) -> &str {
        self.nick.as_deref().unwrap_or("*")
    }

    /// `nick!user@host`, the source of this client's lines.
    pub fn prefix(&self) -> String {
        format!(
            "{}!{}@{}",
            self.nick_or_star(),
            self.user.as_deref().unwrap_or("*"),
            self.host
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_combine_and_list_by_name() {
        let caps = Caps::default()
            .with(Caps::by_name("SERVER-TIME").unwrap())
            .with(Caps::ECHO_MESSAGE);
        assert!(caps.has(Caps::SERVER_TIME));
        assert!(!caps.has(Caps::MESSAGE_TAGS));
        assert_eq!(caps.names(), ["server-time", "echo-message"]);
        assert_eq!(caps.without(Caps::SERVER_TIME).names(), ["echo-message"]);
        assert_eq!(Caps::by_name("sasl"), None);
    }
}
