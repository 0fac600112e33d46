//! Command-line flags; each has an environment variable so containers and systemd
//! units can configure the broker without a wrapper script.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

use crate::route::Base;

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
    }

    #[test]
    fn base_flag_is_normalised() {
        let args = Args::try_parse_from(["party-broker", "--base", "party"]).unwrap();
        assert_eq!(args.base.as_str(), "/party/");
        assert!(Args::try_parse_from(["party-broker", "--base", "/../x"]).is_err());
    }
}
