//! The MQTT 3.1.1 client for one room, sans-IO: bytes in, steps out. It knows the
//! handshake (CONNECT with a Last Will, CONNACK, SUBSCRIBE, SUBACK), QoS 0 publishing
//! and keepalive, so the transport only moves bytes and the room never sees MQTT.

use std::fmt;

use mqtt_proto::v3::{
    Connect, ConnectReturnCode, LastWill, Packet, Publish, Subscribe, SubscribeReturnCode,
};
use mqtt_proto::{Pid, QoS, QosPid, TopicFilter, TopicName};

use super::framing::{FramingError, PacketBuffer};

/// What the caller must do after feeding bytes in, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Write these bytes to the connection.
    Send(Vec<u8>),
    /// The subscription is in place: from now on nothing published on the topic is
    /// missed, so it is safe to join the room.
    Live,
    /// A payload published on the room topic.
    Message(Vec<u8>),
}

/// Why the connection has to be dropped (and, if worth it, retried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionError {
    Framing(FramingError),
    /// The broker answered CONNECT with a refusal.
    Refused(ConnectReturnCode),
    SubscriptionRefused,
    /// The broker sent a packet that makes no sense at this point of the session.
    Unexpected(&'static str),
    /// No reply to the previous keepalive ping: the connection is silently dead.
    PingTimeout,
    /// Publishing before the session is live.
    NotLive,
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
            SessionError::SubscriptionRefused => {
                f.write_str("the broker refused the room subscription")
            }
            SessionError::Unexpected(what) => write!(f, "the broker sent an unexpected {what}"),
            SessionError::PingTimeout => f.write_str("the broker stopped answering"),
            SessionError::NotLive => f.write_str("not connected to the room yet"),
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
    AwaitingSuback,
    Live,
}

/// One room's MQTT session; reusable across reconnects via [`Session::open`].
#[derive(Debug)]
pub struct Session {
    topic: TopicName,
    client_id: String,
    keep_alive_secs: u16,
    buffer: PacketBuffer,
    phase: Phase,
    awaiting_pong: bool,
}

/// The only packet id we use: one SUBSCRIBE per connection, QoS 0 publishes need none.
const SUBSCRIBE_PID: u16 = 1;

impl Session {
    /// A session publishing to and subscribed on `topic` only.
    pub fn new(topic: &str, client_id: &str, keep_alive_secs: u16) -> Result<Self, SessionError> {
        let topic =
            TopicName::try_from(topic).map_err(|err| SessionError::Encode(err.to_string()))?;
        Ok(Session {
            topic,
            client_id: client_id.to_owned(),
            keep_alive_secs,
            buffer: PacketBuffer::default(),
            phase: Phase::Closed,
            awaiting_pong: false,
        })
    }

    /// Starts a fresh connection: returns the CONNECT bytes, with `will` as the Last
    /// Will on the room topic so the broker announces our departure if we vanish.
    pub fn open(&mut self, will: Option<Vec<u8>>) -> Result<Vec<u8>, SessionError> {
        self.buffer.clear();
        self.awaiting_pong = false;
        let mut connect = Connect::new(self.client_id.as_str().into(), self.keep_alive_secs);
        connect.clean_session = true;
        connect.last_will =
            will.map(|payload| LastWill::new(QoS::Level0, self.topic.clone(), payload.into()));
        let bytes = encode(&Packet::Connect(connect))?;
        self.phase = Phase::AwaitingConnack;
        Ok(bytes)
    }

    /// Whether publishes are possible now.
    pub fn is_live(&self) -> bool {
        self.phase == Phase::Live
    }

    /// Feeds bytes from the connection.
    pub fn receive(&mut self, bytes: &[u8]) -> Result<Vec<Step>, SessionError> {
        let mut steps = Vec::new();
        for packet in self.buffer.push(bytes)? {
            self.awaiting_pong = false;
            self.handle(packet, &mut steps)?;
        }
        Ok(steps)
    }

    fn handle(&mut self, packet: Packet, steps: &mut Vec<Step>) -> Result<(), SessionError> {
        match (self.phase, packet) {
            (Phase::AwaitingConnack, Packet::Connack(connack)) => {
                if connack.code != ConnectReturnCode::Accepted {
                    return Err(SessionError::Refused(connack.code));
                }
                steps.push(Step::Send(self.subscribe()?));
                self.phase = Phase::AwaitingSuback;
            }
            (Phase::AwaitingSuback, Packet::Suback(suback)) => {
                if suback.topics.contains(&SubscribeReturnCode::Failure) {
                    return Err(SessionError::SubscriptionRefused);
                }
                self.phase = Phase::Live;
                steps.push(Step::Live);
            }
            (Phase::AwaitingSuback | Phase::Live, Packet::Publish(publish)) => {
                // We subscribe to the room topic only; a broker delivering anything else
                // is not talking about this room, so it is not ours to show.
                if publish.topic_name == self.topic {
                    steps.push(Step::Message(publish.payload.to_vec()));
                }
            }
            (_, Packet::Pingresp) => {}
            (_, Packet::Connack(_)) => return Err(SessionError::Unexpected("CONNACK")),
            (_, Packet::Suback(_)) => return Err(SessionError::Unexpected("SUBACK")),
            (_, Packet::Publish(_)) => return Err(SessionError::Unexpected("PUBLISH")),
            (_, Packet::Disconnect) => return Err(SessionError::Unexpected("DISCONNECT")),
            (_, _) => return Err(SessionError::Unexpected("packet type")),
        }
        Ok(())
    }

    fn subscribe(&self) -> Result<Vec<u8>, SessionError> {
        let filter = TopicFilter::try_from(&*self.topic)
            .map_err(|err| SessionError::Encode(err.to_string()))?;
        let pid =
            Pid::try_from(SUBSCRIBE_PID).map_err(|err| SessionError::Encode(err.to_string()))?;
        encode(&Packet::Subscribe(Subscribe::new(
            pid,
            vec![(filter, QoS::Level0)],
        )))
    }

    /// A QoS 0 publish of `payload` on the room topic.
    pub fn publish(&self, payload: Vec<u8>) -> Result<Vec<u8>, SessionError> {
        if !self.is_live() {
            return Err(SessionError::NotLive);
        }
        encode(&Packet::Publish(Publish::new(
            QosPid::Level0,
            self.topic.clone(),
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

    fn incoming(topic: &str, payload: &[u8]) -> Vec<u8> {
        wire(Packet::Publish(Publish::new(
            QosPid::Level0,
            TopicName::try_from(topic).unwrap(),
            payload.to_vec().into(),
        )))
    }

    fn live_session() -> Session {
        let mut session = Session::new(TOPIC, "party-0011223344556677", 60).unwrap();
        session.open(Some(b"will".to_vec())).unwrap();
        session
            .receive(&connack(ConnectReturnCode::Accepted))
            .unwrap();
        assert_eq!(
            session
                .receive(&suback(SubscribeReturnCode::MaxLevel0))
                .unwrap(),
            vec![Step::Live]
        );
        session
    }

    #[test]
    fn connect_is_clean_with_keepalive_and_the_will_on_the_room_topic() {
        let mut session = Session::new(TOPIC, "party-0011223344556677", 60).unwrap();
        let Packet::Connect(connect) = decode(&session.open(Some(b"bye".to_vec())).unwrap()) else {
            panic!("open did not produce CONNECT");
        };
        assert!(connect.clean_session);
        assert_eq!(connect.keep_alive, 60);
        assert_eq!(&*connect.client_id, "party-0011223344556677");
        let will = connect.last_will.unwrap();
        assert_eq!(&*will.topic_name, TOPIC);
        assert_eq!(&will.message[..], b"bye");
        assert_eq!(will.qos, QoS::Level0);
        assert!(!will.retain);
    }

    #[test]
    fn connack_triggers_a_qos0_subscribe_to_the_room_topic_only() {
        let mut session = Session::new(TOPIC, "c", 60).unwrap();
        session.open(None).unwrap();
        let steps = session
            .receive(&connack(ConnectReturnCode::Accepted))
            .unwrap();
        let [Step::Send(bytes)] = steps.as_slice() else {
            panic!("expected one send, got {steps:?}");
        };
        let Packet::Subscribe(subscribe) = decode(bytes) else {
            panic!("not a SUBSCRIBE");
        };
        assert_eq!(subscribe.topics.len(), 1);
        assert_eq!(&*subscribe.topics[0].0, TOPIC);
        assert_eq!(subscribe.topics[0].1, QoS::Level0);
        assert!(!session.is_live(), "live before SUBACK");
    }

    #[test]
    fn refused_connection_and_subscription_are_errors() {
        let mut session = Session::new(TOPIC, "c", 60).unwrap();
        session.open(None).unwrap();
        assert_eq!(
            session.receive(&connack(ConnectReturnCode::NotAuthorized)),
            Err(SessionError::Refused(ConnectReturnCode::NotAuthorized))
        );
        session.open(None).unwrap();
        session
            .receive(&connack(ConnectReturnCode::Accepted))
            .unwrap();
        // SUBACK, pid 1, return code 0x80, written out by hand: mqtt-proto 0.4 encodes
        // `Failure` as 3 (its enum index), though it decodes 0x80 correctly.
        assert_eq!(
            session.receive(&[0x90, 0x03, 0x00, 0x01, 0x80]),
            Err(SessionError::SubscriptionRefused)
        );
    }

    #[test]
    fn room_publishes_come_out_and_foreign_topics_do_not() {
        let mut session = live_session();
        let mut bytes = incoming(TOPIC, b"{\"type\":\"msg\"}");
        bytes.extend(incoming("party-2026-v1/party/other-room", b"x"));
        assert_eq!(
            session.receive(&bytes).unwrap(),
            vec![Step::Message(b"{\"type\":\"msg\"}".to_vec())]
        );
    }

    #[test]
    fn publish_needs_a_live_session_and_is_qos0_unretained() {
        let mut session = Session::new(TOPIC, "c", 60).unwrap();
        assert_eq!(session.publish(b"x".to_vec()), Err(SessionError::NotLive));
        session = live_session();
        let Packet::Publish(publish) = decode(&session.publish(b"hello".to_vec()).unwrap()) else {
            panic!("not a PUBLISH");
        };
        assert_eq!(publish.qos_pid, QosPid::Level0);
        assert!(!publish.retain);
        assert_eq!(&*publish.topic_name, TOPIC);
        assert_eq!(&publish.payload[..], b"hello");
    }

    #[test]
    fn an_unanswered_ping_marks_the_connection_dead() {
        let mut session = live_session();
        assert_eq!(decode(&session.keepalive().unwrap()), Packet::Pingreq);
        session.receive(&wire(Packet::Pingresp)).unwrap();
        session.keepalive().unwrap();
        assert_eq!(session.keepalive(), Err(SessionError::PingTimeout));
    }

    #[test]
    fn a_second_connack_is_a_protocol_error() {
        let mut session = live_session();
        assert_eq!(
            session.receive(&connack(ConnectReturnCode::Accepted)),
            Err(SessionError::Unexpected("CONNACK"))
        );
    }

    #[test]
    fn disconnect_ends_liveness() {
        let mut session = live_session();
        assert_eq!(decode(&session.disconnect().unwrap()), Packet::Disconnect);
        assert!(!session.is_live());
    }
}
