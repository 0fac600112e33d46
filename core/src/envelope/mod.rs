//! Envelopes: the JSON objects on a room topic, in Party v1's shapes plus our signed
//! extensions (`sig`, `pk`, `auth`, `name`, and the `leave` type).
//!
//! One module per envelope type, each implementing [`body::Body`]: its fields, its
//! JSON shape, its canonical signing items and its checks. The JSON encoder, the
//! canonical form and the decoder all read that one description. A new type is a new
//! module plus one line in `envelope_types!` below.

mod approve;
mod body;
mod decode;
mod departure;
mod description;
mod draft;
mod encode;
mod error;
mod fields;
mod forward;
mod grant;
mod history_request;
mod history_response;
mod invited;
mod json;
mod log_entry;
mod msg;
mod presence;
mod room_policy;
mod roster;
mod sanction;
mod seal_fields;
mod sealed;
mod text;
mod typing;

pub use approve::{Approve, DraftEntry};
pub use decode::{decode, parse, EntryRejection, Parsed, Received};
pub use departure::{Departure, LegacyPresence};
pub use description::{Description, DescriptionTooLong};
pub use draft::Draft;
pub use encode::{encode_signed, encode_unsigned};
pub use error::DecodeError;
pub use forward::Forward;
pub use grant::{Consent, Grant};
pub use history_request::HistoryRequest;
pub use history_response::HistoryResponse;
pub use invited::Invited;
pub use json::SEAL_JSON_MAX_BYTES;
pub use log_entry::LogEntry;
pub use msg::Msg;
pub use presence::Presence;
pub use room_policy::RoomPolicy;
pub use roster::{PresenceEntry, Roster};
pub use sanction::Sanction;
pub use sealed::Sealed;
pub use text::{ChatText, TextError};
pub use typing::Typing;

pub(crate) use body::{Body, FieldSink};
pub(crate) use encode::encode_sealed;
pub(crate) use sealed::{json_len, Relayed};

use body::ParseContext;
use decode::check;
use fields::Object;

use crate::ids::{Handle, PeerId};

/// The registration point: each envelope type, its body and its `type` string. The
/// macro writes the dispatch every type needs, so no other code matches on all types.
macro_rules! envelope_types {
    ($($(#[$doc:meta])* $variant:ident($body:ty) = $name:literal,)*) => {
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Envelope {
            $($(#[$doc])* $variant($body),)*
        }

        impl Envelope {
            /// The `type` field.
            pub fn type_name(&self) -> &'static str {
                match self {
                    $(Envelope::$variant(_) => $name,)*
                }
            }

            /// The sender's per-connection peer id.
            pub fn from(&self) -> &PeerId {
                match self {
                    $(Envelope::$variant(body) => &body.from,)*
                }
            }

            /// The sender's clock, exactly as sent (and signed).
            pub fn t(&self) -> u64 {
                match self {
                    $(Envelope::$variant(body) => body.t,)*
                }
            }

            /// The handle the sender claims, for the types that carry one.
            pub fn handle(&self) -> Option<&Handle> {
                match self {
                    $(Envelope::$variant(body) => body.handle(),)*
                }
            }

            /// The type's own fields, in wire and canonical order.
            pub(crate) fn fields<S: FieldSink>(&self, sink: &mut S) {
                match self {
                    $(Envelope::$variant(body) => body.fields(sink),)*
                }
            }

            fn parse(kind: &str, obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
                match kind {
                    $($name => Ok(Envelope::$variant(<$body>::parse(obj, ctx)?)),)*
                    other => Err(DecodeError::UnknownType(other.chars().take(40).collect())),
                }
            }

            fn verify_parts(
                &mut self,
                topic: &str,
                rejected: &mut Vec<EntryRejection>,
                known: &dyn Fn(&LogEntry) -> bool,
            ) {
                match self {
                    $(Envelope::$variant(body) => body.verify_parts(topic, rejected, known),)*
                }
            }

            fn drop_parts(&mut self) {
                match self {
                    $(Envelope::$variant(body) => body.drop_parts(),)*
                }
            }
        }
    };
}

envelope_types! {
    /// A presence beat, sent every `ANNOUNCE_INTERVAL_MS`.
    Announce(Presence) = "announce",
    /// A chat message.
    Msg(Msg) = "msg",
    /// A joiner asking the room for its history.
    HistoryRequest(HistoryRequest) = "history-request",
    /// History for one joiner.
    HistoryResponse(HistoryResponse) = "history-response",
    /// An explicit departure (also our MQTT Last Will), so peers need not wait 90 s.
    Leave(Departure) = "leave",
    /// Who is here, for one joiner.
    Roster(Roster) = "roster",
    /// Someone is writing a message (shown for a few seconds).
    Typing(Typing) = "typing",
    /// The host's rules for agents (counts only under the host's pinned key).
    Policy(RoomPolicy) = "policy",
    /// The host sends a handle away for a while (host's key only).
    Kick(Sanction) = "kick",
    /// The host silences a handle for a while (host's key only).
    Mute(Sanction) = "mute",
    /// What the host says the room is for (host's key only).
    Description(Description) = "description",
    /// An agent takes up a person's invite.
    Invited(Invited) = "invited",
    /// A person confirms an agent as theirs, at a level.
    Grant(Grant) = "grant",
    /// An owned agent's draft, for its owner alone.
    Draft(Draft) = "draft",
    /// An owner lets their agent's draft into the room.
    Approve(Approve) = "approve",
    /// A person hands a message to their own agent.
    Forward(Forward) = "forward",
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
