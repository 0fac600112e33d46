//! Accepting TCP connections the way both listeners need: never giving up on a
//! transient error, and never leaving Nagle on.

use std::net::SocketAddr;
use std::time::Duration;

use crate::tuning::{
    ACCEPT_ERROR_BACKOFF_MS, TCP_KEEPALIVE_IDLE_SECS, TCP_KEEPALIVE_INTERVAL_SECS,
    TCP_KEEPALIVE_PROBES, TCP_USER_TIMEOUT_SECS,
};
use socket2::{SockRef, TcpKeepalive};
use tokio::net::{TcpListener, TcpStream};
use tracing::{error, warn};

/// The next connection, with `TCP_NODELAY` and TCP keepalive set. An accept error (say, out of file
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
                // A peer that vanished without a FIN (a phone off the network) is
                // found by the kernel even when its protocol has no keepalive of its
                // own (MQTT keepalive 0, an idle IRC client between our PINGs).
                let keepalive = TcpKeepalive::new()
                    .with_time(Duration::from_secs(TCP_KEEPALIVE_IDLE_SECS))
                    .with_interval(Duration::from_secs(TCP_KEEPALIVE_INTERVAL_SECS))
                    .with_retries(TCP_KEEPALIVE_PROBES);
                let socket = SockRef::from(&stream);
                if let Err(e) = socket.set_tcp_keepalive(&keepalive) {
                    warn!(listener = name, error = %e, "cannot set TCP keepalive; dead peers may linger");
                }
                #[cfg(target_os = "linux")]
                if let Err(e) =
                    socket.set_tcp_user_timeout(Some(Duration::from_secs(TCP_USER_TIMEOUT_SECS)))
                {
                    warn!(listener = name, error = %e, "cannot set TCP_USER_TIMEOUT; dead peers may linger");
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
