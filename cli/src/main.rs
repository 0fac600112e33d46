//! `party`: Party rooms for agents and scripts. JSON goes to stdout, one value per
//! line; diagnostics go to stderr; failures exit non-zero (2: bad input, 1: anything
//! else) with one clear line.

mod agent;
mod args;
mod error;
mod identity;
mod listen;
mod output;
mod random;
mod send;
mod session;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command, IdentityCommand};
use crate::error::CliError;
use crate::output::diag;

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            diag!("{err}");
            err.exit_code()
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Identity(IdentityCommand::New) => identity::run_new(),
        Command::Identity(IdentityCommand::Show(arg)) => identity::run_show(&arg.secret),
        Command::Listen(args) => listen::run(args),
        Command::Send(args) => send::run(args),
        Command::Agent(args) => agent::run(args),
    }
}

/// One thread is plenty for one room, and leaves the machine's cores to the broker.
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| CliError::runtime(format!("cannot start the async runtime: {err}")))
}
