//! A host's room on IRC. The host's own IRC connections moderate through its key:
//! KICK and TOPIC become the signed `kick` and `description` envelopes that every peer
//! of the room enforces, not a bridge-local matter. What the room's rules do (a policy
//! set, a handle kicked or muted, a message held back) is told to the channel.

use party_core::ids::{Handle, RoomName};
use party_core::policy::SanctionKind;
use party_core::timeline::Notice;
use party_core::{HostAction, RoomEvent};

use crate::irc::line::build;
use crate::irc::names::{channel_of, fold};
use crate::irc::numeric::*;

use super::messages::peer_prefix;
use super::{ClientId, Hub};

impl Hub {
    /// KICK <channel> <nick> by the host of the channel's room: the nick's handle (a
    /// room peer's nick is its handle; an IRC user here has its own) is kicked out of
    /// the room for every peer, for the room's kick time.
    pub(super) fn host_kick(&mut self, id: ClientId, room: &RoomName, nick: &str, now_ms: u64) {
        let channel = channel_of(room);
        let Some(handle) = self.handle_in_room(room, nick) else {
            self.reply(
                id,
                ERR_USERNOTINCHANNEL,
                &[nick, &channel],
                "They aren't on that channel",
            );
            return;
        };
        let action = HostAction::Kick {
            handle,
            for_ms: None,
        };
        match self.rooms.host_action(now_ms, room, action) {
            Ok(events) => self.show(room, events, now_ms),
            Err(err) => self.reply(
                id,
                ERR_CHANOPRIVSNEEDED,
                &[&channel],
                &format!("Cannot kick: {err}"),
            ),
        }
    }

    /// TOPIC <channel> :text by the host of the channel's room: the room's signed
    /// description, for every peer (an empty text clears it).
    pub(super) fn host_topic(&mut self, id: ClientId, room: &RoomName, text: &str, now_ms: u64) {
        let channel = channel_of(room);
        match self
            .rooms
            .host_action(now_ms, room, HostAction::Describe(text.to_owned()))
        {
            Ok(events) => self.show(room, events, now_ms),
            Err(err) => self.reply(
                id,
                ERR_CHANOPRIVSNEEDED,
                &[&channel],
                &format!("Cannot set the topic: {err}"),
            ),
        }
    }

    /// The handle `nick` stands for in `room`: an IRC user of this bridge on its
    /// channel, or a room peer present under that handle.
    fn handle_in_room(&self, room: &RoomName, nick: &str) -> Option<Handle> {
        let local = self
            .nicks
            .get(&fold(nick))
            .and_then(|c| self.clients.get(c))
            .filter(|c| c.channels.contains(room))
            .and_then(|c| c.identity.as_ref())
            .map(|me| me.secret.handle());
        local.or_else(|| {
            let handle = Handle::parse(nick).ok()?;
            let joined = self.rooms.get(room)?;
            joined
                .room()
                .remote_peers()
                .iter()
                .any(|p| p.handle == handle)
                .then_some(handle)
        })
    }

    /// The host's nick!user@host as IRC users see it: its IRC connection here, or
    /// its room peer.
    pub(super) fn host_prefix(&self, room: &RoomName) -> Option<String> {
        let host = room.host()?;
        let local = self.members_of(room).into_iter().find_map(|c| {
            let client = self.clients.get(&c)?;
            let mine = client.identity.as_ref()?.secret.handle() == host;
            mine.then(|| client.prefix())
        });
        Some(local.unwrap_or_else(|| peer_prefix(host.as_str())))
    }

    /// What the room's rules did, for the channel.
    pub(super) fn show_rule_event(&mut self, room: &RoomName, event: RoomEvent, now_ms: u64) {
        let channel = channel_of(room);
        let members = self.members_of(room);
        let notice = match event {
            RoomEvent::Held {
                handle,
                why,
                hidden,
                ..
            } => Some(format!(
                "A message from {handle} was held back by the room's rules: {why} ({hidden} so far)"
            )),
            RoomEvent::Policy { policy, .. } => Some(Notice::Policy { policy }.text(&utc_clock)),
            RoomEvent::Grant {
                agent,
                owner,
                level,
                ..
            } => Some(
                Notice::Grant {
                    agent,
                    owner,
                    level,
                }
                .text(&utc_clock),
            ),
            RoomEvent::Sanction {
                handle,
                kind,
                until,
                is_self,
                ..
            } => {
                if let (true, SanctionKind::Kick, Some(until)) = (is_self, kind, until) {
                    self.kick_local_members(room, &handle, until, now_ms);
                }
                let notice = Notice::Sanction {
                    handle,
                    kind,
                    until,
                    is_self: false,
                };
                Some(notice.text(&utc_clock))
            }
            RoomEvent::Description { text, .. } => {
                let Some(prefix) = self.host_prefix(room) else {
                    return;
                };
                let shown = text.clone().unwrap_or_default();
                let host = room.host().map(|h| h.to_string()).unwrap_or_default();
                let state = self.channel_ops.entry(room.clone()).or_default();
                state.topic = text.map(|text| (text, host, now_ms));
                let body = build(&prefix, "TOPIC", &[&channel], Some(&shown));
                self.fan_out(&members, &body, Default::default());
                None
            }
            _ => None,
        };
        if let Some(text) = notice {
            let body = build(&self.info.name, "NOTICE", &[&channel], Some(&text));
            self.fan_out(&members, &body, Default::default());
        }
    }

    /// The host kicked one of our IRC users' handles: each of them on the channel
    /// sees the KICK and is out of the room, as on any IRC server.
    fn kick_local_members(&mut self, room: &RoomName, handle: &Handle, until: u64, now_ms: u64) {
        let Some(prefix) = self.host_prefix(room) else {
            return;
        };
        let channel = channel_of(room);
        let victims: Vec<(ClientId, String)> = self
            .members_of(room)
            .into_iter()
            .filter_map(|c| {
                let client = self.clients.get(&c)?;
                let theirs = client.identity.as_ref()?.secret.handle() == *handle;
                theirs.then(|| (c, client.nick_or_star().to_owned()))
            })
            .collect();
        let reason = format!("Kicked by the host until {}", utc_clock(until));
        for (victim, nick) in victims {
            let members = self.members_of(room);
            let body = build(&prefix, "KICK", &[&channel, &nick], Some(&reason));
            self.fan_out(&members, &body, Default::default());
            self.leave_room(victim, room, now_ms);
        }
    }
}

/// A time (Unix ms) as IRC users read it: `HH:MM UTC`, since the bridge cannot know
/// each client's zone.
pub(super) fn utc_clock(ms: u64) -> String {
    let minutes = (ms / 60_000) % (24 * 60);
    format!("{:02}:{:02} UTC", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_told_in_utc_hours_and_minutes() {
        assert_eq!(utc_clock(0), "00:00 UTC");
        assert_eq!(
            utc_clock(1_767_225_600_000 + 13 * 3_600_000 + 5 * 60_000),
            "13:05 UTC"
        );
    }
}
