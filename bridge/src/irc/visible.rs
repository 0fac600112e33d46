//! Room text as IRC users see it: every control character shown as a symbol, none
//! acted on.
//!
//! IRC clients act on control characters in a message: `\x01` starts CTCP (a room
//! text could make every IRC user answer VERSION or be offered a DCC), `\x03` and
//! friends recolour or hide text (a line could pass for a server notice), and ESC
//! reaches the terminal of console clients. Room text comes from strangers, so each
//! such character is replaced by its Unicode Control Picture (U+2400 block), which
//! keeps it visible and harmless. Tabs are plain whitespace and pass.

use std::borrow::Cow;

/// `text` with every C0 control (but tab), DEL and C1 control made visible.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_picture) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(picture).collect())
}

fn needs_picture(c: char) -> bool {
    c.is_control() && c != '\t'
}

fn picture(c: char) -> char {
    if !needs_picture(c) {
        return c;
    }
    match c {
        // U+2400..U+241F picture U+0000..U+001F.
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        // C1 controls have no pictures.
        _ => '\u{fffd}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctcp_formatting_and_escapes_become_pictures() {
        assert_eq!(visible("\u{1}VERSION\u{1}"), "␁VERSION␁");
        assert_eq!(visible("\u{3}4red\u{f}\u{2}\u{1d}\u{1f}"), "␃4red␏␂␝␟");
        assert_eq!(visible("\u{1b}[2J\u{7f}\u{85}"), "␛[2J␡\u{fffd}");
        assert_eq!(visible("\0\r\n"), "␀␍␊");
    }

    #[test]
    fn plain_text_and_tabs_pass_untouched() {
        assert!(matches!(visible("héllo\tworld 🎉"), Cow::Borrowed(_)));
    }

    #[test]
    fn nothing_visible_is_ever_a_control_character() {
        let every: String = (0u32..0x250).filter_map(char::from_u32).collect();
        assert!(!visible(&every).chars().any(needs_picture));
    }
}
