//! Our chat messages from the moment they are composed until the broker echoes them
//! back, so a person is never told a message was sent when it was not
//! (docs/design.md, "Offline is a state").
//!
//! A message is pending until its echo comes (the broker took it and routed it to
//! the room, us included). While the connection is down it waits here, signed, and
//! goes out when the room is joined again. It fails, and keeps its text for a retry,
//! when it can no longer go out as it was written: the key would not sign it, it is
//! older than `OUTBOX_MAX_AGE_MS` (it would land out of sight in everyone's
//! scrollback), the broker dropped it (a later echo came first), or more than
//! `MAX_UNCONFIRMED_MESSAGES` wait.

use std::collections::VecDeque;

use crate::ids::{MessageId, PeerId};
use crate::limits::{MAX_UNCONFIRMED_MESSAGES, OUTBOX_MAX_AGE_MS};

struct Pending {
    id: MessageId,
    unsent: Unsent,
    /// When it was composed (its `t`).
    at: u64,
    /// The signed envelope; `None` while an external key is signing it.
    payload: Option<Vec<u8>>,
}

/// A message that failed, kept so the person can send its text again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Unsent {
    pub(super) from: PeerId,
    pub(super) text: String,
    /// The message it answers.
    pub(super) re: Option<MessageId>,
}

#[derive(Default)]
pub(super) struct Outbox {
    pending: VecDeque<Pending>,
    failed: VecDeque<(MessageId, Unsent)>,
}

impl Outbox {
    /// A message was composed at `at`. Returns the id of the oldest pending message
    /// if this one pushed it out (it failed).
    pub(super) fn composed(&mut self, id: MessageId, unsent: Unsent, at: u64) -> Option<MessageId> {
        self.pending.push_back(Pending {
            id,
            unsent,
            at,
            payload: None,
        });
        if self.pending.len() > MAX_UNCONFIRMED_MESSAGES {
            let oldest = self.pending.front().map(|p| p.id.clone())?;
            self.fail(&oldest);
            return Some(oldest);
        }
        None
    }

    /// The message is signed: what to publish now, and again after a reconnect.
    pub(super) fn sealed(&mut self, id: &MessageId, payload: &[u8]) {
        if let Some(pending) = self.pending.iter_mut().find(|p| p.id == *id) {
            pending.payload = Some(payload.to_vec());
        }
    }

    /// Its echo came: the broker has it. `false` if it was not ours to confirm.
    pub(super) fn confirmed(&mut self, id: &MessageId) -> bool {
        if let Some(index) = self.pending.iter().position(|p| p.id == *id) {
            self.pending.remove(index);
            return true;
        }
        // A message given up on can still turn out to have gone through.
        match self.failed.iter().position(|(failed, _)| failed == id) {
            Some(index) => {
                self.failed.remove(index);
                true
            }
            None => false,
        }
    }

    /// Gives up on `id`; its text is kept for a retry. `false` if it was not pending.
    pub(super) fn fail(&mut self, id: &MessageId) -> bool {
        let Some(index) = self.pending.iter().position(|p| p.id == *id) else {
            return false;
        };
        let Some(pending) = self.pending.remove(index) else {
            return false;
        };
        if self.failed.len() == MAX_UNCONFIRMED_MESSAGES {
            // The oldest failure stays on screen, marked failed, without a retry.
            self.failed.pop_front();
        }
        self.failed.push_back((pending.id, pending.unsent));
        true
    }

    /// Messages too old to go out as written: they fail.
    pub(super) fn expire(&mut self, now_ms: u64) -> Vec<MessageId> {
        let expired: Vec<MessageId> = self
            .pending
            .iter()
            .filter(|p| now_ms >= p.at.saturating_add(OUTBOX_MAX_AGE_MS))
            .map(|p| p.id.clone())
            .collect();
        for id in &expired {
            self.fail(id);
        }
        expired
    }

    /// When the oldest pending message expires.
    pub(super) fn next_expiry(&self) -> Option<u64> {
        self.pending
            .iter()
            .map(|p| p.at.saturating_add(OUTBOX_MAX_AGE_MS))
            .min()
    }

    /// What to publish again on a new connection, oldest first: every signed
    /// message still pending (it may have died with the old connection; receivers
    /// drop a second copy by its id).
    pub(super) fn unconfirmed(&self) -> Vec<(MessageId, Vec<u8>)> {
        self.pending
            .iter()
            .filter_map(|p| Some((p.id.clone(), p.payload.clone()?)))
            .collect()
    }

    /// Takes a failed message back, to compose its text anew.
    pub(super) fn take_failed(&mut self, id: &MessageId) -> Option<Unsent> {
        let index = self.failed.iter().position(|(failed, _)| failed == id)?;
        self.failed.remove(index).map(|(_, unsent)| unsent)
    }

    /// Forgets everything of a member who left (nobody may sign for it any more).
    pub(super) fn forget_member(&mut self, from: &PeerId) -> Vec<MessageId> {
        let gone: Vec<MessageId> = self
            .pending
            .iter()
            .filter(|p| p.unsent.from == *from)
            .map(|p| p.id.clone())
            .collect();
        self.pending.retain(|p| p.unsent.from != *from);
        self.failed.retain(|(_, unsent)| unsent.from != *from);
        gone
    }

    #[cfg(test)]
    pub(super) fn is_pending(&self, id: &MessageId) -> bool {
        self.pending.iter().any(|p| p.id == *id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> MessageId {
        MessageId::parse(s).unwrap()
    }

    fn peer() -> PeerId {
        PeerId::parse("0011223344556677").unwrap()
    }

    fn unsent(text: &str) -> Unsent {
        Unsent {
            from: peer(),
            text: text.into(),
            re: None,
        }
    }

    #[test]
    fn a_signed_message_waits_for_its_echo_and_is_handed_back_until_then() {
        let mut outbox = Outbox::default();
        assert_eq!(outbox.composed(id("a"), unsent("hi"), 0), None);
        assert!(outbox.unconfirmed().is_empty(), "not signed yet");
        outbox.sealed(&id("a"), b"payload");
        assert_eq!(outbox.unconfirmed(), [(id("a"), b"payload".to_vec())]);
        assert!(outbox.confirmed(&id("a")));
        assert!(outbox.unconfirmed().is_empty());
        assert!(!outbox.confirmed(&id("a")));
    }

    #[test]
    fn an_old_message_fails_and_keeps_its_text_for_a_retry() {
        let mut outbox = Outbox::default();
        let _ = outbox.composed(id("a"), unsent("hi"), 1_000);
        assert_eq!(outbox.next_expiry(), Some(1_000 + OUTBOX_MAX_AGE_MS));
        assert!(outbox.expire(OUTBOX_MAX_AGE_MS).is_empty());
        assert_eq!(outbox.expire(1_000 + OUTBOX_MAX_AGE_MS), [id("a")]);
        assert_eq!(outbox.next_expiry(), None);
        assert_eq!(outbox.take_failed(&id("a")), Some(unsent("hi")));
        assert_eq!(outbox.take_failed(&id("a")), None);
    }

    #[test]
    fn past_the_limit_the_oldest_pending_message_fails() {
        let mut outbox = Outbox::default();
        for i in 0..MAX_UNCONFIRMED_MESSAGES {
            assert_eq!(outbox.composed(id(&format!("m{i}")), unsent("x"), 0), None);
        }
        assert_eq!(outbox.composed(id("last"), unsent("x"), 0), Some(id("m0")));
        assert!(!outbox.is_pending(&id("m0")));
        assert!(outbox.take_failed(&id("m0")).is_some());
    }

    #[test]
    fn a_failed_message_whose_echo_comes_after_all_is_confirmed() {
        let mut outbox = Outbox::default();
        let _ = outbox.composed(id("a"), unsent("hi"), 0);
        assert!(outbox.fail(&id("a")));
        assert!(outbox.confirmed(&id("a")));
        assert_eq!(outbox.take_failed(&id("a")), None);
    }
}
