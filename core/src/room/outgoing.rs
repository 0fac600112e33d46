//! Envelopes we send: built from a member's identity, sealed for this room's topic by
//! the member's key, here or (an external key) through the driver.

use crate::envelope::{
    encode_sealed, Departure, Envelope, HistoryResponse, LogEntry, Msg, Presence, PresenceEntry,
    SEAL_JSON_MAX_BYTES,
};
use crate::ids::PeerId;
use crate::limits::MAX_PAYLOAD_BYTES;
use crate::sign::{sign_with, PeerKey, Seal};

use super::members::Member;
use super::outbox::Unsent;
use super::sealing::{SignRequest, SignatureRefused, Then};
use super::{delivery, rejected, ChatMessage, Delivery, LocalPeer, Output, Room};

pub(super) fn announce(me: &LocalPeer, now_ms: u64) -> Envelope {
    Envelope::Announce(presence(me, now_ms))
}

pub(super) fn leave_envelope(me: &LocalPeer, now_ms: u64) -> Envelope {
    Envelope::Leave(Departure::new(me.peer_id().clone(), now_ms))
}

fn presence(me: &LocalPeer, now_ms: u64) -> Presence {
    Presence {
        handle: me.handle().clone(),
        avatar_seed: me.avatar_seed().clone(),
        name: me.display_name().cloned(),
        from: me.peer_id().clone(),
        t: now_ms,
    }
}

impl Room {
    /// `member` says `envelope`: a publish now, or a request to sign it first.
    pub(super) fn publish(&self, member: &Member, envelope: &Envelope) -> Output {
        match self.seal_or_ask(member, envelope, Then::Publish) {
            Ok(seal) => self.publish_sealed(envelope, &seal),
            Err(request) => Output::Sign(request),
        }
    }

    /// Seals `envelope` as `member` at once with a held key. An external key is asked
    /// instead (the request is returned), and `then` says what to do with the
    /// envelope once its signature is back.
    fn seal_or_ask(
        &self,
        member: &Member,
        envelope: &Envelope,
        then: Then,
    ) -> Result<Seal, SignRequest> {
        match member.peer.key() {
            PeerKey::Held(signer) => {
                Ok(sign_with(&self.topic, envelope, signer, member.peer.auth()))
            }
            PeerKey::External(key) => Err(self.sealer.ask(
                &self.topic,
                envelope.clone(),
                *key,
                member.peer.auth(),
                then,
            )),
        }
    }

    fn publish_sealed(&self, envelope: &Envelope, seal: &Seal) -> Output {
        let payload = encode_sealed(envelope, Some(seal));
        let message = match envelope {
            Envelope::Msg(msg) => Some(msg.id.clone()),
            Envelope::Announce(presence) => {
                self.keep_own_announce(PresenceEntry::new(presence.clone(), Some(seal.clone())));
                None
            }
            _ => None,
        };
        self.echoes.sent(&payload, message);
        Output::Publish {
            topic: self.topic.clone(),
            payload,
        }
    }

    fn will_output(&self, envelope: &Envelope, seal: &Seal) -> Output {
        Output::Will {
            topic: self.topic.clone(),
            payload: encode_sealed(envelope, Some(seal)),
        }
    }

    /// Our msg, sealed: kept in history (so we replay it) and published, and in the
    /// outbox until the broker has it.
    pub(super) fn seal_msg(&mut self, msg: Msg, chat: ChatMessage) -> Vec<Output> {
        if self.members.get(&msg.from).is_none() {
            return vec![rejected(format!(
                "{} left before its message was signed",
                msg.from
            ))];
        }
        let mut out = Vec::new();
        let unsent = Unsent {
            from: msg.from.clone(),
            text: msg.text.as_str().to_owned(),
            re: msg.re.clone(),
        };
        let evicted = self.outbox.composed(msg.id.clone(), unsent, msg.t);
        if let Some(evicted) = evicted {
            out.push(delivery(&evicted, Delivery::Failed));
        }
        let Some(member) = self.members.get(&msg.from) else {
            return out;
        };
        let envelope = Envelope::Msg(msg);
        out.push(
            match self.seal_or_ask(member, &envelope, Then::Keep(Box::new(chat.clone()))) {
                Ok(seal) => self.keep_and_publish(envelope, seal, chat),
                Err(request) => Output::Sign(request),
            },
        );
        out
    }

    fn keep_and_publish(&mut self, envelope: Envelope, seal: Seal, chat: ChatMessage) -> Output {
        let out = self.publish_sealed(&envelope, &seal);
        if let (Envelope::Msg(msg), Output::Publish { payload, .. }) = (envelope, &out) {
            self.outbox.sealed(&msg.id, payload);
            self.seen.insert(msg.id.clone());
            self.history.insert(LogEntry::new(msg, Some(seal)), chat);
        }
        out
    }

    /// The Last Will to register for the next connection: the primary member's
    /// signed `leave` (an `Output::Will`, or a request to sign it first).
    pub fn will(&self, now_ms: u64) -> Output {
        let primary = self.members.primary();
        let envelope = leave_envelope(&primary.peer, now_ms);
        match self.seal_or_ask(primary, &envelope, Then::Will) {
            Ok(seal) => self.will_output(&envelope, &seal),
            Err(request) => Output::Sign(request),
        }
    }

    /// An external key's signature for request `id` (see `Output::Sign`): what is now
    /// sealed goes out, in the order it was asked.
    pub fn signed(&mut self, id: u64, signature: &[u8; 64]) -> Vec<Output> {
        let mut out = Vec::new();
        if let Err(error) = self.sealer.signed(&self.topic, id, signature) {
            if matches!(error, SignatureRefused::Invalid(_)) {
                out.push(rejected(format!("not sent: {error}")));
            }
        }
        out.extend(self.release_sealed());
        out
    }

    /// The external key refused or failed request `id`: that envelope is not sent,
    /// and `reason` says why.
    pub fn signing_failed(&mut self, id: u64, reason: &str) -> Vec<Output> {
        let mut out = Vec::new();
        if let Some(waiting) = self.sealer.failed(id) {
            let what = match &waiting.then {
                Then::Keep(chat) => {
                    if self.outbox.fail(&chat.id) {
                        out.push(delivery(&chat.id, Delivery::Failed));
                    }
                    "a message"
                }
                Then::Publish | Then::Will => waiting.envelope.type_name(),
            };
            out.push(rejected(format!(
                "{what} was not sent: the key could not sign ({reason})"
            )));
        }
        out.extend(self.release_sealed());
        out
    }

    fn release_sealed(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        for (waiting, seal) in self.sealer.take_ready() {
            out.push(match waiting.then {
                Then::Publish => self.publish_sealed(&waiting.envelope, &seal),
                Then::Will => self.will_output(&waiting.envelope, &seal),
                Then::Keep(chat) => self.keep_and_publish(waiting.envelope, seal, *chat),
            });
        }
        out
    }

    /// Our whole history for `to`, signed by the primary member. The history byte
    /// budget keeps it under `MAX_PAYLOAD_BYTES`; should it still not fit, the oldest
    /// entries go first.
    pub(super) fn history_response(&self, to: PeerId, now_ms: u64) -> Output {
        let primary = self.members.primary();
        let mut response = HistoryResponse {
            to,
            log: self.history.entries().cloned().collect(),
            from: primary.peer.peer_id().clone(),
            t: now_ms,
        };
        let fits = |r: &HistoryResponse| {
            let unsealed = encode_sealed(&Envelope::HistoryResponse(r.clone()), None).len();
            unsealed + SEAL_JSON_MAX_BYTES <= MAX_PAYLOAD_BYTES
        };
        while !response.log.is_empty() && !fits(&response) {
            response.log.remove(0);
        }
        self.publish(primary, &Envelope::HistoryResponse(response))
    }
}
