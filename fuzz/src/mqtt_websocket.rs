//! The broker's MQTT frame path over WebSocket: the bytes a browser's socket carries
//! after the handshake, unframed by the same WebSocket layer and limits as
//! party-broker (tungstenite as a server, `ws_stream_tungstenite`), then decoded as
//! MQTT 3.1.1 by the vendored rumqttd's reader.
use async_tungstenite::tokio::TokioAdapter;
use async_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use async_tungstenite::WebSocketStream;
use bytes::BytesMut;
use party_core::limits::{MAX_MQTT_PACKET_BYTES, MAX_MQTT_REMAINING_BYTES};

/// party-broker's own tuning, from the file the broker builds it from.
#[path = "../../broker/src/tuning.rs"]
#[allow(dead_code)]
mod broker_tuning;
use broker_tuning::BROKER_WEBSOCKET_READ_BUFFER_BYTES;
use rumqttd::protocol::v4::V4;
use rumqttd::protocol::Protocol;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use ws_stream_tungstenite::WsStream;

fn main() {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return;
    };
    afl::fuzz!(|data: &[u8]| {
        runtime.block_on(async {
            let (mut client, server) = tokio::io::duplex(64 * 1024);
            let config = WebSocketConfig::default()
                .read_buffer_size(BROKER_WEBSOCKET_READ_BUFFER_BYTES)
                .max_message_size(Some(MAX_MQTT_PACKET_BYTES))
                .max_frame_size(Some(MAX_MQTT_PACKET_BYTES));
            let socket = WebSocketStream::from_raw_socket(
                TokioAdapter::new(server),
                Role::Server,
                Some(config),
            )
            .await;
            let mut stream = WsStream::new(socket);
            let input = data.to_vec();
            let writer = async move {
                let _ = client.write_all(&input).await;
                let _ = client.shutdown().await;
                // Keep the client end open until the reader is done with it.
                let mut sink = Vec::new();
                let _ = client.read_to_end(&mut sink).await;
            };
            let reader = async move {
                let mut buffer = BytesMut::new();
                let mut chunk = vec![0u8; 8 * 1024];
                let mut codec = V4;
                loop {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            buffer.extend_from_slice(&chunk[..n]);
                            while codec
                                .read_mut(&mut buffer, MAX_MQTT_REMAINING_BYTES)
                                .is_ok()
                            {}
                        }
                    }
                }
            };
            tokio::join!(writer, reader);
        });
    });
}
