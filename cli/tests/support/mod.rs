//! The shared harness, pointed at this package's `party` binary.

#![allow(dead_code, unused_imports)] // each test binary uses a different part of it

use std::path::Path;
use std::process::Command;

pub use party_testkit::*;

pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_party"))
}

pub fn party() -> Command {
    party_at(bin())
}
