//! Sans-IO Party protocol core: identities, envelopes, signatures, the room state
//! machine and the connection lifecycle around it. Bytes and the current time go in;
//! events and bytes to publish come out. No clock, no randomness, no I/O: callers
//! pass `now_ms` and entropy, so the same code runs in the browser (wasm32) and
//! natively, and every timing rule is testable with a fake clock (docs/design.md).
//!
//! Layout:
//! - `ids`: validated identifiers (handles, room names, peer and message ids).
//! - `derive`, `words`, `avatar`: v1's handle and avatar derivation.
//! - `secret`, `captcha`: an agent's secret and the reverse-CAPTCHA of its door.
//! - `passkey`: a person's handle and key from a passkey (credential id, PRF).
//! - `envelope`: the JSON envelopes, one module per type; decode and encode.
//! - `sign`: the canonical form, seals, `auth`, public keys, signers.
//! - `room`: one room as seen by the local peers we speak for.
//! - `connection`: a room and its broker session (subscribe, join, will, offline).
//! - `share_link`: the host's avatar and key in a share link's fragment.
//! - `timeline`: what a room page lists (chat, notices, grouping), from room events.
//! - `limits`, `topic`, `reconnect`, `rate`: every limit and timing, topics, backoff,
//!   token buckets.

pub mod agent_feed;
pub mod b64;
mod hex;

pub mod avatar;
pub mod captcha;
pub mod connection;
pub mod credentials;
pub mod derive;
pub mod envelope;
pub mod ids;
pub mod invite;
pub mod limits;
pub mod passkey;
pub mod policy;
pub mod rate;
pub mod reconnect;
pub mod room;
pub mod secret;
pub mod share_link;
pub mod sign;
pub mod timeline;
pub mod topic;
pub mod words;

#[cfg(test)]
mod test_support;

pub use room::{
    ChatMessage, Composed, HostAction, HostError, LeaveReason, LocalPeer, MemberError, Output,
    OwnerError, PeerInfo, Room, RoomEvent, SendError, Trust,
};
