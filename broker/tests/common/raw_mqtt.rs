//! Just enough MQTT 3.1.1 encoding and framing to send what clients should not send
//! (tests) and to measure brokers without a client library's overhead (bench).
#![allow(dead_code)] // tests and the bench each use part of it

/// Packet type nibbles (MQTT 3.1.1 §2.2.1).
pub const CONNACK: u8 = 2;
pub const PUBLISH: u8 = 3;
pub const SUBACK: u8 = 9;
pub const UNSUBACK: u8 = 11;

pub fn remaining_length(mut len: usize, out: &mut Vec<u8>) {
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if len == 0 {
            return;
        }
    }
}

fn string(s: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s);
}

fn packet(first_byte: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first_byte];
    remaining_length(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

/// CONNECT, protocol level 4, clean session.
pub fn connect(client_id: &str, keep_alive_secs: u16) -> Vec<u8> {
    connect_with_session(client_id, keep_alive_secs, true)
}

/// CONNECT, protocol level 4; `clean: false` asks the broker to keep the session.
pub fn connect_with_session(client_id: &str, keep_alive_secs: u16, clean: bool) -> Vec<u8> {
    let mut body = Vec::new();
    string(b"MQTT", &mut body);
    body.push(4);
    body.push(if clean { 0b0000_0010 } else { 0 });
    body.extend_from_slice(&keep_alive_secs.to_be_bytes());
    string(client_id.as_bytes(), &mut body);
    packet(0x10, &body)
}

/// SUBSCRIBE to one filter at QoS 0.
pub fn subscribe(packet_id: u16, filter: &str) -> Vec<u8> {
    subscribe_qos(packet_id, filter, 0)
}

pub fn subscribe_qos(packet_id: u16, filter: &str, qos: u8) -> Vec<u8> {
    let mut body = packet_id.to_be_bytes().to_vec();
    string(filter.as_bytes(), &mut body);
    body.push(qos);
    packet(0x82, &body)
}

/// PUBLISH at QoS 1, not retained.
pub fn publish_qos1(topic: &str, packet_id: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    string(topic.as_bytes(), &mut body);
    body.extend_from_slice(&packet_id.to_be_bytes());
    body.extend_from_slice(payload);
    packet(0x32, &body)
}

/// PUBLISH at QoS 0, not retained.
pub fn publish(topic: &str, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(topic.len() + 2 + payload.len());
    string(topic.as_bytes(), &mut body);
    body.extend_from_slice(payload);
    packet(0x30, &body)
}

/// Splits a byte stream into MQTT packets.
#[derive(Default)]
pub struct Frames {
    buffer: Vec<u8>,
    start: usize,
}

impl Frames {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.drain(..self.start);
        self.start = 0;
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete packet as (packet type, body), if one has arrived.
    pub fn next_packet(&mut self) -> Option<(u8, &[u8])> {
        let pending = &self.buffer[self.start..];
        let first = *pending.first()?;
        let mut len = 0usize;
        let mut shift = 0;
        let mut header = 1;
        loop {
            let byte = *pending.get(header)?;
            len |= ((byte & 0x7f) as usize) << shift;
            header += 1;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 21 {
                panic!("malformed remaining length from broker");
            }
        }
        if pending.len() < header + len {
            return None;
        }
        let begin = self.start + header;
        self.start = begin + len;
        Some((first >> 4, &self.buffer[begin..begin + len]))
    }
}

/// SUBSCRIBE to every filter in one packet, each at QoS 0.
pub fn subscribe_many(packet_id: u16, filters: &[String]) -> Vec<u8> {
    let mut body = packet_id.to_be_bytes().to_vec();
    for filter in filters {
        string(filter.as_bytes(), &mut body);
        body.push(0);
    }
    packet(0x82, &body)
}

/// UNSUBSCRIBE from one filter.
pub fn unsubscribe(packet_id: u16, filter: &str) -> Vec<u8> {
    let mut body = packet_id.to_be_bytes().to_vec();
    string(filter.as_bytes(), &mut body);
    packet(0xa2, &body)
}

/// DISCONNECT.
pub fn disconnect() -> Vec<u8> {
    vec![0xe0, 0x00]
}

/// The return codes of a SUBACK body (after its packet id).
pub fn suback_codes(body: &[u8]) -> &[u8] {
    &body[2..]
}
