//! Getting lines to clients: numerics, notices, and one line fanned out to many, with
//! the tags each recipient negotiated. Queues are bounded and never waited on: a
//! client whose queue is full is cut off (`SendQ exceeded`) instead of slowing the
//! channel for everyone.

use crate::irc::line::{build, finish};
use crate::irc::tags;
use crate::sendq::Pushed;

use super::{Caps, Client, ClientId, Hub};

/// The tags a line may carry, each sent only to clients that enabled its capability.
#[derive(Clone, Copy, Default)]
pub(super) struct Tags<'a> {
    /// server-time: when the message was said (Unix ms).
    pub time_ms: Option<u64>,
    /// message-tags: the Party message id.
    pub msgid: Option<&'a str>,
    /// message-tags: the sender is an agent (IRCv3 bot mode).
    pub bot: bool,
}

impl Hub {
    /// Queues a finished line for `id`.
    pub(super) fn send(&mut self, id: ClientId, line: &[u8]) {
        if let Some(client) = self.clients.get_mut(&id) {
            stage(&mut self.dirty, id, client, line);
        }
    }

    /// Hands every client's lines of this step to its connection: one queue lock and
    /// at most one wake-up per client per step, however many lines it got.
    pub fn flush(&mut self) {
        for id in std::mem::take(&mut self.dirty) {
            if let Some(client) = self.clients.get_mut(&id) {
                if client.hand_over() == Pushed::Overflowed {
                    self.doomed.push(id);
                }
            }
        }
    }

    /// Ends a step: output handed over, and clients whose queue overflowed cut off
    /// (their QUIT is output too, so this repeats until nothing is left).
    pub fn settle(&mut self, now_ms: u64) {
        loop {
            self.flush();
            if self.doomed.is_empty() {
                return;
            }
            self.reap(now_ms);
        }
    }

    /// Queues a line body (no CRLF) for `id`.
    pub(super) fn send_body(&mut self, id: ClientId, body: &str) {
        self.send(id, &finish(None, body));
    }

    /// `:server <code> <nick> <middle...> :<trailing>`.
    pub(super) fn reply(&mut self, id: ClientId, code: u16, middle: &[&str], trailing: &str) {
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        let code = format!("{code:03}");
        let mut params = Vec::with_capacity(middle.len() + 1);
        params.push(client.nick_or_star());
        params.extend_from_slice(middle);
        let body = build(&self.info.name, &code, &params, Some(trailing));
        self.send_body(id, &body);
    }

    /// `:server <code> <nick> <params...>`, for replies whose last parameter is a plain
    /// word (004, 221, 324), which clients expect without a trailing colon.
    pub(super) fn reply_words(&mut self, id: ClientId, code: u16, words: &[&str]) {
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        let code = format!("{code:03}");
        let mut params = Vec::with_capacity(words.len() + 1);
        params.push(client.nick_or_star());
        params.extend_from_slice(words);
        let body = build(&self.info.name, &code, &params, None);
        self.send_body(id, &body);
    }

    /// A NOTICE from the server to this client.
    pub(super) fn server_notice(&mut self, id: ClientId, text: &str) {
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        let body = build(
            &self.info.name,
            "NOTICE",
            &[client.nick_or_star()],
            Some(text),
        );
        self.send_body(id, &body);
    }

    /// One line body to each of `to`, tagged per recipient's capabilities. Lines are
    /// built once per distinct tag set, not once per recipient.
    pub(super) fn fan_out(&mut self, to: &[ClientId], body: &str, tags: Tags<'_>) {
        let mut built: [Option<Vec<u8>>; 8] = Default::default();
        for &id in to {
            let Some(client) = self.clients.get_mut(&id) else {
                continue;
            };
            let time = tags.time_ms.filter(|_| client.caps.has(Caps::SERVER_TIME));
            let msgid = tags.msgid.filter(|_| client.caps.has(Caps::MESSAGE_TAGS));
            let bot = tags.bot && client.caps.has(Caps::MESSAGE_TAGS);
            let slot = usize::from(time.is_some())
                | (usize::from(msgid.is_some()) << 1)
                | (usize::from(bot) << 2);
            let line = built[slot].get_or_insert_with(|| {
                let mut parts = Vec::new();
                if let Some(t) = time {
                    parts.push(tags::time(t));
                }
                if let Some(id) = msgid {
                    parts.push(format!("msgid={}", tags::escape_value(id)));
                }
                if bot {
                    parts.push("bot".to_owned());
                }
                if parts.is_empty() {
                    finish(None, body)
                } else {
                    finish(Some(&parts.join(";")), body)
                }
            });
            stage(&mut self.dirty, id, client, line);
        }
    }
}

/// Adds `line` to `client`'s output of this step, noting the client for `flush`.
/// Takes the hub's fields apart so a fan-out can stage while it holds the client.
fn stage(dirty: &mut Vec<ClientId>, id: ClientId, client: &mut Client, line: &[u8]) {
    if client.stage(line) {
        dirty.push(id);
    }
}
