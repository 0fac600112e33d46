//! Cuts a byte stream into whole MQTT packets. WebSocket frames carry no packet
//! boundaries (a broker may split one packet over frames or pack several into one), so
//! bytes are buffered until a packet's fixed header says it is complete.

use std::fmt;

use super::packet::{self, Packet};
/// Largest packet we buffer. Anything bigger is a broker that ignores our limits, and
/// holding it would let it grow memory without bound.
pub use party_core::limits::MAX_MQTT_PACKET_BYTES as MAX_PACKET_BYTES;

/// Why the byte stream cannot be read any further; the connection must be dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FramingError {
    /// The remaining-length field runs past its 4-byte maximum.
    MalformedLength,
    /// A packet announces more bytes than we are willing to hold.
    TooLarge { len: usize, max: usize },
    /// A complete packet that the codec rejects.
    Decode(String),
}

impl fmt::Display for FramingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FramingError::MalformedLength => {
                f.write_str("the broker sent a packet with a malformed length")
            }
            FramingError::TooLarge { len, max } => write!(
                f,
                "the broker sent a {len}-byte packet; at most {max} bytes are accepted"
            ),
            FramingError::Decode(why) => {
                write!(f, "the broker sent a packet that cannot be read: {why}")
            }
        }
    }
}

/// Bytes received but not yet forming a whole packet.
#[derive(Debug, Default)]
pub struct PacketBuffer {
    pending: Vec<u8>,
}

impl PacketBuffer {
    /// Appends `bytes` and returns every packet now complete, in order. After an error
    /// the buffer's contents are meaningless and the connection should be closed.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Packet>, FramingError> {
        self.pending.extend_from_slice(bytes);
        let mut packets = Vec::new();
        let mut start = 0;
        while let Some(len) = frame_len(&self.pending[start..])? {
            let end = start + len;
            if end > self.pending.len() {
                break;
            }
            packets.push(decode(&self.pending[start..end])?);
            start = end;
        }
        self.pending.drain(..start);
        Ok(packets)
    }

    /// Forgets partial data, for a fresh connection.
    pub fn clear(&mut self) {
        self.pending.clear();
    }
}

fn decode(frame: &[u8]) -> Result<Packet, FramingError> {
    packet::decode(frame).map_err(|packet::Malformed(why)| FramingError::Decode(why.into()))
}

/// Total length of the packet starting at `buf[0]`, or `None` while its fixed header is
/// still incomplete.
fn frame_len(buf: &[u8]) -> Result<Option<usize>, FramingError> {
    let mut remaining: usize = 0;
    for (i, &byte) in buf.iter().skip(1).take(4).enumerate() {
        remaining |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let len = 1 + (i + 1) + remaining;
            if len > MAX_PACKET_BYTES {
                return Err(FramingError::TooLarge {
                    len,
                    max: MAX_PACKET_BYTES,
                });
            }
            return Ok(Some(len));
        }
    }
    if buf.len() >= 5 {
        return Err(FramingError::MalformedLength);
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    const TOPIC: &str = "party-2026-v1/party/calc-study";

    fn publish(payload: &[u8]) -> Packet {
        Packet::Publish {
            topic: TOPIC.into(),
            retained: false,
            payload: payload.to_vec(),
        }
    }

    /// The wire form of the packets these tests feed (a broker's PUBLISH is ours).
    fn bytes(packet: &Packet) -> Vec<u8> {
        match packet {
            Packet::Publish { payload, .. } => packet::publish(TOPIC, payload),
            Packet::Pingresp => vec![0xd0, 0],
            other => panic!("no wire form for {other:?} in these tests"),
        }
    }

    #[test]
    fn a_packet_split_byte_by_byte_comes_out_once_complete() {
        let packet = publish(&[7u8; 300]);
        let wire = bytes(&packet);
        let mut buffer = PacketBuffer::default();
        for (i, byte) in wire.iter().enumerate() {
            let out = buffer.push(std::slice::from_ref(byte)).unwrap();
            if i + 1 < wire.len() {
                assert!(out.is_empty(), "packet emitted early at byte {i}");
            } else {
                assert_eq!(out, vec![packet.clone()]);
            }
        }
    }

    #[test]
    fn joined_packets_in_one_frame_all_come_out_in_order() {
        let packets = vec![publish(b"one"), Packet::Pingresp, publish(b"three")];
        let wire: Vec<u8> = packets.iter().flat_map(bytes).collect();
        let mut buffer = PacketBuffer::default();
        assert_eq!(buffer.push(&wire).unwrap(), packets);
    }

    #[test]
    fn a_frame_ending_mid_packet_keeps_the_tail_for_the_next_frame() {
        let first = publish(b"first");
        let second = publish(&[1u8; 200]);
        let mut wire = bytes(&first);
        wire.extend(bytes(&second));
        let cut = bytes(&first).len() + 3;
        let mut buffer = PacketBuffer::default();
        assert_eq!(buffer.push(&wire[..cut]).unwrap(), vec![first]);
        assert_eq!(buffer.push(&wire[cut..]).unwrap(), vec![second]);
    }

    #[test]
    fn an_oversized_packet_is_refused_before_it_is_buffered() {
        // Fixed header announcing 200 MB of remaining length.
        let err = PacketBuffer::default()
            .push(&[0x30, 0x80, 0x80, 0x80, 0x60])
            .unwrap_err();
        assert!(matches!(err, FramingError::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn a_length_field_longer_than_four_bytes_is_malformed() {
        let err = PacketBuffer::default()
            .push(&[0x30, 0x80, 0x80, 0x80, 0x80, 0x01])
            .unwrap_err();
        assert_eq!(err, FramingError::MalformedLength);
    }

    #[test]
    fn a_garbled_packet_is_an_error_not_a_silent_skip() {
        // CONNACK with an invalid return code 9.
        let err = PacketBuffer::default()
            .push(&[0x20, 0x02, 0x00, 0x09])
            .unwrap_err();
        assert!(matches!(err, FramingError::Decode(_)), "{err:?}");
    }
}
