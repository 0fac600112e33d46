//! MQTT over WebSocket on the HTTP port: the RFC 6455 handshake answered through
//! hyper's upgrade, then the upgraded stream adapted to bytes and handed to rumqttd.
//!
//! Doing the handshake here rather than in a second listener is what lets a browser
//! reach the SPA and the broker on one port without a proxy hop.

use async_tungstenite::tokio::TokioAdapter;
use async_tungstenite::tungstenite::handshake::derive_accept_key;
use async_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use async_tungstenite::WebSocketStream;
use hyper::body::Incoming;
use hyper::header::{
    HeaderMap, HeaderValue, CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use hyper::{Method, Request, StatusCode, Version};
use hyper_util::rt::TokioIo;
use rumqttd::{LinkType, RemoteAcceptor};
use tracing::{debug, warn};
use ws_stream_tungstenite::WsStream;

use crate::response::{self, HttpResponse};
use party_core::limits::MAX_MQTT_PACKET_BYTES;

use crate::tuning::BROKER_WEBSOCKET_READ_BUFFER_BYTES;

/// The subprotocol MQTT clients offer (MQTT 3.1.1 §6); browsers fail the connection
/// when they offered one and the server does not echo it.
const MQTT_SUBPROTOCOL: &str = "mqtt";

/// True when the request asks for a WebSocket at all; anything else on the MQTT path
/// gets a plain explanation instead of a handshake error.
pub fn is_upgrade_request(headers: &HeaderMap) -> bool {
    has_token(headers, &UPGRADE, "websocket")
}

/// Answers the handshake and, once hyper hands over the connection, serves MQTT on it.
/// `hold` is kept until that stream ends (the connection's place in the budget).
pub fn accept(
    mut request: Request<Incoming>,
    acceptor: RemoteAcceptor,
    hold: impl Send + 'static,
) -> HttpResponse {
    let accept_key = match validate(&request) {
        Ok(key) => key,
        Err(rejection) => return rejection.into_response(),
    };
    let offers_mqtt = offered_subprotocols(request.headers()).any(|p| p == MQTT_SUBPROTOCOL);
    let upgrade = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        match upgrade.await {
            Ok(upgraded) => {
                let config = WebSocketConfig::default()
                    .read_buffer_size(BROKER_WEBSOCKET_READ_BUFFER_BYTES)
                    .max_message_size(Some(MAX_MQTT_PACKET_BYTES))
                    .max_frame_size(Some(MAX_MQTT_PACKET_BYTES));
                let io = TokioAdapter::new(TokioIo::new(upgraded));
                let socket = WebSocketStream::from_raw_socket(io, Role::Server, Some(config)).await;
                acceptor
                    .serve(WsStream::new(socket), LinkType::Websocket)
                    .await;
            }
            Err(e) => debug!(error = %e, "websocket upgrade did not complete"),
        }
        drop(hold);
    });

    let mut response = response::empty(StatusCode::SWITCHING_PROTOCOLS);
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
    headers.insert(SEC_WEBSOCKET_ACCEPT, accept_key);
    if offers_mqtt {
        headers.insert(
            SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static(MQTT_SUBPROTOCOL),
        );
    }
    response
}

/// Why a handshake request was refused; turned into a response by `into_response`.
#[derive(Debug, PartialEq, Eq)]
struct Rejection {
    status: StatusCode,
    reason: &'static str,
}

impl Rejection {
    fn bad(reason: &'static str) -> Self {
        Rejection {
            status: StatusCode::BAD_REQUEST,
            reason,
        }
    }

    fn into_response(self) -> HttpResponse {
        let mut response = response::text(self.status, self.reason);
        if self.status == StatusCode::UPGRADE_REQUIRED {
            response
                .headers_mut()
                .insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
        }
        response
    }
}

/// The `Sec-WebSocket-Accept` value for a well-formed handshake request.
fn validate<B>(request: &Request<B>) -> Result<HeaderValue, Rejection> {
    let headers = request.headers();
    if request.method() != Method::GET || request.version() != Version::HTTP_11 {
        return Err(Rejection::bad("a WebSocket handshake is an HTTP/1.1 GET"));
    }
    if !has_token(headers, &CONNECTION, "upgrade") || !is_upgrade_request(headers) {
        return Err(Rejection::bad(
            "a WebSocket handshake needs Connection: Upgrade and Upgrade: websocket",
        ));
    }
    if headers
        .get(SEC_WEBSOCKET_VERSION)
        .map(HeaderValue::as_bytes)
        != Some(b"13")
    {
        return Err(Rejection {
            status: StatusCode::UPGRADE_REQUIRED,
            reason: "only WebSocket version 13 is supported",
        });
    }
    let key = headers
        .get(SEC_WEBSOCKET_KEY)
        .map(HeaderValue::as_bytes)
        .filter(|key| !key.is_empty())
        .ok_or(Rejection::bad(
            "a WebSocket handshake needs Sec-WebSocket-Key",
        ))?;
    // The accept key is base64, always a valid header value.
    HeaderValue::from_str(&derive_accept_key(key)).map_err(|e| {
        warn!(error = %e, "derived WebSocket accept key is not a header value");
        Rejection {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            reason: "handshake failed",
        }
    })
}

fn offered_subprotocols(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
}

/// Comma-separated header tokens are case-insensitive (RFC 9110 §7.8, RFC 6455 §4.2.1).
fn has_token(headers: &HeaderMap, name: &hyper::header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handshake() -> hyper::http::request::Builder {
        Request::get("/mqtt")
            .header(CONNECTION, "keep-alive, Upgrade")
            .header(UPGRADE, "websocket")
            .header(SEC_WEBSOCKET_VERSION, "13")
            .header(SEC_WEBSOCKET_KEY, "dGhlIHNhbXBsZSBub25jZQ==")
    }

    #[test]
    fn accept_key_matches_rfc6455_example() {
        let request = handshake().body(()).unwrap();
        let key = validate(&request).unwrap();
        assert_eq!(key, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn missing_key_or_wrong_version_is_refused() {
        let no_key = Request::get("/mqtt")
            .header(CONNECTION, "Upgrade")
            .header(UPGRADE, "websocket")
            .header(SEC_WEBSOCKET_VERSION, "13")
            .body(())
            .unwrap();
        assert_eq!(
            validate(&no_key).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );

        let mut old = handshake().body(()).unwrap();
        old.headers_mut()
            .insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("8"));
        assert_eq!(
            validate(&old).unwrap_err().status,
            StatusCode::UPGRADE_REQUIRED
        );
    }

    #[test]
    fn post_is_not_a_handshake() {
        let mut request = handshake().body(()).unwrap();
        *request.method_mut() = Method::POST;
        assert_eq!(
            validate(&request).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn subprotocol_offers_are_split_and_trimmed() {
        let request = handshake()
            .header(SEC_WEBSOCKET_PROTOCOL, "mqttv3.1, mqtt")
            .body(())
            .unwrap();
        let offered: Vec<_> = offered_subprotocols(request.headers()).collect();
        assert_eq!(offered, ["mqttv3.1", "mqtt"]);
    }

    #[test]
    fn upgrade_tokens_are_case_insensitive() {
        let request = Request::get("/mqtt")
            .header(UPGRADE, "WebSocket")
            .body(())
            .unwrap();
        assert!(is_upgrade_request(request.headers()));
    }
}
