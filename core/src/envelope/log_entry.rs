//! One history entry: a msg envelope and its own seal, replayed as it was sent so the
//! joiner can verify it. Party v1's own records (`{id, from: <handle>, fromAvatar,
//! text, ts}`) are read too, as unsigned entries: a v1 host's earlier messages are
//! shown, marked unverified, rather than lost.

use serde_json::Value;

use sha2::{Digest, Sha256};

use super::fields::{as_object, opt_str, req_id, req_str, Object};
use super::sealed::{parse_entry, Sealed};
use super::{ChatText, DecodeError, Msg};
use crate::ids::{AvatarSeed, Handle, MessageId, PeerId};

/// A msg as history carries it.
pub type LogEntry = Sealed<Msg>;

impl LogEntry {
    pub fn msg(&self) -> &Msg {
        self.body()
    }

    /// A msg entry, or a Party v1 record (no `type`, a `fromAvatar`).
    pub(super) fn parse_entry(raw: &Value) -> Result<Self, DecodeError> {
        let obj = as_object(raw)?;
        match opt_str(obj, "type")? {
            None if obj.contains_key("fromAvatar") => v1_record(obj),
            _ => parse_entry(raw),
        }
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
        re: None,
        from: PeerId::from_bytes(stand_in),
        handle,
        t,
    };
    Ok(LogEntry::new(msg, None))
}
