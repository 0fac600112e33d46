//! IRCv3 tags we send: `time` (server-time) and `msgid` (message-tags).

use std::time::{Duration, UNIX_EPOCH};

/// `time=…` for a Unix-ms timestamp, in the ISO 8601 UTC form server-time requires.
pub fn time(t_ms: u64) -> String {
    let at = UNIX_EPOCH + Duration::from_millis(t_ms);
    format!("time={}", humantime::format_rfc3339_millis(at))
}

/// A tag value escaped as message-tags requires (`;`, space, `\`, CR, LF).
pub fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            ';' => out.push_str("\\:"),
            ' ' => out.push_str("\\s"),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_time_is_utc_with_milliseconds() {
        assert_eq!(time(1_767_225_600_123), "time=2026-01-01T00:00:00.123Z");
    }

    #[test]
    fn tag_values_are_escaped() {
        assert_eq!(escape_value("a b;c\\d\r\n"), "a\\sb\\:c\\\\d\\r\\n");
    }
}
