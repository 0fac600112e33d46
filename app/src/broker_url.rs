//! Which broker the app talks to, first match wins: the link's `?sig=` (for this
//! visit), the deploy's `config.json` (a static fork edits that one file), or the
//! same-origin WebSocket `mqtt` next to the page's base (self-hosted, under any base
//! path).

use std::fmt;

use crate::percent;

/// Why no broker URL could be worked out; shown to the person on the room page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerUrlError {
    /// `?sig=` is not a `ws://` or `wss://` URL.
    Override(String),
    /// `config.json` names a broker that is not a `ws://` or `wss://` URL.
    Config(String),
    /// The page itself is not served over http(s), so there is no origin to derive from.
    Base(String),
}

impl fmt::Display for BrokerUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerUrlError::Override(sig) => write!(
                f,
                "?sig= must be a ws:// or wss:// URL with a host, got {sig:?}"
            ),
            BrokerUrlError::Config(broker) => write!(
                f,
                "this site's config.json names the broker {broker:?}, which is not a ws:// or wss:// URL; the site's owner must fix config.json (or pass ?sig=wss://…)"
            ),
            BrokerUrlError::Base(base) => write!(
                f,
                "cannot derive a broker address from a page at {base:?}; open it over http(s) or pass ?sig=ws://…"
            ),
        }
    }
}

/// The broker URL for a page with base URI `base_uri` and query string `search`
/// (`location.search`, with or without its leading `?`), given the broker the
/// deploy's `config.json` names, if any.
pub fn broker_url(
    base_uri: &str,
    search: &str,
    configured: Option<&str>,
) -> Result<String, BrokerUrlError> {
    match query_param(search, "sig") {
        Some(sig) if !sig.is_empty() => check_ws_url(&sig).ok_or(BrokerUrlError::Override(sig)),
        _ => match configured {
            Some(broker) => {
                check_ws_url(broker).ok_or_else(|| BrokerUrlError::Config(broker.to_owned()))
            }
            None => derive_from_base(base_uri),
        },
    }
}

fn check_ws_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("ws://")
        .or_else(|| lower.strip_prefix("wss://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && !url.chars().any(char::is_whitespace) =>
        {
            Some(url.to_owned())
        }
        _ => None,
    }
}

/// `new URL("mqtt", base)` with http→ws and https→wss, without a DOM.
fn derive_from_base(base_uri: &str) -> Result<String, BrokerUrlError> {
    let bad = || BrokerUrlError::Base(base_uri.to_owned());
    let without_fragment = base_uri.split('#').next().unwrap_or_default();
    let without_query = without_fragment.split('?').next().unwrap_or_default();
    let (scheme, rest) = without_query.split_once("://").ok_or_else(bad)?;
    let ws_scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => "ws",
        "https" => "wss",
        _ => return Err(bad()),
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(bad());
    }
    let directory = &path[..=path.rfind('/').unwrap_or(0)];
    Ok(format!("{ws_scheme}://{authority}{directory}mqtt"))
}

/// The first value of `name` in a query string, percent-decoded.
pub fn query_param(search: &str, name: &str) -> Option<String> {
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(key, _)| percent::decode_query(key) == name)
        .map(|(_, value)| percent::decode_query(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_broker_is_mqtt_beside_the_page_base() {
        assert_eq!(
            broker_url("http://localhost:8080/calc-study", "", None),
            Ok("ws://localhost:8080/mqtt".into())
        );
        assert_eq!(
            broker_url(
                "https://example.org/party/soft-lilac-tower-bot?x=1#frag",
                "?x=1",
                None
            ),
            Ok("wss://example.org/party/mqtt".into())
        );
        assert_eq!(
            broker_url("https://example.org/party/", "", None),
            Ok("wss://example.org/party/mqtt".into())
        );
        assert_eq!(
            broker_url("http://example.org", "", None),
            Ok("ws://example.org/mqtt".into())
        );
    }

    #[test]
    fn sig_overrides_the_default_and_is_percent_decoded() {
        assert_eq!(
            broker_url(
                "http://localhost:8080/room",
                "?sig=ws://127.0.0.1:9001",
                None
            ),
            Ok("ws://127.0.0.1:9001".into())
        );
        assert_eq!(
            broker_url(
                "http://localhost/room",
                "?a=b&sig=wss%3A%2F%2Fbroker.example%2Fmqtt",
                None
            ),
            Ok("wss://broker.example/mqtt".into())
        );
    }

    #[test]
    fn empty_sig_falls_back_to_the_default() {
        assert_eq!(
            broker_url("http://h/r", "?sig=", None),
            Ok("ws://h/mqtt".into())
        );
    }

    #[test]
    fn a_non_websocket_sig_is_an_error() {
        for sig in [
            "http://x",
            "javascript:alert(1)",
            "ws://",
            "ws:///path",
            "x",
        ] {
            assert_eq!(
                broker_url("http://h/r", &format!("?sig={sig}"), None),
                Err(BrokerUrlError::Override(sig.into())),
                "{sig}"
            );
        }
    }

    #[test]
    fn the_deploys_config_comes_after_sig_and_before_the_same_origin_default() {
        let config = Some("wss://broker.emqx.io:8084/mqtt");
        assert_eq!(
            broker_url("https://me.github.io/party/room", "", config),
            Ok("wss://broker.emqx.io:8084/mqtt".into())
        );
        assert_eq!(
            broker_url("https://me.github.io/party/room", "?sig=ws://h:1", config),
            Ok("ws://h:1".into())
        );
        assert_eq!(
            broker_url("https://me.github.io/party/room", "", Some("mqtt://x")),
            Err(BrokerUrlError::Config("mqtt://x".into()))
        );
    }

    #[test]
    fn a_page_not_served_over_http_has_no_default_broker() {
        assert!(matches!(
            broker_url("file:///home/me/index.html", "", None),
            Err(BrokerUrlError::Base(_))
        ));
    }

    #[test]
    fn malformed_percent_escapes_are_kept_verbatim() {
        assert_eq!(query_param("?q=100%&r=%zz", "q").as_deref(), Some("100%"));
        assert_eq!(query_param("?q=100%&r=%zz", "r").as_deref(), Some("%zz"));
        assert_eq!(query_param("?flag", "flag").as_deref(), Some(""));
        assert_eq!(query_param("", "flag"), None);
    }
}
