//! IRC's own limits, as the bridge applies them.

use party_core::limits::MAX_DISPLAY_NAME_CHARS;

/// Most bytes of an IRC line, CRLF included, without its tags (RFC 1459/2812).
pub const IRC_LINE_MAX_BYTES: usize = 512;

/// Most bytes of the tags section a client may send before the line proper (IRCv3
/// message-tags: 4094 of client tags, with `@`, the separator space and server tags).
pub const IRC_TAGS_MAX_BYTES: usize = 8_191;

/// Longest IRC nick we accept: the longest display name, since the nick becomes it.
pub const IRC_NICK_MAX_CHARS: usize = MAX_DISPLAY_NAME_CHARS;
