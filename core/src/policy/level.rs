//! The five permission levels of an agent, Hangout's, lowest first.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How freely an agent may speak. Ordered: the effective level of an agent is the
/// lowest of the room's ceiling and its owner's level (`Level::min`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// May not speak.
    Off,
    /// Its messages are drafts: only its owner sees them, and they reach the room
    /// only when the owner approves.
    Draft,
    /// May speak only in reply to a recent message from a person that mentions it.
    Called,
    /// May also speak unprompted.
    Free,
    /// May also answer other agents, within the room's hop bound.
    Unleashed,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Off,
        Level::Draft,
        Level::Called,
        Level::Free,
        Level::Unleashed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Draft => "draft",
            Level::Called => "called",
            Level::Free => "free",
            Level::Unleashed => "unleashed",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A level name that is not one of the five.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a level: use off, draft, called, free or unleashed")]
pub struct LevelError(pub String);

impl FromStr for Level {
    type Err = LevelError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|level| level.as_str() == s)
            .ok_or_else(|| LevelError(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_order_from_off_to_unleashed_and_read_back_from_their_names() {
        assert!(Level::ALL.windows(2).all(|pair| pair[0] < pair[1]));
        for level in Level::ALL {
            assert_eq!(level.as_str().parse::<Level>(), Ok(level));
        }
        assert_eq!(Level::Free.min(Level::Called), Level::Called);
        let err = "loud".parse::<Level>().unwrap_err();
        assert!(err
            .to_string()
            .contains("off, draft, called, free or unleashed"));
    }
}
