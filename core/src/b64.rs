//! base64url without padding, the one binary encoding on the wire: a strict decoder for
//! protocol fields (one spelling per value, so signed bytes cannot be re-spelled) and a
//! lenient one that accepts what v1's `atob`-based import accepted.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// Like `URL_SAFE_NO_PAD`, but tolerant of non-zero trailing bits, as `atob` is.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

/// base64url of `bytes`, no padding.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes canonical unpadded base64url; `None` for anything else.
pub fn decode_strict(s: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(s).ok()
}

/// Decodes base64url or standard base64, padded or not (v1 maps `-_` to `+/`, pads,
/// and calls `atob`, which also takes `+/`). Whitespace must already be removed.
pub fn decode_lenient(s: &str) -> Option<Vec<u8>> {
    let unpadded = s.trim_end_matches('=');
    let url_safe: String = unpadded
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    LENIENT.decode(url_safe).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_decoding_takes_only_the_canonical_spelling() {
        assert_eq!(decode_strict("AQ"), Some(vec![1]));
        assert_eq!(decode_strict("AR"), None, "non-zero trailing bits");
        assert_eq!(decode_strict("AQ=="), None, "padding");
        assert_eq!(decode_strict("+/8"), None, "standard alphabet");
    }

    #[test]
    fn lenient_decoding_takes_what_atob_takes() {
        assert_eq!(decode_lenient("AQ"), Some(vec![1]));
        assert_eq!(decode_lenient("AQ=="), Some(vec![1]));
        assert_eq!(decode_lenient("AR"), Some(vec![1]));
        assert_eq!(decode_lenient("-_8"), decode_lenient("+/8"));
        assert_eq!(decode_lenient("A"), None);
        assert_eq!(decode_lenient("A=Q"), None);
        assert_eq!(decode_lenient("AQ!"), None);
    }
}
