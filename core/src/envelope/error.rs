//! Why an envelope was refused; the text becomes `RoomEvent::Rejected { reason }`.

use crate::ids::IdError;
use crate::sign::SignatureError;

use super::TextError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("payload is {bytes} bytes, over the {max}-byte limit")]
    TooLarge { bytes: usize, max: usize },
    #[error("payload is not JSON ({0})")]
    NotJson(String),
    #[error("payload is not a JSON object")]
    NotObject,
    #[error("field `{0}` is missing")]
    Missing(&'static str),
    #[error("field `{field}` must be {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("field `{field}`: {error}")]
    Id { field: &'static str, error: IdError },
    #[error("field `text`: {0}")]
    Text(TextError),
    #[error("envelope type {0:?} is not one this client knows")]
    UnknownType(String),
    #[error("an entry here must be a {expected} envelope")]
    WrongEntryType { expected: &'static str },
    #[error("field `{field}` has {entries} entries, more than {max}")]
    TooManyEntries {
        field: &'static str,
        entries: usize,
        max: usize,
    },
    #[error("entry {index}: {error}")]
    Entry {
        index: usize,
        error: Box<DecodeError>,
    },
    #[error("field `ceiling`: {0}")]
    Level(crate::policy::LevelError),
    #[error("policy: {0}")]
    Policy(crate::policy::PolicyError),
    #[error("field `text`: {0}")]
    Description(super::description::DescriptionTooLong),
    #[error(transparent)]
    Signature(#[from] SignatureError),
}
