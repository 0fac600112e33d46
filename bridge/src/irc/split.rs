//! Room texts on IRC: up to 4000 characters with newlines, sent as PRIVMSG lines of at
//! most 512 bytes each.

/// Splits `text` into pieces of at most `budget` bytes: at each newline, then at the
/// last space that keeps a piece at least half full, else at a UTF-8 character
/// boundary. Blank pieces are dropped (IRC cannot carry an empty message).
pub fn split_text(text: &str, budget: usize) -> Vec<&str> {
    let budget = budget.max(4);
    let mut pieces = Vec::new();
    for line in text.split('\n') {
        let mut rest = line.trim_end_matches('\r');
        while rest.len() > budget {
            let mut cut = budget;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            if let Some(space) = rest[..cut].rfind(' ') {
                if space >= budget / 2 {
                    cut = space;
                }
            }
            let (piece, tail) = rest.split_at(cut);
            if !piece.trim().is_empty() {
                pieces.push(piece);
            }
            rest = tail.strip_prefix(' ').unwrap_or(tail);
        }
        if !rest.trim().is_empty() {
            pieces.push(rest);
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts_are_one_piece() {
        assert_eq!(split_text("hello", 100), ["hello"]);
    }

    #[test]
    fn newlines_split_and_blank_lines_vanish() {
        assert_eq!(split_text("a\r\n\nb\n", 100), ["a", "b"]);
    }

    #[test]
    fn long_words_split_on_char_boundaries_within_the_budget() {
        let text = "é".repeat(1000);
        let pieces = split_text(&text, 101);
        assert!(pieces.iter().all(|p| p.len() <= 101));
        assert_eq!(pieces.concat(), text);
    }

    #[test]
    fn spaces_are_preferred_split_points() {
        let text = format!("{} {}", "a".repeat(70), "b".repeat(70));
        assert_eq!(split_text(&text, 100), ["a".repeat(70), "b".repeat(70)]);
    }

    #[test]
    fn four_thousand_chars_of_emoji_fit_every_piece() {
        let text = "🎉".repeat(4000);
        let pieces = split_text(&text, 400);
        assert!(pieces.iter().all(|p| p.len() <= 400 && !p.is_empty()));
        assert_eq!(pieces.concat(), text);
    }
}
