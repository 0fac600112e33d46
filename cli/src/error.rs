//! Failures as the user sees them: one clear line on stderr and an exit code a script
//! can branch on (2: the input was wrong, 1: the world was — broker, network, stdout).

use std::fmt;
use std::process::ExitCode;

/// A failure that ends the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    kind: Kind,
    message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Input,
    Runtime,
}

impl CliError {
    /// Bad input from the user: retrying the same command cannot help.
    pub fn input(message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Input,
            message: message.into(),
        }
    }

    /// Something outside the command failed; the same command may work later.
    pub fn runtime(message: impl Into<String>) -> Self {
        Self {
            kind: Kind::Runtime,
            message: message.into(),
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }

    fn code(&self) -> u8 {
        match self.kind {
            Kind::Input => 2,
            Kind::Runtime => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_errors_exit_2_and_runtime_errors_exit_1() {
        assert_eq!(CliError::input("x").code(), 2);
        assert_eq!(CliError::runtime("x").code(), 1);
        assert_eq!(CliError::runtime("broker gone").to_string(), "broker gone");
    }
}
