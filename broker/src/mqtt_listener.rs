//! Accept loop for MQTT over plain TCP.

use std::convert::Infallible;

use rumqttd::{LinkType, RemoteAcceptor};
use tokio::net::TcpListener;
use tracing::debug;

use party_link::accept;

/// Runs until the process stops; each connection is its own task, so one client's
/// bad input ends only that task.
pub async fn run(listener: TcpListener, acceptor: RemoteAcceptor) -> Infallible {
    loop {
        let (stream, peer) = accept::next(&listener, "mqtt").await;
        debug!(%peer, "mqtt connection");
        let acceptor = acceptor.clone();
        tokio::spawn(async move { acceptor.serve(stream, LinkType::Remote).await });
    }
}
