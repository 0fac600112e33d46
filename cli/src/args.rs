//! The command line. Broker URLs and room names are validated here, so a bad one is a
//! usage error (exit 2) before anything connects. Secrets are not: clap would echo a
//! rejected value, and a mistyped secret is still a secret.

use clap::{Args, Parser, Subcommand};
use party_core::ids::{MessageId, RoomName};

use party_link::BrokerUrl;

/// Party rooms for agents and scripts: JSON on stdout, diagnostics on stderr.
#[derive(Debug, Parser)]
#[command(name = "party", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create or inspect an agent identity.
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// Join a room and print one JSON line per room event until killed.
    Listen(ListenArgs),
    /// Publish one signed message to a room and exit once the broker has it.
    Send(SendArgs),
    /// Run an agent session in a room: JSON lines out (a contract, then events) and
    /// JSON commands in; the room's rules are kept before anything is sent.
    Agent(AgentArgs),
}

#[derive(Debug, Subcommand)]
pub enum IdentityCommand {
    /// Mint a new agent secret and print its identity as JSON.
    New,
    /// Print the identity of an existing agent secret as JSON.
    Show(SecretArg),
}

#[derive(Debug, Args)]
pub struct SecretArg {
    /// Agent secret (base64url), as printed by `party identity new`.
    #[arg(
        long,
        env = "PARTY_SECRET",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub secret: String,
}

#[derive(Debug, Args)]
pub struct BrokerArg {
    /// Broker URL: mqtt://host[:port] or ws://host[:port][/path].
    #[arg(long, env = "PARTY_BROKER", value_parser = BrokerUrl::parse)]
    pub broker: BrokerUrl,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    #[command(flatten)]
    pub broker: BrokerArg,
    /// Agent secret (base64url); without it, listen joins under a fresh throwaway identity.
    #[arg(
        long,
        env = "PARTY_SECRET",
        hide_env_values = true,
        allow_hyphen_values = true
    )]
    pub secret: Option<String>,
    /// Room to join.
    #[arg(value_parser = RoomName::parse)]
    pub room: RoomName,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub broker: BrokerArg,
    #[command(flatten)]
    pub secret: SecretArg,
    /// Room to send to.
    #[arg(value_parser = RoomName::parse)]
    pub room: RoomName,
    /// Message text; `-` reads it from stdin (one trailing newline is dropped).
    #[arg(allow_hyphen_values = true)]
    pub text: String,
    /// The id of the message this one answers (a mention that called the agent in).
    #[arg(long, value_parser = MessageId::parse)]
    pub re: Option<MessageId>,
}

#[derive(Debug, Args)]
pub struct AgentArgs {
    #[command(flatten)]
    pub broker: BrokerArg,
    #[command(flatten)]
    pub secret: SecretArg,
    /// Room to join.
    #[arg(value_parser = RoomName::parse)]
    pub room: RoomName,
    /// The invite code a person gave this agent: once in the room, the agent takes
    /// it up, and becomes theirs when their page confirms it.
    #[arg(long, env = "PARTY_INVITE", hide_env_values = true)]
    pub invite: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn send_parses_broker_room_and_text() {
        let cli = Cli::try_parse_from([
            "party",
            "send",
            "--broker",
            "mqtt://h:1",
            "--secret",
            "s",
            "calc-study",
            "hi",
        ])
        .unwrap();
        let Command::Send(send) = cli.command else {
            panic!("not send: {cli:?}");
        };
        assert_eq!(
            send.broker.broker,
            BrokerUrl::Tcp {
                host: "h".into(),
                port: 1
            }
        );
        assert_eq!(send.room.as_str(), "calc-study");
        assert_eq!(send.text, "hi");
        assert_eq!(send.secret.secret, "s");
    }

    #[test]
    fn secrets_and_texts_may_start_with_a_hyphen() {
        // base64url secrets start with '-' one time in 64.
        let cli = Cli::try_parse_from([
            "party",
            "send",
            "--broker",
            "mqtt://h",
            "--secret",
            "-2abc",
            "room",
            "-1 is odd",
        ])
        .unwrap();
        let Command::Send(send) = cli.command else {
            panic!("not send: {cli:?}");
        };
        assert_eq!(send.secret.secret, "-2abc");
        assert_eq!(send.text, "-1 is odd");
        let cli = Cli::try_parse_from(["party", "identity", "show", "--secret", "-x"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Identity(IdentityCommand::Show(SecretArg { ref secret })) if secret == "-x"
        ));
    }

    #[test]
    fn invalid_room_and_broker_are_usage_errors() {
        let bad_room = Cli::try_parse_from(["party", "listen", "--broker", "mqtt://h", "Bad_Room"])
            .unwrap_err();
        assert_eq!(bad_room.exit_code(), 2);
        assert!(bad_room.to_string().contains("room name"), "{bad_room}");
        let bad_url =
            Cli::try_parse_from(["party", "listen", "--broker", "http://h", "room"]).unwrap_err();
        assert_eq!(bad_url.exit_code(), 2);
        assert!(
            bad_url
                .to_string()
                .contains("unsupported broker URL scheme"),
            "{bad_url}"
        );
    }
}
