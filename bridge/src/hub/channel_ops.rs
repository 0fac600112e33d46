//! Channel operators of an open room's channel on this bridge, as IRC users expect
//! of any server: whoever opens the channel here gets `@`, and operators may give
//! `@` to others, KICK IRC users of this bridge, and set the channel's topic (`+t`
//! keeps that to operators). None of it reaches the Party room: operators rule this
//! bridge's IRC users only, the topic is shown on this bridge only, and a room peer
//! is nobody's to kick from here. A host's room has one operator, its host, whose
//! KICK and TOPIC are signed with its key and reach every peer (`host_rules`).

use std::collections::HashSet;

use party_core::ids::RoomName;

use crate::irc::line::build;
use crate::irc::names::{channel_of, fold, is_handle};
use crate::irc::numeric::*;

use super::{ClientId, Hub};

/// What this bridge keeps of an open room's channel beyond the room.
#[derive(Default)]
pub struct ChannelOps {
    pub ops: HashSet<ClientId>,
    /// Set on this bridge: the text, who set it and when (Unix ms).
    pub topic: Option<(String, String, u64)>,
    /// `+t`: only operators may set the topic.
    pub topic_locked: bool,
}

impl Hub {
    /// `id` opened `room`'s channel here: in an open room it is its first operator.
    pub(super) fn opened_channel(&mut self, id: ClientId, room: &RoomName) {
        if room.host().is_none() {
            let channel = self.channel_ops.entry(room.clone()).or_default();
            channel.ops.insert(id);
            channel.topic_locked = true;
        }
    }

    /// `id` left `room`'s channel; the channel's state goes with its last member.
    pub(super) fn left_channel(&mut self, id: ClientId, room: &RoomName) {
        if self.rooms.get(room).is_none() {
            self.channel_ops.remove(room);
        } else if let Some(channel) = self.channel_ops.get_mut(room) {
            channel.ops.remove(&id);
        }
    }

    /// Whether `id` is an operator of `room`'s channel on this bridge (its host, in
    /// a host's room).
    pub(super) fn is_channel_op(&self, id: ClientId, room: &RoomName) -> bool {
        match room.host() {
            Some(host) => self
                .clients
                .get(&id)
                .and_then(|c| c.identity.as_ref())
                .is_some_and(|me| me.secret.handle() == host),
            None => self
                .channel_ops
                .get(room)
                .is_some_and(|channel| channel.ops.contains(&id)),
        }
    }

    /// Whether `id` may run an operator command on `room`'s channel (one it is on);
    /// if not, it is told so.
    fn require_op(&mut self, id: ClientId, room: &RoomName) -> bool {
        let op = self.is_channel_op(id, room);
        if !op {
            let channel = channel_of(room);
            self.reply(
                id,
                ERR_CHANOPRIVSNEEDED,
                &[&channel],
                "You're not channel operator",
            );
        }
        op
    }

    /// An IRC user of this bridge on `room`'s channel, by nick; the reply says why
    /// not otherwise.
    fn member_by_nick(&mut self, id: ClientId, room: &RoomName, nick: &str) -> Option<ClientId> {
        let channel = channel_of(room);
        match self.nicks.get(&fold(nick)).copied() {
            Some(member)
                if self
                    .clients
                    .get(&member)
                    .is_some_and(|c| c.channels.contains(room)) =>
            {
                Some(member)
            }
            Some(_) => {
                self.reply(
                    id,
                    ERR_USERNOTINCHANNEL,
                    &[nick, &channel],
                    "They aren't on that channel",
                );
                None
            }
            None if is_handle(nick) => {
                self.reply(id, ERR_CHANOPRIVSNEEDED, &[&channel], "A Party room peer is not this bridge's to remove or promote: only its room's host rules the room");
                None
            }
            None => {
                self.reply(id, ERR_NOSUCHNICK, &[nick], "No such nick/channel");
                None
            }
        }
    }

    /// KICK <channel> <nick> [:reason]: the IRC user leaves the channel, and so its
    /// room.
    pub(super) fn kick(&mut self, id: ClientId, params: &[&str], now_ms: u64) {
        let (Some(&target), Some(&nick)) = (params.first(), params.get(1)) else {
            self.reply(id, ERR_NEEDMOREPARAMS, &["KICK"], "Not enough parameters");
            return;
        };
        let Some(room) = self.channel_joined(id, target) else {
            return;
        };
        if !self.require_op(id, &room) {
            return;
        }
        // A host's room: the host's key kicks, for every peer of the room.
        if room.host().is_some() {
            return self.host_kick(id, &room, nick, now_ms);
        }
        let channel = channel_of(&room);
        let Some(victim) = self.member_by_nick(id, &room, nick) else {
            return;
        };
        let Some(kicker) = self
            .clients
            .get(&id)
            .map(|c| (c.prefix(), c.nick_or_star().to_owned()))
        else {
            return;
        };
        let victim_nick = self
            .clients
            .get(&victim)
            .map(|c| c.nick_or_star().to_owned())
            .unwrap_or_default();
        let reason = params
            .get(2)
            .filter(|r| !r.is_empty())
            .map_or(kicker.1.as_str(), |r| r);
        let body = build(&kicker.0, "KICK", &[&channel, &victim_nick], Some(reason));
        let members = self.members_of(&room);
        self.fan_out(&members, &body, Default::default());
        self.leave_room(victim, &room, now_ms);
    }

    /// MODE <channel> <changes> [nicks]: `+o`/`-o` and `+t`/`-t`, by an operator of
    /// an open room's channel.
    pub(super) fn change_channel_modes(
        &mut self,
        id: ClientId,
        room: &RoomName,
        changes: &str,
        args: &[&str],
    ) {
        if !self.require_op(id, room) {
            return;
        }
        let room = room.clone();
        let channel = channel_of(&room);
        if room.host().is_some() {
            self.reply(
                id,
                ERR_CHANOPRIVSNEEDED,
                &[&channel],
                "A host's room has no modes to change: its host's key rules it",
            );
            return;
        }
        let mut args = args.iter();
        let mut adding = true;
        let mut applied = String::new();
        let mut applied_args: Vec<String> = Vec::new();
        for c in changes.chars() {
            match c {
                '+' => adding = true,
                '-' => adding = false,
                't' => {
                    let Some(state) = self.channel_ops.get_mut(&room) else {
                        continue;
                    };
                    if state.topic_locked != adding {
                        state.topic_locked = adding;
                        applied.push(if adding { '+' } else { '-' });
                        applied.push('t');
                    }
                }
                'o' => {
                    let Some(nick) = args.next() else {
                        self.reply(id, ERR_NEEDMOREPARAMS, &["MODE"], "Not enough parameters");
                        continue;
                    };
                    let Some(member) = self.member_by_nick(id, &room, nick) else {
                        continue;
                    };
                    let Some(state) = self.channel_ops.get_mut(&room) else {
                        continue;
                    };
                    let changed = if adding {
                        state.ops.insert(member)
                    } else {
                        state.ops.remove(&member)
                    };
                    if changed {
                        applied.push(if adding { '+' } else { '-' });
                        applied.push('o');
                        applied_args.push(
                            self.clients
                                .get(&member)
                                .map(|c| c.nick_or_star().to_owned())
                                .unwrap_or_default(),
                        );
                    }
                }
                other => {
                    self.reply(
                        id,
                        ERR_UNKNOWNMODE,
                        &[&other.to_string()],
                        "is unknown mode char to me",
                    );
                }
            }
        }
        if applied.is_empty() {
            return;
        }
        let Some(prefix) = self.clients.get(&id).map(|c| c.prefix()) else {
            return;
        };
        let mut params: Vec<&str> = vec![&channel, &applied];
        params.extend(applied_args.iter().map(String::as_str));
        let body = build(&prefix, "MODE", &params, None);
        let members = self.members_of(&room);
        self.fan_out(&members, &body, Default::default());
    }

    /// TOPIC <channel> :text in an open room: set (or, empty, cleared) on this bridge.
    pub(super) fn set_topic(&mut self, id: ClientId, room: &RoomName, text: &str, now_ms: u64) {
        let channel = channel_of(room);
        let locked = self.channel_ops.get(room).is_some_and(|c| c.topic_locked);
        let hosted = room.host().is_some();
        if (hosted || locked) && !self.is_channel_op(id, room) {
            let why = if hosted {
                "You're not channel operator: only the host describes its room"
            } else {
                "You're not channel operator"
            };
            self.reply(id, ERR_CHANOPRIVSNEEDED, &[&channel], why);
            return;
        }
        // The host's description goes to every peer, signed with its key.
        if hosted {
            return self.host_topic(id, room, text, now_ms);
        }
        let Some((prefix, nick)) = self
            .clients
            .get(&id)
            .map(|c| (c.prefix(), c.nick_or_star().to_owned()))
        else {
            return;
        };
        let state = self.channel_ops.entry(room.clone()).or_default();
        state.topic = (!text.is_empty()).then(|| (text.to_owned(), nick, now_ms));
        let body = build(&prefix, "TOPIC", &[&channel], Some(text));
        let members = self.members_of(room);
        self.fan_out(&members, &body, Default::default());
    }
}
