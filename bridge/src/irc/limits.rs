//! IRC's own limits, as the bridge applies them.

use party_core::limits::MAX_DISPLAY_NAME_CHARS;

/// Most bytes of an IRC line, CRLF included, without its tags (RFC 1459/2812).
pub const IRC_LINE_MAX_BYTES: usize = 512;

/// Longest IRC nick we accept: the longest display name, since the nick becomes it.
pub const IRC_NICK_MAX_CHARS: usize = MAX_DISPLAY_NAME_CHARS;

/// Most bytes of the tags section a client may send before the line proper, `@` and
/// the separating space included (IRCv3 message-tags: 4094 bytes of tag data).
pub const IRC_CLIENT_TAGS_MAX_BYTES: usize = 4_096;

/// Whether a line from a client (without its line end) is over IRC's limits: a
/// tags section over `IRC_CLIENT_TAGS_MAX_BYTES`, or the rest over
/// `IRC_LINE_MAX_BYTES` once CRLF is counted. Either gets 417 and is not handled.
pub fn too_long(line: &[u8]) -> bool {
    let tags = match line.first() {
        Some(b'@') => line
            .iter()
            .position(|&b| b == b' ')
            .map_or(line.len(), |space| space + 1),
        _ => 0,
    };
    tags > IRC_CLIENT_TAGS_MAX_BYTES || line.len() - tags + 2 > IRC_LINE_MAX_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_too_long_by_its_tags_or_by_the_rest() {
        let body = |n: usize| format!("PRIVMSG #x :{}", "y".repeat(n - 12));
        assert!(!too_long(body(510).as_bytes()));
        assert!(too_long(body(511).as_bytes()));
        let tags = |n: usize| format!("@+t={} ", "a".repeat(n - 5));
        assert!(!too_long(format!("{}{}", tags(4096), body(510)).as_bytes()));
        assert!(too_long(format!("{}{}", tags(4097), body(20)).as_bytes()));
        assert!(too_long(format!("@+t={}", "a".repeat(5000)).as_bytes()));
    }
}
