//! The broker's MQTT frame path over TCP: the bytes a client sends, framed and
//! decoded by the vendored rumqttd's MQTT 3.1.1 reader with party-broker's packet
//! limit, packet after packet until the input runs out or a frame is refused.
use bytes::BytesMut;
use party_core::limits::MAX_MQTT_REMAINING_BYTES;
use rumqttd::protocol::v4::V4;
use rumqttd::protocol::Protocol;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let mut stream = BytesMut::from(data);
        let mut codec = V4;
        while codec
            .read_mut(&mut stream, MAX_MQTT_REMAINING_BYTES)
            .is_ok()
        {}
    });
}
