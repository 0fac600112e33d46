//! Decoding untrusted payloads: parse, validate every field, then check the signature.
//! Any input yields a value or an error, never a panic.

use serde_json::Value;

use super::fields::{as_object, opt_id, opt_str, req_id, req_str, req_time, Object};
use super::{
    clamp_timestamp, Announce, ChatText, DecodeError, Envelope, HistoryRequest, HistoryResponse,
    Leave, LogEntry, Msg,
};
use crate::ids::{AvatarSeed, DisplayName, Handle, MessageId, PeerId};
use crate::limits::{HISTORY_MAX_MESSAGES, MAX_PAYLOAD_BYTES};
use crate::sign::{self, Auth, Seal, SignatureError, Verification};

/// A decoded, validated envelope and what its signature proved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// The envelope as sent (its `t` unclamped, so it still matches its signature).
    /// For a history-response, `log` keeps only the entries that passed.
    pub envelope: Envelope,
    pub verification: Verification,
    /// `t` clamped into `[now - 24 h, now]`, the time to show.
    pub clamped_t: u64,
    /// History entries that were dropped, and why (always empty for other types).
    pub rejected_entries: Vec<EntryRejection>,
    seal: Option<Seal>,
}

impl Received {
    /// The verified seal, to replay this envelope with its original signature.
    pub fn seal(&self) -> Option<&Seal> {
        self.seal.as_ref()
    }

    /// A received msg as a history entry (with its seal), to relay it verbatim later;
    /// `None` for other types.
    pub fn into_log_entry(self) -> Option<LogEntry> {
        match self.envelope {
            Envelope::Msg(msg) => Some(LogEntry::new(msg, self.seal)),
            _ => None,
        }
    }
}

/// A history entry that failed validation or verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRejection {
    pub index: usize,
    pub error: DecodeError,
}

/// Decodes a payload received on `topic` at `now_ms`.
///
/// Unsigned envelopes (Party v1) decode as `Unverified`. A present but bad or partial
/// signature is an error, so forged content never reaches the room.
pub fn decode(topic: &str, payload: &[u8], now_ms: u64) -> Result<Received, DecodeError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(DecodeError::TooLarge {
            bytes: payload.len(),
            max: MAX_PAYLOAD_BYTES,
        });
    }
    let value: Value =
        serde_json::from_slice(payload).map_err(|e| DecodeError::NotJson(e.to_string()))?;
    let obj = as_object(&value)?;
    let kind = req_str(obj, "type")?;
    let envelope = match kind {
        "announce" => Envelope::Announce(Announce {
            handle: req_id(obj, "handle", Handle::parse)?,
            avatar_seed: req_id(obj, "avatarSeed", AvatarSeed::parse)?,
            name: opt_id(obj, "name", DisplayName::parse)?,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        }),
        "msg" => Envelope::Msg(parse_msg(obj)?),
        "history-request" => Envelope::HistoryRequest(HistoryRequest {
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        }),
        "history-response" => {
            return decode_response(topic, obj, now_ms);
        }
        "leave" => Envelope::Leave(Leave {
            handle: req_id(obj, "handle", Handle::parse)?,
            avatar_seed: req_id(obj, "avatarSeed", AvatarSeed::parse)?,
            name: opt_id(obj, "name", DisplayName::parse)?,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        }),
        other => return Err(DecodeError::UnknownType(other.chars().take(40).collect())),
    };
    let seal = parse_seal(obj)?;
    let verification = check(topic, &envelope, seal.as_ref())?;
    Ok(Received {
        clamped_t: clamp_timestamp(envelope.t(), now_ms),
        envelope,
        verification,
        rejected_entries: Vec::new(),
        seal,
    })
}

/// A history-response: the response's own signature covers every entry as received;
/// then each entry stands or falls on its own.
fn decode_response(topic: &str, obj: &Object, now_ms: u64) -> Result<Received, DecodeError> {
    let to = req_id(obj, "to", PeerId::parse)?;
    let from = req_id(obj, "from", PeerId::parse)?;
    let t = req_time(obj)?;
    let raw_log = obj
        .get("log")
        .ok_or(DecodeError::Missing("log"))?
        .as_array()
        .ok_or(DecodeError::WrongType {
            field: "log",
            expected: "an array of msg envelopes",
        })?;
    if raw_log.len() > HISTORY_MAX_MESSAGES {
        return Err(DecodeError::LogTooLong {
            entries: raw_log.len(),
            max: HISTORY_MAX_MESSAGES,
        });
    }
    let seal = parse_seal(obj)?;

    let mut rejected_entries = Vec::new();
    let mut parsed = Vec::with_capacity(raw_log.len());
    for (index, raw) in raw_log.iter().enumerate() {
        match parse_entry(raw) {
            Ok(entry) => parsed.push((index, entry)),
            // A signed response vouches for its entries by their canonical form, which
            // a malformed entry does not have: the whole response is unverifiable.
            Err(error) if seal.is_some() => {
                return Err(DecodeError::LogEntry {
                    index,
                    error: Box::new(error),
                })
            }
            Err(error) => rejected_entries.push(EntryRejection { index, error }),
        }
    }

    let mut response = HistoryResponse {
        to,
        log: parsed.iter().map(|(_, entry)| entry.clone()).collect(),
        from,
        t,
    };
    let verification = check(
        topic,
        &Envelope::HistoryResponse(response.clone()),
        seal.as_ref(),
    )?;

    response.log.clear();
    for (index, entry) in parsed {
        let envelope = Envelope::Msg(entry.msg().clone());
        match check(topic, &envelope, entry.seal()) {
            Ok(_) => response.log.push(entry),
            Err(error) => rejected_entries.push(EntryRejection { index, error }),
        }
    }
    rejected_entries.sort_by_key(|r| r.index);

    Ok(Received {
        clamped_t: clamp_timestamp(t, now_ms),
        envelope: Envelope::HistoryResponse(response),
        verification,
        rejected_entries,
        seal,
    })
}

/// Structural parse of one log entry; its signature is checked later.
fn parse_entry(raw: &Value) -> Result<LogEntry, DecodeError> {
    let obj = as_object(raw)?;
    if opt_str(obj, "type")? != Some("msg") {
        return Err(DecodeError::NotAMsgEntry);
    }
    Ok(LogEntry::new(parse_msg(obj)?, parse_seal(obj)?))
}

fn parse_msg(obj: &Object) -> Result<Msg, DecodeError> {
    Ok(Msg {
        id: req_id(obj, "id", MessageId::parse)?,
        handle: req_id(obj, "handle", Handle::parse)?,
        avatar_seed: req_id(obj, "avatarSeed", AvatarSeed::parse)?,
        name: opt_id(obj, "name", DisplayName::parse)?,
        text: ChatText::parse(req_str(obj, "text")?).map_err(DecodeError::Text)?,
        from: req_id(obj, "from", PeerId::parse)?,
        t: req_time(obj)?,
    })
}

/// The `sig`/`pk`/`auth` triple: all absent (unsigned), or all present and well formed.
fn parse_seal(obj: &Object) -> Result<Option<Seal>, DecodeError> {
    let sig = opt_str(obj, "sig")?;
    let pk = opt_str(obj, "pk")?;
    let auth = obj.get("auth");
    let (sig, pk, auth) = match (sig, pk, auth) {
        (None, None, None) => return Ok(None),
        (Some(sig), Some(pk), Some(auth)) => (sig, pk, auth),
        (None, _, _) => return Err(SignatureError::Incomplete { missing: "sig" }.into()),
        (_, None, _) => return Err(SignatureError::Incomplete { missing: "pk" }.into()),
        (_, _, None) => return Err(SignatureError::Incomplete { missing: "auth" }.into()),
    };
    Ok(Some(Seal::from_wire(pk, sig, parse_auth(auth)?)?))
}

/// `auth` is `{"kind": "..."}` and nothing else: every byte that steers verification
/// must be covered by the signature.
fn parse_auth(value: &Value) -> Result<Auth, SignatureError> {
    let obj = value.as_object().ok_or(SignatureError::BadAuth)?;
    let kind = match obj.get("kind") {
        Some(Value::String(kind)) if obj.len() == 1 => kind,
        _ => return Err(SignatureError::BadAuth),
    };
    Auth::from_kind(kind)
        .ok_or_else(|| SignatureError::UnsupportedAuth(kind.chars().take(40).collect()))
}

fn check(
    topic: &str,
    envelope: &Envelope,
    seal: Option<&Seal>,
) -> Result<Verification, DecodeError> {
    match seal {
        None => Ok(Verification::Unverified),
        Some(seal) => {
            sign::verify(topic, envelope, seal)?;
            Ok(seal.verification())
        }
    }
}
