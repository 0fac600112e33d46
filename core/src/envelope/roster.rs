//! `roster`: who is in the room, for one joiner, as the members' own signed
//! `announce` envelopes (docs/design.md, "Presence that scales").
//!
//! Beats stretch with the room's size, so a joiner cannot wait for everyone's next
//! beat. It asks (its `history-request`), and one present peer, after a jitter,
//! answers with every announce it holds; the others see that answer and stay quiet.
//! Each entry keeps its own seal and is verified on its own, so the responder can
//! relay who is here but cannot speak for anyone.

use std::collections::BTreeSet;

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{as_object, opt_str, req_id, req_time, Object};
use super::{check, seal_fields, DecodeError, EntryRejection, Envelope, LogEntry, Presence};
use crate::ids::PeerId;
use crate::limits::MAX_ROSTER_ENTRIES;
use crate::sign::{Seal, Verification};

/// One member's announce, with its seal, relayed as it was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresenceEntry {
    presence: Presence,
    seal: Option<Seal>,
}

impl PresenceEntry {
    pub(crate) fn new(presence: Presence, seal: Option<Seal>) -> Self {
        Self { presence, seal }
    }

    pub fn presence(&self) -> &Presence {
        &self.presence
    }

    pub fn seal(&self) -> Option<&Seal> {
        self.seal.as_ref()
    }

    pub fn verification(&self) -> Verification {
        self.seal
            .as_ref()
            .map_or(Verification::Unverified, Seal::verification)
    }

    fn parse(raw: &serde_json::Value) -> Result<Self, DecodeError> {
        let obj = as_object(raw)?;
        if opt_str(obj, "type")? != Some("announce") {
            return Err(DecodeError::NotAnAnnounceEntry);
        }
        let mut ctx = ParseContext {
            signed: false,
            rejected: Vec::new(),
        };
        Ok(PresenceEntry::new(
            Presence::parse(obj, &mut ctx)?,
            seal_fields::parse(obj)?,
        ))
    }
}

/// The room's members for the joiner `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Roster {
    pub to: PeerId,
    pub peers: Vec<PresenceEntry>,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Roster {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("to", self.to.as_str());
        sink.presences("peers", &self.peers);
    }

    /// As a history-response: an unsigned roster keeps its well-formed entries, a
    /// signed one stands or falls whole.
    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let to = req_id(obj, "to", PeerId::parse)?;
        let from = req_id(obj, "from", PeerId::parse)?;
        let t = req_time(obj)?;
        let raw = obj
            .get("peers")
            .ok_or(DecodeError::Missing("peers"))?
            .as_array()
            .ok_or(DecodeError::WrongType {
                field: "peers",
                expected: "an array of announce envelopes",
            })?;
        if raw.len() > MAX_ROSTER_ENTRIES {
            return Err(DecodeError::RosterTooLong {
                entries: raw.len(),
                max: MAX_ROSTER_ENTRIES,
            });
        }
        let mut peers = Vec::with_capacity(raw.len());
        for (index, raw) in raw.iter().enumerate() {
            match PresenceEntry::parse(raw) {
                Ok(entry) => peers.push(entry),
                Err(error) if ctx.signed => {
                    return Err(DecodeError::LogEntry {
                        index,
                        error: Box::new(error),
                    })
                }
                Err(error) => ctx.rejected.push(EntryRejection { index, error }),
            }
        }
        Ok(Roster { to, peers, from, t })
    }

    fn verify_parts(
        &mut self,
        topic: &str,
        rejected: &mut Vec<EntryRejection>,
        _known: &dyn Fn(&LogEntry) -> bool,
    ) {
        let dropped: BTreeSet<usize> = rejected.iter().map(|r| r.index).collect();
        let received_at = (0..).filter(|index| !dropped.contains(index));
        for (index, entry) in received_at.zip(std::mem::take(&mut self.peers)) {
            match check(
                topic,
                &Envelope::Announce(entry.presence.clone()),
                entry.seal(),
            ) {
                Ok(_) => self.peers.push(entry),
                Err(error) => rejected.push(EntryRejection { index, error }),
            }
        }
        rejected.sort_by_key(|r| r.index);
    }

    fn drop_parts(&mut self) {
        self.peers.clear();
    }
}
