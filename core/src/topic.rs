//! MQTT topics: one per room, `party-2026-v1/party/<room>` as in Party v1, so our
//! clients and v1 clients meet on the same topic.

use crate::ids::RoomName;
use crate::limits::TOPIC_PREFIX;

/// The topic a room's envelopes are published on.
pub fn room_topic(room: &RoomName) -> String {
    format!("{TOPIC_PREFIX}{room}")
}

/// The room a topic belongs to, if it is a Party room topic.
pub fn room_of_topic(topic: &str) -> Option<RoomName> {
    RoomName::parse(topic.strip_prefix(TOPIC_PREFIX)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_is_v1_prefix_plus_room() {
        let room = RoomName::parse("calc-study").unwrap();
        assert_eq!(room_topic(&room), "party-2026-v1/party/calc-study");
        assert_eq!(room_of_topic(&room_topic(&room)), Some(room));
    }

    #[test]
    fn foreign_topics_have_no_room() {
        assert_eq!(room_of_topic("other/party/calc-study"), None);
        assert_eq!(room_of_topic("party-2026-v1/party/calc/study"), None);
        assert_eq!(room_of_topic("party-2026-v1/party/"), None);
    }
}
