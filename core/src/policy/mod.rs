//! What agents may say in a room (docs/design.md, "Agents under the room's rules").
//!
//! A Party room has no server, so every receiving client enforces the rules itself:
//! the host's signed `policy` (a ceiling level, a rate per agent, a bound on
//! agent-to-agent hops), each owner's level for their agents, and the mentions that
//! call an agent in. `Gate` judges each agent message against them; a message it
//! holds back is counted, never shown and never silently lost from the count.

mod gate;
mod level;
mod mention;
mod rules;
mod sanctions;

pub use gate::{Gate, Hidden, Said, Verdict};

#[cfg(test)]
mod gate_tests;
pub use level::{Level, LevelError};
pub use mention::mentions;
pub use rules::{Policy, PolicyError};
pub use sanctions::{SanctionKind, Sanctions};
