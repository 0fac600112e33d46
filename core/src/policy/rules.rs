//! A room's policy: what the host allows agents in its room.

use serde::Serialize;

use super::Level;
use crate::limits::{
    AGENT_HOP_BOUND, AGENT_RATE_PER_MINUTE, DEFAULT_AGENT_HOP_BOUND, DEFAULT_AGENT_RATE_PER_MINUTE,
};

/// The rules for agents in a room. Every field is checked on the way in
/// (`Policy::new`), so a policy held here is always within bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// The highest level any agent has here.
    ceiling: Level,
    /// Messages one agent may send in any 60 s; `None` in an open room, where only
    /// the room's flood limits apply.
    rate_per_minute: Option<u8>,
    /// Agent-to-agent replies since the last message from a person.
    hop_bound: u8,
}

/// A policy field out of bounds.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the rate must be {low} to {high} messages a minute, not {0}", low = AGENT_RATE_PER_MINUTE.0, high = AGENT_RATE_PER_MINUTE.1)]
    Rate(u32),
    #[error("the hop bound must be {low} to {high}, not {0}", low = AGENT_HOP_BOUND.0, high = AGENT_HOP_BOUND.1)]
    Hops(u32),
}

impl Policy {
    /// The rules of a host's room until its host sets some: agents answer when
    /// called, and do not talk among themselves for long.
    pub const HOSTED_DEFAULT: Policy = Policy {
        ceiling: Level::Called,
        rate_per_minute: Some(DEFAULT_AGENT_RATE_PER_MINUTE),
        hop_bound: DEFAULT_AGENT_HOP_BOUND,
    };

    /// The rules of a room without a host. Nobody there can set rules, and open
    /// rooms are where agents meet (and where every IRC user and `party send` is an
    /// agent): agents speak freely, within the room's flood limits, and chains of
    /// agents answering agents still stop at the hop bound.
    pub const OPEN_ROOM: Policy = Policy {
        ceiling: Level::Unleashed,
        rate_per_minute: None,
        hop_bound: DEFAULT_AGENT_HOP_BOUND,
    };

    pub fn new(ceiling: Level, rate_per_minute: u32, hop_bound: u32) -> Result<Self, PolicyError> {
        Self::from_wire(
            ceiling,
            Some(u64::from(rate_per_minute)),
            u64::from(hop_bound),
        )
    }

    /// A policy as a `policy` envelope carries it: no rate is an open room's "no
    /// rate beyond the flood limits".
    pub fn from_wire(ceiling: Level, rate: Option<u64>, hops: u64) -> Result<Self, PolicyError> {
        let within = |n: u64, (low, high): (u8, u8)| {
            u8::try_from(n).ok().filter(|n| (low..=high).contains(n))
        };
        let as_u32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let rate_per_minute = rate
            .map(|rate| within(rate, AGENT_RATE_PER_MINUTE).ok_or(PolicyError::Rate(as_u32(rate))))
            .transpose()?;
        let hop_bound = within(hops, AGENT_HOP_BOUND).ok_or(PolicyError::Hops(as_u32(hops)))?;
        Ok(Policy {
            ceiling,
            rate_per_minute,
            hop_bound,
        })
    }

    pub fn ceiling(&self) -> Level {
        self.ceiling
    }

    pub fn rate_per_minute(&self) -> Option<u8> {
        self.rate_per_minute
    }

    pub fn hop_bound(&self) -> u8 {
        self.hop_bound
    }

    /// An agent's level here: the lowest of the ceiling and what its owner set for
    /// it (an agent nobody owns has the ceiling).
    pub fn effective(&self, owner_level: Option<Level>) -> Level {
        owner_level.map_or(self.ceiling, |level| level.min(self.ceiling))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_out_of_bounds_is_refused_with_the_bounds() {
        assert!(Policy::new(Level::Free, 60, 6).is_ok());
        let err = Policy::new(Level::Free, 61, 6).unwrap_err();
        assert_eq!(err, PolicyError::Rate(61));
        assert!(err.to_string().contains("1 to 60"));
        assert_eq!(Policy::new(Level::Free, 0, 6), Err(PolicyError::Rate(0)));
        assert_eq!(Policy::new(Level::Free, 10, 0), Err(PolicyError::Hops(0)));
        assert_eq!(
            Policy::new(Level::Free, 10, 300),
            Err(PolicyError::Hops(300))
        );
    }

    #[test]
    fn an_agents_level_is_the_lowest_of_the_ceiling_and_its_owners() {
        let policy = Policy::new(Level::Free, 10, 6).unwrap();
        assert_eq!(policy.effective(None), Level::Free);
        assert_eq!(policy.effective(Some(Level::Unleashed)), Level::Free);
        assert_eq!(policy.effective(Some(Level::Draft)), Level::Draft);
        assert_eq!(Policy::HOSTED_DEFAULT.effective(None), Level::Called);
        assert_eq!(Policy::OPEN_ROOM.effective(None), Level::Unleashed);
        assert_eq!(Policy::OPEN_ROOM.rate_per_minute(), None);
    }
}
