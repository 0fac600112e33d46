//! `leave`: a connection going away (also our MQTT Last Will), so peers need not wait
//! for the 90 s timeout.
//!
//! It names no handle. Party v1 takes any envelope with a valid `handle` as a sign of
//! life, whatever its type, so a `leave` that named one kept us in v1 peers' lists
//! for another 90 s. Receivers know the connection by `from` already. Leaves signed
//! by earlier clients named the handle and avatar; those fields are still read, so
//! their signatures still check.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{opt_id, req_id, req_time, Object};
use super::DecodeError;
use crate::ids::{AvatarSeed, DisplayName, Handle, PeerId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Departure {
    pub from: PeerId,
    pub t: u64,
    /// Only in leaves from earlier clients (see the module doc).
    pub legacy: Option<LegacyPresence>,
}

/// What an earlier client's `leave` also carried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyPresence {
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
}

impl Departure {
    pub fn new(from: PeerId, t: u64) -> Self {
        Self {
            from,
            t,
            legacy: None,
        }
    }
}

impl Body for Departure {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        if let Some(legacy) = &self.legacy {
            sink.text("handle", legacy.handle.as_str());
            sink.text("avatarSeed", legacy.avatar_seed.as_str());
            sink.opt_text("name", legacy.name.as_ref().map(DisplayName::as_str));
        }
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let handle = opt_id(obj, "handle", Handle::parse)?;
        let legacy = match handle {
            None => None,
            Some(handle) => Some(LegacyPresence {
                handle,
                avatar_seed: req_id(obj, "avatarSeed", AvatarSeed::parse)?,
                name: opt_id(obj, "name", DisplayName::parse)?,
            }),
        };
        Ok(Departure {
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
            legacy,
        })
    }

    fn handle(&self) -> Option<&Handle> {
        self.legacy.as_ref().map(|legacy| &legacy.handle)
    }
}
