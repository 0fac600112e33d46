//! What every envelope type provides, so the JSON form, the canonical signing form and
//! the parser all come from one description of its fields. Adding a type means one
//! module implementing [`Body`] and one line in the registration in `mod.rs`.

use super::fields::Object;
use super::sealed::{Relayed, Sealed};
use super::{DecodeError, EntryRejection, LogEntry};
use crate::ids::Handle;

/// Receives an envelope's own fields (those between `type` and `from`), in order. The
/// JSON encoder and the canonical form are both sinks, so the two can never list the
/// fields differently.
pub(crate) trait FieldSink {
    fn text(&mut self, name: &'static str, value: &str);

    /// An optional field: absent values are skipped by both forms.
    fn opt_text(&mut self, name: &'static str, value: Option<&str>) {
        if let Some(value) = value {
            self.text(name, value);
        }
    }

    /// A non-negative integer: a JSON number, and 8 bytes big-endian in the canonical
    /// form (as `t` is).
    fn number(&mut self, name: &'static str, value: u64);

    /// An optional number: absent values are skipped by both forms.
    fn opt_number(&mut self, name: &'static str, value: Option<u64>) {
        if let Some(value) = value {
            self.number(name, value);
        }
    }

    /// Relayed envelopes (a history log, a roster): JSON carries the entries, the
    /// canonical form their digests.
    fn entries<B: Relayed>(&mut self, name: &'static str, entries: &[Sealed<B>]);
}

/// How a payload is being parsed.
pub(crate) struct ParseContext {
    /// The envelope carries signature fields: a response vouches for its entries by
    /// their canonical form, so a malformed entry rejects the whole envelope.
    pub signed: bool,
    /// Parts of the envelope that were dropped, and why (history entries).
    pub rejected: Vec<EntryRejection>,
}

/// One envelope type's fields and rules.
pub(crate) trait Body: Sized {
    /// Emits the type's own fields, in wire and canonical order.
    fn fields<S: FieldSink>(&self, sink: &mut S);

    /// Reads and validates the type's fields (`from` and `t` included: every body
    /// has those two as fields, which `envelope_types!` reads directly).
    fn parse(obj: &Object, ctx: &mut ParseContext) -> Result<Self, DecodeError>;

    /// The handle the sender claims, for the types that carry one.
    fn handle(&self) -> Option<&Handle> {
        None
    }

    /// Checks the parts that carry signatures of their own, once the envelope's own
    /// signature (if any) has verified; parts that fail are dropped into `rejected`,
    /// and parts the receiver already `known`s verified are kept unchecked.
    fn verify_parts(
        &mut self,
        _topic: &str,
        _rejected: &mut Vec<EntryRejection>,
        _known: &dyn Fn(&LogEntry) -> bool,
    ) {
    }

    /// Forgets the parts that carry signatures of their own, for a receiver that
    /// checked only the envelope's own signature (see `Parsed::verify_envelope`).
    fn drop_parts(&mut self) {}
}
