//! The MQTT 3.1.1 packets a browser room uses, by hand: CONNECT (clean, with a Last
//! Will), SUBSCRIBE to one filter at QoS 0, QoS 0 PUBLISH, PINGREQ and DISCONNECT out;
//! CONNACK, SUBACK, PUBLISH and PINGRESP in.
//!
//! Why not a codec crate: `mqtt-proto` covers MQTT 3.1.1 and 5 for clients and brokers,
//! and cost about 25 KB of the gzipped bundle (docs/self-hosting.md, "Bundle size")
//! against Party v1's whole first load of 140 KB; these nine packets are under 200
//! lines. `mqtt-proto` stays as the tests' reference decoder and encoder.

/// A packet from the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// `code` 0 is accepted; 1 to 5 are the refusals of MQTT 3.1.1 §3.2.2.3.
    Connack {
        code: u8,
    },
    /// One return code per filter: 0 to 2 granted at that QoS, 0x80 refused.
    Suback {
        codes: Vec<u8>,
    },
    Publish {
        topic: String,
        retained: bool,
        payload: Vec<u8>,
    },
    Pingresp,
    /// A packet a broker never sends a client (or a type we never asked for).
    Other(&'static str),
}

/// A packet that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

/// Reads one whole packet (`frame` holds exactly its bytes, as `framing` cuts them).
pub fn decode(frame: &[u8]) -> Result<Packet, Malformed> {
    let (&first, rest) = frame.split_first().ok_or(Malformed("an empty packet"))?;
    let body = skip_length(rest)?;
    match first >> 4 {
        2 => match body {
            [_, code] if *code <= 5 => Ok(Packet::Connack { code: *code }),
            [_, _] => Err(Malformed("a CONNACK with an unknown return code")),
            _ => Err(Malformed("a CONNACK of the wrong length")),
        },
        9 => match body {
            [_, _, codes @ ..] if !codes.is_empty() => Ok(Packet::Suback {
                codes: codes.to_vec(),
            }),
            _ => Err(Malformed("a SUBACK without return codes")),
        },
        3 => {
            let qos = (first >> 1) & 3;
            if qos == 3 {
                return Err(Malformed("a PUBLISH with QoS 3"));
            }
            let (topic, mut rest) = string(body)?;
            if qos > 0 {
                // Its packet id: QoS 1 and 2 are acknowledged, and we only ever
                // subscribe at QoS 0, so a broker sends none of them; skip it.
                rest = rest.get(2..).ok_or(Malformed("a PUBLISH cut short"))?;
            }
            Ok(Packet::Publish {
                topic: topic.to_owned(),
                retained: first & 1 == 1,
                payload: rest.to_vec(),
            })
        }
        13 => Ok(Packet::Pingresp),
        1 => Ok(Packet::Other("CONNECT")),
        4 => Ok(Packet::Other("PUBACK")),
        14 => Ok(Packet::Other("DISCONNECT")),
        _ => Ok(Packet::Other("packet type")),
    }
}

/// CONNECT with a clean session, `keep_alive` seconds, and `will` (topic, payload)
/// as the Last Will at QoS 0, not retained.
pub fn connect(client_id: &str, keep_alive: u16, will: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::with_capacity(64 + will.map_or(0, |(t, p)| t.len() + p.len()));
    put_str(&mut body, b"MQTT");
    body.push(4); // protocol level: 3.1.1
    body.push(0x02 | if will.is_some() { 0x04 } else { 0 }); // clean session, will flag
    body.extend_from_slice(&keep_alive.to_be_bytes());
    put_str(&mut body, client_id.as_bytes());
    if let Some((topic, payload)) = will {
        put_str(&mut body, topic.as_bytes());
        put_str(&mut body, payload);
    }
    packet(0x10, &body)
}

/// SUBSCRIBE to `filter` at QoS 0, as packet `pid`.
pub fn subscribe(pid: u16, filter: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(5 + filter.len());
    body.extend_from_slice(&pid.to_be_bytes());
    put_str(&mut body, filter.as_bytes());
    body.push(0); // requested QoS
    packet(0x82, &body)
}

/// A QoS 0, unretained PUBLISH.
pub fn publish(topic: &str, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(2 + topic.len() + payload.len());
    put_str(&mut body, topic.as_bytes());
    body.extend_from_slice(payload);
    packet(0x30, &body)
}

pub fn pingreq() -> Vec<u8> {
    vec![0xc0, 0]
}

pub fn disconnect() -> Vec<u8> {
    vec![0xe0, 0]
}

/// The fixed header (`first` byte and remaining length), then `body`. Lengths are
/// bounded by `MAX_MQTT_PACKET_BYTES` long before MQTT's 256 MB limit.
fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + body.len());
    out.push(first);
    let mut len = body.len();
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if len == 0 {
            break;
        }
    }
    out.extend_from_slice(body);
    out
}

/// A length-prefixed string or binary field. Ours are topics, client ids and a
/// signed `leave`, all far below 64 KiB; longer ones are cut at the limit, which
/// the broker then refuses rather than misreads.
fn put_str(out: &mut Vec<u8>, bytes: &[u8]) {
    let len = bytes.len().min(usize::from(u16::MAX));
    out.extend_from_slice(&(len as u16).to_be_bytes());
    out.extend_from_slice(&bytes[..len]);
}

/// The bytes after a remaining-length field (already checked by `framing`).
fn skip_length(rest: &[u8]) -> Result<&[u8], Malformed> {
    let end = rest
        .iter()
        .take(4)
        .position(|b| b & 0x80 == 0)
        .ok_or(Malformed("a malformed length"))?;
    Ok(&rest[end + 1..])
}

/// A UTF-8 string field and what follows it.
fn string(bytes: &[u8]) -> Result<(&str, &[u8]), Malformed> {
    let [hi, lo, rest @ ..] = bytes else {
        return Err(Malformed("a string field cut short"));
    };
    let len = usize::from(u16::from_be_bytes([*hi, *lo]));
    let text = rest
        .get(..len)
        .ok_or(Malformed("a string field cut short"))?;
    let text = std::str::from_utf8(text).map_err(|_| Malformed("a topic that is not UTF-8"))?;
    Ok((text, &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_proto::v3::{
        Connack, ConnectReturnCode, Packet as Reference, Publish, Suback, SubscribeReturnCode,
    };
    use mqtt_proto::{Pid, QoS, QosPid, TopicName};

    const TOPIC: &str = "party-2026-v1/party/calc-study";

    /// What the reference codec reads from our bytes.
    fn read(bytes: &[u8]) -> Reference {
        Reference::decode(bytes).unwrap().unwrap()
    }

    fn wire(packet: Reference) -> Vec<u8> {
        packet.encode().unwrap().as_ref().to_vec()
    }

    #[test]
    fn connect_reads_back_clean_with_keepalive_client_id_and_will() {
        let Reference::Connect(c) = read(&connect("party0011", 20, Some((TOPIC, b"bye")))) else {
            panic!("not a CONNECT");
        };
        assert!(c.clean_session);
        assert_eq!(c.keep_alive, 20);
        assert_eq!(&*c.client_id, "party0011");
        let will = c.last_will.unwrap();
        assert_eq!((&*will.topic_name, &will.message[..]), (TOPIC, &b"bye"[..]));
        assert_eq!((will.qos, will.retain), (QoS::Level0, false));
        let Reference::Connect(c) = read(&connect("c", 60, None)) else {
            panic!("not a CONNECT");
        };
        assert!(c.last_will.is_none());
    }

    #[test]
    fn subscribe_and_publish_read_back_as_qos0() {
        let Reference::Subscribe(s) = read(&subscribe(1, TOPIC)) else {
            panic!("not a SUBSCRIBE");
        };
        assert_eq!(s.pid, Pid::try_from(1).unwrap());
        assert_eq!((&*s.topics[0].0, s.topics[0].1), (TOPIC, QoS::Level0));
        let big = vec![7u8; 70_000];
        let Reference::Publish(p) = read(&publish(TOPIC, &big)) else {
            panic!("not a PUBLISH");
        };
        assert_eq!((p.qos_pid, p.retain), (QosPid::Level0, false));
        assert_eq!((&*p.topic_name, p.payload.len()), (TOPIC, 70_000));
        assert_eq!(read(&pingreq()), Reference::Pingreq);
        assert_eq!(read(&disconnect()), Reference::Disconnect);
    }

    #[test]
    fn what_a_broker_sends_is_read() {
        let connack = wire(Reference::Connack(Connack::new(
            false,
            ConnectReturnCode::NotAuthorized,
        )));
        assert_eq!(decode(&connack), Ok(Packet::Connack { code: 5 }));
        let suback = wire(Reference::Suback(Suback::new(
            Pid::try_from(1).unwrap(),
            vec![SubscribeReturnCode::MaxLevel0],
        )));
        assert_eq!(decode(&suback), Ok(Packet::Suback { codes: vec![0] }));
        assert_eq!(
            decode(&[0x90, 0x03, 0x00, 0x01, 0x80]),
            Ok(Packet::Suback { codes: vec![0x80] })
        );
        let mut retained = Publish::new(
            QosPid::Level1(Pid::try_from(9).unwrap()),
            TopicName::try_from(TOPIC).unwrap(),
            b"old".to_vec().into(),
        );
        retained.retain = true;
        assert_eq!(
            decode(&wire(Reference::Publish(retained))),
            Ok(Packet::Publish {
                topic: TOPIC.into(),
                retained: true,
                payload: b"old".to_vec()
            })
        );
        assert_eq!(decode(&wire(Reference::Pingresp)), Ok(Packet::Pingresp));
    }

    #[test]
    fn garbled_packets_are_errors_not_panics() {
        for bad in [
            &[][..],
            &[0x20, 0x02, 0x00, 0x09],
            &[0x20, 0x01, 0x00],
            &[0x90, 0x02, 0x00, 0x01],
            &[0x30, 0x03, 0x00, 0x05, b'a'],
            &[0x30, 0x04, 0x00, 0x02, 0xff, 0xfe],
            &[0x36, 0x02, 0x00, 0x00],
            &[0x32, 0x02, 0x00, 0x00],
            &[0x30, 0x80, 0x80, 0x80, 0x80],
        ] {
            assert!(decode(bad).is_err(), "{bad:?} was read");
        }
    }
}
