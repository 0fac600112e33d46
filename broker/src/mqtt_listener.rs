//! Accept loop for MQTT over plain TCP.

use std::convert::Infallible;

use rumqttd::{LinkType, RemoteAcceptor};
use tokio::net::TcpListener;
use tracing::{debug, error, warn};

use party_core::limits::BROKER_ACCEPT_ERROR_BACKOFF_MS;

/// Runs until the process stops; each connection is its own task, so one client's
/// bad input ends only that task.
pub async fn run(listener: TcpListener, acceptor: RemoteAcceptor) -> Infallible {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                error!(error = %e, "cannot accept an MQTT connection");
                tokio::time::sleep(std::time::Duration::from_millis(
                    BROKER_ACCEPT_ERROR_BACKOFF_MS,
                ))
                .await;
                continue;
            }
        };
        set_nodelay(&stream, "mqtt");
        debug!(%peer, "mqtt connection");
        let acceptor = acceptor.clone();
        tokio::spawn(async move { acceptor.serve(stream, LinkType::Remote).await });
    }
}

/// Without TCP_NODELAY, small MQTT packets wait for delayed ACKs (about 40 ms each).
pub fn set_nodelay(stream: &tokio::net::TcpStream, listener: &str) {
    if let Err(e) = stream.set_nodelay(true) {
        warn!(listener, error = %e, "cannot set TCP_NODELAY; small messages may be delayed");
    }
}
