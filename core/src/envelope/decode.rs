//! Decoding untrusted payloads: parse, validate every field, then check the signature.
//! Any input yields a value or an error, never a panic.

use serde_json::Value;

use super::body::ParseContext;
use super::fields::{as_object, req_str};
use super::{clamp_timestamp, seal_fields, DecodeError, Envelope, LogEntry};
use crate::limits::MAX_PAYLOAD_BYTES;
use crate::sign::{self, PublicKey, Seal, Verification};

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

    /// A received `draft` as the entry an approval carries (with its seal); `None`
    /// for other types or an unsigned one.
    pub fn into_draft_entry(self) -> Option<super::DraftEntry> {
        match (self.envelope, self.seal) {
            (Envelope::Draft(draft), Some(seal)) => Some(super::DraftEntry::new(draft, Some(seal))),
            _ => None,
        }
    }

    /// A received `invited` as the consent a grant carries (with its seal); `None`
    /// for other types or an unsigned one.
    pub fn into_consent(self) -> Option<super::Consent> {
        match (self.envelope, self.seal) {
            (Envelope::Invited(invited), Some(seal)) => {
                Some(super::Consent::new(invited, Some(seal)))
            }
            _ => None,
        }
    }
}

/// A part of an envelope (a history entry) that failed validation or verification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRejection {
    /// Its index in the envelope as received.
    pub index: usize,
    pub error: DecodeError,
}

/// A payload parsed and validated, its signature not yet checked: what a room needs
/// to decide whether the sender is within its budgets before paying for a signature
/// check (docs/design.md, "Floods").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    envelope: Envelope,
    seal: Option<Seal>,
    rejected_entries: Vec<EntryRejection>,
}

impl Parsed {
    /// The envelope as sent, unverified: trust nothing in it but its shape.
    pub fn envelope(&self) -> &Envelope {
        &self.envelope
    }

    /// Whether it carries a signature (checked only by `verify`).
    pub fn is_signed(&self) -> bool {
        self.seal.is_some()
    }

    /// The key it claims to be signed with, not yet checked.
    pub fn claimed_key(&self) -> Option<PublicKey> {
        self.seal.as_ref().map(Seal::public_key)
    }

    /// Checks the signature (and, for a history-response, each entry's), as `decode`
    /// does. Entries for which `known` is true are kept without a check: the receiver
    /// holds that very entry, verified, so checking it again buys nothing (a joiner
    /// gets the same history from every peer).
    pub fn verify(
        mut self,
        topic: &str,
        now_ms: u64,
        known: &dyn Fn(&LogEntry) -> bool,
    ) -> Result<Received, DecodeError> {
        let verification = check(topic, &self.envelope, self.seal.as_ref())?;
        let mut rejected_entries = self.rejected_entries;
        self.envelope
            .verify_parts(topic, &mut rejected_entries, known);
        Ok(Received {
            clamped_t: clamp_timestamp(self.envelope.t(), now_ms),
            envelope: self.envelope,
            verification,
            rejected_entries,
            seal: self.seal,
        })
    }
}

impl Parsed {
    /// Checks only the envelope's own signature, and drops the parts that carry
    /// signatures of their own unchecked: for a roster meant for someone else, whose
    /// only use here is knowing that it was answered (a thousand entries need not be
    /// checked by every peer in the room).
    pub fn verify_envelope(mut self, topic: &str, now_ms: u64) -> Result<Received, DecodeError> {
        let verification = check(topic, &self.envelope, self.seal.as_ref())?;
        self.envelope.drop_parts();
        Ok(Received {
            clamped_t: clamp_timestamp(self.envelope.t(), now_ms),
            envelope: self.envelope,
            verification,
            rejected_entries: Vec::new(),
            seal: self.seal,
        })
    }
}

/// Parses and validates a payload without checking its signature; see `Parsed`.
pub fn parse(payload: &[u8]) -> Result<Parsed, DecodeError> {
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
    let mut ctx = ParseContext {
        signed: seal_fields::present(obj),
        rejected: Vec::new(),
    };
    let envelope = Envelope::parse(kind, obj, &mut ctx)?;
    let seal = seal_fields::parse(obj)?;
    Ok(Parsed {
        envelope,
        seal,
        rejected_entries: ctx.rejected,
    })
}

/// Decodes a payload received on `topic` at `now_ms`.
///
/// Unsigned envelopes (Party v1) decode as `Unverified`. A present but bad or partial
/// signature is an error, so forged content never reaches the room.
pub fn decode(topic: &str, payload: &[u8], now_ms: u64) -> Result<Received, DecodeError> {
    parse(payload)?.verify(topic, now_ms, &|_| false)
}

/// What `seal` proves about `envelope` on `topic`: nothing (unsigned), or that its key
/// signed exactly this; a seal that does not verify is an error.
pub(super) fn check(
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
