//! `party-broker`: rumqttd embedded behind our own listeners, plus the SPA's files.

mod admission;
mod cli;
mod content_type;
mod http_listener;
mod mqtt_broker;
mod mqtt_listener;
mod response;
mod route;
mod shutdown;
mod static_files;
mod tuning;
mod websocket;

use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use tokio::net::TcpListener;
use tracing::{error, info, warn};
use tracing_subscriber::EnvFilter;

use crate::admission::{Admission, Limits};
use crate::cli::Args;
use crate::http_listener::HttpApp;
use crate::mqtt_broker::{MqttBroker, Policy};
use crate::route::{Base, MQTT_SEGMENT};
use crate::shutdown::Shutdown;
use crate::static_files::StaticFiles;
use crate::tuning::BROKER_RESERVED_FILE_DESCRIPTORS;
use party_core::rate::Rate;

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

    let budget = connection_budget(args.max_connections);
    let admission = Admission::new(Limits {
        total: budget,
        per_address: args.max_connections_per_ip,
        trusted_proxies: args.trusted_proxies.clone(),
        connect_rate: Rate::per_second(
            args.connect_rate_per_ip,
            args.connect_rate_per_ip.saturating_mul(8),
        ),
    });
    let mut broker = MqttBroker::start(&Policy {
        // Never the limit that bites: admission keeps below it, and a session the
        // router refused would be left without a CONNACK.
        max_connections: budget + 1,
        max_subscriptions_per_client: args.max_subscriptions_per_client,
        allow_wildcard_subscriptions: args.allow_wildcard_subscriptions,
    });
    let app = Arc::new(HttpApp::new(
        args.base.clone(),
        StaticFiles::new(args.dist.clone()),
        broker.websocket_acceptor(),
        admission.clone(),
        Box::new(broker.counts()),
    ));

    announce(http_addr, mqtt_addr, &args.base)
        .map_err(|e| format!("cannot write the listening line to stdout: {e}"))?;
    info!(http = %http_addr, mqtt = %mqtt_addr, base = %args.base, dist = %args.dist.display(), connections = budget, "ready");

    let acceptor = broker.tcp_acceptor();
    tokio::select! {
        signal = shutdown.wait() => {
            info!(signal, "stopping");
            Ok(())
        }
        failure = broker.router_stopped() => Err(failure),
        never = mqtt_listener::run(mqtt, acceptor, admission) => match never {},
        never = http_listener::run(http, app) => match never {},
    }
}

/// Connections we can hold: `--max-connections`, or fewer if the file-descriptor limit
/// (raised to its hard limit first) leaves less once our own descriptors are kept
/// aside. Past it, connections are closed on accept rather than `accept` failing.
fn connection_budget(requested: usize) -> usize {
    let descriptors = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => usize::try_from(limit).unwrap_or(usize::MAX),
        Err(e) => {
            warn!(error = %e, "cannot read or raise the file-descriptor limit; assuming 1024");
            1024
        }
    };
    let available = descriptors.saturating_sub(BROKER_RESERVED_FILE_DESCRIPTORS);
    if available < requested {
        warn!(
            descriptors,
            requested,
            connections = available,
            "the file-descriptor limit allows fewer connections than --max-connections"
        );
    }
    requested.min(available).max(1)
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
