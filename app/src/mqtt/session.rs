//! The MQTT 3.1.1 client for one room, sans-IO: bytes in, steps out. It knows the
//! packets (CONNECT with a Last Will, CONNACK, SUBSCRIBE, SUBACK, QoS 0 PUBLISH) and
//! keepalive; when to subscribe, join or publish is core's `Connection`'s call, so
//! the transport only moves bytes and the room never sees MQTT.

use std::fmt;

use super::framing::{FramingError, PacketBuffer};
use super::packet::{self, Packet};

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
    /// The broker answered CONNECT with a refusal (its return code).
    Refused(u8),
    /// The broker sent a packet that makes no sense at this point of the session.
    Unexpected(&'static str),
    /// No reply to the previous keepalive ping: the connection is silently dead.
    PingTimeout,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Framing(err) => err.fmt(f),
            SessionError::Refused(code) => write!(
                f,
                "the broker refused the connection: {}",
                match code {
                    1 => "it does not speak MQTT 3.1.1",
                    2 => "it refused our client id",
                    3 => "it is unavailable",
                    4 | 5 => "it wants credentials",
                    _ => "for an unknown reason",
                }
            ),
            SessionError::Unexpected(what) => write!(f, "the broker sent an unexpected {what}"),
            SessionError::PingTimeout => f.write_str("the broker stopped answering"),
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
    pub fn open(&mut self, will: Option<(&str, &[u8])>) -> Vec<u8> {
        self.buffer.clear();
        self.awaiting_pong = false;
        self.phase = Phase::AwaitingConnack;
        packet::connect(&self.client_id, self.keep_alive_secs, will)
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
            (Phase::AwaitingConnack, Packet::Connack { code }) => {
                if code != 0 {
                    return Err(SessionError::Refused(code));
                }
                self.phase = Phase::Connected;
                Some(Step::Connected)
            }
            (Phase::Connected, Packet::Suback { codes }) => Some(Step::Subscribed {
                granted: !codes.contains(&0x80),
            }),
            (
                Phase::Connected,
                Packet::Publish {
                    topic,
                    retained,
                    payload,
                },
            ) => Some(Step::Message {
                topic,
                retained,
                payload,
            }),
            (_, Packet::Pingresp) => None,
            (_, Packet::Connack { .. }) => return Err(SessionError::Unexpected("CONNACK")),
            (_, Packet::Suback { .. }) => return Err(SessionError::Unexpected("SUBACK")),
            (_, Packet::Publish { .. }) => return Err(SessionError::Unexpected("PUBLISH")),
            (_, Packet::Other(what)) => return Err(SessionError::Unexpected(what)),
        })
    }

    /// A QoS 0 SUBSCRIBE to `topic`.
    pub fn subscribe(&self, topic: &str) -> Vec<u8> {
        packet::subscribe(SUBSCRIBE_PID, topic)
    }

    /// A QoS 0, unretained publish of `payload` on `topic`.
    pub fn publish(&self, topic: &str, payload: &[u8]) -> Vec<u8> {
        packet::publish(topic, payload)
    }

    /// Called every half keepalive period: a PINGREQ to send, or the verdict that the
    /// previous one went unanswered for a whole period.
    pub fn keepalive(&mut self) -> Result<Vec<u8>, SessionError> {
        if self.awaiting_pong {
            return Err(SessionError::PingTimeout);
        }
        self.awaiting_pong = true;
        Ok(packet::pingreq())
    }

    /// A clean goodbye: the broker then drops the Last Will, since we left on purpose.
    pub fn disconnect(&mut self) -> Vec<u8> {
        self.phase = Phase::Closed;
        packet::disconnect()
    }

    /// The connection went away under us.
    pub fn closed(&mut self) {
        self.phase = Phase::Closed;
        self.buffer.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPIC: &str = "party-2026-v1/party/calc-study";

    fn connack(code: u8) -> Vec<u8> {
        vec![0x20, 0x02, 0x00, code]
    }

    fn incoming(topic: &str, payload: &[u8], retain: bool) -> Vec<u8> {
        let mut bytes = packet::publish(topic, payload);
        bytes[0] |= u8::from(retain);
        bytes
    }

    fn connected_session() -> Session {
        let mut session = Session::new("party0011223344556677abc".into(), 60);
        session.open(Some((TOPIC, b"will")));
        assert_eq!(session.receive(&connack(0)).unwrap(), vec![Step::Connected]);
        session
    }

    #[test]
    fn a_refused_connection_is_an_error_and_a_refused_subscription_a_step() {
        let mut session = Session::new("c".into(), 60);
        session.open(None);
        assert_eq!(session.receive(&connack(5)), Err(SessionError::Refused(5)));
        let mut session = connected_session();
        assert_eq!(
            session.receive(&[0x90, 0x03, 0x00, 0x01, 0x00]),
            Ok(vec![Step::Subscribed { granted: true }])
        );
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
    fn an_unanswered_ping_marks_the_connection_dead() {
        let mut session = connected_session();
        assert_eq!(session.keepalive().unwrap(), vec![0xc0, 0]);
        session.receive(&[0xd0, 0]).unwrap();
        session.keepalive().unwrap();
        assert_eq!(session.keepalive(), Err(SessionError::PingTimeout));
    }

    #[test]
    fn a_second_connack_is_a_protocol_error() {
        let mut session = connected_session();
        assert_eq!(
            session.receive(&connack(0)),
            Err(SessionError::Unexpected("CONNACK"))
        );
    }

    #[test]
    fn a_publish_before_connack_is_a_protocol_error() {
        let mut session = Session::new("c".into(), 60);
        session.open(None);
        assert_eq!(
            session.receive(&incoming(TOPIC, b"x", false)),
            Err(SessionError::Unexpected("PUBLISH"))
        );
    }
}
