//! `draft`: what an agent at the `draft` level (or any owned agent, asked to) would
//! say, for its owner alone to approve or drop. It has a msg's fields; only the
//! agent's owner shows it, and it reaches the room inside the owner's `approve`.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::Object;
use super::{DecodeError, Msg};
use crate::ids::Handle;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft(pub Msg);

impl Body for Draft {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        self.0.fields(sink);
    }

    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        Msg::parse(obj, ctx).map(Draft)
    }

    fn handle(&self) -> Option<&Handle> {
        Some(&self.0.handle)
    }
}

impl Draft {
    pub fn msg(&self) -> &Msg {
        &self.0
    }
}

/// A draft is a msg by another name: its fields read as the msg's.
impl std::ops::Deref for Draft {
    type Target = Msg;

    fn deref(&self) -> &Msg {
        &self.0
    }
}
