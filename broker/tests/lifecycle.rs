//! Start-up, flags and stopping: what scripts and supervisors rely on.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{tcp_options, ws_options, Broker, Client, Dist};

/// A clean stop must not wait for connections to drain.
const STOP_WITHIN: Duration = Duration::from_secs(3);

#[tokio::test]
async fn sigterm_stops_with_exit_code_zero_while_clients_are_connected() {
    let dist = Dist::new();
    let mut broker = Broker::start(&dist.dir);
    let mut tcp = Client::connect(tcp_options(&broker, "tcp")).await;
    let mut ws = Client::connect(ws_options(&broker, "ws")).await;
    tcp.round_trip("before-stop").await;
    ws.subscribe("before-stop").await;

    broker.signal("TERM");
    let status = broker.wait_exit(STOP_WITHIN);
    assert_eq!(status.code(), Some(0), "stderr:\n{}", broker.stderr());
    broker.wait_for_log(&["stopping", "SIGTERM"]);
}

#[test]
fn sigint_stops_with_exit_code_zero() {
    let dist = Dist::new();
    let mut broker = Broker::start(&dist.dir);
    broker.signal("INT");
    let status = broker.wait_exit(STOP_WITHIN);
    assert_eq!(status.code(), Some(0), "stderr:\n{}", broker.stderr());
}

#[test]
fn a_taken_port_fails_start_up_with_a_clear_message() {
    let dist = Dist::new();
    let first = Broker::start(&dist.dir);
    let output = Command::new(env!("CARGO_BIN_EXE_party-broker"))
        .args(["--http", &first.http.to_string(), "--mqtt", "127.0.0.1:0"])
        .output()
        .expect("run party-broker");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no listening line on failure");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot listen for HTTP"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_documents_every_flag_with_its_environment_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_party-broker"))
        .arg("--help")
        .output()
        .expect("run party-broker --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for (flag, env, default) in [
        ("--http", "PARTY_HTTP", "127.0.0.1:8080"),
        ("--mqtt", "PARTY_MQTT", "127.0.0.1:1883"),
        ("--dist", "PARTY_DIST", "dist"),
        ("--base", "PARTY_BASE", "/"),
    ] {
        assert!(help.contains(flag), "{flag} missing:\n{help}");
        assert!(
            help.contains(&format!("env: {env}=")),
            "{env} missing:\n{help}"
        );
        assert!(
            help.contains(&format!("default: {default}]")),
            "{default} missing:\n{help}"
        );
    }
}

#[test]
fn environment_variables_configure_the_listeners() {
    let dist = Dist::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_party-broker"))
        .env("PARTY_HTTP", "127.0.0.1:0")
        .env("PARTY_MQTT", "127.0.0.1:0")
        .env("PARTY_DIST", &dist.dir)
        .env("PARTY_BASE", "chat")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn party-broker");
    let guard = ChildGuard(&mut child);
    let stdout = guard.0.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
    assert!(
        line.starts_with("party-broker listening http=http://127.0.0.1:"),
        "{line}"
    );
    assert!(line.contains("/chat/ mqtt=mqtt://127.0.0.1:"), "{line}");
    assert!(line.trim_end().ends_with("/chat/mqtt"), "{line}");
}

struct ChildGuard<'a>(&'a mut std::process::Child);

impl Drop for ChildGuard<'_> {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
