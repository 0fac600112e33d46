//! Whether a message calls an agent in: `@handle` or `@name` outside code, or the
//! line addressed to it as IRC users address one another (`name: …`).

use crate::ids::{DisplayName, Handle};

/// Whether `text` mentions the agent `handle` (or its display `name`) as `@handle`
/// or `@name`: a whole word after the `@`, not inside an e-mail address, and not
/// inside a code span or block (text between runs of the same number of
/// backticks), where a name is quoted rather than called. A line that opens with
/// `handle:` or `name,` (how every IRC client addresses a nick) calls it too. Names
/// match without regard to ASCII case, as IRC nicks do.
pub fn mentions(text: &str, handle: &Handle, name: Option<&DisplayName>) -> bool {
    let words = [Some(handle.as_str()), name.map(DisplayName::as_str)];
    let words = words.iter().flatten();
    words.clone().any(|word| addressed(text, word))
        || outside_code(text)
            .iter()
            .any(|prose| words.clone().any(|word| called(prose, word)))
}

/// Whether `text` opens with `word:` or `word,` (IRC's way of speaking to a nick).
fn addressed(text: &str, word: &str) -> bool {
    let text = text.trim_start();
    text.len() > word.len()
        && text.is_char_boundary(word.len())
        && text[..word.len()].eq_ignore_ascii_case(word)
        && matches!(text[word.len()..].chars().next(), Some(':' | ','))
}

/// The parts of `text` that are not code. A run of backticks opens a span that the
/// next run of the same length closes; an unclosed run is plain text.
fn outside_code(text: &str) -> Vec<&str> {
    let mut prose = Vec::new();
    let mut from = 0;
    let mut at = 0;
    while let Some(offset) = text[at..].find('`') {
        let open = at + offset;
        let run = text[open..].len() - text[open..].trim_start_matches('`').len();
        let fence = &text[open..open + run];
        let mut search = open + run;
        let close = loop {
            match text[search..].find(fence) {
                None => break None,
                Some(i) => {
                    let start = search + i;
                    let len = text[start..].len() - text[start..].trim_start_matches('`').len();
                    if len == run {
                        break Some(start + run);
                    }
                    search = start + len;
                }
            }
        };
        match close {
            Some(end) => {
                prose.push(&text[from..open]);
                from = end;
                at = end;
            }
            None => at = open + run,
        }
    }
    prose.push(&text[from..]);
    prose
}

/// Whether `prose` holds `@word` as a whole word.
fn called(prose: &str, word: &str) -> bool {
    let is_word_char = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    prose.match_indices('@').any(|(at, _)| {
        let before_ok = prose[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
        let rest = &prose[at + 1..];
        before_ok
            && rest.len() >= word.len()
            && rest.is_char_boundary(word.len())
            && rest[..word.len()].eq_ignore_ascii_case(word)
            && rest[word.len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_word_char(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bot() -> Handle {
        Handle::parse("calm-teal-otter-bot").unwrap()
    }

    fn name(s: &str) -> DisplayName {
        DisplayName::parse(s).unwrap()
    }

    #[test]
    fn an_at_handle_or_at_name_calls_the_agent() {
        assert!(mentions("@calm-teal-otter-bot what is 2+2?", &bot(), None));
        assert!(mentions(
            "hey @calcbot, sum these",
            &bot(),
            Some(&name("calcbot"))
        ));
        assert!(mentions(
            "(@CalcBot) please",
            &bot(),
            Some(&name("calcbot"))
        ));
        assert!(!mentions(
            "calm-teal-otter-bot without the at",
            &bot(),
            None
        ));
        assert!(!mentions(
            "@calcbotter is someone else",
            &bot(),
            Some(&name("calcbot"))
        ));
        assert!(!mentions(
            "mail me@calcbot now",
            &bot(),
            Some(&name("calcbot"))
        ));
    }

    #[test]
    fn a_line_addressed_to_the_agent_the_irc_way_calls_it() {
        let calc = name("calcbot");
        assert!(mentions("calcbot: 2+2?", &bot(), Some(&calc)));
        assert!(mentions("  CalcBot, are you there", &bot(), Some(&calc)));
        assert!(mentions("calm-teal-otter-bot: hi", &bot(), None));
        assert!(!mentions("calcbotter: hi", &bot(), Some(&calc)));
        assert!(!mentions("ask calcbot: later", &bot(), Some(&calc)));
        assert!(!mentions("calcbot is quiet", &bot(), Some(&calc)));
    }

    #[test]
    fn a_name_in_code_is_quoted_not_called() {
        let calc = name("calcbot");
        assert!(!mentions("run `@calcbot` to see", &bot(), Some(&calc)));
        assert!(!mentions("```\n@calcbot sum\n```", &bot(), Some(&calc)));
        assert!(mentions("`code` then @calcbot", &bot(), Some(&calc)));
        assert!(mentions("an unclosed ` then @calcbot", &bot(), Some(&calc)));
        assert!(!mentions("``a ` @calcbot``", &bot(), Some(&calc)));
    }
}
