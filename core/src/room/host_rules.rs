//! The host's word in its room: the policy for agents, kicks, mutes and the
//! description. Each is an envelope signed with the host's key; every peer checks it
//! against the key pinned for the host and enforces it itself, since a Party room has
//! no server (docs/design.md, "The host moderates").
//!
//! A captured envelope cannot be replayed to undo a later one: each kind of rule (and
//! each kicked or muted handle) keeps the time of the last one taken, and only a
//! newer, fresh one replaces it. Late joiners learn the rules from the host, which
//! sends them again when someone asks for history and with its own beats.

use std::collections::HashMap;

use crate::envelope::{Description, Envelope, Received, RoomPolicy, Sanction};
use crate::ids::{Handle, MessageId, PeerId};
use crate::limits::{HOST_RULES_REPEAT_GAP_MS, KICK_MS};
use crate::policy::{Policy, SanctionKind};

use super::{rejected, HostError, LeaveReason, Output, Room, RoomEvent, State};

/// One rule the host sets, replaced only by a newer one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Slot {
    Policy,
    Description,
    Sanction(SanctionKind, Handle),
}

impl Slot {
    /// The slot a host envelope fills; `None` for every other type.
    fn of(envelope: &Envelope) -> Option<Slot> {
        Some(match envelope {
            Envelope::Policy(_) => Slot::Policy,
            Envelope::Description(_) => Slot::Description,
            Envelope::Kick(s) => Slot::Sanction(SanctionKind::Kick, s.target.clone()),
            Envelope::Mute(s) => Slot::Sanction(SanctionKind::Mute, s.target.clone()),
            _ => return None,
        })
    }
}

/// Sanctions as envelopes, for the host to send.
fn sanction_envelope(kind: SanctionKind, sanction: Sanction) -> Envelope {
    match kind {
        SanctionKind::Kick => Envelope::Kick(sanction),
        SanctionKind::Mute => Envelope::Mute(sanction),
    }
}

/// What the host has said, as this peer took it.
#[derive(Default)]
pub(super) struct HostRules {
    /// The sender's `t` of the newest envelope taken per slot.
    newest: HashMap<Slot, u64>,
    description: Option<String>,
    /// We are the host and set a policy: it goes out again with our beats.
    policy_set: bool,
    /// We are the host and owe joiners our rules, from then (coalesced: every peer
    /// hears each repeat).
    repeat_at: Option<u64>,
    last_repeat: Option<u64>,
}

/// Something only the host does in its room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostAction {
    /// New rules for agents.
    Policy(Policy),
    /// Send `handle` away for `for_ms` (`KICK_MS` if `None`; 0 lets it back).
    Kick { handle: Handle, for_ms: Option<u64> },
    /// Silence `handle` for `for_ms` (0 lifts the mute).
    Mute { handle: Handle, for_ms: u64 },
    /// What the room is for (empty text clears it).
    Describe(String),
}

impl Room {
    /// Does `action` as our host member: every peer takes it, as the host's key
    /// signed it.
    pub fn host_action(
        &mut self,
        now_ms: u64,
        action: HostAction,
    ) -> Result<Vec<Output>, HostError> {
        match action {
            HostAction::Policy(policy) => self.set_policy(now_ms, policy),
            HostAction::Kick { handle, for_ms } => self.kick(now_ms, &handle, for_ms),
            HostAction::Mute { handle, for_ms } => self.mute(now_ms, &handle, for_ms),
            HostAction::Describe(text) => self.describe(now_ms, &text),
        }
    }

    /// The rules for agents in force here.
    pub fn policy(&self) -> &Policy {
        self.gate.policy()
    }

    /// The host's description of the room, if it set one.
    pub fn description(&self) -> Option<&str> {
        self.host_rules.description.as_deref()
    }

    /// Until when the host holds `handle` back in this way, if it does now.
    pub fn sanctioned_until(
        &self,
        now_ms: u64,
        kind: SanctionKind,
        handle: &Handle,
    ) -> Option<u64> {
        self.gate.sanctions().until(now_ms, kind, handle)
    }

    /// The newest fresh message that calls our member `from` and that it may still
    /// answer (see `Gate::open_call`).
    pub fn open_call(&self, now_ms: u64, from: &PeerId) -> Option<MessageId> {
        let member = self.members.get(from)?;
        self.gate
            .open_call(now_ms, member.peer.handle(), member.peer.display_name())
    }

    /// The level our member `from` speaks at here: `None` when the room's rules do
    /// not limit it (a person, or the host), or when it is not our member.
    pub fn level_of(&self, from: &PeerId) -> Option<crate::policy::Level> {
        let member = self.members.get(from)?;
        let handle = member.peer.handle();
        (handle.is_bot() && self.host.host() != Some(handle)).then(|| {
            self.gate
                .policy()
                .effective(self.owner_level(handle, Some(&member.key)))
        })
    }

    /// Agent and sanctioned messages held back so far.
    pub fn hidden_count(&self) -> u64 {
        self.gate.hidden()
    }

    /// A host envelope from the network: taken only under the host's pinned key, fresh,
    /// and newer than what it replaces.
    pub(super) fn on_host_rule(&mut self, now_ms: u64, received: &Received) -> Vec<Output> {
        let envelope = &received.envelope;
        let kind = envelope.type_name();
        let Some(host) = self.host.host().cloned() else {
            return vec![rejected(format!(
                "a {kind} in a room without a host: nobody may set one here"
            ))];
        };
        match self.check_signer(now_ms, &host, &format!("the host {host}"), received) {
            Ok(()) => {}
            Err(None) => return Vec::new(),
            Err(Some(why)) => return vec![rejected(why)],
        }
        let t = envelope.t();
        let Some(slot) = Slot::of(envelope) else {
            return Vec::new();
        };
        if self
            .host_rules
            .newest
            .get(&slot)
            .is_some_and(|&newest| newest >= t)
        {
            // The host repeats its rules; an older one is a replay of what it replaced.
            return Vec::new();
        }
        self.host_rules.newest.insert(slot, t);
        self.apply_host_rule(now_ms, envelope, &host)
    }

    /// What a host envelope changes, reported as events (for ours as for theirs).
    fn apply_host_rule(&mut self, now_ms: u64, envelope: &Envelope, host: &Handle) -> Vec<Output> {
        match envelope {
            Envelope::Policy(p) => {
                if *self.gate.policy() == p.policy {
                    return Vec::new();
                }
                self.gate.set_policy(p.policy);
                vec![Output::Event(RoomEvent::Policy {
                    policy: p.policy,
                    verified: true,
                })]
            }
            Envelope::Description(d) => {
                let text = (!d.text.is_empty()).then(|| d.text.clone());
                if self.host_rules.description == text {
                    return Vec::new();
                }
                self.host_rules.description = text.clone();
                vec![Output::Event(RoomEvent::Description {
                    text,
                    verified: true,
                })]
            }
            Envelope::Kick(s) => self.apply_sanction(now_ms, SanctionKind::Kick, s, host),
            Envelope::Mute(s) => self.apply_sanction(now_ms, SanctionKind::Mute, s, host),
            _ => Vec::new(),
        }
    }

    fn apply_sanction(
        &mut self,
        now_ms: u64,
        kind: SanctionKind,
        sanction: &Sanction,
        host: &Handle,
    ) -> Vec<Output> {
        if sanction.target == *host {
            return vec![rejected(format!("a {kind} of the host itself: ignored"))];
        }
        // The host's clock says for how long; ours says from when.
        let until = (!sanction.lifts())
            .then(|| now_ms.saturating_add(sanction.until.saturating_sub(sanction.t)));
        let before = self.gate.sanctions().until(now_ms, kind, &sanction.target);
        self.gate
            .sanction(now_ms, kind, &sanction.target, until.unwrap_or(0));
        if before.is_none() && until.is_none() {
            return Vec::new();
        }
        let mut out = vec![Output::Event(RoomEvent::Sanction {
            handle: sanction.target.clone(),
            kind,
            until,
            is_self: self.members.has_handle(&sanction.target),
            verified: true,
        })];
        if kind == SanctionKind::Kick && until.is_some() {
            out.extend(self.remove_kicked(now_ms, &sanction.target));
        }
        out
    }

    /// A kicked handle's connections are gone from the room at once.
    fn remove_kicked(&mut self, now_ms: u64, handle: &Handle) -> Vec<Output> {
        let ids: Vec<PeerId> = self
            .peers
            .claiming(handle)
            .map(|(id, _)| id.clone())
            .collect();
        let mut out = Vec::new();
        let mut reported = false;
        for id in ids {
            if let Some(record) = self.peers.remove(&id) {
                self.forget_budgets(&id, &record);
                if !reported {
                    reported = true;
                    out.push(Output::Event(RoomEvent::PeerLeft {
                        peer: self.peer_info(&id, &record),
                        reason: LeaveReason::Kicked,
                    }));
                }
            }
        }
        out.extend(self.update_host(now_ms));
        out
    }

    /// Whether `handle` is kicked out of the room now (its presence is not taken).
    pub(super) fn is_kicked(&self, now_ms: u64, handle: &Handle) -> bool {
        self.gate
            .sanctions()
            .until(now_ms, SanctionKind::Kick, handle)
            .is_some()
    }

    /// The host sets the rules for agents in its room.
    pub fn set_policy(&mut self, now_ms: u64, policy: Policy) -> Result<Vec<Output>, HostError> {
        let envelope = Envelope::Policy(RoomPolicy {
            policy,
            from: self.host_member_id()?,
            t: now_ms,
        });
        self.host_rules.policy_set = true;
        Ok(self.host_says(now_ms, envelope))
    }

    /// The host sends `handle` away for `for_ms` (`KICK_MS` if `None`); 0 lets it back.
    pub fn kick(
        &mut self,
        now_ms: u64,
        handle: &Handle,
        for_ms: Option<u64>,
    ) -> Result<Vec<Output>, HostError> {
        let for_ms = for_ms.unwrap_or(KICK_MS);
        self.sanction(now_ms, SanctionKind::Kick, handle, for_ms)
    }

    /// The host mutes `handle` for `for_ms`; 0 lifts the mute.
    pub fn mute(
        &mut self,
        now_ms: u64,
        handle: &Handle,
        for_ms: u64,
    ) -> Result<Vec<Output>, HostError> {
        self.sanction(now_ms, SanctionKind::Mute, handle, for_ms)
    }

    fn sanction(
        &mut self,
        now_ms: u64,
        kind: SanctionKind,
        handle: &Handle,
        for_ms: u64,
    ) -> Result<Vec<Output>, HostError> {
        let from = self.host_member_id()?;
        if self.host.host() == Some(handle) {
            return Err(HostError::HostItself);
        }
        let sanction = Sanction {
            target: handle.clone(),
            until: now_ms.saturating_add(for_ms),
            from,
            t: now_ms,
        };
        Ok(self.host_says(now_ms, sanction_envelope(kind, sanction)))
    }

    /// The host says what its room is for (empty text clears it).
    pub fn describe(&mut self, now_ms: u64, text: &str) -> Result<Vec<Output>, HostError> {
        let text = Description::checked_text(text)?;
        let envelope = Envelope::Description(Description {
            text,
            from: self.host_member_id()?,
            t: now_ms,
        });
        Ok(self.host_says(now_ms, envelope))
    }

    /// Our host member, which alone may sign the host's envelopes.
    pub(super) fn host_member_id(&self) -> Result<PeerId, HostError> {
        if self.state != State::Joined {
            return Err(HostError::NotJoined);
        }
        let host = self.host.host().ok_or(HostError::NoHost)?;
        self.members
            .iter()
            .find(|m| m.peer.handle() == host)
            .map(|m| m.peer.peer_id().clone())
            .ok_or_else(|| HostError::NotHost(host.clone()))
    }

    /// Takes a rule of ours as every peer will, and publishes it.
    fn host_says(&mut self, now_ms: u64, envelope: Envelope) -> Vec<Output> {
        let Some(host) = self.host.host().cloned() else {
            return Vec::new();
        };
        let Some(slot) = Slot::of(&envelope) else {
            return Vec::new();
        };
        self.host_rules.newest.insert(slot, now_ms);
        let mut out = self.apply_host_rule(now_ms, &envelope, &host);
        if let Some(member) = self.members.get(envelope.from()) {
            out.insert(0, self.publish(member, &envelope));
        }
        out
    }

    /// A joiner asked for history: what we stand by (the host's rules, our grants)
    /// goes out once the gap since the last repeat has passed.
    pub(super) fn owe_host_rules(&mut self, now_ms: u64) {
        let host_rules = self.host_member_id().is_ok()
            && (self.host_rules.policy_set
                || self.host_rules.description.is_some()
                || !self.gate.sanctions().in_force(now_ms).is_empty());
        if !(host_rules || self.owns_agents()) || self.host_rules.repeat_at.is_some() {
            return;
        }
        let earliest = self
            .host_rules
            .last_repeat
            .map_or(now_ms, |at| at.saturating_add(HOST_RULES_REPEAT_GAP_MS));
        self.host_rules.repeat_at = Some(earliest.max(now_ms));
    }

    /// When the owed repeat is due.
    pub(super) fn host_rules_deadline(&self) -> Option<u64> {
        self.host_rules.repeat_at
    }

    /// The owed repeat, if due: the policy, every kick and mute still running, and
    /// the description, re-signed now.
    pub(super) fn repeat_host_rules_if_due(&mut self, now_ms: u64) -> Vec<Output> {
        if self.host_rules.repeat_at.is_none_or(|at| at > now_ms) {
            return Vec::new();
        }
        self.host_rules.repeat_at = None;
        self.host_rules.last_repeat = Some(now_ms);
        let mut out = self.repeat_grants(now_ms);
        out.extend(self.repeat_approvals(now_ms));
        if let Ok(host) = self.host_member_id() {
            out.extend(self.repeat_policy(now_ms, &host));
            out.extend(self.repeat_sanctions(now_ms, &host));
        }
        out
    }

    /// With our host member's beat: the policy, if it set one.
    pub(super) fn repeat_policy(&self, now_ms: u64, from: &PeerId) -> Vec<Output> {
        match self.host_member(from) {
            Some(member) if self.host_rules.policy_set => {
                let policy = Envelope::Policy(RoomPolicy {
                    policy: *self.gate.policy(),
                    from: from.clone(),
                    t: now_ms,
                });
                vec![self.publish(member, &policy)]
            }
            _ => Vec::new(),
        }
    }

    /// Every kick and mute still running, and the description.
    fn repeat_sanctions(&self, now_ms: u64, from: &PeerId) -> Vec<Output> {
        let Some(member) = self.host_member(from) else {
            return Vec::new();
        };
        let mut envelopes = Vec::new();
        for (kind, target, until) in self.gate.sanctions().in_force(now_ms) {
            let sanction = Sanction {
                target,
                until,
                from: from.clone(),
                t: now_ms,
            };
            envelopes.push(sanction_envelope(kind, sanction));
        }
        if let Some(text) = &self.host_rules.description {
            envelopes.push(Envelope::Description(Description {
                text: text.clone(),
                from: from.clone(),
                t: now_ms,
            }));
        }
        envelopes
            .iter()
            .map(|envelope| self.publish(member, envelope))
            .collect()
    }

    /// `from`, if it is our member for the host's handle.
    fn host_member(&self, from: &PeerId) -> Option<&super::members::Member> {
        self.members
            .get(from)
            .filter(|member| self.host.host() == Some(member.peer.handle()))
    }
}
