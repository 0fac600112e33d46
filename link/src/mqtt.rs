//! One rumqttc client configured the same way for every command: the transport the URL
//! asks for, packet limits derived from core's payload limit, and `TCP_NODELAY`
//! (rumqttc leaves Nagle on, which stalls small chat messages by tens of ms).

use std::error::Error;

use party_core::limits::{MAX_MQTT_REMAINING_BYTES, MQTT_KEEP_ALIVE_SECS};
use rumqttc::{AsyncClient, EventLoop, LastWill, MqttOptions, Transport};

use crate::broker_url::BrokerUrl;

/// A client and its event loop for `url`, under `client_id` (secret and random: see
/// `random::client_id`).
pub fn client(
    url: &BrokerUrl,
    client_id: String,
    will: Option<LastWill>,
    requests: usize,
) -> (AsyncClient, EventLoop) {
    let mut options = match url {
        BrokerUrl::Tcp { host, port } => MqttOptions::new(client_id, host.as_str(), *port),
        BrokerUrl::Ws { url } => {
            // For WebSockets rumqttc takes host and port from the URL itself.
            let mut options = MqttOptions::new(client_id, url.as_str(), 0);
            options.set_transport(Transport::Ws);
            options
        }
    };
    options.set_max_packet_size(MAX_MQTT_REMAINING_BYTES, MAX_MQTT_REMAINING_BYTES);
    options.set_keep_alive(std::time::Duration::from_secs(u64::from(
        MQTT_KEEP_ALIVE_SECS,
    )));
    if let Some(will) = will {
        options.set_last_will(will);
    }
    let (client, mut eventloop) = AsyncClient::new(options, requests);
    eventloop.network_options.set_tcp_nodelay(true);
    (client, eventloop)
}

/// An error with its causes, without repeating a cause the message already quotes
/// (rumqttc's errors sometimes do, sometimes drop it entirely).
pub fn describe(err: &dyn Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            let trimmed = text.trim_end().trim_end_matches(':').to_owned();
            text = format!("{trimmed}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ws_urls_use_the_websocket_transport_and_keep_the_url() {
        let url = BrokerUrl::parse("ws://127.0.0.1:9001/mqtt").unwrap();
        let (_client, eventloop) = client(&url, "party0101".into(), None, 8);
        assert!(matches!(eventloop.mqtt_options.transport(), Transport::Ws));
        assert_eq!(
            eventloop.mqtt_options.broker_address().0,
            "ws://127.0.0.1:9001/mqtt"
        );
        assert_eq!(eventloop.mqtt_options.client_id(), "party0101");
    }

    #[test]
    fn tcp_urls_dial_host_and_port_with_ipv6_brackets() {
        let url = BrokerUrl::parse("mqtt://[::1]:1884").unwrap();
        let (_client, eventloop) = client(&url, "party0202".into(), None, 8);
        assert!(matches!(eventloop.mqtt_options.transport(), Transport::Tcp));
        assert_eq!(
            eventloop.mqtt_options.broker_address(),
            ("[::1]".to_owned(), 1884)
        );
    }

    #[test]
    fn describe_appends_missing_causes_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let err = rumqttc::ConnectionError::Io(io);
        assert_eq!(describe(&err), "I/O: refused");
    }
}
