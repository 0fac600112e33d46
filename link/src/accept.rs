//! Accepting TCP connections the way both listeners need: never giving up on a
//! transient error, and never leaving Nagle on.

use std::net::SocketAddr;
use std::time::Duration;

use party_core::limits::ACCEPT_ERROR_BACKOFF_MS;
use tokio::net::{TcpListener, TcpStream};
use tracing::{error, warn};

/// The next connection, with `TCP_NODELAY` set. An accept error (say, out of file
/// descriptors) is logged and retried after a pause, so the loop does not spin while
/// the condition lasts. `name` labels the listener in logs.
pub async fn next(listener: &TcpListener, name: &str) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                // Without it, small MQTT packets wait for delayed ACKs (about 40 ms each).
                if let Err(e) = stream.set_nodelay(true) {
                    warn!(listener = name, error = %e, "cannot set TCP_NODELAY; small messages may be delayed");
                }
                return (stream, peer);
            }
            Err(e) => {
                error!(listener = name, error = %e, "cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(ACCEPT_ERROR_BACKOFF_MS)).await;
            }
        }
    }
}
