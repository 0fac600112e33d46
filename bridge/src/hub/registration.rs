//! Connection registration: CAP negotiation, PASS, NICK and USER, then the welcome
//! burst (001-005, LUSERS, MOTD or 422).

use party_core::ids::PeerId;
use party_core::limits::MAX_TEXT_CHARS;
use party_core::secret::AgentSecret;

use crate::irc::limits::{IRC_LINE_MAX_BYTES, IRC_NICK_MAX_CHARS};
use crate::irc::line::build;
use crate::irc::names::{check_nick, check_nick_for, fold};
use crate::irc::numeric::*;

use super::client::Identity;
use super::{Caps, ClientId, Flow, Hub};

const VERSION: &str = concat!("party-bridge-", env!("CARGO_PKG_VERSION"));

impl Hub {
    /// CAP LS / LIST / REQ / END, before or after registration.
    pub(super) fn cap(&mut self, id: ClientId, params: &[&str], now_ms: u64) -> Flow {
        let Some(sub) = params.first() else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["CAP"], "Not enough parameters");
            return Flow::Continue;
        };
        let sub = sub.to_ascii_uppercase();
        let Some(client) = self.clients.get_mut(&id) else {
            return Flow::Continue;
        };
        let nick = client.nick_or_star().to_owned();
        let server = self.info.name.clone();
        match sub.as_str() {
            "LS" => {
                if !client.registered() {
                    client.cap_negotiating = true;
                }
                let all: Vec<&str> = Caps::ALL.iter().map(|(n, _)| *n).collect();
                let body = build(&server, "CAP", &[&nick, "LS"], Some(&all.join(" ")));
                self.send_body(id, &body);
            }
            "LIST" => {
                let enabled = client.caps.names().join(" ");
                let body = build(&server, "CAP", &[&nick, "LIST"], Some(&enabled));
                self.send_body(id, &body);
            }
            "REQ" => {
                if !client.registered() {
                    client.cap_negotiating = true;
                }
                let wanted = params.get(1).copied().unwrap_or("");
                let mut caps = client.caps;
                let mut all_known = true;
                for name in wanted.split(' ').filter(|n| !n.is_empty()) {
                    let (remove, name) = match name.strip_prefix('-') {
                        Some(rest) => (true, rest),
                        None => (false, name),
                    };
                    match Caps::by_name(name) {
                        Some(cap) if remove => caps = caps.without(cap),
                        Some(cap) => caps = caps.with(cap),
                        None => all_known = false,
                    }
                }
                // All or nothing, as the CAP spec requires.
                let verdict = if all_known && !wanted.trim().is_empty() {
                    client.caps = caps;
                    "ACK"
                } else {
                    "NAK"
                };
                let body = build(&server, "CAP", &[&nick, verdict], Some(wanted));
                self.send_body(id, &body);
            }
            "END" => {
                client.cap_negotiating = false;
                return self.try_register(id, now_ms);
            }
            _ => {
                self.reply(id, ERR_INVALIDCAPCMD, &[&sub], "Invalid CAP subcommand");
            }
        }
        Flow::Continue
    }

    pub(super) fn pass(&mut self, id: ClientId, params: &[&str]) -> Flow {
        let Some(client) = self.clients.get_mut(&id) else {
            return Flow::Continue;
        };
        if client.registered() {
            self.reply(id, ERR_ALREADYREGISTRED, &[], "You may not reregister");
            return Flow::Continue;
        }
        match params.first() {
            Some(pass) => client.pass = Some((*pass).to_owned()),
            None => self.reply(id, ERR_NEEDMOREPARAMS, &["PASS"], "Not enough parameters"),
        }
        Flow::Continue
    }

    pub(super) fn user(&mut self, id: ClientId, params: &[&str], now_ms: u64) -> Flow {
        let Some(client) = self.clients.get_mut(&id) else {
            return Flow::Continue;
        };
        if client.registered() || client.user.is_some() {
            self.reply(id, ERR_ALREADYREGISTRED, &[], "You may not reregister");
            return Flow::Continue;
        }
        // Modern IRC: an empty user name or real name is as good as a missing one.
        if params.len() < 4 || params[0].is_empty() || params[3].is_empty() {
            self.reply(id, ERR_NEEDMOREPARAMS, &["USER"], "Not enough parameters");
            return Flow::Continue;
        }
        // The user name shows in every prefix: keep it short and free of the
        // characters that delimit a prefix.
        let user: String = params[0]
            .chars()
            .filter(|c| !matches!(c, '@' | '!' | ':' | ' ') && !c.is_control())
            .take(10)
            .collect();
        client.user = Some(if user.is_empty() { "user".into() } else { user });
        client.realname = params[3].chars().take(IRC_NICK_MAX_CHARS * 4).collect();
        self.try_register(id, now_ms)
    }

    /// NICK before or after registration.
    pub(super) fn nick(&mut self, id: ClientId, params: &[&str], now_ms: u64) -> Flow {
        let Some(&wanted) = params.first().filter(|n| !n.is_empty()) else {
            self.reply(id, ERR_NONICKNAMEGIVEN, &[], "No nickname given");
            return Flow::Continue;
        };
        let Some(client) = self.clients.get(&id) else {
            return Flow::Continue;
        };
        let check = match &client.identity {
            Some(me) => check_nick_for(wanted, &me.secret.handle()),
            None => check_nick(wanted),
        };
        if let Err(reason) = check {
            self.reply(
                id,
                ERR_ERRONEUSNICKNAME,
                &[wanted],
                &format!("Erroneous nickname: {reason}"),
            );
            return Flow::Continue;
        }
        let folded = fold(wanted);
        match self.nicks.get(&folded) {
            Some(&holder) if holder != id => {
                self.reply(
                    id,
                    ERR_NICKNAMEINUSE,
                    &[wanted],
                    "Nickname is already in use",
                );
                return Flow::Continue;
            }
            _ => {}
        }
        if client.nick.as_deref() == Some(wanted) {
            return Flow::Continue;
        }
        if client.registered() {
            self.change_nick(id, wanted, now_ms);
            return Flow::Continue;
        }
        let old = self
            .clients
            .get_mut(&id)
            .and_then(|c| c.nick.replace(wanted.to_owned()));
        if let Some(old) = old {
            self.nicks.remove(&fold(&old));
        }
        self.nicks.insert(folded, id);
        self.try_register(id, now_ms)
    }

    /// Registers once NICK and USER are in and CAP negotiation is over.
    fn try_register(&mut self, id: ClientId, now_ms: u64) -> Flow {
        let Some(client) = self.clients.get_mut(&id) else {
            return Flow::Continue;
        };
        if client.registered() || client.cap_negotiating || client.user.is_none() {
            return Flow::Continue;
        }
        let Some(nick) = client.nick.clone() else {
            return Flow::Continue;
        };
        let (secret, minted) = match client.pass.take() {
            Some(pass) => match AgentSecret::import(&pass) {
                Ok(secret) => (secret, false),
                Err(err) => {
                    self.reply(
                        id,
                        ERR_PASSWDMISMATCH,
                        &[],
                        &format!(
                            "Password incorrect: PASS must be your Party agent secret ({err})"
                        ),
                    );
                    self.quit(id, "Bad password", now_ms);
                    return Flow::Close(
                        "Bad password: PASS must be your Party agent secret".into(),
                    );
                }
            },
            None => match self.draw::<32>() {
                Ok(bytes) => (AgentSecret::from_bytes(bytes), true),
                Err(err) => {
                    self.quit(id, "Internal error", now_ms);
                    return Flow::Close(format!("Cannot mint a key: {err}"));
                }
            },
        };
        let handle = secret.handle();
        if let Err(reason) = check_nick_for(&nick, &handle) {
            // The nick stays unregistered; the client picks another and we go on.
            self.reply(
                id,
                ERR_ERRONEUSNICKNAME,
                &[&nick],
                &format!("Erroneous nickname: {reason}"),
            );
            let client = self.clients.get_mut(&id);
            if let Some(client) = client {
                client.nick = None;
                client.pass = (!minted).then(|| secret.to_base64url());
            }
            self.nicks.remove(&fold(&nick));
            return Flow::Continue;
        }
        let peer_id = match self.draw() {
            Ok(bytes) => PeerId::from_bytes(bytes),
            Err(err) => {
                self.quit(id, "Internal error", now_ms);
                return Flow::Close(format!("Cannot draw a peer id: {err}"));
            }
        };
        let secret_text = minted.then(|| secret.to_base64url());
        self.by_peer.insert(peer_id.clone(), id);
        if let Some(client) = self.clients.get_mut(&id) {
            client.identity = Some(Identity { secret, peer_id });
        }
        let registered = self.clients.values().filter(|c| c.registered()).count();
        self.most_users = self.most_users.max(registered);
        self.welcome(id, &nick, handle.as_str());
        match secret_text {
            Some(secret) => self.server_notice(
                id,
                &format!("You sent no PASS, so you have a new key: in Party rooms you are {handle}. To be {handle} again, connect with PASS {secret} (keep it secret: it is your identity)."),
            ),
            None => self.server_notice(id, &format!("In Party rooms you are {handle}, signed with your key.")),
        }
        Flow::Registered
    }

    fn welcome(&mut self, id: ClientId, nick: &str, handle: &str) {
        let info = self.info.clone();
        self.reply(
            id,
            RPL_WELCOME,
            &[],
            &format!(
                "Welcome to the {} IRC bridge, {nick} ({handle})",
                info.network
            ),
        );
        self.reply(
            id,
            RPL_YOURHOST,
            &[],
            &format!("Your host is {}, running {VERSION}", info.name),
        );
        self.reply(
            id,
            RPL_CREATED,
            &[],
            &format!("This server was created {}", info.created),
        );
        self.reply_words(id, RPL_MYINFO, &[&info.name, VERSION, "Biow", "ntb"]);
        for chunk in self.isupport().chunks(12) {
            let tokens: Vec<&str> = chunk.iter().map(String::as_str).collect();
            self.reply(id, RPL_ISUPPORT, &tokens, "are supported by this server");
        }
        self.lusers(id);
        self.motd(id);
    }

    fn isupport(&self) -> Vec<String> {
        let text_bytes = IRC_LINE_MAX_BYTES.min(MAX_TEXT_CHARS);
        vec![
            format!("NETWORK={}", self.info.network),
            "CHANTYPES=#".into(),
            "CASEMAPPING=ascii".into(),
            format!("NICKLEN={IRC_NICK_MAX_CHARS}"),
            format!("CHANNELLEN={}", party_core::limits::ROOM_NAME_CHARS.1 + 1),
            "PREFIX=(o)@".into(),
            "CHANMODES=b,,,nt".into(),
            format!("TOPICLEN={text_bytes}"),
            "MODES=1".into(),
            format!("CHANLIMIT=#:{}", self.info.max_channels_per_client),
            "TARGMAX=PRIVMSG:1,NOTICE:1,JOIN:,PART:,NAMES:,WHOIS:1".into(),
            "UTF8ONLY".into(),
            "AWAYLEN=200".into(),
            "KICKLEN=0".into(),
            "BOT=B".into(),
        ]
    }

    /// The full LUSERS set (modern IRC): 251, 252, 253, 254, 255, 265 and 266.
    /// This bridge is one server; "invisible" users are those with user mode +i.
    pub(super) fn lusers(&mut self, id: ClientId) {
        let registered = self.clients.values().filter(|c| c.registered());
        let (users, invisible) = registered.fold((0usize, 0usize), |(all, inv), c| {
            (all + 1, inv + usize::from(c.invisible))
        });
        let unknown = self.clients.values().filter(|c| !c.registered()).count();
        let opers = self.clients.values().filter(|c| c.oper).count().to_string();
        let most = self.most_users.to_string();
        let channels = self.rooms.len().to_string();
        let visible = users - invisible;
        self.reply(
            id,
            RPL_LUSERCLIENT,
            &[],
            &format!("There are {visible} users and {invisible} invisible on 1 servers"),
        );
        self.reply(id, RPL_LUSEROP, &[&opers], "operator(s) online");
        self.reply(
            id,
            RPL_LUSERUNKNOWN,
            &[&unknown.to_string()],
            "unknown connection(s)",
        );
        self.reply(id, RPL_LUSERCHANNELS, &[&channels], "channels formed");
        self.reply(
            id,
            RPL_LUSERME,
            &[],
            &format!("I have {users} clients and 0 servers"),
        );
        let users = users.to_string();
        self.reply(
            id,
            RPL_LOCALUSERS,
            &[&users, &most],
            &format!("Current local users {users}, max {most}"),
        );
        self.reply(
            id,
            RPL_GLOBALUSERS,
            &[&users, &most],
            &format!("Current global users {users}, max {most}"),
        );
    }

    pub(super) fn motd(&mut self, id: ClientId) {
        let info = self.info.clone();
        match &info.motd {
            None => self.reply(id, ERR_NOMOTD, &[], "MOTD File is missing"),
            Some(lines) => {
                self.reply(
                    id,
                    RPL_MOTDSTART,
                    &[],
                    &format!("- {} Message of the day - ", info.name),
                );
                for line in lines {
                    self.reply(id, RPL_MOTD, &[], &format!("- {line}"));
                }
                self.reply(id, RPL_ENDOFMOTD, &[], "End of MOTD command");
            }
        }
    }
}
