//! MQTT over WebSocket: a sans-IO client session (framing + handshake + keepalive)
//! and the browser transport that carries its bytes.

pub mod framing;
pub mod packet;
pub mod session;
pub mod transport;
