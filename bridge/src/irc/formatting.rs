//! IRC formatting codes (bold, colours, italics, …) taken out of what IRC users say
//! before it becomes room text. Rooms have no formatting: browsers would show the raw
//! codes, and IRC users would see them as control pictures (see `visible`).
//! The codes are the de facto set documented at <https://modern.ircdocs.horse/formatting>.

const BOLD: char = '\u{2}';
const COLOR: char = '\u{3}';
const HEX_COLOR: char = '\u{4}';
const RESET: char = '\u{f}';
const MONOSPACE: char = '\u{11}';
const REVERSE: char = '\u{16}';
const ITALIC: char = '\u{1d}';
const STRIKETHROUGH: char = '\u{1e}';
const UNDERLINE: char = '\u{1f}';

/// `text` without formatting codes and their colour arguments.
pub fn strip_formatting(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            BOLD | RESET | MONOSPACE | REVERSE | ITALIC | STRIKETHROUGH | UNDERLINE => {}
            COLOR => skip_color(&mut chars, 2, |c| c.is_ascii_digit()),
            HEX_COLOR => skip_color(&mut chars, 6, |c| c.is_ascii_hexdigit()),
            c => out.push(c),
        }
    }
    out
}

/// Skips `fg[,bg]`, each up to `width` characters of `digit`; a comma not followed by
/// a digit is text and stays.
fn skip_color(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    width: usize,
    digit: fn(char) -> bool,
) {
    if skip_digits(chars, width, digit) == 0 {
        return;
    }
    let mut ahead = chars.clone();
    if ahead.next() == Some(',') && ahead.peek().is_some_and(|&c| digit(c)) {
        chars.next();
        skip_digits(chars, width, digit);
    }
}

fn skip_digits(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    width: usize,
    digit: fn(char) -> bool,
) -> usize {
    let mut skipped = 0;
    while skipped < width && chars.peek().is_some_and(|&c| digit(c)) {
        chars.next();
        skipped += 1;
    }
    skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_colour_arguments_go() {
        assert_eq!(strip_formatting("\u{2}bold\u{2} \u{1d}it\u{f}"), "bold it");
        assert_eq!(strip_formatting("\u{3}4,12red on blue\u{3}"), "red on blue");
        assert_eq!(strip_formatting("\u{3}04x"), "x");
        assert_eq!(strip_formatting("\u{3}123"), "3", "at most two digits");
        assert_eq!(strip_formatting("\u{4}ff0000,00ff00rgb"), "rgb");
    }

    #[test]
    fn commas_and_digits_that_are_text_stay() {
        assert_eq!(strip_formatting("\u{3}4,x"), ",x");
        assert_eq!(strip_formatting("\u{3},5"), ",5");
        assert_eq!(strip_formatting("1,2 and 3"), "1,2 and 3");
    }
}
