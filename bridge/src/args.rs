//! Command line: where the broker is, where to listen, and every limit (defaults from
//! `crate::tuning`, each named after its flag).

use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;

use party_core::limits::PEER_MESSAGE_RATE;

use crate::tuning::*;
use clap::Parser;
use party_link::BrokerUrl;

use crate::hub::Oper;

/// Party rooms on IRC: channel #<room> is the Party room <room>, and every IRC user in
/// it is a signed agent peer of the room.
#[derive(Debug, Parser)]
#[command(name = "party-bridge", version)]
pub struct Args {
    /// MQTT broker the rooms live on: mqtt://host:port or ws://host:port/path.
    #[arg(long, env = "PARTY_BRIDGE_BROKER", default_value = "mqtt://127.0.0.1:1883", value_parser = parse_broker)]
    pub broker: BrokerUrl,

    /// Address the IRC listener binds (port 0 picks a free port; the chosen address is
    /// printed on stdout).
    #[arg(long, env = "PARTY_BRIDGE_IRC", default_value = "127.0.0.1:6667")]
    pub irc: SocketAddr,

    /// Server name shown to IRC clients (the source of server replies).
    /// Where agents reach rooms over HTTP (Server-Sent Events and POST); off unless
    /// given, e.g. `127.0.0.1:8090` (docs/agents.md).
    #[arg(long, env = "PARTY_BRIDGE_HTTP")]
    pub http: Option<SocketAddr>,

    /// Seconds between heartbeat comments on an agent's event stream.
    #[arg(long, env = "PARTY_BRIDGE_SSE_HEARTBEAT_SECS", default_value_t = SSE_HEARTBEAT_SECS)]
    pub sse_heartbeat_secs: u64,

    #[arg(long, env = "PARTY_BRIDGE_SERVER_NAME", default_value = "party.local", value_parser = parse_server_name)]
    pub server_name: String,

    /// Network name sent in ISUPPORT (NETWORK=).
    #[arg(long, env = "PARTY_BRIDGE_NETWORK", default_value = "Party", value_parser = parse_server_name)]
    pub network: String,

    /// A text file sent as the message of the day (without it, clients get 422).
    #[arg(long, env = "PARTY_BRIDGE_MOTD")]
    pub motd: Option<PathBuf>,

    /// IRC connections served at once.
    #[arg(long, env = "PARTY_BRIDGE_MAX_CLIENTS", default_value_t = nz(BRIDGE_MAX_CLIENTS))]
    pub max_clients: NonZeroUsize,

    /// IRC connections from one IP address.
    #[arg(long, env = "PARTY_BRIDGE_MAX_CLIENTS_PER_IP", default_value_t = nz(BRIDGE_MAX_CLIENTS_PER_IP))]
    pub max_clients_per_ip: NonZeroUsize,

    /// Channels one connection may be in.
    #[arg(long, env = "PARTY_BRIDGE_MAX_CHANNELS", default_value_t = nz(BRIDGE_MAX_CHANNELS_PER_CLIENT))]
    pub max_channels: NonZeroUsize,

    /// Flood control: lines a client may send at once...
    #[arg(long, env = "PARTY_BRIDGE_FLOOD_BURST", default_value_t = nz32(BRIDGE_FLOOD_BURST_LINES))]
    pub flood_burst: NonZeroU32,

    /// ...then lines per second; faster input waits, and is cut off ("Excess flood")
    /// once --flood-max-queued lines are waiting.
    #[arg(long, env = "PARTY_BRIDGE_FLOOD_PER_SEC", default_value_t = nz32(BRIDGE_FLOOD_LINES_PER_SEC))]
    pub flood_per_sec: NonZeroU32,

    /// Messages per second one remote Party connection may send into a room before
    /// the rest are dropped unread (a burst of as many is allowed first). The
    /// default protects IRC users from a flooding stranger; raise it only where every
    /// sender is trusted (a benchmark).
    #[arg(long, env = "PARTY_BRIDGE_ROOM_MESSAGES_PER_SEC", default_value_t = nz32(room_messages_per_sec()))]
    pub room_messages_per_sec: NonZeroU32,

    /// Lines a throttled client may have waiting before it is disconnected.
    #[arg(long, env = "PARTY_BRIDGE_FLOOD_MAX_QUEUED", default_value_t = nz(BRIDGE_FLOOD_MAX_QUEUED_LINES))]
    pub flood_max_queued: NonZeroUsize,

    /// Lines waiting for a slow reader before it is disconnected ("SendQ exceeded").
    #[arg(long, env = "PARTY_BRIDGE_SENDQ_LINES", default_value_t = nz(BRIDGE_SENDQ_LINES))]
    pub sendq_lines: NonZeroUsize,

    /// Seconds a connection has to register (NICK, USER, CAP END).
    #[arg(long, env = "PARTY_BRIDGE_REGISTER_TIMEOUT_SECS", default_value_t = BRIDGE_REGISTER_TIMEOUT_SECS)]
    pub register_timeout_secs: u64,

    /// Seconds of silence before the bridge PINGs a client.
    #[arg(long, env = "PARTY_BRIDGE_PING_INTERVAL_SECS", default_value_t = BRIDGE_PING_INTERVAL_SECS)]
    pub ping_interval_secs: u64,

    /// Seconds a client has to answer a PING.
    #[arg(long, env = "PARTY_BRIDGE_PING_TIMEOUT_SECS", default_value_t = BRIDGE_PING_TIMEOUT_SECS)]
    pub ping_timeout_secs: u64,

    /// Requests waiting for the broker before IRC input is held back until they drain.
    #[arg(long, env = "PARTY_BRIDGE_MQTT_QUEUE", default_value_t = nz(BRIDGE_MQTT_REQUEST_CAPACITY))]
    pub mqtt_queue: NonZeroUsize,

    /// An IRC operator of this bridge, as NAME:SHA256 (the hex SHA-256 of its
    /// password, e.g. `printf %s 'pw' | sha256sum`); repeat for more. `OPER NAME pw`
    /// then makes a connection an operator, who may KILL IRC users of this bridge.
    #[arg(long = "oper", env = "PARTY_BRIDGE_OPERS", value_delimiter = ',', value_parser = parse_oper)]
    pub opers: Vec<Oper>,
}

fn parse_oper(text: &str) -> Result<Oper, String> {
    let (name, hash) = text
        .split_once(':')
        .ok_or("expected NAME:SHA256 (the hex SHA-256 of the password)")?;
    if name.is_empty() || name.contains(|c: char| !c.is_ascii_graphic()) {
        return Err("the operator name must be printable ASCII without spaces".into());
    }
    let bytes: Vec<u8> = (0..hash.len())
        .step_by(2)
        .map(|i| {
            hash.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect::<Option<_>>()
        .ok_or("the password hash must be hexadecimal")?;
    let password_sha256 = <[u8; 32]>::try_from(bytes)
        .map_err(|_| "the password hash must be 64 hex digits (SHA-256)")?;
    Ok(Oper {
        name: name.to_owned(),
        password_sha256,
    })
}

fn nz(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)
}

fn nz32(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

fn parse_broker(text: &str) -> Result<BrokerUrl, String> {
    BrokerUrl::parse(text).map_err(|err| err.to_string())
}

/// A name that can stand as an IRC prefix or ISUPPORT value: no spaces, no `:`,
/// `!` or `@`, printable ASCII, at most 63 bytes.
fn parse_server_name(text: &str) -> Result<String, String> {
    if text.is_empty() || text.len() > 63 {
        return Err("must be 1 to 63 characters".into());
    }
    match text
        .chars()
        .find(|c| !c.is_ascii_graphic() || matches!(c, ':' | '!' | '@' | ',' | '='))
    {
        Some(bad) => Err(format!("{bad:?} is not allowed")),
        None => Ok(text.to_owned()),
    }
}

/// `PEER_MESSAGE_RATE` as whole messages per second.
fn room_messages_per_sec() -> u32 {
    u32::try_from(1_000 / PEER_MESSAGE_RATE.every_ms.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_loopback_and_the_local_broker() {
        let args = Args::try_parse_from(["party-bridge"]).unwrap();
        assert_eq!(args.irc.to_string(), "127.0.0.1:6667");
        assert_eq!(
            args.broker,
            BrokerUrl::parse("mqtt://127.0.0.1:1883").unwrap()
        );
        assert_eq!(args.max_clients_per_ip.get(), BRIDGE_MAX_CLIENTS_PER_IP);
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let err = Args::try_parse_from(["party-bridge", "--broker", "http://x"]).unwrap_err();
        assert!(err.to_string().contains("scheme"), "{err}");
        let err = Args::try_parse_from(["party-bridge", "--server-name", "a b"]).unwrap_err();
        assert!(err.to_string().contains("not allowed"), "{err}");
        assert!(Args::try_parse_from(["party-bridge", "--flood-burst", "0"]).is_err());
        let err = Args::try_parse_from(["party-bridge", "--oper", "root:abcd"]).unwrap_err();
        assert!(err.to_string().contains("64 hex digits"), "{err}");
        let err = Args::try_parse_from(["party-bridge", "--oper", "root"]).unwrap_err();
        assert!(err.to_string().contains("NAME:SHA256"), "{err}");
        let hash = "ab".repeat(32);
        let args =
            Args::try_parse_from(["party-bridge", "--oper", &format!("root:{hash}")]).unwrap();
        assert_eq!(args.opers[0].name, "root");
        assert_eq!(args.opers[0].password_sha256, [0xab; 32]);
    }
}
