//! Envelopes: the JSON objects on a room topic, in Party v1's shapes plus our signed
//! extensions (`sig`, `pk`, `auth`, `name`, and the `leave` type).

mod decode;
mod encode;
mod error;
mod fields;
mod text;

pub use decode::{decode, EntryRejection, Received};
pub use encode::{encode_signed, encode_unsigned, entry_json_len};
pub use error::DecodeError;
pub use text::{ChatText, TextError};

pub(crate) use encode::encode_sealed;

use crate::ids::{AvatarSeed, DisplayName, Handle, MessageId, PeerId};
use crate::sign::{Seal, Verification};

/// A presence beat, sent every `ANNOUNCE_INTERVAL_MS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announce {
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
    pub from: PeerId,
    pub t: u64,
}

/// A chat message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub id: MessageId,
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
    pub text: ChatText,
    pub from: PeerId,
    pub t: u64,
}

/// A joiner asking the room for its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRequest {
    pub from: PeerId,
    pub t: u64,
}

/// History for the joiner `to`: the original msg envelopes, each with its own seal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryResponse {
    pub to: PeerId,
    pub log: Vec<LogEntry>,
    pub from: PeerId,
    pub t: u64,
}

/// An explicit departure (also our MQTT Last Will), so peers need not wait 90 s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Leave {
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
    pub from: PeerId,
    pub t: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Envelope {
    Announce(Announce),
    Msg(Msg),
    HistoryRequest(HistoryRequest),
    HistoryResponse(HistoryResponse),
    Leave(Leave),
}

impl Envelope {
    /// The `type` field.
    pub fn type_name(&self) -> &'static str {
        match self {
            Envelope::Announce(_) => "announce",
            Envelope::Msg(_) => "msg",
            Envelope::HistoryRequest(_) => "history-request",
            Envelope::HistoryResponse(_) => "history-response",
            Envelope::Leave(_) => "leave",
        }
    }

    /// The sender's per-connection peer id.
    pub fn from(&self) -> &PeerId {
        match self {
            Envelope::Announce(a) => &a.from,
            Envelope::Msg(m) => &m.from,
            Envelope::HistoryRequest(r) => &r.from,
            Envelope::HistoryResponse(r) => &r.from,
            Envelope::Leave(l) => &l.from,
        }
    }

    /// The sender's clock, exactly as sent (and signed).
    pub fn t(&self) -> u64 {
        match self {
            Envelope::Announce(a) => a.t,
            Envelope::Msg(m) => m.t,
            Envelope::HistoryRequest(r) => r.t,
            Envelope::HistoryResponse(r) => r.t,
            Envelope::Leave(l) => l.t,
        }
    }

    /// The handle the sender claims, for the types that carry one.
    pub fn handle(&self) -> Option<&Handle> {
        match self {
            Envelope::Announce(a) => Some(&a.handle),
            Envelope::Msg(m) => Some(&m.handle),
            Envelope::Leave(l) => Some(&l.handle),
            Envelope::HistoryRequest(_) | Envelope::HistoryResponse(_) => None,
        }
    }
}

/// One history entry: a msg envelope and its own seal, replayed as it was sent so the
/// joiner can verify it. Only core builds these, from envelopes it verified or signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    msg: Msg,
    seal: Option<Seal>,
}

impl LogEntry {
    pub(crate) fn new(msg: Msg, seal: Option<Seal>) -> Self {
        Self { msg, seal }
    }

    pub fn msg(&self) -> &Msg {
        &self.msg
    }

    pub fn seal(&self) -> Option<&Seal> {
        self.seal.as_ref()
    }

    pub fn verification(&self) -> Verification {
        self.seal
            .as_ref()
            .map_or(Verification::Unverified, Seal::verification)
    }
}

/// Clamps a peer's timestamp into `[now - TIMESTAMP_WINDOW_MS, now]`: peers' clocks
/// are untrusted, and a message from "the future" must not sort after everything.
pub fn clamp_timestamp(t: u64, now_ms: u64) -> u64 {
    t.min(now_ms)
        .max(now_ms.saturating_sub(crate::limits::TIMESTAMP_WINDOW_MS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::TIMESTAMP_WINDOW_MS;

    #[test]
    fn timestamps_are_clamped_into_the_last_24_hours() {
        let now = 10 * TIMESTAMP_WINDOW_MS;
        assert_eq!(clamp_timestamp(now - 5, now), now - 5);
        assert_eq!(clamp_timestamp(now + 5, now), now);
        assert_eq!(clamp_timestamp(0, now), now - TIMESTAMP_WINDOW_MS);
        assert_eq!(clamp_timestamp(u64::MAX, now), now);
        assert_eq!(clamp_timestamp(0, 1_000), 0, "no underflow near the epoch");
    }
}
