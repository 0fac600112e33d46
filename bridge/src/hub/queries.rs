//! Commands that only read: NAMES, WHO, WHOIS, TOPIC, MODE, ISON, USERHOST.

use party_core::ids::RoomName;
use party_core::{PeerInfo, Trust};

use crate::irc::line::build;
use crate::irc::names::{channel_of, channel_room, fold};
use crate::irc::numeric::*;

use super::messages::{PEER_HOST, PEER_USER};
use super::{Caps, Client, ClientId, Hub};

/// Budget for a 353 line: 512 minus CRLF.
const NAMES_LINE_BYTES: usize = crate::irc::limits::IRC_LINE_MAX_BYTES - 2;

/// One entry of a channel's member list.
struct Entry {
    nick: String,
    user: String,
    host: String,
    realname: String,
    op: bool,
    away: bool,
    /// IRCv3 bot mode: an IRC user that set +B, or a room peer with an agent's
    /// (`-bot`) handle.
    bot: bool,
    /// An IRC operator of this bridge.
    oper: bool,
}

impl Hub {
    /// Everyone in the channel as IRC shows them: IRC users by nick, room peers by
    /// handle; the room's host carries `@`.
    fn entries(&self, room: &RoomName) -> Vec<Entry> {
        let Some(joined) = self.rooms.get(room) else {
            return Vec::new();
        };
        let mut entries: Vec<Entry> = Vec::new();
        for id in &joined.members {
            let Some(client) = self.clients.get(id) else {
                continue;
            };
            entries.push(client_entry(client, self.is_channel_op(*id, room)));
        }
        // HTTP agents are members too, shown like room peers, by handle.
        let agents = joined
            .room()
            .peers()
            .into_iter()
            .filter(|p| p.is_self && self.agents.find(room, &p.handle).is_some());
        for peer in joined.room().remote_peers().into_iter().chain(agents) {
            if entries
                .iter()
                .any(|e| fold(&e.nick) == peer.handle.as_str())
            {
                continue;
            }
            entries.push(peer_entry(&peer));
        }
        entries
    }

    /// 353 lines of at most 512 bytes, then 366.
    pub(super) fn names(&mut self, id: ClientId, room: &RoomName) {
        let channel = channel_of(room);
        let entries = self.entries(room);
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        // One prefix at most (`@` for the host), so multi-prefix changes nothing here.
        let full = client.caps.has(Caps::USERHOST_IN_NAMES);
        let head = build(
            &self.info.name,
            "353",
            &[client.nick_or_star(), "=", &channel],
            Some(""),
        );
        let mut line = head.clone();
        let mut lines = Vec::new();
        for entry in &entries {
            let prefix = if entry.op { "@" } else { "" };
            let name = if full {
                format!("{prefix}{}!{}@{}", entry.nick, entry.user, entry.host)
            } else {
                format!("{prefix}{}", entry.nick)
            };
            let sep = usize::from(line.len() > head.len());
            if line.len() + sep + name.len() > NAMES_LINE_BYTES && line.len() > head.len() {
                lines.push(std::mem::replace(&mut line, head.clone()));
            }
            if line.len() > head.len() {
                line.push(' ');
            }
            line.push_str(&name);
        }
        if line.len() > head.len() {
            lines.push(line);
        }
        for line in lines {
            self.send_body(id, &line);
        }
        self.reply(id, RPL_ENDOFNAMES, &[&channel], "End of /NAMES list");
    }

    pub(super) fn names_command(&mut self, id: ClientId, params: &[&str]) {
        let Some(targets) = params.first() else {
            self.reply(id, RPL_ENDOFNAMES, &["*"], "End of /NAMES list");
            return;
        };
        for target in targets.split(',').filter(|t| !t.is_empty()) {
            match channel_room(target) {
                // Rooms are not discoverable: only a member sees who is in one.
                Ok(room) if self.is_on(id, &room) => self.names(id, &room),
                _ => self.reply(id, RPL_ENDOFNAMES, &[target], "End of /NAMES list"),
            }
        }
    }

    fn is_on(&self, id: ClientId, room: &RoomName) -> bool {
        self.clients
            .get(&id)
            .is_some_and(|c| c.channels.contains(room))
    }

    /// The room of `target` if it is a channel `id` is on; otherwise `id` is told
    /// why not: a bad name, 403 when nobody here is in it, 442.
    pub(super) fn channel_joined(&mut self, id: ClientId, target: &str) -> Option<RoomName> {
        let room = match channel_room(target) {
            Ok(room) => room,
            Err(bad) => {
                self.reply(id, bad.code, &[target], &bad.reason);
                return None;
            }
        };
        if self.rooms.get(&room).is_none() {
            self.reply(id, ERR_NOSUCHCHANNEL, &[target], "No such channel");
            return None;
        }
        if !self.is_on(id, &room) {
            self.reply(
                id,
                ERR_NOTONCHANNEL,
                &[target],
                "You're not on that channel",
            );
            return None;
        }
        Some(room)
    }

    /// WHO <channel> lists its members; WHO <mask> everyone whose nick, user, host
    /// or real name matches it (`*` and `?` as wildcards, nicks without case), but
    /// an invisible (+i) user only to those who share a channel with it, or when
    /// asked for by its exact nick (modern IRC).
    pub(super) fn who(&mut self, id: ClientId, params: &[&str]) {
        let Some(&mask) = params.first().filter(|m| !m.is_empty()) else {
            self.reply(id, RPL_ENDOFWHO, &["*"], "End of WHO list");
            return;
        };
        let server = self.info.name.clone();
        let mut replies: Vec<(String, Entry)> = Vec::new();
        if mask.starts_with('#') {
            if let Ok(room) = channel_room(mask) {
                if self.is_on(id, &room) {
                    let channel = channel_of(&room);
                    replies.extend(
                        self.entries(&room)
                            .into_iter()
                            .map(|e| (channel.clone(), e)),
                    );
                }
            }
        } else if !mask.contains(['*', '?']) {
            replies.extend(self.find_entry(id, mask).map(|e| ("*".to_owned(), e)));
        } else {
            replies.extend(
                self.visible_entries(id)
                    .into_iter()
                    .filter(|e| {
                        [&e.nick, &e.user, &e.host, &e.realname]
                            .iter()
                            .any(|field| glob_matches(&fold(mask), &fold(field)))
                    })
                    .map(|e| ("*".to_owned(), e)),
            );
        }
        for (channel, entry) in replies {
            let flags = format!(
                "{}{}{}{}",
                if entry.away { "G" } else { "H" },
                if entry.oper { "*" } else { "" },
                if entry.bot { "B" } else { "" },
                if entry.op && channel != "*" { "@" } else { "" }
            );
            self.reply(
                id,
                RPL_WHOREPLY,
                &[
                    &channel,
                    &entry.user,
                    &entry.host,
                    &server,
                    &entry.nick,
                    &flags,
                ],
                &format!("0 {}", entry.realname),
            );
        }
        self.reply(id, RPL_ENDOFWHO, &[mask], "End of WHO list");
    }

    /// Everyone `asker` may list by a mask: every IRC user of this bridge that is
    /// not invisible or shares a channel with it, and the room peers of its
    /// channels; each once.
    fn visible_entries(&self, asker: ClientId) -> Vec<Entry> {
        let mine: Vec<RoomName> = self
            .clients
            .get(&asker)
            .map(|c| c.channels.clone())
            .unwrap_or_default();
        let mut entries: Vec<Entry> = self
            .clients
            .iter()
            .filter(|(&other, c)| {
                c.registered()
                    && (!c.invisible
                        || other == asker
                        || c.channels.iter().any(|room| mine.contains(room)))
            })
            .map(|(_, c)| client_entry(c, false))
            .collect();
        for room in &mine {
            let Some(joined) = self.rooms.get(room) else {
                continue;
            };
            for peer in joined.room().remote_peers() {
                if !entries
                    .iter()
                    .any(|e| fold(&e.nick) == peer.handle.as_str())
                {
                    entries.push(peer_entry(&peer));
                }
            }
        }
        entries
    }

    /// A nick: an IRC user anywhere on this bridge, or a room peer in one of the
    /// asker's channels.
    fn find_entry(&self, asker: ClientId, nick: &str) -> Option<Entry> {
        let folded = fold(nick);
        if let Some(client) = self.nicks.get(&folded).and_then(|id| self.clients.get(id)) {
            if client.registered() {
                return Some(client_entry(client, false));
            }
        }
        self.peer_rooms(asker, &folded)
            .first()
            .map(|(_, peer)| peer_entry(peer))
    }

    /// The asker's channels in which room peer `handle` is present.
    fn peer_rooms(&self, asker: ClientId, handle: &str) -> Vec<(RoomName, PeerInfo)> {
        let Some(client) = self.clients.get(&asker) else {
            return Vec::new();
        };
        client
            .channels
            .iter()
            .filter_map(|room| {
                let peer = self
                    .rooms
                    .get(room)?
                    .room()
                    .remote_peers()
                    .into_iter()
                    .find(|p| p.handle.as_str() == handle)?;
                Some((room.clone(), peer))
            })
            .collect()
    }

    pub(super) fn whois(&mut self, id: ClientId, params: &[&str]) {
        let Some(&target) = params.last() else {
            self.reply(id, ERR_NONICKNAMEGIVEN, &[], "No nickname given");
            return;
        };
        let server = self.info.name.clone();
        let folded = fold(target);
        let local = self
            .nicks
            .get(&folded)
            .copied()
            .filter(|c| self.clients.get(c).is_some_and(|c| c.registered()));
        if let Some(other) = local {
            let Some(client) = self.clients.get(&other) else {
                return;
            };
            let nick = client.nick_or_star().to_owned();
            let user = client.user.clone().unwrap_or_default();
            let host = client.host.clone();
            let realname = client.realname.clone();
            let away = client.away.clone();
            let bot = client.bot;
            let oper = client.oper;
            let handle = client
                .identity
                .as_ref()
                .map(|me| me.secret.handle().to_string())
                .unwrap_or_default();
            let channels: Vec<String> = client
                .channels
                .iter()
                .map(|room| {
                    let op = if self.is_channel_op(other, room) {
                        "@"
                    } else {
                        ""
                    };
                    format!("{op}{}", channel_of(room))
                })
                .collect();
            self.reply(id, RPL_WHOISUSER, &[&nick, &user, &host, "*"], &realname);
            if !channels.is_empty() {
                self.reply(id, RPL_WHOISCHANNELS, &[&nick], &channels.join(" "));
            }
            self.reply(id, RPL_WHOISSERVER, &[&nick, &server], "Party IRC bridge");
            // The Party handle its key signs for is what IRC calls an account.
            self.reply(id, RPL_WHOISACCOUNT, &[&nick, &handle], "is logged in as");
            if oper {
                self.reply(id, RPL_WHOISOPERATOR, &[&nick], "is an IRC operator");
            }
            if bot {
                self.reply(id, RPL_WHOISBOT, &[&nick], "is a bot");
            }
            if let Some(away) = away {
                self.reply(id, RPL_AWAY, &[&nick], &away);
            }
        } else {
            let rooms = self.peer_rooms(id, &folded);
            let Some((_, peer)) = rooms.first() else {
                self.reply(id, ERR_NOSUCHNICK, &[target], "No such nick/channel");
                self.reply(id, RPL_ENDOFWHOIS, &[target], "End of /WHOIS list");
                return;
            };
            let entry = peer_entry(peer);
            let channels: Vec<String> = rooms.iter().map(|(r, _)| channel_of(r)).collect();
            self.reply(
                id,
                RPL_WHOISUSER,
                &[&entry.nick, &entry.user, &entry.host, "*"],
                &entry.realname,
            );
            self.reply(id, RPL_WHOISCHANNELS, &[&entry.nick], &channels.join(" "));
            self.reply(
                id,
                RPL_WHOISSERVER,
                &[&entry.nick, "mqtt"],
                "a Party room peer over MQTT",
            );
            if entry.bot {
                self.reply(id, RPL_WHOISBOT, &[&entry.nick], "is a bot (a Party agent)");
            }
            // Only a verified key makes a handle an account; the real name says
            // "unverified" otherwise.
            if peer.verified {
                self.reply(
                    id,
                    RPL_WHOISACCOUNT,
                    &[&entry.nick, peer.handle.as_str()],
                    "is logged in as",
                );
            }
        }
        self.reply(id, RPL_ENDOFWHOIS, &[target], "End of /WHOIS list");
    }

    /// TOPIC query (332/333 for a host's room, 331 for an open room); rooms have no
    /// settable topic.
    pub(super) fn topic(&mut self, id: ClientId, params: &[&str], now_ms: u64) {
        let Some(&target) = params.first() else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["TOPIC"], "Not enough parameters");
            return;
        };
        let Some(room) = self.channel_joined(id, target) else {
            return;
        };
        if let Some(text) = params.get(1) {
            return self.set_topic(id, &room, text, now_ms);
        }
        self.topic_reply(id, &room, true);
    }

    /// The channel's topic: a host's room's (332, 333), or one set on this bridge
    /// for an open room. Without one, only a TOPIC query is told (331); a JOIN says
    /// nothing of it.
    pub(super) fn topic_reply(&mut self, id: ClientId, room: &RoomName, asked: bool) {
        let channel = channel_of(room);
        let Some(state) = self.rooms.get(room) else {
            return;
        };
        let set_here = self.channel_ops.get(room).and_then(|c| c.topic.clone());
        let topic = match state.room().host() {
            // A host's room: its description once the host set one (when, if it was
            // seen here), or whose room it is.
            Some(host) => {
                let at = set_here.map_or(state.created_ms, |(_, _, at)| at);
                let text = match state.room().description() {
                    Some(text) => text.to_owned(),
                    None => format!("{host}'s room on Party"),
                };
                Some((text, host.to_string(), at))
            }
            None => set_here,
        };
        match topic {
            Some((text, setter, at)) => {
                self.reply(id, RPL_TOPIC, &[&channel], &text);
                let at = (at / 1000).to_string();
                self.reply_words(id, RPL_TOPICWHOTIME, &[&channel, &setter, &at]);
            }
            None if asked => self.reply(id, RPL_NOTOPIC, &[&channel], "No topic is set"),
            None => {}
        }
    }

    pub(super) fn mode(&mut self, id: ClientId, params: &[&str]) {
        let Some(&target) = params.first() else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["MODE"], "Not enough parameters");
            return;
        };
        let changes = params.get(1).copied().unwrap_or("");
        if target.starts_with('#') {
            let Some(room) = self.channel_joined(id, target) else {
                return;
            };
            let channel = channel_of(&room);
            let Some(state) = self.rooms.get(&room) else {
                return;
            };
            let created = (state.created_ms / 1000).to_string();
            let locked = room.host().is_some()
                || self.channel_ops.get(&room).is_some_and(|c| c.topic_locked);
            match changes.trim_start_matches('+') {
                "" => {
                    let modes = if locked { "+nt" } else { "+n" };
                    self.reply_words(id, RPL_CHANNELMODEIS, &[&channel, modes]);
                    self.reply_words(id, RPL_CREATIONTIME, &[&channel, &created]);
                }
                "b" => self.reply(id, RPL_ENDOFBANLIST, &[&channel], "End of channel ban list"),
                _ => self.change_channel_modes(
                    id,
                    &room,
                    changes,
                    params.get(2..).unwrap_or_default(),
                ),
            }
            return;
        }
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        let own = client.nick_or_star().to_owned();
        if fold(target) != fold(&own) {
            return self.reply(
                id,
                ERR_USERSDONTMATCH,
                &[],
                "Cannot change mode for other users",
            );
        }
        if changes.is_empty() {
            let modes = format!(
                "+{}{}{}",
                if client.bot { "B" } else { "" },
                if client.invisible { "i" } else { "" },
                if client.oper { "o" } else { "" }
            );
            return self.reply_words(id, RPL_UMODEIS, &[&modes]);
        }
        // +i hides a user from WHO masks, +B (IRCv3 bot mode) says it is a bot, -o
        // ends operator status;
        // wallops (+w) means nothing here but is set by many clients on connect, so
        // it is accepted quietly.
        let mut adding = true;
        let mut applied = String::new();
        let mut unknown = false;
        let (mut invisible, mut bot, mut oper) = (client.invisible, client.bot, client.oper);
        for c in changes.chars() {
            let flag = match c {
                '+' => {
                    adding = true;
                    continue;
                }
                '-' => {
                    adding = false;
                    continue;
                }
                'i' => &mut invisible,
                'B' => &mut bot,
                // An operator may step down; only OPER makes one.
                'o' if !adding => &mut oper,
                'o' => continue,
                'w' => continue,
                _ => {
                    unknown = true;
                    continue;
                }
            };
            if *flag != adding {
                *flag = adding;
                applied.push(if adding { '+' } else { '-' });
                applied.push(c);
            }
        }
        if let Some(client) = self.clients.get_mut(&id) {
            client.invisible = invisible;
            client.bot = bot;
            client.oper = oper;
        }
        if !applied.is_empty() {
            let body = build(&own, "MODE", &[&own], Some(&applied));
            self.send_body(id, &body);
        }
        if unknown {
            self.reply(id, ERR_UMODEUNKNOWNFLAG, &[], "Unknown MODE flag");
        }
    }

    pub(super) fn ison(&mut self, id: ClientId, params: &[&str]) {
        let online: Vec<String> = params
            .iter()
            .flat_map(|p| p.split(' '))
            .filter_map(|nick| {
                self.nicks
                    .get(&fold(nick))
                    .and_then(|c| self.clients.get(c))
            })
            .filter(|c| c.registered())
            .map(|c| c.nick_or_star().to_owned())
            .collect();
        self.reply(id, RPL_ISON, &[], &online.join(" "));
    }

    pub(super) fn userhost(&mut self, id: ClientId, params: &[&str]) {
        if params.is_empty() {
            return self.reply(
                id,
                ERR_NEEDMOREPARAMS,
                &["USERHOST"],
                "Not enough parameters",
            );
        }
        let found: Vec<String> = params
            .iter()
            .take(5)
            .filter_map(|nick| {
                self.nicks
                    .get(&fold(nick))
                    .and_then(|c| self.clients.get(c))
            })
            .filter(|c| c.registered())
            .map(|c| {
                let away = if c.away.is_some() { '-' } else { '+' };
                format!(
                    "{}={away}{}@{}",
                    c.nick_or_star(),
                    c.user.as_deref().unwrap_or("*"),
                    c.host
                )
            })
            .collect();
        self.reply(id, RPL_USERHOST, &[], &found.join(" "));
    }
}

fn peer_entry(peer: &PeerInfo) -> Entry {
    let trust = if peer.verified {
        "verified"
    } else {
        "unverified"
    };
    Entry {
        nick: peer.handle.to_string(),
        user: PEER_USER.to_owned(),
        host: PEER_HOST.to_owned(),
        realname: match &peer.name {
            Some(name) => format!("{name} ({}, {trust})", peer.handle),
            None => format!("{} ({trust})", peer.handle),
        },
        // `@` is a claim IRC users trust at a glance: only a host whose key is
        // verified gets it, never an unsigned or contested claim of the handle.
        op: peer.is_host && peer.trust == Trust::Verified,
        away: false,
        bot: peer.handle.is_bot(),
        oper: false,
    }
}

/// An IRC user of this bridge, with its real name exactly as it gave it (WHOIS
/// tells its Party handle).
fn client_entry(client: &Client, is_host: bool) -> Entry {
    Entry {
        nick: client.nick_or_star().to_owned(),
        user: client.user.clone().unwrap_or_default(),
        host: client.host.clone(),
        realname: client.realname.clone(),
        op: is_host,
        away: client.away.is_some(),
        bot: client.bot,
        oper: client.oper,
    }
}

/// Whether `text` matches the IRC mask `mask`: `*` any run of characters, `?` any
/// one character, everything else itself.
fn glob_matches(mask: &str, text: &str) -> bool {
    let (mask, text): (Vec<char>, Vec<char>) = (mask.chars().collect(), text.chars().collect());
    // The last `*` seen and where in `text` it was tried from, to backtrack to.
    let (mut m, mut t, mut star): (usize, usize, Option<(usize, usize)>) = (0, 0, None);
    while t < text.len() {
        match mask.get(m) {
            Some('*') => {
                star = Some((m, t));
                m += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                m += 1;
                t += 1;
            }
            _ => match star {
                Some((star_m, star_t)) => {
                    m = star_m + 1;
                    t = star_t + 1;
                    star = Some((star_m, star_t + 1));
                }
                None => return false,
            },
        }
    }
    mask[m..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn masks_match_with_stars_and_question_marks() {
        assert!(glob_matches("*", ""));
        assert!(glob_matches("cool*", "coolnick"));
        assert!(glob_matches("c?ol*k", "coolnick"));
        assert!(glob_matches("*nick", "coolnick"));
        assert!(glob_matches("*o*i*", "coolnick"));
        assert!(!glob_matches("cool", "coolnick"));
        assert!(!glob_matches("eva*", "shivaram"));
        assert!(!glob_matches("?", ""));
    }
}
