//! `party-broker`: rumqttd embedded behind our own listeners, plus the SPA's files.

mod cli;
mod content_type;
mod http_listener;
mod mqtt_broker;
mod mqtt_listener;
mod response;
mod route;
mod shutdown;
mod static_files;
mod websocket;

use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use tokio::net::TcpListener;
use tracing::{error, info, warn};
use tracing_subscriber::EnvFilter;

use crate::cli::Args;
use crate::http_listener::HttpApp;
use crate::mqtt_broker::MqttBroker;
use crate::route::{Base, MQTT_SEGMENT};
use crate::shutdown::Shutdown;
use crate::static_files::StaticFiles;

/// Our own logs at info; rumqttd logs every connection at info, which drowns the rest,
/// so it only speaks up for warnings and errors (malformed packets are errors there).
const DEFAULT_LOG_FILTER: &str = "warn,party_broker=info";

fn main() -> ExitCode {
    let args = Args::parse();
    init_tracing();
    // One thread for the router and every connection: a message then moves between
    // them as a task wake-up instead of a cross-CPU thread wake-up, which halves the
    // round trip (measured in benches/broker.rs). File reads still go to tokio's
    // blocking pool.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(args));
    // Connection tasks are abandoned, not awaited: a stop must be quick.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            error!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) => EnvFilter::try_new(&spec).unwrap_or_else(|e| {
            eprintln!("party-broker: ignoring RUST_LOG={spec:?} ({e}); using {DEFAULT_LOG_FILTER}");
            EnvFilter::new(DEFAULT_LOG_FILTER)
        }),
        Err(_) => EnvFilter::new(DEFAULT_LOG_FILTER),
    };
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_env_filter(filter)
        .init();
}

async fn run(args: Args) -> Result<(), String> {
    let mut shutdown =
        Shutdown::install().map_err(|e| format!("cannot install signal handlers: {e}"))?;
    let http = TcpListener::bind(args.http)
        .await
        .map_err(|e| format!("cannot listen for HTTP on {}: {e}", args.http))?;
    let mqtt = TcpListener::bind(args.mqtt)
        .await
        .map_err(|e| format!("cannot listen for MQTT on {}: {e}", args.mqtt))?;
    let http_addr = http
        .local_addr()
        .map_err(|e| format!("cannot read the HTTP address: {e}"))?;
    let mqtt_addr = mqtt
        .local_addr()
        .map_err(|e| format!("cannot read the MQTT address: {e}"))?;

    if !args.dist.join("index.html").is_file() {
        warn!(dist = %args.dist.display(), "no index.html in the dist directory: the app will not load (MQTT works)");
    }

    let mut broker = MqttBroker::start();
    let app = Arc::new(HttpApp::new(
        args.base.clone(),
        StaticFiles::new(args.dist.clone()),
        broker.websocket_acceptor(),
    ));

    announce(http_addr, mqtt_addr, &args.base)
        .map_err(|e| format!("cannot write the listening line to stdout: {e}"))?;
    info!(http = %http_addr, mqtt = %mqtt_addr, base = %args.base, dist = %args.dist.display(), "ready");

    let acceptor = broker.tcp_acceptor();
    tokio::select! {
        signal = shutdown.wait() => {
            info!(signal, "stopping");
            Ok(())
        }
        failure = broker.router_stopped() => Err(failure),
        never = mqtt_listener::run(mqtt, acceptor) => match never {},
        never = http_listener::run(http, app) => match never {},
    }
}

/// The one stdout line scripts and tests parse to learn the ports (port 0 binds).
fn listening_line(http: SocketAddr, mqtt: SocketAddr, base: &Base) -> String {
    format!("party-broker listening http=http://{http}{base} mqtt=mqtt://{mqtt} ws=ws://{http}{base}{MQTT_SEGMENT}")
}

fn announce(http: SocketAddr, mqtt: SocketAddr, base: &Base) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "{}", listening_line(http, mqtt, base))?;
    stdout.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_line_has_the_documented_shape() {
        let http: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let mqtt: SocketAddr = "127.0.0.1:1883".parse().unwrap();
        assert_eq!(
            listening_line(http, mqtt, &Base::parse("/").unwrap()),
            "party-broker listening http=http://127.0.0.1:8080/ mqtt=mqtt://127.0.0.1:1883 ws=ws://127.0.0.1:8080/mqtt"
        );
        assert_eq!(
            listening_line(http, mqtt, &Base::parse("party").unwrap()),
            "party-broker listening http=http://127.0.0.1:8080/party/ mqtt=mqtt://127.0.0.1:1883 ws=ws://127.0.0.1:8080/party/mqtt"
        );
    }
}
