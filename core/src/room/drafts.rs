//! Drafts: an owned agent's messages that wait for its owner. Only the owner's client
//! shows a draft; the owner's `approve` carries it into the room, where every peer
//! checks the owner's key, the agent's signature and the grant between them, and
//! shows it as the agent's message, approved by its owner. A person may also hand any
//! message to their agent (`forward`), which answers it as a draft.

use std::collections::VecDeque;

use crate::envelope::{Approve, Draft, DraftEntry, Envelope, Forward, Received};
use crate::ids::{Handle, MessageId, PeerId};
use crate::limits::{APPROVALS_REMEMBERED, DRAFTS_WAITING, PRESENCE_FRESHNESS_MS};
use crate::policy::Level;

use super::{chat_message, rejected, Output, OwnerError, Room, RoomEvent, SendError, State, Trust};

#[derive(Default)]
pub(super) struct Drafts {
    /// Our members' agents' drafts, waiting for a decision.
    waiting: VecDeque<DraftEntry>,
    /// Drafts our members approved, told again to joiners.
    approved: VecDeque<DraftEntry>,
}

impl Room {
    /// Our agent `from` drafts `text` (answering `re`) for its owner to approve.
    pub fn send_draft(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        text: &str,
        re: Option<&MessageId>,
    ) -> Result<Vec<Output>, SendError> {
        let member = self
            .members
            .get(from)
            .ok_or_else(|| SendError::NotAMember(from.clone()))?;
        if self
            .owner_for(member.peer.handle(), Some(&member.key))
            .is_none()
        {
            return Err(SendError::NoOwner);
        }
        let msg = self.new_msg(now_ms, from, text, re)?;
        let chat = chat_message(&msg, Trust::Verified, false, now_ms);
        let Some(member) = self.members.get(from) else {
            return Err(SendError::NotAMember(from.clone()));
        };
        let publish = self.publish(member, &Envelope::Draft(Draft(msg)));
        Ok(vec![
            publish,
            Output::Event(RoomEvent::Draft {
                message: chat,
                verified: true,
            }),
        ])
    }

    /// A draft from the network: ours to decide on if its agent is our member's.
    pub(super) fn on_draft(
        &mut self,
        now_ms: u64,
        draft: &Draft,
        received: &Received,
    ) -> Vec<Output> {
        let key = received.verification.public_key();
        let Some(owner) = self.owner_for(&draft.handle, key) else {
            return Vec::new();
        };
        if !self.members.has_handle(&owner) {
            return Vec::new();
        }
        if self.drafts.waiting.len() == DRAFTS_WAITING {
            self.drafts.waiting.pop_front();
        }
        self.drafts
            .waiting
            .push_back(DraftEntry::new(draft.clone(), received.seal().cloned()));
        vec![Output::Event(RoomEvent::Draft {
            message: chat_message(draft.msg(), Trust::Verified, false, now_ms),
            verified: true,
        })]
    }

    /// The owner lets draft `id` into the room.
    pub fn approve(&mut self, now_ms: u64, id: &MessageId) -> Result<Vec<Output>, OwnerError> {
        if self.state != State::Joined {
            return Err(OwnerError::NotJoined);
        }
        let index = self
            .drafts
            .waiting
            .iter()
            .position(|d| d.draft().id == *id)
            .ok_or_else(|| OwnerError::NoSuchDraft(id.clone()))?;
        let entry = self.drafts.waiting[index].clone();
        let owner = self
            .owner_of(&entry.draft().handle)
            .cloned()
            .ok_or_else(|| OwnerError::NotYours(entry.draft().handle.clone()))?;
        let Some(member) = self.members.iter().find(|m| *m.peer.handle() == owner) else {
            return Err(OwnerError::NotYours(entry.draft().handle.clone()));
        };
        let approve = Approve {
            owner: owner.clone(),
            draft: vec![entry.clone()],
            from: member.peer.peer_id().clone(),
            t: now_ms,
        };
        let mut out = vec![self.publish(member, &Envelope::Approve(approve))];
        self.drafts.waiting.remove(index);
        if self.drafts.approved.len() == APPROVALS_REMEMBERED {
            self.drafts.approved.pop_front();
        }
        self.drafts.approved.push_back(entry.clone());
        out.extend(self.show_approved(now_ms, &entry, &owner, false));
        Ok(out)
    }

    /// The owner drops draft `id`: nobody else ever saw it.
    pub fn reject(&mut self, id: &MessageId) -> Result<(), OwnerError> {
        let before = self.drafts.waiting.len();
        self.drafts.waiting.retain(|d| d.draft().id != *id);
        if self.drafts.waiting.len() == before {
            return Err(OwnerError::NoSuchDraft(id.clone()));
        }
        Ok(())
    }

    /// The drafts waiting for our members' decision, oldest first.
    pub fn drafts_waiting(&self) -> Vec<MessageId> {
        self.drafts
            .waiting
            .iter()
            .map(|d| d.draft().id.clone())
            .collect()
    }

    /// A person hands message `id` to their agent `agent`, which answers as a draft.
    pub fn forward(
        &mut self,
        now_ms: u64,
        id: &MessageId,
        agent: &Handle,
    ) -> Result<Vec<Output>, OwnerError> {
        if self.state != State::Joined {
            return Err(OwnerError::NotJoined);
        }
        let owner = self
            .owner_of(agent)
            .filter(|owner| self.members.has_handle(owner))
            .cloned()
            .ok_or_else(|| OwnerError::NotYours(agent.clone()))?;
        let Some(member) = self.members.iter().find(|m| *m.peer.handle() == owner) else {
            return Err(OwnerError::NotYours(agent.clone()));
        };
        let forward = Envelope::Forward(Forward {
            owner,
            agent: agent.clone(),
            id: id.clone(),
            from: member.peer.peer_id().clone(),
            t: now_ms,
        });
        Ok(vec![self.publish(member, &forward)])
    }

    /// Whether the person `owner` signed `received` with their pinned key, fresh
    /// (`Err(None)`: it waits for their key).
    fn signed_by_person(
        &mut self,
        now_ms: u64,
        owner: &Handle,
        received: &Received,
    ) -> Result<(), Option<String>> {
        if owner.is_bot() {
            let kind = received.envelope.type_name();
            return Err(Some(format!("a {kind} by {owner}: only people own agents")));
        }
        self.check_signer(now_ms, owner, owner.as_str(), received)
    }

    /// An approval from the network: the owner's key, the agent's signature on the
    /// draft, and the grant between them.
    pub(super) fn on_approve(
        &mut self,
        now_ms: u64,
        approve: &Approve,
        received: &Received,
    ) -> Vec<Output> {
        match self.signed_by_person(now_ms, &approve.owner, received) {
            Ok(()) => {}
            Err(None) => return Vec::new(),
            Err(Some(why)) => return vec![rejected(why)],
        }
        let Some(entry) = approve.draft.first() else {
            return vec![rejected("an approve without its draft: ignored")];
        };
        let draft = entry.draft();
        let agent_key = entry.seal().map(|seal| seal.public_key());
        if self.owner_for(&draft.handle, agent_key.as_ref()).as_ref() != Some(&approve.owner) {
            return vec![rejected(format!(
                "{} approved a draft of {}, which is not theirs here (or not signed with the key they took on): ignored",
                approve.owner, draft.handle
            ))];
        }
        self.drafts.waiting.retain(|d| d.draft().id != draft.id);
        let history = received.envelope.t() > draft.t.saturating_add(PRESENCE_FRESHNESS_MS);
        self.show_approved(now_ms, entry, &approve.owner, history)
    }

    /// An approved draft, shown once as its agent's message, marked approved.
    fn show_approved(
        &mut self,
        now_ms: u64,
        entry: &DraftEntry,
        owner: &Handle,
        history: bool,
    ) -> Vec<Output> {
        let draft = entry.draft();
        if self.seen.contains(&draft.id) {
            return Vec::new();
        }
        if self.gate.policy().ceiling() < Level::Draft {
            return vec![rejected(format!(
                "an approved draft of {}: agents may not speak in this room",
                draft.handle
            ))];
        }
        self.seen.insert(draft.id.clone());
        let mut chat = chat_message(draft.msg(), Trust::Verified, history, now_ms);
        chat.owner = Some(owner.clone());
        chat.approved_by = Some(owner.clone());
        vec![Output::Event(RoomEvent::Message(chat))]
    }

    /// A forward from the network: for our agent, from its owner.
    pub(super) fn on_forward(
        &mut self,
        now_ms: u64,
        forward: &Forward,
        received: &Received,
    ) -> Vec<Output> {
        let Some(member) = self
            .members
            .iter()
            .find(|m| m.peer.handle() == &forward.agent)
        else {
            return Vec::new();
        };
        let key = member.key;
        if self.owner_for(&forward.agent, Some(&key)).as_ref() != Some(&forward.owner) {
            return vec![rejected(format!(
                "{} forwarded a message to {}, which is not theirs: ignored",
                forward.owner, forward.agent
            ))];
        }
        match self.signed_by_person(now_ms, &forward.owner, received) {
            Err(None) => Vec::new(),
            Err(Some(why)) => vec![rejected(why)],
            Ok(()) => {
                let message = self
                    .history
                    .messages()
                    .iter()
                    .find(|m| m.id == forward.id)
                    .cloned()
                    .map(Box::new);
                vec![Output::Event(RoomEvent::Forwarded {
                    id: forward.id.clone(),
                    owner: forward.owner.clone(),
                    message,
                    verified: true,
                })]
            }
        }
    }

    /// Our members' approvals, re-signed now, for joiners.
    pub(super) fn repeat_approvals(&self, now_ms: u64) -> Vec<Output> {
        let mut out = Vec::new();
        for entry in &self.drafts.approved {
            let Some(owner) = self.owner_of(&entry.draft().handle) else {
                continue;
            };
            let Some(member) = self.members.iter().find(|m| m.peer.handle() == owner) else {
                continue;
            };
            let approve = Envelope::Approve(Approve {
                owner: owner.clone(),
                draft: vec![entry.clone()],
                from: member.peer.peer_id().clone(),
                t: now_ms,
            });
            out.push(self.publish(member, &approve));
        }
        out
    }
}
