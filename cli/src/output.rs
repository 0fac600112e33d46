//! Stdout as a stream of JSON lines. Each line is flushed at once because the reader is
//! usually another program waiting on a pipe, where block buffering would hold events
//! back indefinitely.

use std::io::{self, Write};

use serde::Serialize;

use crate::error::CliError;

/// Prints a `party: `-prefixed diagnostic line on stderr. A failing stderr (say, a
/// closed pipe) is ignored: there is nowhere left to report it, and `eprintln!` would
/// panic instead.
macro_rules! diag {
    ($($arg:tt)*) => {
        $crate::output::diag_line(format_args!($($arg)*))
    };
}
pub(crate) use diag;

pub fn diag_line(message: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "party: {message}");
}

/// Writes one JSON value per line to stdout.
pub fn emit<T: Serialize>(value: &T) -> Result<(), EmitError> {
    emit_to(&mut io::stdout().lock(), value)
}

/// Why a line could not be written.
#[derive(Debug)]
pub enum EmitError {
    /// The reader went away (e.g. `party listen | head -1`): a normal way to stop.
    Closed,
    Failed(String),
}

impl From<EmitError> for CliError {
    fn from(err: EmitError) -> Self {
        match err {
            EmitError::Closed => CliError::runtime("stdout was closed"),
            EmitError::Failed(reason) => CliError::runtime(reason),
        }
    }
}

fn emit_to<W: Write, T: Serialize>(out: &mut W, value: &T) -> Result<(), EmitError> {
    let mut line = serde_json::to_vec(value)
        .map_err(|err| EmitError::Failed(format!("cannot encode output as JSON: {err}")))?;
    line.push(b'\n');
    out.write_all(&line)
        .and_then(|()| out.flush())
        .map_err(|err| match err.kind() {
            io::ErrorKind::BrokenPipe => EmitError::Closed,
            _ => EmitError::Failed(format!("cannot write to stdout: {err}")),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_value_becomes_one_newline_terminated_line() {
        let mut out = Vec::new();
        emit_to(&mut out, &serde_json::json!({"a": "x\ny"})).unwrap();
        emit_to(&mut out, &serde_json::json!([1])).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "{\"a\":\"x\\ny\"}\n[1]\n");
    }

    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_reader_is_reported_as_closed_not_as_a_failure() {
        assert!(matches!(
            emit_to(&mut ClosedPipe, &1),
            Err(EmitError::Closed)
        ));
    }
}
