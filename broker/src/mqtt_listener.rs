//! Accept loop for MQTT over plain TCP.

use std::convert::Infallible;
use std::sync::Arc;

use rumqttd::{LinkType, RemoteAcceptor};
use tokio::net::TcpListener;
use tracing::debug;

use crate::admission::Admission;
use party_link::accept;

/// Runs until the process stops; each connection is its own task, so one client's
/// bad input ends only that task. A connection past the budget is closed at once
/// (MQTT 3.1.1 has no way to say why before CONNECT; Mosquitto closes too).
pub async fn run(
    listener: TcpListener,
    acceptor: RemoteAcceptor,
    admission: Arc<Admission>,
) -> Infallible {
    loop {
        let (stream, peer) = accept::next(&listener, "mqtt").await;
        let ticket = match admission.admit(peer.ip()) {
            Ok(ticket) => ticket,
            Err(refused) => {
                debug!(%peer, ?refused, "mqtt connection refused");
                continue;
            }
        };
        debug!(%peer, "mqtt connection");
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            acceptor.serve(stream, LinkType::Remote).await;
            drop(ticket);
        });
    }
}
