//! One history entry: a msg envelope and its own seal, replayed as it was sent so the
//! joiner can verify it. Party v1's own records (`{id, from: <handle>, fromAvatar,
//! text, ts}`) are read too, as unsigned entries: a v1 host's earlier messages are
//! shown, marked unverified, rather than lost.

use serde_json::Value;

use super::body::{Body, ParseContext};
use sha2::{Digest, Sha256};

use super::fields::{as_object, opt_str, req_id, req_str, Object};
use super::{seal_fields, ChatText, DecodeError, Msg};
use crate::ids::{AvatarSeed, Handle, MessageId, PeerId};
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
        match opt_str(obj, "type")? {
            Some("msg") => {}
            None if obj.contains_key("fromAvatar") => return v1_record(obj),
            _ => return Err(DecodeError::NotAMsgEntry),
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

/// A Party v1 history record, as an unsigned entry. v1 records name no connection, so
/// a stand-in peer id is derived from the handle: one sender's lines stay together,
/// and it never matches a live connection.
fn v1_record(obj: &Object) -> Result<LogEntry, DecodeError> {
    let handle = req_id(obj, "from", Handle::parse)?;
    let t = obj
        .get("ts")
        .ok_or(DecodeError::Missing("ts"))?
        .as_u64()
        .ok_or(DecodeError::WrongType {
            field: "ts",
            expected: "a non-negative integer (Unix ms)",
        })?;
    let digest = Sha256::new()
        .chain_update(b"party-v1-record\n")
        .chain_update(handle.as_str())
        .finalize();
    let mut stand_in = [0u8; 8];
    stand_in.copy_from_slice(&digest[..8]);
    let msg = Msg {
        id: req_id(obj, "id", MessageId::parse)?,
        avatar_seed: req_id(obj, "fromAvatar", AvatarSeed::parse)?,
        name: None,
        text: ChatText::parse(req_str(obj, "text")?).map_err(DecodeError::Text)?,
        from: PeerId::from_bytes(stand_in),
        handle,
        t,
    };
    Ok(LogEntry::new(msg, None))
}
