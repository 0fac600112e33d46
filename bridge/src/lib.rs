//! `party-bridge` as a library, so integration tests and benchmarks drive the same
//! code the binary runs.

pub mod agents;
pub mod args;
pub mod broker_link;
pub mod connection;
pub mod http;
pub mod hub;
pub mod irc;
pub mod listener;
pub mod outbox;
pub mod room_timer;
pub mod rooms;
pub mod sendq;
pub mod shared;
pub mod tuning;
