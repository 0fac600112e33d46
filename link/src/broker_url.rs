//! Broker URLs as the user types them (`mqtt://host:port`, `ws://host:port/path`),
//! checked up front so a typo is a clear message at start-up, not a connect error
//! (or a silent wrong default) minutes later.

use std::fmt;

/// Port of plain MQTT when the URL names none (IANA's registration for MQTT).
const MQTT_DEFAULT_PORT: u16 = 1883;
/// Port of `ws://` when the URL names none, as for any HTTP URL.
const WS_DEFAULT_PORT: u16 = 80;

/// Where the broker is, and which transport reaches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerUrl {
    /// MQTT over TCP. `host` keeps the brackets of an IPv6 literal, because rumqttc
    /// joins host and port with a colon to resolve them.
    Tcp { host: String, port: u16 },
    /// MQTT over WebSocket; `url` is normalised to carry an explicit port and path.
    Ws { url: String },
}

/// Why a broker URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrokerUrlError {
    MissingScheme(String),
    UnsupportedScheme(String),
    MissingHost,
    InvalidHost(String),
    InvalidPort(String),
    Credentials,
    PathNotAllowed(String),
    Ipv6OverWs,
    BadCharacter(char),
}

const USAGE: &str = "use mqtt://host[:port] or ws://host[:port][/path]";

impl fmt::Display for BrokerUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingScheme(url) => write!(f, "broker URL {url:?} has no scheme; {USAGE}"),
            Self::UnsupportedScheme(scheme) => {
                write!(f, "unsupported broker URL scheme {scheme:?}; {USAGE}")
            }
            Self::MissingHost => write!(f, "broker URL has no host; {USAGE}"),
            Self::InvalidHost(host) => write!(f, "broker URL host {host:?} is not a valid host"),
            Self::InvalidPort(port) => {
                write!(
                    f,
                    "broker URL port {port:?} is not a number from 1 to 65535"
                )
            }
            Self::Credentials => write!(f, "broker URLs with user:password@ are not supported"),
            Self::PathNotAllowed(path) => write!(
                f,
                "mqtt:// broker URLs take no path (got {path:?}); a path only applies to ws://"
            ),
            Self::Ipv6OverWs => write!(
                f,
                "IPv6 literal hosts are not supported over ws:// (rumqttc cannot dial them); \
                 use a host name or mqtt://"
            ),
            Self::BadCharacter(c) => {
                write!(f, "broker URL contains {c:?}, which is not allowed there")
            }
        }
    }
}

impl std::error::Error for BrokerUrlError {}

impl BrokerUrl {
    /// Parses and validates a broker URL.
    pub fn parse(input: &str) -> Result<Self, BrokerUrlError> {
        let input = input.trim();
        if let Some(c) = input.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(BrokerUrlError::BadCharacter(c));
        }
        let (scheme, rest) = input
            .split_once("://")
            .ok_or_else(|| BrokerUrlError::MissingScheme(input.to_owned()))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "mqtt" && scheme != "ws" {
            return Err(BrokerUrlError::UnsupportedScheme(scheme));
        }
        let (authority, path) = match rest.find(['/', '?']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(BrokerUrlError::Credentials);
        }
        if let Some(c) = rest.chars().find(|&c| c == '#') {
            return Err(BrokerUrlError::BadCharacter(c));
        }
        let (host, port) = split_host_port(authority)?;
        if scheme == "mqtt" {
            if !path.is_empty() && path != "/" {
                return Err(BrokerUrlError::PathNotAllowed(path.to_owned()));
            }
            return Ok(Self::Tcp {
                host: host.to_owned(),
                port: port.unwrap_or(MQTT_DEFAULT_PORT),
            });
        }
        if host.starts_with('[') {
            return Err(BrokerUrlError::Ipv6OverWs);
        }
        let path = match path {
            "" => "/".to_owned(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_owned(),
        };
        let port = port.unwrap_or(WS_DEFAULT_PORT);
        Ok(Self::Ws {
            url: format!("ws://{host}:{port}{path}"),
        })
    }
}

/// Splits `host[:port]`, where host may be a bracketed IPv6 literal.
fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), BrokerUrlError> {
    if authority.is_empty() {
        return Err(BrokerUrlError::MissingHost);
    }
    let (host, port) = if authority.starts_with('[') {
        let end = authority
            .find(']')
            .ok_or_else(|| BrokerUrlError::InvalidHost(authority.to_owned()))?;
        let (host, after) = authority.split_at(end + 1);
        let inner = &host[1..host.len() - 1];
        if inner.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(BrokerUrlError::InvalidHost(host.to_owned()));
        }
        match after {
            "" => (host, None),
            p => match p.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(BrokerUrlError::InvalidHost(authority.to_owned())),
            },
        }
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() {
            return Err(BrokerUrlError::MissingHost);
        }
        if !host.split('.').all(is_dns_label) {
            return Err(BrokerUrlError::InvalidHost(host.to_owned()));
        }
        (host, port)
    };
    let port = match port {
        None => None,
        Some(text) => match text.parse::<u16>() {
            Ok(p) if p != 0 && text.bytes().all(|b| b.is_ascii_digit()) => Some(p),
            _ => return Err(BrokerUrlError::InvalidPort(text.to_owned())),
        },
    };
    Ok((host, port))
}

/// A host-name label (also covers each part of a dotted IPv4 address).
fn is_dns_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

impl fmt::Display for BrokerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tcp { host, port } => write!(f, "mqtt://{host}:{port}"),
            Self::Ws { url } => f.write_str(url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16) -> BrokerUrl {
        BrokerUrl::Tcp {
            host: host.into(),
            port,
        }
    }

    fn ws(url: &str) -> BrokerUrl {
        BrokerUrl::Ws { url: url.into() }
    }

    #[test]
    fn mqtt_url_without_port_defaults_to_1883() {
        assert_eq!(
            BrokerUrl::parse("mqtt://localhost"),
            Ok(tcp("localhost", 1883))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://localhost/"),
            Ok(tcp("localhost", 1883))
        );
    }

    #[test]
    fn mqtt_url_keeps_its_port_and_ipv6_brackets() {
        assert_eq!(
            BrokerUrl::parse("mqtt://127.0.0.1:4000"),
            Ok(tcp("127.0.0.1", 4000))
        );
        assert_eq!(
            BrokerUrl::parse("MQTT://[::1]:4000"),
            Ok(tcp("[::1]", 4000))
        );
        assert_eq!(
            BrokerUrl::parse(" mqtt://broker.example.org:1 "),
            Ok(tcp("broker.example.org", 1))
        );
    }

    #[test]
    fn ws_url_is_normalised_with_port_and_path() {
        assert_eq!(
            BrokerUrl::parse("ws://h:9001/mqtt"),
            Ok(ws("ws://h:9001/mqtt"))
        );
        assert_eq!(BrokerUrl::parse("ws://h"), Ok(ws("ws://h:80/")));
        assert_eq!(
            BrokerUrl::parse("ws://h:81?token=x"),
            Ok(ws("ws://h:81/?token=x"))
        );
        assert_eq!(
            BrokerUrl::parse("ws://h/a/b?c=d"),
            Ok(ws("ws://h:80/a/b?c=d"))
        );
    }

    #[test]
    fn display_round_trips_through_parse() {
        for url in ["mqtt://a:1", "mqtt://[::1]:2", "ws://b:3/mqtt"] {
            let parsed = BrokerUrl::parse(url).unwrap();
            assert_eq!(parsed.to_string(), url);
            assert_eq!(BrokerUrl::parse(&parsed.to_string()), Ok(parsed));
        }
    }

    #[test]
    fn other_schemes_are_refused_by_name() {
        for (url, scheme) in [
            ("http://h", "http"),
            ("wss://h", "wss"),
            ("mqtts://h", "mqtts"),
        ] {
            let err = BrokerUrl::parse(url).unwrap_err();
            assert_eq!(err, BrokerUrlError::UnsupportedScheme(scheme.into()));
            assert!(err.to_string().contains("mqtt://host"), "{err}");
        }
    }

    #[test]
    fn missing_scheme_or_host_is_refused() {
        assert_eq!(
            BrokerUrl::parse("localhost:1883"),
            Err(BrokerUrlError::MissingScheme("localhost:1883".into()))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://"),
            Err(BrokerUrlError::MissingHost)
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://:1883"),
            Err(BrokerUrlError::MissingHost)
        );
        assert_eq!(
            BrokerUrl::parse("ws:///mqtt"),
            Err(BrokerUrlError::MissingHost)
        );
        assert_eq!(
            BrokerUrl::parse(""),
            Err(BrokerUrlError::MissingScheme(String::new()))
        );
    }

    #[test]
    fn bad_ports_are_refused() {
        for port in ["0", "65536", "x", "", "+1", "80:81"] {
            assert_eq!(
                BrokerUrl::parse(&format!("mqtt://h:{port}")),
                Err(BrokerUrlError::InvalidPort(port.into())),
                "port {port:?}"
            );
        }
    }

    #[test]
    fn bad_hosts_credentials_paths_and_fragments_are_refused() {
        assert_eq!(
            BrokerUrl::parse("mqtt://a..b"),
            Err(BrokerUrlError::InvalidHost("a..b".into()))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://-a"),
            Err(BrokerUrlError::InvalidHost("-a".into()))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://[::1"),
            Err(BrokerUrlError::InvalidHost("[::1".into()))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://[zz]"),
            Err(BrokerUrlError::InvalidHost("[zz]".into()))
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://u:p@h"),
            Err(BrokerUrlError::Credentials)
        );
        assert_eq!(
            BrokerUrl::parse("mqtt://h/x"),
            Err(BrokerUrlError::PathNotAllowed("/x".into()))
        );
        assert_eq!(
            BrokerUrl::parse("ws://h/x#y"),
            Err(BrokerUrlError::BadCharacter('#'))
        );
        assert_eq!(
            BrokerUrl::parse("ws://h /x"),
            Err(BrokerUrlError::BadCharacter(' '))
        );
        assert_eq!(
            BrokerUrl::parse("ws://[::1]:80/"),
            Err(BrokerUrlError::Ipv6OverWs)
        );
    }
}
