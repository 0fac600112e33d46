//! What can be wrong with an identifier, worded for the person who typed or sent it.

use std::fmt;

/// An identifier failed validation: which kind of identifier, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: {problem}")]
pub struct IdError {
    pub kind: IdKind,
    pub problem: IdProblem,
}

/// Which identifier was being parsed, so one error type serves all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Handle,
    RoomName,
    PeerId,
    AvatarSeed,
    MessageId,
    DisplayName,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Handle => "handle",
            IdKind::RoomName => "room name",
            IdKind::PeerId => "peer id",
            IdKind::AvatarSeed => "avatar seed",
            IdKind::MessageId => "message id",
            IdKind::DisplayName => "display name",
        })
    }
}

/// The specific rule an identifier broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdProblem {
    #[error("it is empty")]
    Empty,
    #[error("it has {actual} characters, expected {min} to {max}")]
    Length {
        min: usize,
        max: usize,
        actual: usize,
    },
    #[error("character {ch:?} at position {position} is not allowed (allowed: {allowed})")]
    Char {
        ch: char,
        position: usize,
        allowed: &'static str,
    },
    #[error("{0}")]
    Shape(String),
    #[error("{name:?} is reserved for the app's own pages")]
    Reserved { name: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_the_identifier_and_the_rule() {
        let err = IdError {
            kind: IdKind::RoomName,
            problem: IdProblem::Length {
                min: 2,
                max: 48,
                actual: 1,
            },
        };
        assert_eq!(
            err.to_string(),
            "invalid room name: it has 1 characters, expected 2 to 48"
        );
    }
}
