//! Chat both ways: IRC PRIVMSG/NOTICE into signed room messages, and what a room
//! reports (messages, presence, host status, history) onto IRC.

use party_core::ids::RoomName;
use party_core::room::Delivery;
// How a `/me` action travels in a room text (and back to IRC as CTCP ACTION).
use party_core::timeline::text::ACTION_PREFIX;
use party_core::{ChatMessage, LeaveReason, PeerInfo, RoomEvent, SendError, Trust};

use crate::irc::formatting::strip_formatting;
use crate::irc::line::build;
use crate::irc::names::{channel_of, channel_room, fold, is_handle};
use crate::irc::numeric::*;
use crate::irc::split::split_text;
use crate::irc::visible::visible;

use super::deliver::Tags;
use super::{Caps, ClientId, Hub};

/// A message IRC users here have seen, to be signed and sent to its room.
pub(super) struct PendingSeal {
    room: RoomName,
    from: ClientId,
    notice: bool,
    target: String,
    composed: party_core::Composed,
}

/// User and host of every room peer (browser, CLI or another bridge) on IRC.
pub(super) const PEER_USER: &str = "party";
pub(super) const PEER_HOST: &str = "mqtt";

/// The source of lines from a room peer: its handle.
pub(super) fn peer_prefix(handle: &str) -> String {
    format!("{handle}!{PEER_USER}@{PEER_HOST}")
}

impl Hub {
    /// PRIVMSG or NOTICE from a client. NOTICE never triggers an error reply
    /// (RFC 2812 §3.3.2), so automatic responders cannot loop.
    pub(super) fn message(&mut self, id: ClientId, command: &str, params: &[&str], now_ms: u64) {
        let notice = command == "NOTICE";
        let Some(targets) = params.first().filter(|t| !t.is_empty()) else {
            if !notice {
                self.reply(
                    id,
                    ERR_NORECIPIENT,
                    &[],
                    &format!("No recipient given ({command})"),
                );
            }
            return;
        };
        let Some(text) = params.get(1).filter(|t| !t.is_empty()) else {
            if !notice {
                self.reply(id, ERR_NOTEXTTOSEND, &[], "No text to send");
            }
            return;
        };
        for target in targets.split(',').filter(|t| !t.is_empty()) {
            if target.starts_with('#') {
                self.say_in_channel(id, command, target, text, now_ms);
            } else {
                self.say_to_nick(id, command, target, text, now_ms);
            }
        }
    }

    fn refuse(&mut self, id: ClientId, command: &str, target: &str, code: u16, reason: &str) {
        if command != "NOTICE" {
            self.reply(id, code, &[target], reason);
        }
    }

    fn say_in_channel(
        &mut self,
        id: ClientId,
        command: &str,
        target: &str,
        text: &str,
        now_ms: u64,
    ) {
        let room = match channel_room(target) {
            Ok(room) => room,
            Err(bad) => return self.refuse(id, command, target, bad.code, &bad.reason),
        };
        if !self
            .clients
            .get(&id)
            .is_some_and(|c| c.channels.contains(&room))
        {
            return self.refuse(
                id,
                command,
                target,
                ERR_CANNOTSENDTOCHAN,
                "Cannot send to channel: join it first",
            );
        }
        let text = match room_text(text) {
            Ok(text) => text,
            Err(reason) => return self.refuse(id, command, target, ERR_CANNOTSENDTOCHAN, &reason),
        };
        let Some(peer_id) = self.peer_id_of(id) else {
            return;
        };
        let composed = match self.rooms.compose(now_ms, &room, &peer_id, &text) {
            Ok(composed) => composed,
            // The room's rules would hide it from every peer: the bot is told why,
            // in a NOTICE as IRC bots expect, and nothing is sent.
            Err(SendError::Held(why)) => {
                return self.server_notice(
                    id,
                    &format!("Your line to {target} was held back by the room's rules and not sent: {why}"),
                );
            }
            Err(err) => {
                return self.refuse(
                    id,
                    command,
                    target,
                    ERR_CANNOTSENDTOCHAN,
                    &cannot_send(&err),
                )
            }
        };
        // IRC users here see it now; the signature (the costliest step of the hop)
        // is made once the connection task has let their writers run: see
        // `seal_pending`.
        let chat = composed.message().clone();
        self.show_local_message(&room, id, command, &chat);
        self.show_to_agents(&room, &chat, now_ms);
        self.pending_seals.push(PendingSeal {
            room,
            from: id,
            notice: command == "NOTICE",
            target: target.to_owned(),
            composed,
        });
    }

    /// Whether messages wait for `seal_pending`.
    pub fn has_pending_seals(&self) -> bool {
        !self.pending_seals.is_empty()
    }

    /// Signs and publishes every message shown locally but not yet sent to its room.
    /// Runs before anything that could change who is in a room, so a message is
    /// never left unsigned by its sender's leaving.
    pub fn seal_pending(&mut self) {
        for pending in std::mem::take(&mut self.pending_seals) {
            if let Err(err) = self.rooms.seal(&pending.room, pending.composed) {
                let command = if pending.notice { "NOTICE" } else { "PRIVMSG" };
                self.refuse(
                    pending.from,
                    command,
                    &pending.target,
                    ERR_CANNOTSENDTOCHAN,
                    &format!("Cannot send to the room: {err}; only IRC users of this bridge saw your message"),
                );
            }
        }
    }

    /// IRC user to IRC user on this bridge. Party rooms have no private messages, so a
    /// room peer's handle is not a nick one can message.
    fn say_to_nick(&mut self, id: ClientId, command: &str, target: &str, text: &str, now_ms: u64) {
        let Some(&to) = self.nicks.get(&fold(target)) else {
            let reason = if is_handle(target) {
                "No such nick: that is a Party room peer, and Party rooms have no private messages; speak in the channel"
            } else {
                "No such nick/channel"
            };
            return self.refuse(id, command, target, ERR_NOSUCHNICK, reason);
        };
        let Some(from) = self.clients.get(&id) else {
            return;
        };
        let prefix = from.prefix();
        let echo = from.caps.has(Caps::ECHO_MESSAGE);
        let to_nick = self
            .clients
            .get(&to)
            .and_then(|c| c.nick.clone())
            .unwrap_or_default();
        let away = self.clients.get(&to).and_then(|c| c.away.clone());
        let body = build(&prefix, command, &[&to_nick], Some(text));
        let tags = Tags {
            time_ms: Some(now_ms),
            msgid: None,
            bot: from.bot,
        };
        let mut recipients = vec![to];
        if echo && to != id {
            recipients.push(id);
        }
        self.fan_out(&recipients, &body, tags);
        if let (Some(away), false) = (away, command == "NOTICE") {
            self.reply(id, RPL_AWAY, &[&to_nick], &away);
        }
    }

    /// A message a local member said: to the other IRC users in the channel, and to
    /// the sender too if it asked for echo-message.
    fn show_local_message(
        &mut self,
        room: &RoomName,
        from: ClientId,
        command: &str,
        chat: &ChatMessage,
    ) {
        let Some(client) = self.clients.get(&from) else {
            return;
        };
        let prefix = client.prefix();
        let echo = client.caps.has(Caps::ECHO_MESSAGE);
        let bot = client.bot;
        let recipients: Vec<ClientId> = self
            .members_of(room)
            .into_iter()
            .filter(|&m| m != from || echo)
            .collect();
        self.deliver_text(room, &recipients, &prefix, command, chat, bot);
    }

    /// `chat` as PRIVMSG/NOTICE lines from `prefix`: split to fit, `/me` as ACTION,
    /// tagged `bot` if its sender is one.
    pub(super) fn deliver_text(
        &mut self,
        room: &RoomName,
        to: &[ClientId],
        prefix: &str,
        command: &str,
        chat: &ChatMessage,
        bot: bool,
    ) {
        let channel = channel_of(room);
        let (action, text) = match chat.text.strip_prefix(ACTION_PREFIX) {
            Some(rest) => (true, rest),
            None => (false, chat.text.as_str()),
        };
        // Every line carries the mark: a reader sees any one of them alone.
        let mark = line_mark(chat);
        // `:prefix COMMAND #channel :` and CRLF around the text, the CTCP wrapping and
        // the mark with its space. Control pictures take 3 bytes for the control's 1,
        // so pieces are cut to a third of what is left before they are made visible.
        let overhead = prefix.len()
            + command.len()
            + channel.len()
            + 7
            + if action { 9 } else { 0 }
            + mark.as_ref().map_or(0, |m| m.len() + 1);
        let budget = crate::irc::limits::IRC_LINE_MAX_BYTES.saturating_sub(overhead);
        let has_controls = text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
        let split_budget = if has_controls { budget / 3 } else { budget };
        let tags = Tags {
            time_ms: Some(chat.t),
            msgid: Some(chat.id.as_str()),
            bot,
        };
        for piece in split_text(text, split_budget) {
            let piece = visible(piece);
            let said = match &mark {
                Some(mark) => format!("{mark} {piece}"),
                None => piece.into_owned(),
            };
            let body = if action {
                build(
                    prefix,
                    command,
                    &[&channel],
                    Some(&format!("\u{1}ACTION {said}\u{1}")),
                )
            } else {
                build(prefix, command, &[&channel], Some(&said))
            };
            self.fan_out(to, &body, tags);
        }
    }

    /// What a room reported, as IRC lines to the channel's IRC users.
    pub(super) fn show(&mut self, room: &RoomName, events: Vec<RoomEvent>, now_ms: u64) {
        self.tell_agents(room, &events, now_ms);
        let mut history: Vec<ChatMessage> = Vec::new();
        for event in events {
            match event {
                RoomEvent::Message(chat) if chat.history => history.push(chat),
                event => self.show_event(room, event, now_ms),
            }
        }
        if !history.is_empty() {
            let members = self.members_of(room);
            self.show_history(room, &members, &history);
        }
    }

    fn show_event(&mut self, room: &RoomName, event: RoomEvent, now_ms: u64) {
        let channel = channel_of(room);
        let members = self.members_of(room);
        match event {
            // IRC shows a handle once: impostors never, and a second key of a handle
            // that is already here neither joins nor parts it.
            RoomEvent::PeerJoined { peer } | RoomEvent::PeerLeft { peer, .. }
                if peer.trust == Trust::Impostor || self.handle_shown(room, &peer) => {}
            RoomEvent::PeerJoined { peer } if !peer.is_self => {
                let body = build(
                    &peer_prefix(peer.handle.as_str()),
                    "JOIN",
                    &[&channel],
                    None,
                );
                self.fan_out(&members, &body, Tags::default());
            }
            RoomEvent::PeerLeft {
                peer,
                reason: LeaveReason::Kicked,
            } if !peer.is_self => {
                let prefix = self
                    .host_prefix(room)
                    .unwrap_or_else(|| self.info.name.clone());
                let body = build(
                    &prefix,
                    "KICK",
                    &[&channel, peer.handle.as_str()],
                    Some("Kicked by the host"),
                );
                self.fan_out(&members, &body, Tags::default());
            }
            RoomEvent::PeerLeft { peer, reason } if !peer.is_self => {
                let why = match reason {
                    LeaveReason::Left => "left the room",
                    LeaveReason::Timeout => "timed out",
                    LeaveReason::Crowded => "made way in a full room (unsigned and silent)",
                    LeaveReason::Kicked => "kicked by the host",
                };
                let body = build(
                    &peer_prefix(peer.handle.as_str()),
                    "PART",
                    &[&channel],
                    Some(why),
                );
                self.fan_out(&members, &body, Tags::default());
            }
            RoomEvent::PeerJoined { .. } | RoomEvent::PeerLeft { .. } => {}
            RoomEvent::HostPresent { host, verified } => {
                let how = if verified {
                    "signed with its key"
                } else {
                    "unverified: a Party v1 client, which cannot sign"
                };
                self.channel_notice(
                    &members,
                    &channel,
                    &format!("The host {host} is here ({how})"),
                );
            }
            RoomEvent::HostAway { host, .. } => {
                self.channel_notice(&members, &channel, &format!("The host {host} is away"));
            }
            RoomEvent::Message(chat) => {
                let local = self.by_peer.get(&chat.from).copied();
                match local {
                    // A member's own words come back only as an echo, which core drops.
                    Some(_) => {}
                    // Not from the nick it claims: said by the server, flagged.
                    None if chat.trust == Trust::Impostor => {
                        let server = self.info.name.clone();
                        self.deliver_text(room, &members, &server, "NOTICE", &chat, false);
                    }
                    None => {
                        let prefix = peer_prefix(chat.handle.as_str());
                        let bot = chat.handle.is_bot();
                        self.deliver_text(room, &members, &prefix, "PRIVMSG", &chat, bot);
                    }
                }
            }
            RoomEvent::KeyMismatch { handle, .. } => {
                self.channel_notice(&members, &channel, &format!("Warning: someone claims to be {handle} with a different key; what they say is shown as <impostor of {handle}> (possible impersonation)"));
            }
            RoomEvent::KeyConflict { handle, keys, .. } => {
                self.channel_notice(&members, &channel, &format!("Warning: {} keys claim to be {handle} in this room and none was vouched for; their lines are marked [contested] (check the host's link before trusting either)", keys.len()));
            }
            RoomEvent::Rejected { reason, .. } => {
                tracing::debug!(%channel, "room input rejected: {reason}");
            }
            RoomEvent::Delivery {
                status: Delivery::Failed,
                ..
            } => {
                self.channel_notice(
                    &members,
                    &channel,
                    "A line said here was not confirmed by the Party broker and may not have reached the room",
                );
            }
            // IRC shows what was said as it is said; the bridge tells of the broker's
            // comings and goings itself.
            // IRC has no typing without IRCv3 message tags the bridge does not offer.
            RoomEvent::Delivery { .. } | RoomEvent::Live { .. } | RoomEvent::Typing { .. } => {}
            // IRC users are agents nobody owns through the bridge: drafts and forwards
            // are between a person's page and their own agent.
            RoomEvent::Draft { .. } | RoomEvent::Forwarded { .. } => {}
            event @ (RoomEvent::Held { .. }
            | RoomEvent::Policy { .. }
            | RoomEvent::Sanction { .. }
            | RoomEvent::Grant { .. }
            | RoomEvent::Description { .. }) => self.show_rule_event(room, event, now_ms),
        }
    }

    /// Whether another identity of `peer`'s handle (not an impostor) is still in the
    /// room, so IRC already shows, and keeps showing, that nick.
    fn handle_shown(&self, room: &RoomName, peer: &PeerInfo) -> bool {
        self.rooms.get(room).is_some_and(|joined| {
            joined.room().peers().iter().any(|other| {
                other.handle == peer.handle
                    && other.peer_id != peer.peer_id
                    && other.trust != Trust::Impostor
                    && !other.is_self
            })
        })
    }

    fn channel_notice(&mut self, to: &[ClientId], channel: &str, text: &str) {
        let body = build(&self.info.name, "NOTICE", &[channel], Some(text));
        self.fan_out(to, &body, Tags::default());
    }

    /// Earlier messages, between a NOTICE header and footer, each with its original
    /// time for clients that negotiated server-time.
    fn show_history(&mut self, room: &RoomName, to: &[ClientId], history: &[ChatMessage]) {
        let channel = channel_of(room);
        let count = history.len();
        let plural = if count == 1 { "" } else { "s" };
        self.channel_notice(
            to,
            &channel,
            &format!("Room history: {count} earlier message{plural}"),
        );
        for chat in history {
            let (prefix, bot) = match self
                .by_peer
                .get(&chat.from)
                .and_then(|c| self.clients.get(c))
            {
                Some(client) => (client.prefix(), client.bot),
                None => (peer_prefix(chat.handle.as_str()), chat.handle.is_bot()),
            };
            self.deliver_text(room, to, &prefix, "PRIVMSG", chat, bot);
        }
        self.channel_notice(to, &channel, "End of room history");
    }

    /// On JOIN: what the room already holds, for the joiner only.
    pub(super) fn replay_history(&mut self, id: ClientId, room: &RoomName) {
        let Some(joined) = self.rooms.get(room) else {
            return;
        };
        let history: Vec<ChatMessage> = joined.room().history().iter().cloned().collect();
        if !history.is_empty() {
            self.show_history(room, &[id], &history);
        }
    }

    /// On JOIN of a host's room: whether the host is here.
    pub(super) fn host_status_notice(&mut self, id: ClientId, room: &RoomName) {
        let Some(joined) = self.rooms.get(room) else {
            return;
        };
        let Some(host) = joined.room().host().cloned() else {
            return;
        };
        let here: Option<PeerInfo> = joined.room().peers().into_iter().find(|p| p.handle == host);
        let text = match here {
            Some(peer) if peer.verified => format!("This is {host}'s room; the host is here"),
            Some(_) => format!("This is {host}'s room; someone unverified claims to be the host"),
            None => format!("This is {host}'s room; the host is not here"),
        };
        let body = build(&self.info.name, "NOTICE", &[&channel_of(room)], Some(&text));
        self.send_body(id, &body);
    }
}

/// How each line of a message is marked on IRC by its sender's trust (`None`:
/// verified, no mark).
fn line_mark(chat: &ChatMessage) -> Option<String> {
    match chat.trust {
        Trust::Verified => None,
        Trust::Unverified => Some("[unverified]".to_owned()),
        Trust::Contested => Some("[contested]".to_owned()),
        Trust::Impostor => Some(format!("<impostor of {}>", chat.handle)),
    }
}

/// Why a message could not go to the room, in IRC words.
fn cannot_send(err: &SendError) -> String {
    match err {
        SendError::Offline => {
            "Cannot send to channel: the Party broker is unreachable, so your message was not sent"
                .into()
        }
        other => format!("Cannot send to channel: {other}"),
    }
}

/// The room text for an IRC message: CTCP ACTION becomes `/me …`; other CTCP has no
/// meaning in a room and is refused; formatting codes are taken out.
fn room_text(text: &str) -> Result<String, String> {
    let Some(ctcp) = text.strip_prefix('\u{1}') else {
        return Ok(strip_formatting(text));
    };
    let ctcp = ctcp.strip_suffix('\u{1}').unwrap_or(ctcp);
    match ctcp.split_once(' ') {
        Some((verb, rest)) if verb.eq_ignore_ascii_case("ACTION") => {
            Ok(format!("{ACTION_PREFIX}{}", strip_formatting(rest)))
        }
        _ => Err("Cannot send to channel: CTCP requests are not carried into Party rooms".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_become_me_texts_and_other_ctcp_is_refused() {
        assert_eq!(room_text("\u{1}ACTION waves\u{1}").unwrap(), "/me waves");
        assert_eq!(room_text("plain").unwrap(), "plain");
        assert!(room_text("\u{1}VERSION\u{1}").unwrap_err().contains("CTCP"));
    }

    #[test]
    fn formatting_is_taken_out_of_what_goes_to_the_room() {
        assert_eq!(room_text("\u{2}bold\u{2} \u{3}4red").unwrap(), "bold red");
        assert_eq!(
            room_text("\u{1}ACTION \u{1d}waves\u{1}").unwrap(),
            "/me waves"
        );
    }
}
