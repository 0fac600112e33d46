//! The MQTT 3.1.1 client for one room, sans-IO: bytes in, steps out. It knows the
//! packets (CONNECT with a Last Will, CONNACK, SUBSCRIBE, SUBACK, QoS 0 PUBLISH) and
//! keepalive; when to subscribe, join or publish is core's `Connection`'s call, so
//! the transport only moves bytes and the room never sees MQTT.

use std::fmt;

use mqtt_proto::v3::{
    Connect, ConnectReturnCode, LastWill, Packet, Publish, Subscribe, SubscribeReturnCode,
};
use mqtt_proto::{Pid, QoS, QosPid, TopicFilter, TopicName};

use super::framing::{FramingError, PacketBuffer};

/// What arrived, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The broker accepted our CONNECT.
    Connected,
    /// The broker answered our SUBSCRIBE.
    Subscribed { granted: bool },
    /// A publish delivered to us.
    Message {
        topic: String,
        retained: bool,
        payload: Vec<u8>,
    },
}

/// Why the connection has to be dropped (and, if worth it, retried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    Framing(FramingError),
    /// The broker answered CONNECT with a refusal.
    Refused(ConnectReturnCode),
    /// The broker sent a packet that makes no sense at this point of the session.
    Unexpected(&'static str),
    /// No reply to the previous keepalive ping: the connection is silently dead.
    PingTimeout,
    /// The codec could not encode a packet (a topic or payload it rejects).
    Encode(String),
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Framing(err) => err.fmt(f),
            SessionError::Refused(code) => {
                write!(f, "the broker refused the connection ({code:?})")
            }
            SessionError::Unexpected(what) => write!(f, "the broker sent an unexpected {what}"),
            SessionError::PingTimeout => f.write_str("the broker stopped answering"),
            SessionError::Encode(why) => write!(f, "could not encode an MQTT packet: {why}"),
        }
    }
}

impl From<FramingError> for SessionError {
    fn from(err: FramingError) -> Self {
        SessionError::Framing(err)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Closed,
    AwaitingConnack,
    Connected,
}

/// One MQTT session; reusable across reconnects via [`Session::open`].
#[derive(Debug)]
pub struct Session {
    client_id: String,
    keep_alive_secs: u16,
    buffer: PacketBuffer,
    phase: Phase,
    awaiting_pong: bool,
}

/// The only packet id we use: one SUBSCRIBE per connection, QoS 0 publishes need none.
const SUBSCRIBE_PID: u16 = 1;

impl Session {
    pub fn new(client_id: String, keep_alive_secs: u16) -> Self {
        Session {
            client_id,
            keep_alive_secs,
            buffer: PacketBuffer::default(),
            phase: Phase::Closed,
            awaiting_pong: false,
        }
    }

    /// Starts a fresh connection: returns the CONNECT bytes, with `will` (topic and
    /// payload) as the Last Will, so the broker announces our departure if we vanish.
    pub fn open(&mut self, will: Option<(&str, &[u8])>) -> Result<Vec<u8>, SessionError> {
        self.buffer.clear();
        self.awaiting_pong = false;
        let mut connect = Connect::new(self.client_id.as_str().into(), self.keep_alive_secs);
        connect.clean_session = true;
        connect.last_will = match will {
            Some((topic, payload)) => Some(LastWill::new(
                QoS::Level0,
                topic_name(topic)?,
                payload.to_vec().into(),
            )),
            None => None,
        };
        let bytes = encode(&Packet::Connect(connect))?;
        self.phase = Phase::AwaitingConnack;
        Ok(bytes)
    }

    /// Feeds bytes from the connection.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<Vec<Step>, SessionError> {
        let mut steps = Vec::new();
        for packet in self.buffer.push(bytes)? {
            self.awaiting_pong = false;
            if let Some(step) = self.handle(packet)? {
                steps.push(step);
            }
        }
        Ok(steps)
    }

    fn handle(&mut self, packet: Packet) -> Result<Option<Step>, SessionError> {
        Ok(match (self.phase, packet) {
            (Phase::AwaitingConnack, Packet::Connack(connack)) => {
                if connack.code != ConnectReturnCode::Accepted {
                    return Err(SessionError::Refused(connack.code));
                }
                self.phase = Phase::Connected;
                Some(Step::Connected)
            }
            (Phase::Connected, Packet::Suback(suback)) => Some(Step::Subscribed {
                granted: !suback.topics.contains(&SubscribeReturnCode::Failure),
            }),
            (Phase::Connected, Packet::Publish(publish)) => Some(Step::Message {
                topic: publish.topic_name.to_string(),
                retained: publish.retain,
                payload: publish.payload.to_vec(),
            }),
            (_, Packet::Pingresp) => None,
            (_, Packet::Connack(_)) => return Err(SessionError::Unexpected("CONNACK")),
            (_, Packet::Suback(_)) => return Err(SessionError::Unexpected("SUBACK")),
            (_, Packet::Publish(_)) => return Err(SessionError::Unexpected("PUBLISH")),
            (_, Packet::Disconnect) => return Err(SessionError::Unexpected("DISCONNECT")),
            (_, _) => return Err(SessionError::Unexpected("packet type")),
        })
    }

    /// A QoS 0 SUBSCRIBE to `topic`.
    pub fn subscribe(&self, topic: &str) -> Result<Vec<u8>, SessionError> {
        let filter =
            TopicFilter::try_from(topic).map_err(|err| SessionError::Encode(err.to_string()))?;
        let pid =
            Pid::try_from(SUBSCRIBE_PID).map_err(|err| SessionError::Encode(err.to_string()))?;
        encode(&Packet::Subscribe(Subscribe::new(
            pid,
            vec![(filter, QoS::Level0)],
        )))
    }

    /// A QoS 0, unretained publish of `payload` on `topic`.
    pub fn publish(&self, topic: &str, payload: Vec<u8>) -> Result<Vec<u8>, SessionError> {
        encode(&Packet::Publish(Publish::new(
            QosPid::Level0,
            topic_name(topic)?,
            payload.into(),
        )))
    }

    /// Called every half keepalive period: a PINGREQ to send, or the verdict that the
    /// previous one went unanswered for a whole period.
    pub fn keepalive(&mut self) -> Result<Vec<u8>, SessionError> {
        if self.awaiting_pong {
            return Err(SessionError::PingTimeout);
        }
        self.awaiting_pong = true;
        encode(&Packet::Pingreq)
    }

    /// A clean goodbye: the broker then drops the Last Will, since we left on purpose.
    pub fn disconnect(&mut self) -> Result<Vec<u8>, SessionError> {
        self.phase = Phase::Closed;
        encode(&Packet::Disconnect)
    }

    /// The connection went away under us.
    pub fn closed(&mut self) {
        self.phase = Phase::Closed;
        self.buffer.clear();
    }
}

fn topic_name(topic: &str) -> Result<TopicName, SessionError> {
    TopicName::try_from(topic).map_err(|err| SessionError::Encode(err.to_string()))
}

fn encode(packet: &Packet) -> Result<Vec<u8>, SessionError> {
    packet
        .encode()
        .map(|bytes| bytes.as_ref().to_vec())
        .map_err(|err| SessionError::Encode(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_proto::v3::{Connack, Suback};

    const TOPIC: &str = "party-2026-v1/party/calc-study";

    fn wire(packet: Packet) -> Vec<u8> {
        encode(&packet).unwrap()
    }

    fn decode(bytes: &[u8]) -> Packet {
        Packet::decode(bytes).unwrap().unwrap()
    }

    fn connack(code: ConnectReturnCode) -> Vec<u8> {
        wire(Packet::Connack(Connack::new(false, code)))
    }

    fn suback(code: SubscribeReturnCode) -> Vec<u8> {
        wire(Packet::Suback(Suback::new(
            Pid::try_from(1).unwrap(),
            vec![code],
        )))
    }

    fn incoming(topic: &str, payload: &[u8], retain: bool) -> Vec<u8> {
        let mut publish = Publish::new(
            QosPid::Level0,
            TopicName::try_from(topic).unwrap(),
            payload.to_vec().into(),
        );
        publish.retain = retain;
        wire(Packet::Publish(publish))
    }

    fn connected_session() -> Session {
        let mut session = Session::new("party0011223344556677abc".into(), 60);
        session.open(Some((TOPIC, b"will"))).unwrap();
        assert_eq!(
            session
                .receive(&connack(ConnectReturnCode::Accepted))
                .unwrap(),
            vec![Step::Connected]
        );
        session
    }

    #[test]
    fn connect_is_clean_with_keepalive_and_the_will_on_the_room_topic() {
        let mut session = Session::new("party0011223344556677abc".into(), 60);
        let Packet::Connect(connect) = decode(&session.open(Some((TOPIC, b"bye"))).unwrap()) else {
            panic!("open did not produce CONNECT");
        };
        assert!(connect.clean_session);
        assert_eq!(connect.keep_alive, 60);
        assert_eq!(&*connect.client_id, "party0011223344556677abc");
        let will = connect.last_will.unwrap();
        assert_eq!(&*will.topic_name, TOPIC);
        assert_eq!(&will.message[..], b"bye");
        assert_eq!(will.qos, QoS::Level0);
        assert!(!will.retain);
    }

    #[test]
    fn subscribe_is_one_qos0_filter_on_the_given_topic() {
        let session = connected_session();
        let Packet::Subscribe(subscribe) = decode(&session.subscribe(TOPIC).unwrap()) else {
            panic!("not a SUBSCRIBE");
        };
        assert_eq!(subscribe.topics.len(), 1);
        assert_eq!(&*subscribe.topics[0].0, TOPIC);
        assert_eq!(subscribe.topics[0].1, QoS::Level0);
    }

    #[test]
    fn a_refused_connection_is_an_error_and_a_refused_subscription_a_step() {
        let mut session = Session::new("c".into(), 60);
        session.open(None).unwrap();
        assert_eq!(
            session.receive(&connack(ConnectReturnCode::NotAuthorized)),
            Err(SessionError::Refused(ConnectReturnCode::NotAuthorized))
        );
        let mut session = connected_session();
        assert_eq!(
            session.receive(&suback(SubscribeReturnCode::MaxLevel0)),
            Ok(vec![Step::Subscribed { granted: true }])
        );
        // SUBACK, pid 1, return code 0x80, written out by hand: mqtt-proto 0.4 encodes
        // `Failure` as 3 (its enum index), though it decodes 0x80 correctly.
        assert_eq!(
            session.receive(&[0x90, 0x03, 0x00, 0x01, 0x80]),
            Ok(vec![Step::Subscribed { granted: false }])
        );
    }

    #[test]
    fn publishes_come_out_with_their_topic_and_retain_flag() {
        let mut session = connected_session();
        let mut bytes = incoming(TOPIC, b"{}", false);
        bytes.extend(incoming(TOPIC, b"old", true));
        assert_eq!(
            session.receive(&bytes).unwrap(),
            vec![
                Step::Message {
                    topic: TOPIC.into(),
                    retained: false,
                    payload: b"{}".to_vec()
                },
                Step::Message {
                    topic: TOPIC.into(),
                    retained: true,
                    payload: b"old".to_vec()
                },
            ]
        );
    }

    #[test]
    fn publish_is_qos0_unretained_on_the_given_topic() {
        let session = connected_session();
        let Packet::Publish(publish) = decode(&session.publish(TOPIC, b"hello".to_vec()).unwrap())
        else {
            panic!("not a PUBLISH");
        };
        assert_eq!(publish.qos_pid, QosPid::Level0);
        assert!(!publish.retain);
        assert_eq!(&*publish.topic_name, TOPIC);
        assert_eq!(&publish.payload[..], b"hello");
    }

    #[test]
    fn an_unanswered_ping_marks_the_connection_dead() {
        let mut session = connected_session();
        assert_eq!(decode(&session.keepalive().unwrap()), Packet::Pingreq);
        session.receive(&wire(Packet::Pingresp)).unwrap();
        session.keepalive().unwrap();
        assert_eq!(session.keepalive(), Err(SessionError::PingTimeout));
    }

    #[test]
    fn a_second_connack_is_a_protocol_error() {
        let mut session = connected_session();
        assert_eq!(
            session.receive(&connack(ConnectReturnCode::Accepted)),
            Err(SessionError::Unexpected("CONNACK"))
        );
    }

    #[test]
    fn a_publish_before_connack_is_a_protocol_error() {
        let mut session = Session::new("c".into(), 60);
        session.open(None).unwrap();
        assert_eq!(
            session.receive(&incoming(TOPIC, b"x", false)),
            Err(SessionError::Unexpected("PUBLISH"))
        );
    }
}
