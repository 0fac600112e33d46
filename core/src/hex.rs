//! Lowercase hex, the only hex form the protocol uses (v1 pads every byte to two
//! lowercase digits), kept in-crate so core needs no hex dependency.

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Lowercase hex of `bytes`.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Whether `c` is a lowercase hex digit.
pub fn is_lower_hex_digit(c: char) -> bool {
    c.is_ascii_digit() || ('a'..='f').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_pads_every_byte_to_two_lowercase_digits() {
        assert_eq!(encode(&[0x00, 0x0a, 0xff, 0x10]), "000aff10");
    }

    #[test]
    fn only_lowercase_hex_digits_count_as_hex() {
        assert!("0123456789abcdef".chars().all(is_lower_hex_digit));
        assert!(!"ABCDEFg-".chars().any(is_lower_hex_digit));
    }
}
