//! The shape of traffic the bundled broker admits: what Party's clients send (exact
//! room topics, QoS 0, no retain) and nothing one stranger could use to stall, fill or
//! read everyone else. Each limit is shown holding, with a well-behaved client still
//! served while a bad one hits it.

mod common;

use common::raw_mqtt::{self, Frames, SUBACK, UNSUBACK};
use common::{
    raw_mqtt_session, raw_mqtt_session_with, read_packet, read_until_closed, session_once_admitted,
    status, tcp_options, try_session_from, wait_for_status, Admission, Broker, Client, Dist,
};
use party_core::limits::TOPIC_PREFIX;

/// The broker's defaults, from the file the binary builds them from.
#[path = "../src/tuning.rs"]
#[allow(dead_code)]
mod tuning;
use tokio::io::AsyncWriteExt;

fn room(name: &str) -> String {
    format!("{TOPIC_PREFIX}{name}")
}

/// SUBACK return code for a refused filter (MQTT 3.1.1 §3.9.3).
const REFUSED: u8 = 0x80;

/// EMQX's `max_subscriptions`: filters past the budget are refused one by one (0x80),
/// the rest granted, and the answer comes at once instead of after seconds of work.
#[tokio::test]
async fn filters_past_the_budget_are_refused_one_by_one() {
    let dist = Dist::new();
    let broker = Broker::start_with(&dist.dir, &["--max-subscriptions-per-client", "100"]);
    let mut healthy = Client::connect(tcp_options(&broker, "healthy")).await;

    let mut greedy = raw_mqtt_session(&broker, "greedy").await;
    let filters: Vec<String> = (0..5_000).map(|i| room(&format!("r{i}"))).collect();
    greedy
        .write_all(&raw_mqtt::subscribe_many(1, &filters))
        .await
        .unwrap();
    let mut frames = Frames::default();
    let suback = read_packet(&mut greedy, &mut frames, SUBACK).await;
    let codes = raw_mqtt::suback_codes(&suback);
    assert_eq!(codes.len(), 5_000);
    assert!(codes[..100].iter().all(|&c| c == 0), "first 100 granted");
    assert!(
        codes[100..].iter().all(|&c| c == REFUSED),
        "the rest refused"
    );

    // A later SUBSCRIBE is refused too, until one is given back.
    greedy
        .write_all(&raw_mqtt::subscribe(2, &room("late")))
        .await
        .unwrap();
    let suback = read_packet(&mut greedy, &mut frames, SUBACK).await;
    assert_eq!(raw_mqtt::suback_codes(&suback), [REFUSED]);
    greedy
        .write_all(&raw_mqtt::unsubscribe(3, &room("r0")))
        .await
        .unwrap();
    greedy
        .write_all(&raw_mqtt::subscribe(4, &room("late")))
        .await
        .unwrap();
    let suback = read_packet(&mut greedy, &mut frames, SUBACK).await;
    assert_eq!(raw_mqtt::suback_codes(&suback), [0]);

    healthy.round_trip(&room("healthy")).await;
    assert_eq!(
        status(&broker)["topics"],
        101,
        "only granted filters hold a topic"
    );
}

#[tokio::test]
async fn the_default_filter_budget_is_documented_and_enforced() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let budget = tuning::BROKER_MAX_SUBSCRIPTIONS_PER_CLIENT;
    let mut greedy = raw_mqtt_session(&broker, "greedy").await;
    let filters: Vec<String> = (0..=budget).map(|i| room(&format!("r{i}"))).collect();
    greedy
        .write_all(&raw_mqtt::subscribe_many(1, &filters))
        .await
        .unwrap();
    let suback = read_packet(&mut greedy, &mut Frames::default(), SUBACK).await;
    let codes = raw_mqtt::suback_codes(&suback);
    assert!(codes[..budget].iter().all(|&c| c == 0));
    assert_eq!(codes[budget], REFUSED);
}

/// A wildcard that could match a room would let anyone read every room; refused by
/// default (0x80, the connection stays), allowed by an operator's flag. Wildcards
/// elsewhere, and exact room topics, are granted.
#[tokio::test]
async fn wildcards_over_rooms_are_refused_unless_the_operator_allows_them() {
    let dist = Dist::new();
    let over_rooms = [
        "#".to_owned(),
        "+/+/+".to_owned(),
        "party-2026-v1/#".to_owned(),
        format!("{TOPIC_PREFIX}+"),
        format!("{TOPIC_PREFIX}#"),
        "+/party/+".to_owned(),
        format!("$share/g/{TOPIC_PREFIX}+"),
    ];
    let granted = [
        room("exact-room"),
        "sensors/#".to_owned(),
        "party-2026-v1/other/+".to_owned(),
        format!("{TOPIC_PREFIX}room/+"),
    ];

    let broker = Broker::start(&dist.dir);
    let mut session = raw_mqtt_session(&broker, "reader").await;
    let mut frames = Frames::default();
    for (i, filter) in over_rooms.iter().enumerate() {
        session
            .write_all(&raw_mqtt::subscribe(i as u16 + 1, filter))
            .await
            .unwrap();
        let suback = read_packet(&mut session, &mut frames, SUBACK).await;
        assert_eq!(raw_mqtt::suback_codes(&suback), [REFUSED], "{filter}");
    }
    for (i, filter) in granted.iter().enumerate() {
        session
            .write_all(&raw_mqtt::subscribe(i as u16 + 100, filter))
            .await
            .unwrap();
        let suback = read_packet(&mut session, &mut frames, SUBACK).await;
        assert_eq!(raw_mqtt::suback_codes(&suback), [0], "{filter}");
    }
    let mut speaker = Client::connect(tcp_options(&broker, "speaker")).await;
    speaker.round_trip(&room("secret-room")).await;
    drop(session);

    let open = Broker::start_with(&dist.dir, &["--allow-wildcard-subscriptions"]);
    let mut reader = Client::connect(tcp_options(&open, "reader")).await;
    reader.subscribe("#").await;
    let speaker = Client::connect(tcp_options(&open, "speaker")).await;
    speaker.publish(&room("any-room"), b"seen".to_vec()).await;
    assert_eq!(reader.expect_publish(&room("any-room")).await, b"seen");
}

/// Mosquitto's behaviour: a filter the spec forbids is a protocol violation, and the
/// client is disconnected (MQTT 3.1.1 §4.7.1, §4.8); so is a publish to a topic with
/// wildcards or to the empty topic (§3.3.2.1, §4.7.3). Nobody else notices.
#[tokio::test]
async fn invalid_filters_and_topics_disconnect_only_their_sender() {
    let dist = Dist::new();
    let mut broker = Broker::start(&dist.dir);
    let mut healthy = Client::connect(tcp_options(&broker, "healthy")).await;
    let cases = [
        ("filter a/#/b", raw_mqtt::subscribe(1, "a/#/b")),
        ("filter a+", raw_mqtt::subscribe(1, "a+")),
        ("filter #/a", raw_mqtt::subscribe(1, "#/a")),
        ("empty filter", raw_mqtt::subscribe(1, "")),
        ("publish a/+/b", raw_mqtt::publish("a/+/b", b"x")),
        ("publish #", raw_mqtt::publish("#", b"x")),
        ("publish empty", raw_mqtt::publish("", b"x")),
        ("publish NUL", raw_mqtt::publish("a\0b", b"x")),
    ];
    for (i, (case, packet)) in cases.iter().enumerate() {
        let mut session = raw_mqtt_session(&broker, &format!("bad-{i}")).await;
        session.write_all(packet).await.unwrap();
        let received = read_until_closed(&mut session).await;
        assert!(
            !received.iter().any(|&b| b >> 4 == SUBACK),
            "{case}: closed without a SUBACK, got {received:?}"
        );
        healthy.round_trip(&room(&format!("after-{i}"))).await;
        broker.assert_running();
    }
}

/// MQTT 3.1.1 §3.1.2.10 allows keepalive 0 (no keepalive); Mosquitto accepts it.
/// Dead peers are still found by TCP keepalive on the socket.
#[tokio::test]
async fn keepalive_zero_is_accepted() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let mut session = raw_mqtt_session_with(&broker, raw_mqtt::connect("no-keepalive", 0)).await;
    session
        .write_all(&raw_mqtt::subscribe(1, &room("quiet")))
        .await
        .unwrap();
    let suback = read_packet(&mut session, &mut Frames::default(), SUBACK).await;
    assert_eq!(raw_mqtt::suback_codes(&suback), [0]);
}

/// A topic's log is held while it has subscribers and freed when the last one goes;
/// publishes nobody can receive are not kept at all.
#[tokio::test]
async fn topics_are_freed_with_their_last_subscriber_and_unheard_publishes_are_not_kept() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let payload = vec![b'x'; 200 * 1024];

    // 100 topics, 1 MB each, nobody subscribed.
    let mut publisher = raw_mqtt_session(&broker, "publisher").await;
    for topic in 0..100 {
        for _ in 0..5 {
            publisher
                .write_all(&raw_mqtt::publish(
                    &room(&format!("empty-{topic}")),
                    &payload,
                ))
                .await
                .unwrap();
        }
    }
    let mut probe = Client::connect(tcp_options(&broker, "probe")).await;
    probe.round_trip(&room("probe")).await;
    assert_eq!(status(&broker)["topics"], 1, "only the probe's topic");

    // Subscribed, then unsubscribed by one client and left by another.
    let mut leaver = raw_mqtt_session(&broker, "leaver").await;
    let mut unsubscriber = raw_mqtt_session(&broker, "unsubscriber").await;
    let filters: Vec<String> = (0..50).map(|i| room(&format!("busy-{i}"))).collect();
    for (session, id) in [(&mut leaver, 1), (&mut unsubscriber, 2)] {
        session
            .write_all(&raw_mqtt::subscribe_many(id, &filters))
            .await
            .unwrap();
        read_packet(session, &mut Frames::default(), SUBACK).await;
    }
    for filter in &filters {
        publisher
            .write_all(&raw_mqtt::publish(filter, &payload))
            .await
            .unwrap();
    }
    probe.round_trip(&room("probe-2")).await;
    assert_eq!(status(&broker)["topics"], 52);
    let mut frames = Frames::default();
    for (i, filter) in filters.iter().enumerate() {
        unsubscriber
            .write_all(&raw_mqtt::unsubscribe(i as u16 + 1, filter))
            .await
            .unwrap();
        read_packet(&mut unsubscriber, &mut frames, UNSUBACK).await;
    }
    leaver.write_all(&raw_mqtt::disconnect()).await.unwrap();
    read_until_closed(&mut leaver).await;
    probe.round_trip(&room("probe-3")).await;
    assert_eq!(status(&broker)["topics"], 3, "the probe's three");
    probe.client.disconnect().await.unwrap();
    wait_for_status(&broker, "topics", 0).await;
    wait_for_status(&broker, "connections", 2).await; // publisher, unsubscriber
}

/// Ergo's per-address limit: one address holds at most its share of connections, the
/// excess is closed at once (no file descriptors pile up, no "too many open files"),
/// and other addresses keep getting in.
#[tokio::test]
async fn one_address_cannot_take_more_than_its_connection_cap() {
    let dist = Dist::new();
    let mut broker = Broker::start_with(&dist.dir, &["--max-connections-per-ip", "20"]);
    let mut held = Vec::new();
    let mut closed = 0;
    for i in 0..300 {
        match try_session_from("127.0.0.2", broker.mqtt, &format!("flood-{i}")).await {
            (Admission::Accepted, Some(stream)) => held.push(stream),
            _ => closed += 1,
        }
    }
    assert_eq!(held.len(), 20);
    assert_eq!(closed, 280);
    let (admission, _other) = try_session_from("127.0.0.3", broker.mqtt, "neighbour").await;
    assert_eq!(admission, Admission::Accepted);
    assert_eq!(status(&broker)["connections"], 21);

    // Giving one back lets one more in.
    drop(held.pop());
    let _again =
        session_once_admitted("127.0.0.2", broker.mqtt, "again", "a freed slot is reused").await;
    broker.assert_running();
    assert!(!broker.stderr().contains("Too many open files"));
}

/// With few file descriptors, the broker keeps accepting and closing the excess
/// instead of failing `accept` ("too many open files"), and serves new clients as soon
/// as old ones leave.
#[tokio::test]
async fn a_file_descriptor_budget_refuses_the_excess_and_keeps_accepting() {
    let dist = Dist::new();
    let mut broker = Broker::start_via(&["prlimit", "--nofile=200:200"], &dist.dir, &[]);
    let mut held = Vec::new();
    let mut closed = 0;
    for i in 0..400 {
        let address = format!("127.0.0.{}", 10 + i % 10);
        match try_session_from(&address, broker.mqtt, &format!("c-{i}")).await {
            (Admission::Accepted, Some(stream)) => held.push(stream),
            _ => closed += 1,
        }
    }
    assert!(held.len() >= 100, "{} accepted", held.len());
    assert!(closed > 0);
    broker.assert_running();
    assert!(
        !broker.stderr().contains("Too many open files"),
        "{}",
        broker.stderr()
    );
    held.truncate(held.len() - 10);
    let _later = session_once_admitted(
        "127.0.0.99",
        broker.mqtt,
        "later",
        "a freed descriptor is reused",
    )
    .await;
}

/// Behind a reverse proxy on the same machine every browser arrives from 127.0.0.1:
/// the proxy is not limited, each client it forwards is, by the address it names.
/// An HTTP client past its address's share is told why (429).
#[tokio::test]
async fn websockets_through_a_trusted_proxy_count_against_the_forwarded_address() {
    use async_tungstenite::tokio::client_async;
    use async_tungstenite::tungstenite::client::IntoClientRequest;
    use async_tungstenite::tungstenite::http::HeaderValue;
    use async_tungstenite::tungstenite::Error as WsError;

    let dist = Dist::new();
    let broker = Broker::start_with(&dist.dir, &["--max-connections-per-ip", "3"]);
    let upgrade = |forwarded: &'static str| {
        let url = broker.ws_url.clone();
        let http = broker.http;
        async move {
            let mut request = url.as_str().into_client_request().unwrap();
            let headers = request.headers_mut();
            headers.insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
            if !forwarded.is_empty() {
                headers.insert("X-Forwarded-For", HeaderValue::from_static(forwarded));
            }
            let tcp = tokio::net::TcpStream::connect(http).await.unwrap();
            client_async(request, tcp).await
        }
    };

    let mut proxied = Vec::new();
    for _ in 0..3 {
        proxied.push(
            upgrade("198.51.100.1, 203.0.113.7")
                .await
                .expect("within the share"),
        );
    }
    match upgrade("203.0.113.7").await {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!("a fourth WebSocket for 203.0.113.7 was not refused: {other:?}"),
    }
    // Another forwarded client, and the proxy itself, are unaffected.
    proxied.push(upgrade("203.0.113.8").await.expect("another client"));
    for _ in 0..5 {
        proxied.push(upgrade("").await.expect("the proxy's own sockets"));
    }

    // A direct client from an untrusted address past its share gets a 429 at once.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(common::tcp_from("127.0.0.4", broker.http).await.unwrap());
    }
    // The listener takes connections in order, so these three are admitted first.
    let mut refused = common::tcp_from("127.0.0.4", broker.http).await.unwrap();
    let answer = read_until_closed(&mut refused).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 429 "), "{answer}");
    assert!(
        answer.ends_with("too many connections from your address\n"),
        "{answer}"
    );
}

/// The IRC bridge's way of leaving a room: its `leave` and the UNSUBSCRIBE in one
/// write, on the connection that is the topic's only subscriber. The publish wakes
/// the connection's own read of the topic, which must not outlive the topic's log.
#[tokio::test]
async fn publishing_then_unsubscribing_the_last_subscription_in_one_write_is_safe() {
    let dist = Dist::new();
    let mut broker = Broker::start(&dist.dir);
    let mut healthy = Client::connect(tcp_options(&broker, "healthy")).await;
    for round in 0..20u16 {
        let topic = room(&format!("leaving-{round}"));
        let mut bridge = raw_mqtt_session(&broker, &format!("bridge-{round}")).await;
        let mut frames = Frames::default();
        bridge
            .write_all(&raw_mqtt::subscribe(1, &topic))
            .await
            .unwrap();
        read_packet(&mut bridge, &mut frames, SUBACK).await;
        let mut both = raw_mqtt::publish(&topic, b"{\"type\":\"leave\"}");
        both.extend(raw_mqtt::unsubscribe(2, &topic));
        bridge.write_all(&both).await.unwrap();
        read_packet(&mut bridge, &mut frames, UNSUBACK).await;
        healthy.round_trip(&room(&format!("after-{round}"))).await;
        broker.assert_running();
    }
}

/// Ergo's connection throttle: an address opening connections faster than its rate
/// (after a burst) has the excess closed at once, even when it closes each one before
/// the next; measured without it: a 5,000-filter SUBSCRIBE on a fresh connection,
/// again and again, pushed another client's p99 round trip to 34x.
#[tokio::test]
async fn an_address_opening_connections_too_fast_is_throttled() {
    let dist = Dist::new();
    let broker = Broker::start_with(&dist.dir, &["--connect-rate-per-ip", "1"]);
    let mut accepted = 0;
    for i in 0..20 {
        if let (Admission::Accepted, Some(stream)) =
            try_session_from("127.0.0.5", broker.mqtt, &format!("fast-{i}")).await
        {
            accepted += 1;
            drop(stream);
        }
    }
    assert_eq!(accepted, 8, "a burst of eight seconds' worth at 1 a second");
    let (admission, _) = try_session_from("127.0.0.6", broker.mqtt, "other").await;
    assert_eq!(
        admission,
        Admission::Accepted,
        "another address is not throttled"
    );
    session_once_admitted(
        "127.0.0.5",
        broker.mqtt,
        "later",
        "the rate lets the address in again",
    )
    .await;
}
