//! What the native binaries (`party` and `party-bridge`) share beyond `core`: the I/O
//! side of a room. Core decides; this crate moves bytes, reads clocks and draws
//! randomness, the same way for every binary.

pub mod accept;
pub mod broker_url;
pub mod clock;
pub mod connection;
pub mod mqtt;
pub mod random;
pub mod tuning;

pub use broker_url::{BrokerUrl, BrokerUrlError};
pub use connection::{Link, LinkEvent};
