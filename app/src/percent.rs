//! Percent-decoding of URL parts, so a room or broker typed with escapes in the
//! address bar reads the same as one typed plainly.

/// Decodes a path segment; `+` stays a plus.
pub fn decode_path(s: &str) -> String {
    decode(s, false)
}

/// Decodes a query key or value (`application/x-www-form-urlencoded`: `+` is a space).
pub fn decode_query(s: &str) -> String {
    decode(s, true)
}

/// Malformed escapes stay as written and invalid UTF-8 becomes U+FFFD, so decoding
/// never fails; validation of the result is the caller's job.
fn decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (escaped, bytes[i]) {
            (Some(byte), _) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (None, b'+') if plus_is_space => out.push(b' '),
            (None, byte) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_decode_and_plus_depends_on_the_url_part() {
        assert_eq!(decode_query("a+b%2Fc"), "a b/c");
        assert_eq!(decode_path("a+b%2Fc"), "a+b/c");
    }

    #[test]
    fn malformed_escapes_stay_verbatim() {
        assert_eq!(decode_path("100%"), "100%");
        assert_eq!(decode_path("%zz%4"), "%zz%4");
        assert_eq!(decode_path("%e2%82"), "\u{fffd}");
    }
}
