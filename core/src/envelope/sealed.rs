//! Envelopes carried inside another as they were sent, each with its own seal: the
//! msgs of a history-response and the announces of a roster. The carrier's signature
//! commits to each entry's digest (`sign::entry_digest`), and each entry is verified
//! on its own, so a responder can relay what others said but cannot speak for them.

use std::collections::BTreeSet;

use serde_json::Value;

use super::body::{Body, ParseContext};
use super::fields::{as_object, opt_str, Object};
use super::json::envelope_json;
use super::{check, seal_fields, DecodeError, EntryRejection, Envelope, Msg, Presence};
use crate::ids::PeerId;
use crate::sign::{Seal, Verification};

/// An envelope type that travels as an entry of another.
pub(crate) trait Relayed: Body + Clone {
    /// Its `type` on the wire.
    const TYPE: &'static str;
    fn sender(&self) -> &PeerId;
    fn sent_at(&self) -> u64;
    fn envelope(&self) -> Envelope;
}

impl Relayed for Msg {
    const TYPE: &'static str = "msg";
    fn sender(&self) -> &PeerId {
        &self.from
    }
    fn sent_at(&self) -> u64 {
        self.t
    }
    fn envelope(&self) -> Envelope {
        Envelope::Msg(self.clone())
    }
}

impl Relayed for Presence {
    const TYPE: &'static str = "announce";
    fn sender(&self) -> &PeerId {
        &self.from
    }
    fn sent_at(&self) -> u64 {
        self.t
    }
    fn envelope(&self) -> Envelope {
        Envelope::Announce(self.clone())
    }
}

impl Relayed for super::Invited {
    const TYPE: &'static str = "invited";
    fn sender(&self) -> &PeerId {
        &self.from
    }
    fn sent_at(&self) -> u64 {
        self.t
    }
    fn envelope(&self) -> Envelope {
        Envelope::Invited(self.clone())
    }
}

impl Relayed for super::Draft {
    const TYPE: &'static str = "draft";
    fn sender(&self) -> &PeerId {
        &self.0.from
    }
    fn sent_at(&self) -> u64 {
        self.0.t
    }
    fn envelope(&self) -> Envelope {
        Envelope::Draft(self.clone())
    }
}

/// One relayed envelope and its own seal. Only core builds these, from envelopes it
/// verified or signed, or parsed out of a carrier that it then verifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed<B> {
    body: B,
    seal: Option<Seal>,
}

impl<B> Sealed<B> {
    pub(crate) fn new(body: B, seal: Option<Seal>) -> Self {
        Self { body, seal }
    }

    pub(crate) fn body(&self) -> &B {
        &self.body
    }

    pub fn seal(&self) -> Option<&Seal> {
        self.seal.as_ref()
    }

    pub fn verification(&self) -> Verification {
        self.seal
            .as_ref()
            .map_or(Verification::Unverified, Seal::verification)
    }
}

/// Bytes `entry` takes inside its carrier's array, without the comma.
pub(crate) fn json_len<B: Relayed>(entry: &Sealed<B>) -> usize {
    entry_json(entry).len()
}

/// The entry as it was sent, with its own seal.
pub(super) fn entry_json<B: Relayed>(entry: &Sealed<B>) -> Vec<u8> {
    envelope_json(
        B::TYPE,
        |json| entry.body.fields(json),
        entry.body.sender(),
        entry.body.sent_at(),
        entry.seal(),
    )
}

/// Structural parse of an entry of type `B`; its signature is checked later.
pub(super) fn parse_entry<B: Relayed>(raw: &Value) -> Result<Sealed<B>, DecodeError> {
    let obj = as_object(raw)?;
    if opt_str(obj, "type")? != Some(B::TYPE) {
        return Err(DecodeError::WrongEntryType { expected: B::TYPE });
    }
    let mut ctx = ParseContext {
        signed: false,
        rejected: Vec::new(),
    };
    Ok(Sealed::new(
        B::parse(obj, &mut ctx)?,
        seal_fields::parse(obj)?,
    ))
}

/// Reads the array `field` of at most `max` entries. An unsigned carrier keeps its
/// well-formed entries and drops the others; a signed one vouches for every entry by
/// its canonical form, which a malformed entry does not have, so one bad entry makes
/// the whole carrier unverifiable.
pub(super) fn parse_entries<B: Relayed>(
    obj: &Object,
    field: &'static str,
    max: usize,
    ctx: &mut ParseContext,
    parse: fn(&Value) -> Result<Sealed<B>, DecodeError>,
) -> Result<Vec<Sealed<B>>, DecodeError> {
    let raw = obj
        .get(field)
        .ok_or(DecodeError::Missing(field))?
        .as_array()
        .ok_or(DecodeError::WrongType {
            field,
            expected: "an array of envelopes",
        })?;
    if raw.len() > max {
        return Err(DecodeError::TooManyEntries {
            field,
            entries: raw.len(),
            max,
        });
    }
    let mut entries = Vec::with_capacity(raw.len());
    for (index, raw) in raw.iter().enumerate() {
        match parse(raw) {
            Ok(entry) => entries.push(entry),
            Err(error) if ctx.signed => {
                return Err(DecodeError::Entry {
                    index,
                    error: Box::new(error),
                })
            }
            Err(error) => ctx.rejected.push(EntryRejection { index, error }),
        }
    }
    Ok(entries)
}

/// Reads `field`, which carries exactly one envelope of type `B` (a grant's consent,
/// an approval's draft), as a one-entry array.
pub(super) fn parse_one<B: Relayed>(
    obj: &Object,
    field: &'static str,
    ctx: &mut ParseContext,
) -> Result<Vec<Sealed<B>>, DecodeError> {
    let one = parse_entries(obj, field, 1, ctx, parse_entry)?;
    if one.is_empty() {
        return Err(DecodeError::Missing(field));
    }
    Ok(one)
}

/// Each entry stands or falls on its own signature, against the carrier's topic;
/// those `known` (already verified here) are kept unchecked. Rejections keep the
/// entry's index in the array as received.
pub(super) fn verify_entries<B: Relayed>(
    entries: &mut Vec<Sealed<B>>,
    topic: &str,
    rejected: &mut Vec<EntryRejection>,
    known: impl Fn(&Sealed<B>) -> bool,
) {
    let dropped: BTreeSet<usize> = rejected.iter().map(|r| r.index).collect();
    let received_at = (0..).filter(|index| !dropped.contains(index));
    for (index, entry) in received_at.zip(std::mem::take(entries)) {
        if known(&entry) {
            entries.push(entry);
            continue;
        }
        match check(topic, &entry.body.envelope(), entry.seal()) {
            Ok(_) => entries.push(entry),
            Err(error) => rejected.push(EntryRejection { index, error }),
        }
    }
    rejected.sort_by_key(|r| r.index);
}
