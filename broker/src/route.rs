//! Maps a request path to what the HTTP listener serves, before touching the disk.
//!
//! All path hygiene lives here so it can be tested without sockets: anything that could
//! step outside `--dist` (`..`, its percent-encoded forms, backslashes, NUL) is refused
//! here, and later code only ever joins a clean relative path onto the dist directory.

use std::fmt;

use percent_encoding::percent_decode_str;

/// The URL prefix the SPA is served under; always starts and ends with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base(String);

impl Base {
    /// Accepts `/`, `party`, `/party`, `/party/`, `/a/b/` …; segments are limited to
    /// URL-unreserved characters so the base never needs escaping in a link.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let trimmed = raw.trim_matches('/');
        if trimmed.is_empty() {
            return Ok(Base("/".to_owned()));
        }
        for segment in trimmed.split('/') {
            let clean = !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'));
            if !clean {
                return Err(format!(
                    "base path {raw:?}: each segment must be non-empty, not . or .., and use only letters, digits, - _ . ~"
                ));
            }
        }
        Ok(Base(format!("/{trimmed}/")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The path segment (under the base) where MQTT over WebSocket is served.
pub const MQTT_SEGMENT: &str = "mqtt";

/// The path segment (under the base) of the broker's live counts, for health checks
/// and load balancers. Its dot keeps it apart from every room URL.
pub const STATUS_SEGMENT: &str = "status.json";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `<base>mqtt`: MQTT over WebSocket.
    Mqtt,
    /// `<base>status.json`: the broker's live counts.
    Status,
    /// `<base>` itself: the SPA's entry page.
    Index,
    /// A clean, decoded, `/`-separated path relative to the dist directory. `room` is
    /// set for a single segment without an extension: if no such file exists, it is a
    /// room URL and gets the SPA's index page.
    File {
        path: String,
        room: bool,
    },
    /// The base without its trailing slash; relative asset URLs need the slash, so
    /// the client is sent to the base itself.
    AddSlash,
    /// A room address with trailing slashes (`/calc-study/`): the page's relative
    /// asset URLs would point into a directory that does not exist, so the client is
    /// sent to the room's address, `to` (the raw path without the slashes).
    RemoveSlash {
        to: String,
    },
    NotFound,
    /// A path that tries to leave the dist directory or is not valid UTF-8.
    Rejected,
}

pub fn classify(base: &Base, raw_path: &str) -> Target {
    let base = base.as_str();
    if base.len() > 1 && base.strip_suffix('/') == Some(raw_path) {
        return Target::AddSlash;
    }
    let Some(rest) = raw_path.strip_prefix(base) else {
        return Target::NotFound;
    };
    if rest.is_empty() {
        return Target::Index;
    }
    if rest.contains('\\') {
        return Target::Rejected;
    }
    let trimmed = rest.trim_end_matches('/');
    if trimmed.len() < rest.len() && !trimmed.is_empty() && !trimmed.contains(['/', '.', '%']) {
        return Target::RemoveSlash {
            to: format!("{base}{trimmed}"),
        };
    }
    let Ok(decoded) = percent_decode_str(rest).decode_utf8() else {
        return Target::Rejected;
    };
    if decoded.contains(['\\', '\0']) {
        return Target::Rejected;
    }
    let mut segments = 0;
    for segment in decoded.split('/') {
        if segment == "." || segment == ".." {
            return Target::Rejected;
        }
        // Empty segments (`//`, a trailing `/`) and hidden files are never SPA assets.
        if segment.is_empty() || segment.starts_with('.') {
            return Target::NotFound;
        }
        segments += 1;
    }
    if decoded == MQTT_SEGMENT {
        return Target::Mqtt;
    }
    if decoded == STATUS_SEGMENT {
        return Target::Status;
    }
    let room = segments == 1 && !decoded.contains('.');
    Target::File {
        path: decoded.into_owned(),
        room,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> Base {
        Base::parse("/").unwrap()
    }

    fn party() -> Base {
        Base::parse("/party/").unwrap()
    }

    fn file(path: &str, room: bool) -> Target {
        Target::File {
            path: path.to_owned(),
            room,
        }
    }

    #[test]
    fn base_is_normalised_to_leading_and_trailing_slash() {
        for raw in ["party", "/party", "party/", "/party/", "//party//"] {
            assert_eq!(Base::parse(raw).unwrap().as_str(), "/party/", "{raw}");
        }
        assert_eq!(Base::parse("").unwrap().as_str(), "/");
        assert_eq!(Base::parse("/").unwrap().as_str(), "/");
        assert_eq!(Base::parse("/a/b").unwrap().as_str(), "/a/b/");
    }

    #[test]
    fn base_with_unsafe_segments_is_refused() {
        for raw in ["/a//b", "/../x", "/a/./b", "/a b", "/a%2e", "/a?x", "/é"] {
            assert!(Base::parse(raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn base_itself_is_the_index() {
        assert_eq!(classify(&root(), "/"), Target::Index);
        assert_eq!(classify(&party(), "/party/"), Target::Index);
    }

    #[test]
    fn base_without_trailing_slash_is_redirected() {
        assert_eq!(classify(&party(), "/party"), Target::AddSlash);
    }

    #[test]
    fn a_room_address_with_trailing_slashes_is_redirected_to_the_room() {
        let to = |path: &str| Target::RemoveSlash {
            to: path.to_owned(),
        };
        assert_eq!(classify(&root(), "/calc-study/"), to("/calc-study"));
        assert_eq!(classify(&root(), "/CALC-STUDY//"), to("/CALC-STUDY"));
        assert_eq!(
            classify(&party(), "/party/calc-study/"),
            to("/party/calc-study")
        );
        assert_eq!(classify(&root(), "/a/b/"), Target::NotFound);
        assert_eq!(classify(&root(), "/x.js/"), Target::NotFound);
    }

    #[test]
    fn paths_outside_the_base_are_not_found() {
        assert_eq!(classify(&party(), "/"), Target::NotFound);
        assert_eq!(classify(&party(), "/calc-study"), Target::NotFound);
        assert_eq!(classify(&party(), "/partyx/a"), Target::NotFound);
    }

    #[test]
    fn mqtt_segment_under_the_base_is_the_websocket_endpoint() {
        assert_eq!(classify(&root(), "/mqtt"), Target::Mqtt);
        assert_eq!(classify(&party(), "/party/mqtt"), Target::Mqtt);
        assert_eq!(classify(&party(), "/mqtt"), Target::NotFound);
        assert_eq!(classify(&root(), "/status.json"), Target::Status);
        assert_eq!(classify(&party(), "/party/status.json"), Target::Status);
    }

    #[test]
    fn single_segment_without_extension_may_fall_back_to_index() {
        assert_eq!(classify(&root(), "/calc-study"), file("calc-study", true));
        assert_eq!(
            classify(&party(), "/party/calc-study"),
            file("calc-study", true)
        );
    }

    #[test]
    fn assets_are_files_without_fallback() {
        assert_eq!(
            classify(&root(), "/party-app.js"),
            file("party-app.js", false)
        );
        assert_eq!(
            classify(&party(), "/party/party-app_bg.wasm"),
            file("party-app_bg.wasm", false)
        );
        assert_eq!(classify(&root(), "/a/b"), file("a/b", false));
    }

    #[test]
    fn percent_encoding_is_decoded() {
        assert_eq!(classify(&root(), "/a%20b.css"), file("a b.css", false));
    }

    #[test]
    fn traversal_in_any_spelling_is_rejected() {
        for raw in [
            "/..",
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/a/%2e%2e%2fb",
            "/..%2fx",
            "/..\\x",
            "/%5c..%5cx",
            "/a%00b",
            "/%ff",
            "/./x",
        ] {
            assert_eq!(classify(&root(), raw), Target::Rejected, "{raw}");
        }
        assert_eq!(classify(&party(), "/party/%2e%2e/x"), Target::Rejected);
    }

    #[test]
    fn empty_segments_and_hidden_files_are_not_found() {
        for raw in ["//x.js", "/a//b", "/.env", "/a/.git", "/a/b/"] {
            assert_eq!(classify(&root(), raw), Target::NotFound, "{raw}");
        }
    }
}
