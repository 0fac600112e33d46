//! `announce`: who a connection is, a presence beat.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{opt_id, req_id, req_time, Object};
use super::DecodeError;
use crate::ids::{AvatarSeed, DisplayName, Handle, PeerId};

/// Who a connection is: sent as an `announce` on every presence beat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presence {
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Presence {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("handle", self.handle.as_str());
        sink.text("avatarSeed", self.avatar_seed.as_str());
        sink.opt_text("name", self.name.as_ref().map(DisplayName::as_str));
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        Ok(Presence {
            handle: req_id(obj, "handle", Handle::parse)?,
            avatar_seed: req_id(obj, "avatarSeed", AvatarSeed::parse)?,
            name: opt_id(obj, "name", DisplayName::parse)?,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }

    fn handle(&self) -> Option<&Handle> {
        Some(&self.handle)
    }
}
