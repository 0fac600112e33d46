//! Randomness for the CLI: the shared OS source, with its failure as a CLI error.

use party_core::ids::PeerId;
use party_link::random::{self, RandomError};

use crate::error::CliError;

fn runtime_error(err: RandomError) -> CliError {
    CliError::runtime(err.to_string())
}

pub fn bytes<const N: usize>() -> Result<[u8; N], CliError> {
    random::bytes().map_err(runtime_error)
}

pub fn peer_id() -> Result<PeerId, CliError> {
    random::peer_id().map_err(runtime_error)
}

pub fn client_id() -> Result<String, CliError> {
    random::client_id().map_err(runtime_error)
}

pub fn entropy() -> Result<u64, CliError> {
    random::entropy().map_err(runtime_error)
}
