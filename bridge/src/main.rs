//! `party-bridge`: every Party room on an IRC listener.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use party_bridge::args::Args;
use party_bridge::broker_link;
use party_bridge::hub::{Hub, OsRandomness, ServerInfo};
use party_bridge::listener;
use party_bridge::outbox::{MqttPublisher, Outbox};
use party_bridge::room_timer;
use party_bridge::shared::{ConnLimits, Shared};
use party_link::clock::now_ms;
use party_link::tuning::LEAVE_FLUSH_TIMEOUT_MS;
use party_link::Link;
use tokio::signal::unix::{signal, SignalKind};

/// Every channel line allocates and frees a handful of short-lived buffers (the
/// envelope, its JSON, its history entry, each recipient's batch); mimalloc's
/// per-thread free lists make that markedly cheaper than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("party-bridge: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("party-bridge: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let motd = match &args.motd {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read the MOTD file {}: {err}", path.display()))?
                .lines()
                .map(str::to_owned)
                .collect(),
        ),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(args.irc)
        .await
        .map_err(|err| format!("cannot listen for IRC on {}: {err}", args.irc))?;
    let local = listener
        .local_addr()
        .map_err(|err| format!("cannot read the IRC listener's address: {err}"))?;
    let link =
        Link::spawn_shared(&args.broker, args.mqtt_queue.get()).map_err(|err| err.to_string())?;
    let info = ServerInfo {
        name: args.server_name.clone(),
        network: args.network.clone(),
        motd,
        max_channels_per_client: args.max_channels.get(),
        created: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        room_message_rate: party_core::rate::Rate::per_second(
            args.room_messages_per_sec.get(),
            args.room_messages_per_sec.get(),
        ),
        opers: args.opers.clone(),
    };
    let outbox = Outbox::start(link.client.clone(), args.mqtt_queue.get());
    let hub = Hub::new(
        info,
        Box::new(MqttPublisher(outbox.clone())),
        Box::new(OsRandomness),
    );
    let outbox_for_shutdown = outbox.clone();
    let limits = ConnLimits {
        flood_burst: args.flood_burst,
        flood_per_sec: args.flood_per_sec,
        flood_max_queued: args.flood_max_queued.get(),
        sendq_lines: args.sendq_lines.get(),
        register_timeout: Duration::from_secs(args.register_timeout_secs),
        ping_interval: Duration::from_secs(args.ping_interval_secs),
        ping_timeout: Duration::from_secs(args.ping_timeout_secs),
    };
    let shared = Arc::new(Shared::new(
        hub,
        outbox,
        limits,
        args.server_name.clone(),
        args.max_clients.get(),
        args.max_clients_per_ip.get(),
    ));
    tokio::spawn(listener::run(listener, shared.clone()));
    let http = match args.http {
        Some(addr) => {
            let http = tokio::net::TcpListener::bind(addr)
                .await
                .map_err(|err| format!("cannot listen for HTTP agents on {addr}: {err}"))?;
            let local = http
                .local_addr()
                .map_err(|err| format!("cannot read the HTTP listener's address: {err}"))?;
            let heartbeat = Duration::from_secs(args.sse_heartbeat_secs.max(1));
            tokio::spawn(party_bridge::http::run(http, shared.clone(), heartbeat));
            Some(local)
        }
        None => None,
    };
    tokio::spawn(room_timer::run(shared.clone()));
    let mut broker = tokio::spawn(broker_link::run(link, shared.clone()));
    match http {
        Some(http) => println!("party-bridge listening irc={local} http={http}"),
        None => println!("party-bridge listening irc={local}"),
    }
    tracing::info!(irc = %local, broker = %args.broker, "party-bridge started");
    let mut interrupt = signal(SignalKind::interrupt()).map_err(|err| err.to_string())?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|err| err.to_string())?;
    let result = tokio::select! {
        _ = interrupt.recv() => Ok(()),
        _ = terminate.recv() => Ok(()),
        outcome = &mut broker => match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(format!("the broker refused us: {reason}")),
            Err(err) => Err(format!("the broker task failed: {err}")),
        },
    };
    tracing::info!("stopping: every IRC user leaves its rooms");
    shared.hub().shutdown(now_ms());
    // Let the leaves reach the broker before the process (and its socket) goes.
    if let Err(err) = outbox_for_shutdown.disconnect() {
        tracing::warn!("cannot close the broker connection cleanly: {err}");
    }
    // Connections write their goodbye (`ERROR :… Server shutting down`) and close.
    let _ = tokio::time::timeout(
        Duration::from_millis(LEAVE_FLUSH_TIMEOUT_MS),
        shared.all_closed(),
    )
    .await;
    if !broker.is_finished() {
        let _ = tokio::time::timeout(Duration::from_millis(LEAVE_FLUSH_TIMEOUT_MS), broker).await;
    }
    result
}
