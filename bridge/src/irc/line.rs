//! One IRC line in (RFC 2812 §2.3.1, with IRCv3 tags skipped) and out.

use super::limits::IRC_LINE_MAX_BYTES;

/// Most parameters a line carries (RFC 2812: 14 middle + 1 trailing).
const MAX_PARAMS: usize = 15;

/// A parsed client line. The source prefix a client may send is ignored, as RFC 2812
/// asks of servers for client connections; client tags are accepted and not relayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<'a> {
    /// Upper-cased, so dispatch is case-insensitive.
    pub command: String,
    pub params: Vec<&'a str>,
}

impl<'a> Message<'a> {
    /// `None` for a line with no command (blank lines are legal and ignored).
    pub fn parse(line: &'a str) -> Option<Self> {
        let mut rest = line.trim_start_matches(' ');
        if rest.starts_with('@') {
            rest = rest
                .split_once(' ')
                .map_or("", |(_, r)| r)
                .trim_start_matches(' ');
        }
        if rest.starts_with(':') {
            rest = rest
                .split_once(' ')
                .map_or("", |(_, r)| r)
                .trim_start_matches(' ');
        }
        let (command, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
        if command.is_empty() {
            return None;
        }
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start_matches(' ');
            if rest.is_empty() {
                break;
            }
            if let Some(trailing) = rest.strip_prefix(':') {
                params.push(trailing);
                break;
            }
            if params.len() == MAX_PARAMS - 1 {
                params.push(rest);
                break;
            }
            let (param, next) = rest.split_once(' ').unwrap_or((rest, ""));
            params.push(param);
            rest = next;
        }
        Some(Self {
            command: command.to_ascii_uppercase(),
            params,
        })
    }

    pub fn param(&self, index: usize) -> Option<&'a str> {
        self.params.get(index).copied()
    }
}

/// Builds `:prefix COMMAND middle... :trailing`. `trailing` always gets its colon,
/// so text with spaces (or an empty text) survives.
pub fn build(prefix: &str, command: &str, middle: &[&str], trailing: Option<&str>) -> String {
    let mut out = String::with_capacity(64);
    out.push(':');
    out.push_str(prefix);
    out.push(' ');
    out.push_str(command);
    for param in middle {
        out.push(' ');
        out.push_str(param);
    }
    if let Some(trailing) = trailing {
        out.push_str(" :");
        out.push_str(trailing);
    }
    out
}

/// Ends a line: CR, LF and NUL inside are replaced (they would end or corrupt the
/// line), the body is cut at a character boundary to fit `IRC_LINE_MAX_BYTES` with its
/// CRLF, and `tags` (already escaped, without `@`) go in front, outside that budget.
pub fn finish(tags: Option<&str>, body: &str) -> Vec<u8> {
    let budget = IRC_LINE_MAX_BYTES - 2;
    let mut cut = body.len().min(budget);
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    let body = &body.as_bytes()[..cut];
    let mut out = Vec::with_capacity(body.len() + tags.map_or(0, |t| t.len() + 2) + 2);
    if let Some(tags) = tags {
        out.push(b'@');
        out.extend_from_slice(tags.as_bytes());
        out.push(b' ');
    }
    // CR, LF and NUL are ASCII, so replacing them byte for byte keeps the UTF-8 whole.
    out.extend(body.iter().map(|&b| {
        if matches!(b, b'\r' | b'\n' | b'\0') {
            b' '
        } else {
            b
        }
    }));
    out.extend_from_slice(b"\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_command_middle_and_trailing() {
        let m = Message::parse("privmsg #a :hello  there ").unwrap();
        assert_eq!(m.command, "PRIVMSG");
        assert_eq!(m.params, ["#a", "hello  there "]);
    }

    #[test]
    fn skips_tags_and_prefix_and_extra_spaces() {
        let m = Message::parse("@+draft/x=1 :nick!u@h   JOIN   #a,#b  key").unwrap();
        assert_eq!(m.command, "JOIN");
        assert_eq!(m.params, ["#a,#b", "key"]);
    }

    #[test]
    fn blank_lines_have_no_command() {
        assert_eq!(Message::parse(""), None);
        assert_eq!(Message::parse("   "), None);
        assert_eq!(Message::parse("@tag=1"), None);
        assert_eq!(Message::parse(":prefix"), None);
    }

    #[test]
    fn the_fifteenth_parameter_takes_the_rest() {
        let line = format!(
            "CMD {}",
            (1..=20)
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(" ")
        );
        let m = Message::parse(&line).unwrap();
        assert_eq!(m.params.len(), MAX_PARAMS);
        assert_eq!(m.params[14], "15 16 17 18 19 20");
    }

    #[test]
    fn an_empty_trailing_parameter_is_kept() {
        assert_eq!(Message::parse("TOPIC #a :").unwrap().params, ["#a", ""]);
    }

    #[test]
    fn finished_lines_fit_512_bytes_at_a_char_boundary() {
        let body = build("srv", "NOTICE", &["x"], Some(&"é".repeat(400)));
        let line = finish(None, &body);
        assert!(line.len() <= IRC_LINE_MAX_BYTES);
        assert!(line.ends_with(b"\r\n"));
        assert!(std::str::from_utf8(&line).is_ok());
    }

    #[test]
    fn line_breaks_inside_a_body_cannot_inject_a_second_line() {
        let line = finish(None, "PRIVMSG #a :hi\r\nQUIT :x\0");
        assert_eq!(line, b"PRIVMSG #a :hi  QUIT :x \r\n");
    }

    #[test]
    fn tags_go_in_front_outside_the_budget() {
        let body = "x".repeat(600);
        let line = finish(Some("time=2026-01-01T00:00:00.000Z"), &body);
        assert!(line.starts_with(b"@time=2026-01-01T00:00:00.000Z x"));
        assert_eq!(line.len(), "@time=2026-01-01T00:00:00.000Z ".len() + 512);
    }
}
