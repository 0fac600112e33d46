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

/// Whether an MQTT topic filter with wildcards could match some room's topic, and so
/// let its subscriber read rooms it was never given the name of. Brokers refuse such
/// subscriptions (docs/design.md, "What the broker may and may not do"). A filter
/// without wildcards names one topic and is never such a filter. `filter` is taken as
/// valid per MQTT 3.1.1 §4.7.1 (`#` only last, wildcards a whole level).
pub fn wildcard_reaches_rooms(filter: &str) -> bool {
    if !filter.contains(['+', '#']) {
        return false;
    }
    let prefix: Vec<&str> = TOPIC_PREFIX.trim_end_matches('/').split('/').collect();
    let room_level = prefix.len();
    for (level, part) in filter.split('/').enumerate() {
        // `#` also matches its parent level, so `a/b/#` reaches `a/b`.
        if part == "#" {
            return true;
        }
        if level > room_level {
            return false;
        }
        if part == "+" {
            continue;
        }
        let fits = match prefix.get(level) {
            Some(expected) => part == *expected,
            None => RoomName::parse(part).is_ok(),
        };
        if !fits {
            return false;
        }
    }
    filter.split('/').count() == room_level + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NATS refuses `.` and spaces in MQTT topics, RabbitMQ rewrites `.` to `/`, and
    /// `+`, `#` and `$` mean something to every broker: no topic we emit may hold
    /// any of them (docs/scaling.md).
    #[test]
    fn no_room_topic_holds_a_character_a_cluster_broker_treats_specially() {
        let special = ['.', ' ', '+', '#', '$', '\0'];
        assert!(!TOPIC_PREFIX.contains(special));
        let names = ["ab", "calc-study", "a1", &"z".repeat(48), "big-red-apple"];
        for name in names {
            let topic = room_topic(&RoomName::parse(name).unwrap());
            assert!(!topic.contains(special), "{topic}");
        }
        for bad in ["a.b", "a b", "a+b", "a#b", "$ab"] {
            assert!(
                RoomName::parse(bad).is_err(),
                "{bad} must not be a room name"
            );
        }
    }

    #[test]
    fn wildcards_that_can_match_a_room_topic_reach_rooms() {
        for filter in [
            "#",
            "+/#",
            "+/+/+",
            "party-2026-v1/#",
            "party-2026-v1/party/#",
            "party-2026-v1/party/+",
            "party-2026-v1/+/calc-study",
            "+/party/+",
            "party-2026-v1/party/calc-study/#",
        ] {
            assert!(wildcard_reaches_rooms(filter), "{filter}");
        }
    }

    #[test]
    fn exact_topics_and_wildcards_elsewhere_do_not_reach_rooms() {
        for filter in [
            "party-2026-v1/party/calc-study",
            "sensors/#",
            "+/+",
            "+/+/+/+",
            "party-2026-v1/other/+",
            "party-2026-v1/party/calc-study/+",
            "party-2026-v1/party/+/x",
            "other/party/+",
            "party-2026-v1/+/NOT_A_ROOM",
        ] {
            assert!(!wildcard_reaches_rooms(filter), "{filter}");
        }
    }

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
