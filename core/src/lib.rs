//! Sans-IO Party protocol core: identities, envelopes, signatures and the room state
//! machine. Bytes and the current time go in; events and bytes to publish come out.
//! No clock, no randomness, no I/O: callers pass `now_ms` and entropy, so the same
//! code runs in the browser (wasm32) and natively, and every timing rule is testable
//! with a fake clock.

mod b64;
mod hex;

pub mod avatar;
pub mod captcha;
pub mod derive;
pub mod envelope;
pub mod ids;
pub mod limits;
pub mod passkey;
pub mod reconnect;
pub mod room;
pub mod secret;
pub mod sign;
pub mod topic;
pub mod words;

pub use room::{
    ChatMessage, Composed, LeaveReason, LocalPeer, MemberError, Output, PeerInfo, Room, RoomEvent,
    SendError,
};
