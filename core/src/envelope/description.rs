//! `description`: what the host says its room is for, shown under the room's name
//! (and as the IRC channel's topic). Empty text clears it. Counts only under the
//! host's pinned key, like `policy`.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{req_id, req_str, req_time, Object};
use super::DecodeError;
use crate::ids::PeerId;
use crate::limits::DESCRIPTION_MAX_CHARS;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Description {
    pub text: String,
    pub from: PeerId,
    pub t: u64,
}

/// A description over `DESCRIPTION_MAX_CHARS` characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the description has {chars} characters, more than {max}", max = DESCRIPTION_MAX_CHARS)]
pub struct DescriptionTooLong {
    pub chars: usize,
}

impl Description {
    /// Checks the length; surrounding whitespace is trimmed.
    pub fn checked_text(text: &str) -> Result<String, DescriptionTooLong> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars > DESCRIPTION_MAX_CHARS {
            return Err(DescriptionTooLong { chars });
        }
        Ok(text.to_owned())
    }
}

impl Body for Description {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("text", &self.text);
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        let raw = req_str(obj, "text")?;
        let text = Description::checked_text(raw).map_err(DecodeError::Description)?;
        if text != raw {
            return Err(DecodeError::WrongType {
                field: "text",
                expected: "a description without surrounding whitespace",
            });
        }
        Ok(Description {
            text,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }
}
