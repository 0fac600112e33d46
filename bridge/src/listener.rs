//! The IRC listener: accept, enforce the connection caps, hand each connection to its
//! own task.

use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

use crate::connection;
use crate::shared::{Refusal, Shared};

pub async fn run(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let (mut stream, peer) = party_link::accept::next(&listener, "irc").await;
        let shared = shared.clone();
        tokio::spawn(async move {
            let ip = peer.ip();
            match shared.admit(ip) {
                Ok(_slot) => connection::serve(stream, ip, shared.clone()).await,
                Err(refusal) => {
                    let why = match refusal {
                        Refusal::ServerFull => "the server is full",
                        Refusal::TooManyFromIp => "too many connections from your IP address",
                    };
                    tracing::info!(%ip, "connection refused: {why}");
                    let line = format!("ERROR :Closing Link: {ip} ({why})\r\n");
                    let _ = stream.write_all(line.as_bytes()).await;
                }
            }
        });
    }
}
