//! MQTT 3.1.1 pub/sub over TCP and over WebSocket on the HTTP port, between each other.

mod common;

use async_tungstenite::tokio::client_async;
use async_tungstenite::tungstenite::client::IntoClientRequest;
use async_tungstenite::tungstenite::http::HeaderValue;
use common::{
    raw_mqtt, raw_mqtt_session_with, read_until_closed, tcp_options, ws_options, Broker, Client,
    Dist, DEADLINE,
};
use party_core::limits::{MAX_PAYLOAD_BYTES, ROOM_NAME_CHARS, TOPIC_PREFIX};
use rumqttc::{Packet, QoS};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn tcp_clients_publish_and_subscribe() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut alice = Client::connect(tcp_options(&broker, "alice")).await;
    let mut bob = Client::connect(tcp_options(&broker, "bob")).await;
    alice.subscribe("party-2026-v1/party/calc-study").await;
    bob.subscribe("party-2026-v1/party/calc-study").await;
    alice
        .publish("party-2026-v1/party/calc-study", b"hello".to_vec())
        .await;
    assert_eq!(
        bob.expect_publish("party-2026-v1/party/calc-study").await,
        b"hello"
    );
    assert_eq!(
        alice.expect_publish("party-2026-v1/party/calc-study").await,
        b"hello"
    );
}

#[tokio::test]
async fn websocket_and_tcp_clients_share_rooms() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    // rumqttc's WebSocket transport refuses a handshake without subprotocol `mqtt`.
    let mut browser = Client::connect(ws_options(&broker, "browser")).await;
    let mut bridge = Client::connect(tcp_options(&broker, "bridge")).await;
    browser.subscribe("party-2026-v1/party/room").await;
    bridge.subscribe("party-2026-v1/party/room").await;

    browser
        .publish("party-2026-v1/party/room", b"from ws".to_vec())
        .await;
    assert_eq!(
        bridge.expect_publish("party-2026-v1/party/room").await,
        b"from ws"
    );
    bridge
        .publish("party-2026-v1/party/room", b"from tcp".to_vec())
        .await;
    // The browser sees its own message first, then the bridge's.
    assert_eq!(
        browser.expect_publish("party-2026-v1/party/room").await,
        b"from ws"
    );
    assert_eq!(
        browser.expect_publish("party-2026-v1/party/room").await,
        b"from tcp"
    );
}

#[tokio::test]
async fn websocket_handshake_echoes_the_mqtt_subprotocol() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut request = broker.ws_url.as_str().into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("mqttv3.1, mqtt"),
    );
    let tcp = TcpStream::connect(broker.http).await.unwrap();
    let (_socket, response) = client_async(request, tcp).await.expect("handshake");
    assert_eq!(response.status(), 101);
    assert_eq!(
        response.headers().get("sec-websocket-protocol").unwrap(),
        "mqtt"
    );
}

#[tokio::test]
async fn websocket_under_a_base_path_works() {
    let dist = Dist::new();
    let broker = Broker::start_with(&dist.dir, &["--base", "/party/"]);
    let mut client = Client::connect(ws_options(&broker, "based")).await;
    client.round_trip("party-2026-v1/party/based").await;
}

#[tokio::test]
async fn a_full_size_payload_on_the_longest_room_topic_is_delivered_over_both_transports() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let payload = vec![b'x'; MAX_PAYLOAD_BYTES];
    let topic = format!("{TOPIC_PREFIX}{}", "r".repeat(ROOM_NAME_CHARS.1));
    let mut tcp_options = tcp_options(&broker, "big-tcp");
    tcp_options.set_max_packet_size(2 * MAX_PAYLOAD_BYTES, 2 * MAX_PAYLOAD_BYTES);
    let mut ws_options = ws_options(&broker, "big-ws");
    ws_options.set_max_packet_size(2 * MAX_PAYLOAD_BYTES, 2 * MAX_PAYLOAD_BYTES);
    let mut tcp = Client::connect(tcp_options).await;
    let mut ws = Client::connect(ws_options).await;
    tcp.subscribe(&topic).await;
    ws.subscribe(&topic).await;
    ws.publish(&topic, payload.clone()).await;
    assert_eq!(tcp.expect_publish(&topic).await.len(), payload.len());
    assert_eq!(ws.expect_publish(&topic).await.len(), payload.len());
}

/// MQTT 3.1.1 §3.1.2.10: a client that sends nothing for one and a half keepalive
/// periods is disconnected, and not before.
#[tokio::test]
async fn a_client_silent_for_one_and_a_half_keepalives_is_disconnected() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let started = std::time::Instant::now();
    let mut silent = raw_mqtt_session_with(&broker, raw_mqtt::connect("silent", 1)).await;
    let delivered = read_until_closed(&mut silent).await;
    assert!(delivered.is_empty(), "nothing but the close: {delivered:?}");
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(1_500),
        "disconnected after {waited:?}, before 1.5 keepalive periods"
    );
}

/// The broker checks the keepalive with one timer per connection that it moves on as
/// bytes arrive; a client that keeps talking must survive several periods of it.
/// (The pauses are the behaviour under test: time passing between packets.)
#[tokio::test]
async fn a_client_that_keeps_talking_outlives_its_keepalive_period_many_times() {
    const PINGREQ: [u8; 2] = [0xc0, 0x00];
    const PINGRESP: [u8; 2] = [0xd0, 0x00];
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut talker = raw_mqtt_session_with(&broker, raw_mqtt::connect("talker", 1)).await;
    // 8 x 600 ms: over three times the 1.5 s allowance, never more than 0.6 s silent.
    for _ in 0..8 {
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        talker.write_all(&PINGREQ).await.expect("still connected");
        let mut reply = [0u8; 2];
        tokio::time::timeout(DEADLINE, talker.read_exact(&mut reply))
            .await
            .expect("PINGRESP in time")
            .expect("connection still open");
        assert_eq!(reply, PINGRESP);
    }
}

/// Party never retains: a retained envelope would be handed to every later joiner,
/// who would pin whatever key it carries before the real one speaks
/// (docs/design.md, "What the broker may and may not do").
#[tokio::test]
async fn retained_publishes_reach_current_subscribers_live_and_are_never_kept() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let topic = "party-2026-v1/party/retained-room";
    let attacker = Client::connect(tcp_options(&broker, "attacker")).await;
    let mut present = Client::connect(tcp_options(&broker, "present")).await;
    present.subscribe(topic).await;
    attacker
        .client
        .publish(topic, QoS::AtMostOnce, true, b"forged announce".to_vec())
        .await
        .expect("queue publish");
    match present
        .expect(|p| matches!(p, Packet::Publish(m) if m.topic == topic))
        .await
    {
        Packet::Publish(m) => assert!(!m.retain, "live deliveries carry no retain flag"),
        other => unreachable!("{other:?}"),
    }

    // A later joiner gets nothing but what is said after it subscribed.
    let mut joiner = Client::connect(tcp_options(&broker, "joiner")).await;
    joiner.subscribe(topic).await;
    attacker.publish(topic, b"live".to_vec()).await;
    assert_eq!(joiner.expect_publish(topic).await, b"live");
}
