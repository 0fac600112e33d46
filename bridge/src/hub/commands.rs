//! Command dispatch, and the commands that change membership: JOIN, PART, QUIT, NICK.

use party_core::ids::{DisplayName, RoomName};
use party_core::{LocalPeer, MemberError};

use crate::irc::line::{build, Message};
use crate::irc::names::{channel_of, channel_room, fold};
use crate::irc::numeric::*;

use super::{ClientId, Flow, Hub};
use crate::rooms::JoinError;

/// Commands a client may send before it registered.
const BEFORE_REGISTRATION: [&str; 7] = ["CAP", "PASS", "NICK", "USER", "PING", "PONG", "QUIT"];

impl Hub {
    pub(super) fn dispatch(&mut self, id: ClientId, line: &str, now_ms: u64) -> Flow {
        let Some(msg) = Message::parse(line) else {
            return Flow::Continue;
        };
        let registered = self.clients.get(&id).is_some_and(|c| c.registered());
        let command = msg.command.as_str();
        if !registered && !BEFORE_REGISTRATION.contains(&command) {
            self.reply(id, ERR_NOTREGISTERED, &[], "You have not registered");
            return Flow::Continue;
        }
        let p = &msg.params[..];
        if !matches!(command, "PRIVMSG" | "NOTICE" | "PING" | "PONG") {
            self.seal_pending();
        }
        match command {
            "CAP" => return self.cap(id, p, now_ms),
            "PASS" => return self.pass(id, p),
            "NICK" => return self.nick(id, p, now_ms),
            "USER" => return self.user(id, p, now_ms),
            "PING" => self.ping(id, p),
            "PONG" => {}
            "QUIT" => {
                let reason = match p.first() {
                    Some(text) if !text.is_empty() => format!("Quit: {text}"),
                    _ => "Quit".to_owned(),
                };
                self.quit(id, &reason, now_ms);
                return Flow::Close(reason);
            }
            "JOIN" => self.join(id, p, now_ms),
            "PART" => self.part(id, p, now_ms),
            "PRIVMSG" => self.message(id, "PRIVMSG", p, now_ms),
            "NOTICE" => self.message(id, "NOTICE", p, now_ms),
            "NAMES" => self.names_command(id, p),
            "WHO" => self.who(id, p),
            "WHOIS" => self.whois(id, p),
            "TOPIC" => self.topic(id, p, now_ms),
            "MODE" => self.mode(id, p),
            "LIST" => self.reply(
                id,
                RPL_LISTEND,
                &[],
                "End of LIST (Party rooms are not listed: join one by name)",
            ),
            "LUSERS" => self.lusers(id),
            "MOTD" => self.motd(id),
            "AWAY" => self.away(id, p),
            "ISON" => self.ison(id, p),
            "USERHOST" => self.userhost(id, p),
            "OPER" => self.oper(id, p),
            "KILL" => self.kill(id, p, now_ms),
            "KICK" => self.kick(id, p, now_ms),
            other => {
                let other = other.to_owned();
                self.reply(id, ERR_UNKNOWNCOMMAND, &[&other], "Unknown command");
            }
        }
        Flow::Continue
    }

    fn ping(&mut self, id: ClientId, params: &[&str]) {
        match params.first() {
            Some(token) => {
                let body = build(&self.info.name, "PONG", &[&self.info.name], Some(token));
                self.send_body(id, &body);
            }
            None => self.reply(id, ERR_NOORIGIN, &[], "No origin specified"),
        }
    }

    fn away(&mut self, id: ClientId, params: &[&str]) {
        let text = params
            .first()
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(200).collect::<String>());
        let now_away = text.is_some();
        if let Some(client) = self.clients.get_mut(&id) {
            client.away = text;
        }
        if now_away {
            self.reply(id, RPL_NOWAWAY, &[], "You have been marked as being away");
        } else {
            self.reply(
                id,
                RPL_UNAWAY,
                &[],
                "You are no longer marked as being away",
            );
        }
    }

    fn join(&mut self, id: ClientId, params: &[&str], now_ms: u64) {
        let Some(targets) = params.first() else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["JOIN"], "Not enough parameters");
            return;
        };
        if *targets == "0" {
            let rooms = self
                .clients
                .get(&id)
                .map(|c| c.channels.clone())
                .unwrap_or_default();
            for room in rooms {
                self.part_room(id, &room, "Left all channels", now_ms);
            }
            return;
        }
        for target in targets.split(',').filter(|t| !t.is_empty()) {
            match channel_room(target) {
                Ok(room) => self.join_room(id, room, now_ms),
                Err(bad) => self.reply(id, bad.code, &[target], &bad.reason),
            }
        }
    }

    fn join_room(&mut self, id: ClientId, room: RoomName, now_ms: u64) {
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        let channel = channel_of(&room);
        if client.channels.contains(&room) {
            return;
        }
        if client.channels.len() >= self.info.max_channels_per_client {
            self.reply(
                id,
                ERR_TOOMANYCHANNELS,
                &[&channel],
                "You have joined too many channels",
            );
            return;
        }
        let (Some(me), Some(nick)) = (&client.identity, &client.nick) else {
            return;
        };
        let peer = LocalPeer::agent(&me.secret, me.peer_id.clone());
        let peer = match DisplayName::parse(nick) {
            Ok(name) => {
                let mut peer = peer;
                peer.set_display_name(Some(name));
                peer
            }
            Err(_) => peer,
        };
        let opens = self.rooms.get(&room).is_none();
        let random = self.random.as_mut();
        let events = match self.rooms.join(now_ms, &room, id, peer, || {
            super::draw(random).map(u64::from_le_bytes)
        }) {
            Ok(events) => events,
            Err(err) => {
                let code = match err {
                    JoinError::Member(MemberError::Full) => ERR_CHANNELISFULL,
                    JoinError::Member(MemberError::Kicked { .. }) => ERR_BANNEDFROMCHAN,
                    JoinError::Member(_) => ERR_BADCHANNAME,
                    JoinError::NoSeed(_) => ERR_NOSUCHCHANNEL,
                };
                self.reply(
                    id,
                    code,
                    &[&channel],
                    &format!("Cannot join channel: {err}"),
                );
                return;
            }
        };
        if let Some(client) = self.clients.get_mut(&id) {
            client.channels.push(room.clone());
        }
        if opens {
            self.opened_channel(id, &room);
        }
        let prefix = self
            .clients
            .get(&id)
            .map(|c| c.prefix())
            .unwrap_or_default();
        let members = self.members_of(&room);
        self.fan_out(
            &members,
            &build(&prefix, "JOIN", &[&channel], None),
            Default::default(),
        );
        self.topic_reply(id, &room, false);
        self.names(id, &room);
        self.host_status_notice(id, &room);
        self.replay_history(id, &room);
        self.show(&room, events, now_ms);
    }

    fn part(&mut self, id: ClientId, params: &[&str], now_ms: u64) {
        let Some(targets) = params.first() else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["PART"], "Not enough parameters");
            return;
        };
        let reason = params.get(1).copied().unwrap_or("");
        for target in targets.split(',').filter(|t| !t.is_empty()) {
            if let Some(room) = self.channel_joined(id, target) {
                self.part_room(id, &room, reason, now_ms);
            }
        }
    }

    /// Announces the PART to the channel (the leaver included) and leaves the room.
    fn part_room(&mut self, id: ClientId, room: &RoomName, reason: &str, now_ms: u64) {
        let prefix = self
            .clients
            .get(&id)
            .map(|c| c.prefix())
            .unwrap_or_default();
        let channel = channel_of(room);
        let members = self.members_of(room);
        let trailing = (!reason.is_empty()).then_some(reason);
        self.fan_out(
            &members,
            &build(&prefix, "PART", &[&channel], trailing),
            Default::default(),
        );
        self.leave_room(id, room, now_ms);
    }

    /// Takes client `id` out of `room`: its signed leave goes out, and the room is
    /// dropped (and unsubscribed) when no IRC user is left in it.
    pub(super) fn leave_room(&mut self, id: ClientId, room: &RoomName, now_ms: u64) {
        if let Some(client) = self.clients.get_mut(&id) {
            client.channels.retain(|r| r != room);
        }
        let Some(peer_id) = self.peer_id_of(id) else {
            return;
        };
        let events = self.rooms.leave(now_ms, room, id, &peer_id);
        self.left_channel(id, room);
        self.show(room, events, now_ms);
    }

    /// The client leaves IRC: everyone sharing a channel with it sees one QUIT, and it
    /// leaves every room.
    pub(super) fn quit(&mut self, id: ClientId, reason: &str, now_ms: u64) {
        self.seal_pending();
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        let rooms = client.channels.clone();
        if client.registered() {
            let prefix = client.prefix();
            let mut audience = self.sharing_a_channel_with(id);
            audience.retain(|&m| m != id);
            self.fan_out(
                &audience,
                &build(&prefix, "QUIT", &[], Some(reason)),
                Default::default(),
            );
        }
        for room in &rooms {
            self.leave_room(id, room, now_ms);
        }
        if let Some(mut client) = self.clients.remove(&id) {
            // What it was told last (a 464 before a bad PASS) goes out before the
            // goodbye.
            client.hand_over();
            if let Some(nick) = &client.nick {
                if self.nicks.get(&fold(nick)) == Some(&id) {
                    self.nicks.remove(&fold(nick));
                }
            }
            if let Some(me) = &client.identity {
                self.by_peer.remove(&me.peer_id);
            }
        }
    }

    /// A registered client changes nick: it and everyone sharing a channel see it, and
    /// its rooms hear the new display name at once.
    pub(super) fn change_nick(&mut self, id: ClientId, wanted: &str, now_ms: u64) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let prefix = client.prefix();
        let old = client.nick.replace(wanted.to_owned());
        let rooms = client.channels.clone();
        if let Some(old) = old {
            self.nicks.remove(&fold(&old));
        }
        self.nicks.insert(fold(wanted), id);
        let mut audience = self.sharing_a_channel_with(id);
        if !audience.contains(&id) {
            audience.push(id);
        }
        self.fan_out(
            &audience,
            &build(&prefix, "NICK", &[], Some(wanted)),
            Default::default(),
        );
        let Some(peer_id) = self.peer_id_of(id) else {
            return;
        };
        let name = DisplayName::parse(wanted).ok();
        for room in rooms {
            let events = self.rooms.rename(now_ms, &room, &peer_id, name.clone());
            self.show(&room, events, now_ms);
        }
    }

    /// Every client in at least one of `id`'s channels (itself included if it is in
    /// any), each once.
    fn sharing_a_channel_with(&self, id: ClientId) -> Vec<ClientId> {
        let Some(client) = self.clients.get(&id) else {
            return Vec::new();
        };
        let mut audience: Vec<ClientId> = client
            .channels
            .iter()
            .flat_map(|r| self.members_of(r))
            .collect();
        audience.sort_unstable();
        audience.dedup();
        audience
    }

    pub(super) fn members_of(&self, room: &RoomName) -> Vec<ClientId> {
        self.rooms.members(room)
    }

    pub(super) fn peer_id_of(&self, id: ClientId) -> Option<party_core::ids::PeerId> {
        self.clients
            .get(&id)?
            .identity
            .as_ref()
            .map(|me| me.peer_id.clone())
    }
}
