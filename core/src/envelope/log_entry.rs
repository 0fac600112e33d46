//! One history entry: a msg envelope and its own seal, replayed as it was sent so the
//! joiner can verify it.

use serde_json::Value;

use super::body::{Body, ParseContext};
use super::fields::{as_object, opt_str};
use super::{seal_fields, DecodeError, Msg};
use crate::sign::{Seal, Verification};

/// Only core builds these, from envelopes it verified or signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    msg: Msg,
    seal: Option<Seal>,
}

impl LogEntry {
    pub(crate) fn new(msg: Msg, seal: Option<Seal>) -> Self {
        Self { msg, seal }
    }

    pub fn msg(&self) -> &Msg {
        &self.msg
    }

    pub fn seal(&self) -> Option<&Seal> {
        self.seal.as_ref()
    }

    pub fn verification(&self) -> Verification {
        self.seal
            .as_ref()
            .map_or(Verification::Unverified, Seal::verification)
    }

    /// Structural parse of one log entry; its signature is checked later.
    pub(super) fn parse(raw: &Value) -> Result<Self, DecodeError> {
        let obj = as_object(raw)?;
        if opt_str(obj, "type")? != Some("msg") {
            return Err(DecodeError::NotAMsgEntry);
        }
        let mut ctx = ParseContext {
            signed: false,
            rejected: Vec::new(),
        };
        Ok(LogEntry::new(
            Msg::parse(obj, &mut ctx)?,
            seal_fields::parse(obj)?,
        ))
    }
}
