//! `msg`: a chat message.

use super::body::{Body, FieldSink, ParseContext};
use super::fields::{opt_id, req_id, req_str, req_time, Object};
use super::{ChatText, DecodeError};
use crate::ids::{AvatarSeed, DisplayName, Handle, MessageId, PeerId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Msg {
    pub id: MessageId,
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<DisplayName>,
    pub text: ChatText,
    /// The message this one answers, if any (an agent answering a mention, say).
    pub re: Option<MessageId>,
    pub from: PeerId,
    pub t: u64,
}

impl Body for Msg {
    fn fields<S: FieldSink>(&self, sink: &mut S) {
        sink.text("id", self.id.as_str());
        sink.text("handle", self.handle.as_str());
        sink.text("avatarSeed", self.avatar_seed.as_str());
        sink.opt_text("name", self.name.as_ref().map(DisplayName::as_str));
        sink.text("text", self.text.as_str());
        sink.opt_text("re", self.re.as_ref().map(MessageId::as_str));
    }

    fn parse(obj: &Object, _ctx: &mut ParseContext) -> Result<Self, DecodeError> {
        Ok(Msg {
            id: req_id(obj, "id", MessageId::parse)?,
            handle: req_id(obj, "handle", Handle::parse)?,
            avatar_seed: req_id(obj, "avatarSeed", AvatarSeed::parse)?,
            name: opt_id(obj, "name", DisplayName::parse)?,
            text: ChatText::parse(req_str(obj, "text")?).map_err(DecodeError::Text)?,
            re: opt_id(obj, "re", MessageId::parse)?,
            from: req_id(obj, "from", PeerId::parse)?,
            t: req_time(obj)?,
        })
    }

    fn handle(&self) -> Option<&Handle> {
        Some(&self.handle)
    }
}
