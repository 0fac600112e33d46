//! Nothing a client sends, on any port, stops the broker from serving everyone else.

mod common;

use std::time::{Duration, Instant};

use async_tungstenite::tokio::client_async;
use async_tungstenite::tungstenite::client::IntoClientRequest;
use async_tungstenite::tungstenite::http::HeaderValue;
use async_tungstenite::tungstenite::Message;
use common::raw_mqtt;
use common::{
    http_get, raw_mqtt_session, read_until_closed, tcp_options, ws_options, Broker, Client, Dist,
    XorShift, DEADLINE,
};
use party_core::limits::{MAX_MQTT_REMAINING_BYTES, MAX_PAYLOAD_BYTES};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[tokio::test]
async fn malformed_frame_closes_only_that_connection_and_is_logged() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut healthy = Client::connect(tcp_options(&broker, "healthy")).await;
    healthy.subscribe("party-2026-v1/party/r").await;

    let malformed: [&[u8]; 4] = [
        // Reserved packet type 0.
        &[0x00, 0x02, 0xde, 0xad],
        // Remaining length longer than four bytes.
        &[0x30, 0xff, 0xff, 0xff, 0xff, 0x7f],
        // PUBLISH whose topic length runs past the packet.
        &[0x30, 0x04, 0x01, 0x00, b'a', b'b'],
        // SUBSCRIBE without any filter.
        &[0x82, 0x02, 0x00, 0x01],
    ];
    for (i, bytes) in malformed.iter().enumerate() {
        let mut bad = raw_mqtt_session(&broker, &format!("bad-{i}")).await;
        // The broker may close before reading everything; a failed write is fine.
        let _ = bad.write_all(bytes).await;
        read_until_closed(&mut bad).await;

        healthy
            .publish("party-2026-v1/party/r", vec![i as u8])
            .await;
        assert_eq!(
            healthy.expect_publish("party-2026-v1/party/r").await,
            vec![i as u8]
        );
    }
    broker.wait_for_log(&["ERROR", "bad-0", "disconnected"]);
}

#[tokio::test]
async fn garbage_instead_of_connect_is_refused_and_logged() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut garbage = TcpStream::connect(broker.mqtt).await.unwrap();
    let _ = garbage.write_all(b"GET / HTTP/1.1\r\n\r\n").await;
    read_until_closed(&mut garbage).await;
    broker.wait_for_log(&["ERROR", "connect packet"]);
    let mut healthy = Client::connect(tcp_options(&broker, "after")).await;
    healthy.round_trip("t").await;
}

#[tokio::test]
async fn oversize_publish_over_tcp_disconnects_only_its_sender() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut healthy = Client::connect(tcp_options(&broker, "healthy")).await;
    healthy.subscribe("room").await;

    let mut sender = raw_mqtt_session(&broker, "oversize").await;
    let oversize = raw_mqtt::publish("room", &vec![b'x'; MAX_MQTT_REMAINING_BYTES]);
    let _ = sender.write_all(&oversize).await;
    let delivered = read_until_closed(&mut sender).await;
    assert!(delivered.is_empty(), "nothing is delivered to the sender");

    healthy.publish("room", b"after".to_vec()).await;
    assert_eq!(healthy.expect_publish("room").await, b"after");
    broker.wait_for_log(&["ERROR", "oversize", "PayloadSizeLimitExceeded"]);
}

#[tokio::test]
async fn oversize_publish_over_websocket_disconnects_only_its_sender() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut healthy = Client::connect(ws_options(&broker, "healthy-ws")).await;
    healthy.subscribe("room").await;

    let mut options = ws_options(&broker, "oversize-ws");
    options.set_max_packet_size(4 * MAX_PAYLOAD_BYTES, 4 * MAX_PAYLOAD_BYTES);
    let mut sender = Client::connect(options).await;
    sender
        .publish("room", vec![b'x'; MAX_MQTT_REMAINING_BYTES])
        .await;
    let ended = tokio::time::timeout(DEADLINE, sender.ended.recv())
        .await
        .expect("sender disconnected in time");
    assert!(ended.is_some());

    healthy.publish("room", b"after".to_vec()).await;
    assert_eq!(healthy.expect_publish("room").await, b"after");
}

/// Well-framed packets that are legal bytes but odd requests: wildcards where they do
/// not belong, QoS 3, a second CONNECT, shared subscriptions, an empty client id.
#[tokio::test]
async fn hostile_but_well_framed_packets_do_not_break_routing() {
    let dist = Dist::new();
    let mut broker = Broker::start(&dist.dir);
    let mut healthy = Client::connect(tcp_options(&broker, "healthy")).await;

    let cases: Vec<Vec<u8>> = vec![
        raw_mqtt::subscribe(1, ""),
        raw_mqtt::subscribe(2, "#/a"),
        raw_mqtt::subscribe(3, "a/#/b"),
        raw_mqtt::subscribe(4, "+"),
        raw_mqtt::subscribe(5, "$share/g/room"),
        raw_mqtt::subscribe(6, "$share//room"),
        raw_mqtt::subscribe(7, "$share/g"),
        raw_mqtt::publish("a/+/b", b"wild"),
        raw_mqtt::publish("#", b"wild"),
        raw_mqtt::publish("", b"empty topic"),
        // QoS 3 publish.
        vec![0x36, 0x05, 0x00, 0x01, b'a', 0x00, 0x01],
        // QoS 1 publish with packet id 0.
        vec![0x32, 0x05, 0x00, 0x01, b'a', 0x00, 0x00],
        // PUBACK / PUBREL / PUBCOMP for packets never sent.
        vec![0x40, 0x02, 0x00, 0x07],
        vec![0x62, 0x02, 0x00, 0x07],
        vec![0x70, 0x02, 0x00, 0x07],
        // UNSUBSCRIBE of a filter never subscribed.
        vec![0xa2, 0x05, 0x00, 0x08, 0x00, 0x01, b'z'],
        // A second CONNECT.
        raw_mqtt::connect("again", 30),
        // Invalid UTF-8 topic.
        vec![0x30, 0x05, 0x00, 0x02, 0xff, 0xfe, b'x'],
    ];
    for (i, case) in cases.iter().enumerate() {
        let mut session = raw_mqtt_session(&broker, &format!("odd-{i}")).await;
        let _ = session.write_all(case).await;
        let _ = session.write_all(&raw_mqtt::subscribe(99, "odd/ok")).await;
        drop(session);
        healthy.round_trip(&format!("after/{i}")).await;
        broker.assert_running();
    }

    // A session asking to persist, subscribed to one topic plainly and through two
    // shared groups, leaving with QoS 1 messages unacknowledged, then coming back.
    // Upstream rumqttd lets exactly this kill its router; every session is clean here.
    for round in 0..2 {
        let mut session = common::raw_mqtt_session_with(
            &broker,
            raw_mqtt::connect_with_session("persistent", 30, false),
        )
        .await;
        for (id, filter, qos) in [
            (1, "room", 1),
            (2, "$share/g/room", 1),
            (3, "$share/h/room", 0),
        ] {
            let _ = session
                .write_all(&raw_mqtt::subscribe_qos(id, filter, qos))
                .await;
        }
        healthy
            .round_trip(&format!("after/persistent/{round}"))
            .await;
        let mut publisher = raw_mqtt_session(&broker, "qos1-publisher").await;
        for id in 1..=3 {
            let _ = publisher
                .write_all(&raw_mqtt::publish_qos1("room", id, b"unacked"))
                .await;
        }
        healthy
            .round_trip(&format!("after/published/{round}"))
            .await;
        drop(session);
        drop(publisher);
        healthy
            .round_trip(&format!("after/persistent-drop/{round}"))
            .await;
        broker.assert_running();
    }

    // An empty client id without a clean session is refused (keepalive 0 is allowed:
    // tests/policy.rs).
    for connect in [vec![
        0x10, 0x0c, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x00, 0x00, 0x1e, 0x00, 0x00,
    ]] {
        let mut stream = TcpStream::connect(broker.mqtt).await.unwrap();
        let _ = stream.write_all(&connect).await;
        read_until_closed(&mut stream).await;
    }
    healthy.round_trip("after/connects").await;
    broker.assert_running();
}

#[tokio::test]
async fn random_garbage_on_every_port_never_kills_the_process() {
    let dist = Dist::new();
    let mut broker = Broker::start(&dist.dir);
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for round in 0..40 {
        // MQTT port: raw garbage, or a valid CONNECT followed by random frames.
        let mut mqtt = TcpStream::connect(broker.mqtt).await.unwrap();
        if rng.below(2) == 0 {
            let _ = mqtt
                .write_all(&raw_mqtt::connect(&format!("g{round}"), 30))
                .await;
            for _ in 0..rng.below(8) + 1 {
                let mut frame = vec![rng.next() as u8];
                let body_len = rng.below(64) as usize;
                let body = rng.bytes(body_len);
                raw_mqtt::remaining_length(body.len(), &mut frame);
                frame.extend_from_slice(&body);
                let _ = mqtt.write_all(&frame).await;
            }
        } else {
            let len = rng.below(2048) as usize + 1;
            let _ = mqtt.write_all(&rng.bytes(len)).await;
        }
        drop(mqtt);

        // HTTP port: garbage, or a request line followed by garbage.
        let mut http = TcpStream::connect(broker.http).await.unwrap();
        if rng.below(2) == 0 {
            let _ = http.write_all(b"GET /mqtt HTTP/1.1\r\n").await;
        }
        let len = rng.below(1024) as usize + 1;
        let _ = http.write_all(&rng.bytes(len)).await;
        drop(http);

        // WebSocket: a real handshake, then garbage frames as raw bytes or as binary
        // messages carrying random MQTT.
        let tcp = TcpStream::connect(broker.http).await.unwrap();
        let mut request = broker.ws_url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
        let (mut ws, _) = client_async(request, tcp).await.expect("handshake");
        if rng.below(2) == 0 {
            let _ = ws
                .send(Message::binary(raw_mqtt::connect(&format!("w{round}"), 30)))
                .await;
        }
        for _ in 0..rng.below(4) + 1 {
            let len = rng.below(256) as usize + 1;
            let _ = ws.send(Message::binary(rng.bytes(len))).await;
        }
        if rng.below(3) == 0 {
            let _ = ws.send(Message::text("not mqtt")).await;
        }
        let raw = ws.get_mut().get_mut();
        let len = rng.below(512) as usize + 1;
        let _ = raw.write_all(&rng.bytes(len)).await;
        drop(ws);

        broker.assert_running();
    }
    let mut tcp = Client::connect(tcp_options(&broker, "survivor")).await;
    tcp.round_trip("survived/tcp").await;
    let mut ws = Client::connect(ws_options(&broker, "survivor-ws")).await;
    ws.round_trip("survived/ws").await;
    assert_eq!(http_get(broker.http, "/").status, 200);
    broker.assert_running();
}

#[tokio::test]
async fn partial_headers_do_not_block_other_clients_and_time_out() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(broker.http).await.unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    let started = Instant::now();
    let addr = broker.http;
    let response = tokio::task::spawn_blocking(move || http_get(addr, "/calc-study"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));

    let mut healthy = Client::connect(ws_options(&broker, "meanwhile")).await;
    healthy.round_trip("meanwhile").await;

    // The header read timeout closes the slow connection (bounded by DEADLINE).
    let closed = read_until_closed(&mut slow[0]).await;
    let head = String::from_utf8_lossy(&closed);
    assert!(
        head.is_empty() || head.starts_with("HTTP/1.1 408"),
        "unexpected reply to a stalled request: {head}"
    );
}
