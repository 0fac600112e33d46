//! Command-line flags; each has an environment variable so containers and systemd
//! units can configure the broker without a wrapper script.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::route::Base;
use crate::tuning::{
    BROKER_CONNECT_RATE_PER_IP, BROKER_MAX_CONNECTIONS, BROKER_MAX_CONNECTIONS_PER_IP,
    BROKER_MAX_SUBSCRIPTIONS_PER_CLIENT,
};
use clap::Parser;
use ipnet::IpNet;

/// Self-hosted Party: an MQTT 3.1.1 broker (TCP and WebSocket) that also serves the
/// Party web app. A browser needs only the HTTP port: the app and MQTT over
/// WebSocket share it.
#[derive(Debug, Parser)]
#[command(name = "party-broker", version)]
pub struct Args {
    /// Address for the web app and MQTT over WebSocket (at <BASE>mqtt). Port 0 picks
    /// a free port; the chosen ports are printed on stdout.
    #[arg(long, env = "PARTY_HTTP", default_value = "127.0.0.1:8080")]
    pub http: SocketAddr,

    /// Address for MQTT over plain TCP (bridge, CLI, other MQTT clients). Port 0 picks
    /// a free port.
    #[arg(long, env = "PARTY_MQTT", default_value = "127.0.0.1:1883")]
    pub mqtt: SocketAddr,

    /// Directory of the built web app (Trunk's output: index.html, JS, wasm, CSS).
    #[arg(long, env = "PARTY_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// URL path the app is served under, e.g. /party/ for https://host/party/<room>.
    #[arg(long, env = "PARTY_BASE", default_value = "/", value_parser = Base::parse)]
    pub base: Base,

    /// Connections of all kinds (MQTT, WebSocket, HTTP) held at once. The broker also
    /// stays within its file-descriptor limit, which it raises to the hard limit at
    /// start; beyond either, new connections are closed at once.
    #[arg(long, env = "PARTY_MAX_CONNECTIONS", default_value_t = BROKER_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Connections one client address may hold (IPv6: one /64). Trusted proxies are
    /// exempt; WebSockets through them count against the address they forward.
    #[arg(long, env = "PARTY_MAX_CONNECTIONS_PER_IP", default_value_t = BROKER_MAX_CONNECTIONS_PER_IP)]
    pub max_connections_per_ip: usize,

    /// New connections one client address may open per second, after a burst of
    /// eight seconds' worth; faster ones are closed at once (HTTP: 429).
    #[arg(long, env = "PARTY_CONNECT_RATE_PER_IP", default_value_t = BROKER_CONNECT_RATE_PER_IP, value_parser = clap::value_parser!(u32).range(1..))]
    pub connect_rate_per_ip: u32,

    /// Addresses or networks of reverse proxies in front of --http (comma-separated
    /// CIDRs). Their X-Forwarded-For names the client of a WebSocket.
    #[arg(
        long,
        env = "PARTY_TRUSTED_PROXIES",
        value_delimiter = ',',
        default_value = "127.0.0.1/32,::1/128"
    )]
    pub trusted_proxies: Vec<IpNet>,

    /// Topic filters one MQTT client may hold; each filter past it is refused
    /// (SUBACK 0x80).
    #[arg(long, env = "PARTY_MAX_SUBSCRIPTIONS_PER_CLIENT", default_value_t = BROKER_MAX_SUBSCRIPTIONS_PER_CLIENT)]
    pub max_subscriptions_per_client: usize,

    /// Let clients subscribe with wildcards that match room topics (`#`,
    /// `party-2026-v1/party/+`, ...). Off: anyone could read every room without
    /// knowing its name. Wildcards elsewhere are always allowed.
    #[arg(long, env = "PARTY_ALLOW_WILDCARD_SUBSCRIPTIONS")]
    pub allow_wildcard_subscriptions: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn flags_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn defaults_bind_loopback_only() {
        let args = Args::try_parse_from(["party-broker"]).unwrap();
        assert!(args.http.ip().is_loopback());
        assert!(args.mqtt.ip().is_loopback());
        assert_eq!(args.base.as_str(), "/");
        assert_eq!(args.dist, PathBuf::from("dist"));
        assert!(!args.allow_wildcard_subscriptions);
        assert_eq!(args.max_connections_per_ip, BROKER_MAX_CONNECTIONS_PER_IP);
        let trusted: Vec<String> = args.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(trusted, ["127.0.0.1/32", "::1/128"]);
    }

    #[test]
    fn trusted_proxies_take_a_list_and_refuse_garbage() {
        let args =
            Args::try_parse_from(["party-broker", "--trusted-proxies", "10.0.0.0/8,fd00::/8"])
                .unwrap();
        assert_eq!(args.trusted_proxies.len(), 2);
        assert!(Args::try_parse_from(["party-broker", "--trusted-proxies", "nonsense"]).is_err());
    }

    #[test]
    fn base_flag_is_normalised() {
        let args = Args::try_parse_from(["party-broker", "--base", "party"]).unwrap();
        assert_eq!(args.base.as_str(), "/party/");
        assert!(Args::try_parse_from(["party-broker", "--base", "/../x"]).is_err());
    }
}
