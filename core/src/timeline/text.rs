//! How a message's text is drawn: plain text, web links, and handles (each a link to
//! that handle's room), with mentions of the reader picked out, and `/me` actions
//! told apart. Only ever split into pieces of the text itself: nothing in a message
//! can become markup.

use crate::ids::Handle;

/// The prefix of an action (`/me waves`), as IRC's CTCP ACTION arrives in a room.
pub const ACTION_PREFIX: &str = "/me ";

/// A piece of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Text(String),
    /// An `http(s)://` address, as written (trailing punctuation left out).
    Link(String),
    /// A handle (with its `@`, if written with one): a link to that handle's room.
    Handle {
        text: String,
        handle: Handle,
    },
    /// The reader's own handle.
    Mention {
        text: String,
        handle: Handle,
    },
}

/// A message text, ready to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rich {
    /// `/me …`: draw as "handle waves", not as a quote.
    pub action: bool,
    pub segments: Vec<Segment>,
    /// It names the reader: highlighted, and worth a notification.
    pub mentions_me: bool,
}

/// Splits `text` for a reader whose handle is `me`.
pub fn rich(text: &str, me: &Handle) -> Rich {
    let (action, body) = match text.strip_prefix(ACTION_PREFIX) {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut segments = Vec::new();
    let mut plain = String::new();
    let mut mentions_me = false;
    let mut rest = body;
    while !rest.is_empty() {
        // Pieces start at a word boundary: after whitespace or an opening bracket.
        let (word_start, word) = next_word(rest);
        plain.push_str(&rest[..word_start]);
        if word.is_empty() {
            break;
        }
        let (piece, used) = classify(word, me);
        match piece {
            Some(segment) => {
                if !plain.is_empty() {
                    segments.push(Segment::Text(std::mem::take(&mut plain)));
                }
                mentions_me |= matches!(segment, Segment::Mention { .. });
                segments.push(segment);
                plain.push_str(&word[used..]);
            }
            None => plain.push_str(word),
        }
        rest = &rest[word_start + word.len()..];
    }
    if !plain.is_empty() {
        segments.push(Segment::Text(plain));
    }
    Rich {
        action,
        segments,
        mentions_me,
    }
}

/// The next run of non-space characters in `s`: where it starts, and the run.
fn next_word(s: &str) -> (usize, &str) {
    let start = s
        .find(|c: char| !c.is_whitespace() && c != '(' && c != '[' && c != '<')
        .unwrap_or(s.len());
    let end = s[start..]
        .find(|c: char| c.is_whitespace())
        .map_or(s.len(), |i| start + i);
    (start, &s[start..end])
}

/// Characters that end a sentence around a link or handle rather than belong to it.
fn trailing(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '>' | '\'' | '"' | '…'
    )
}

/// What `word` starts with, if it is a link or a handle, and how many bytes of it
/// that takes (what follows is trailing punctuation).
fn classify(word: &str, me: &Handle) -> (Option<Segment>, usize) {
    let core_len = word.trim_end_matches(trailing).len();
    let core = &word[..core_len];
    let lower = core.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && core.len() > "https://".len()
    {
        return (Some(Segment::Link(core.to_owned())), core_len);
    }
    let bare = core.strip_prefix('@').unwrap_or(core);
    match Handle::parse(bare) {
        Ok(handle) if handle == *me => (
            Some(Segment::Mention {
                text: core.to_owned(),
                handle,
            }),
            core_len,
        ),
        Ok(handle) => (
            Some(Segment::Handle {
                text: core.to_owned(),
                handle,
            }),
            core_len,
        ),
        Err(_) => (None, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me() -> Handle {
        Handle::parse("big-red-apple").unwrap()
    }

    #[test]
    fn links_are_cut_from_the_sentence_around_them() {
        let r = rich("see https://example.com/a?b=1. (or http://x.org/y)", &me());
        assert_eq!(
            r.segments,
            [
                Segment::Text("see ".into()),
                Segment::Link("https://example.com/a?b=1".into()),
                Segment::Text(". (or ".into()),
                Segment::Link("http://x.org/y".into()),
                Segment::Text(")".into()),
            ]
        );
        assert!(!r.mentions_me && !r.action);
    }

    #[test]
    fn handles_link_to_their_rooms_and_the_readers_own_is_a_mention() {
        let r = rich("@big-red-apple meet tiny-blue-pear-bot!", &me());
        assert!(r.mentions_me);
        assert_eq!(
            r.segments,
            [
                Segment::Mention {
                    text: "@big-red-apple".into(),
                    handle: me()
                },
                Segment::Text(" meet ".into()),
                Segment::Handle {
                    text: "tiny-blue-pear-bot".into(),
                    handle: Handle::parse("tiny-blue-pear-bot").unwrap()
                },
                Segment::Text("!".into()),
            ]
        );
    }

    #[test]
    fn markup_stays_text_and_nothing_is_lost() {
        for text in [
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "a  b\n\nc\t",
            "https://",
            "émoji 🎉 and ünïcode",
            "(https://a.b)",
        ] {
            let r = rich(text, &me());
            let joined: String = r
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Text(t) | Segment::Link(t) => t.clone(),
                    Segment::Handle { text, .. } | Segment::Mention { text, .. } => text.clone(),
                })
                .collect();
            assert_eq!(joined, text, "{r:?}");
        }
        assert_eq!(
            rich("javascript:alert(1)", &me()).segments,
            [Segment::Text("javascript:alert(1)".into())]
        );
    }

    #[test]
    fn a_me_line_is_an_action() {
        let r = rich("/me waves at big-red-apple", &me());
        assert!(r.action && r.mentions_me);
        assert_eq!(r.segments[0], Segment::Text("waves at ".into()));
        assert!(!rich("/meh", &me()).action);
    }
}
