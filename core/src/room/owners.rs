//! People's own agents: invites, the agent taking one up (`invited`), and the owner's
//! `grant` that every peer checks (the owner's pinned key, the agent's own consent)
//! and then applies: the agent is shown as "<agent> for <owner>", and speaks at the
//! lowest of the room's ceiling and its owner's level.

use std::collections::HashMap;

use crate::envelope::{Consent, Envelope, Grant, Invited, Received};
use crate::ids::{Handle, PeerId};
use crate::invite::{Invite, INVITE_TOKEN_BYTES};
use crate::limits::MAX_PENDING_INVITES;
use crate::policy::Level;
use crate::sign::PublicKey;

use super::{rejected, Output, OwnerError, Room, RoomEvent, State};

/// An agent and whose it is.
#[derive(Clone, Debug)]
pub(super) struct Owned {
    pub owner: Handle,
    /// The key the agent consented with: a grant covers that key only.
    pub key: PublicKey,
    pub level: Level,
    pub consent: Consent,
    /// The grant's `t`: only a newer one replaces it.
    pub t: u64,
}

#[derive(Default)]
pub(super) struct Owners {
    pub(super) by_agent: HashMap<Handle, Owned>,
    /// Invites our members handed out, not taken up yet.
    invites: Vec<Invite>,
    /// The invites our agents took up, until their owners' grants come (sent again
    /// when an owner comes back).
    accepting: Vec<(PeerId, Invite)>,
}

impl Room {
    /// A new invite for our own agent (a person's, not an agent's), from `token`
    /// (random bytes the caller drew). Its code goes to the agent, privately.
    pub fn invite(&mut self, token: [u8; INVITE_TOKEN_BYTES]) -> Result<Invite, OwnerError> {
        let me = self.me().handle().clone();
        if me.is_bot() {
            return Err(OwnerError::NotAPerson);
        }
        let invite = Invite::new(me, token);
        if self.owners.invites.len() == MAX_PENDING_INVITES {
            self.owners.invites.remove(0);
        }
        self.owners.invites.push(invite.clone());
        Ok(invite)
    }

    /// Our agent `from` takes up `invite`: it proves it holds the invite, and waits
    /// for its owner's grant (asking again whenever the owner comes back).
    pub fn accept_invite(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        invite: Invite,
    ) -> Result<Vec<Output>, OwnerError> {
        let member = self.members.get(from).ok_or(OwnerError::NotJoined)?;
        if !member.peer.handle().is_bot() {
            return Err(OwnerError::NotAnAgent);
        }
        if self.state != State::Joined {
            return Err(OwnerError::NotJoined);
        }
        let out = self.invited_envelope(now_ms, from, &invite);
        self.owners.accepting.retain(|(id, _)| id != from);
        self.owners.accepting.push((from.clone(), invite));
        Ok(out)
    }

    fn invited_envelope(&self, now_ms: u64, from: &PeerId, invite: &Invite) -> Vec<Output> {
        let Some(member) = self.members.get(from) else {
            return Vec::new();
        };
        let envelope = Envelope::Invited(Invited {
            handle: member.peer.handle().clone(),
            owner: invite.owner().clone(),
            proof: invite.proof(&self.topic, &member.key),
            from: from.clone(),
            t: now_ms,
        });
        vec![self.publish(member, &envelope)]
    }

    /// The owner of `agent` here, if a person took it on.
    pub fn owner_of(&self, agent: &Handle) -> Option<&Handle> {
        self.owners.by_agent.get(agent).map(|o| &o.owner)
    }

    /// The agents our members own, with the level each set.
    pub fn our_agents(&self) -> Vec<(Handle, Level)> {
        let mut list: Vec<(Handle, Level)> = self
            .owners
            .by_agent
            .iter()
            .filter(|(_, o)| self.members.has_handle(&o.owner))
            .map(|(agent, o)| (agent.clone(), o.level))
            .collect();
        list.sort();
        list
    }

    /// The owner sets the level its agent speaks at (never above the room's ceiling).
    pub fn set_agent_level(
        &mut self,
        now_ms: u64,
        agent: &Handle,
        level: Level,
    ) -> Result<Vec<Output>, OwnerError> {
        if self.state != State::Joined {
            return Err(OwnerError::NotJoined);
        }
        let owned = self
            .owners
            .by_agent
            .get(agent)
            .filter(|o| self.members.has_handle(&o.owner))
            .cloned()
            .ok_or_else(|| OwnerError::NotYours(agent.clone()))?;
        Ok(self.grant(now_ms, owned.owner, level, owned.consent))
    }

    /// The level an owner set for `handle`, when `key` is the key it consented with.
    pub(super) fn owner_level(&self, handle: &Handle, key: Option<&PublicKey>) -> Option<Level> {
        self.owners
            .by_agent
            .get(handle)
            .filter(|o| Some(&o.key) == key)
            .map(|o| o.level)
    }

    /// An agent took up an invite: if it is one of ours and the proof holds, we grant.
    pub(super) fn on_invited(
        &mut self,
        now_ms: u64,
        invited: &Invited,
        received: &Received,
    ) -> Vec<Output> {
        let Some(key) = received.verification.public_key().copied() else {
            return Vec::new();
        };
        if !self.members.has_handle(&invited.owner) || !invited.handle.is_bot() {
            return Vec::new();
        }
        let Some(index) = self.owners.invites.iter().position(|invite| {
            invite.owner() == &invited.owner && invite.proof(&self.topic, &key) == invited.proof
        }) else {
            return vec![rejected(format!(
                "{} says it takes up an invite from {} that no invite of ours proves",
                invited.handle, invited.owner
            ))];
        };
        self.owners.invites.remove(index);
        let consent = Consent::new(invited.clone(), received.seal().cloned());
        self.grant(now_ms, invited.owner.clone(), Level::Unleashed, consent)
    }

    /// Our member `owner` grants, as every peer will take it.
    fn grant(&mut self, now_ms: u64, owner: Handle, level: Level, consent: Consent) -> Vec<Output> {
        let Some(member) = self.members.iter().find(|m| *m.peer.handle() == owner) else {
            return Vec::new();
        };
        let envelope = Envelope::Grant(Grant {
            owner,
            level,
            consent: vec![consent],
            from: member.peer.peer_id().clone(),
            t: now_ms,
        });
        let publish = self.publish(member, &envelope);
        let mut out = vec![publish];
        if let Envelope::Grant(grant) = &envelope {
            out.extend(self.take_grant(grant));
        }
        out
    }

    /// A grant from the network: the owner's pinned key, the agent's consent to this
    /// owner, fresh, and newer than the one it replaces.
    pub(super) fn on_grant(
        &mut self,
        now_ms: u64,
        grant: &Grant,
        received: &Received,
    ) -> Vec<Output> {
        if grant.owner.is_bot() {
            return vec![rejected(format!(
                "a grant by {}: only people own agents",
                grant.owner
            ))];
        }
        match self.check_signer(now_ms, &grant.owner, grant.owner.as_str(), received) {
            Ok(()) => {}
            Err(None) => return Vec::new(),
            Err(Some(why)) => return vec![rejected(why)],
        }
        self.take_grant(grant)
    }

    /// Applies a checked grant (ours or a peer's) if the agent consented to its owner.
    fn take_grant(&mut self, grant: &Grant) -> Vec<Output> {
        let Some(consent) = grant.consent.first() else {
            return vec![rejected("a grant without the agent's consent: ignored")];
        };
        let invited = consent.invited();
        let agent_key = consent.seal().map(|seal| seal.public_key());
        let Some(agent_key) = agent_key.filter(|_| invited.owner == grant.owner) else {
            return vec![rejected(format!(
                "a grant by {} for {} without its signed consent to that owner: ignored",
                grant.owner, invited.handle
            ))];
        };
        if !invited.handle.is_bot() {
            return vec![rejected("a grant for a person: only agents are owned")];
        }
        let agent = invited.handle.clone();
        if let Some(held) = self.owners.by_agent.get(&agent) {
            if held.t >= grant.t {
                return Vec::new();
            }
            if held.owner == grant.owner && held.level == grant.level && held.key == agent_key {
                self.owners.by_agent.insert(
                    agent,
                    Owned {
                        t: grant.t,
                        ..held.clone()
                    },
                );
                return Vec::new();
            }
        }
        self.owners.by_agent.insert(
            agent.clone(),
            Owned {
                owner: grant.owner.clone(),
                key: agent_key,
                level: grant.level,
                consent: consent.clone(),
                t: grant.t,
            },
        );
        let is_self = self.members.has_handle(&agent);
        if is_self {
            let members = &self.members;
            self.owners.accepting.retain(|(id, _)| {
                members
                    .get(id)
                    .is_none_or(|member| *member.peer.handle() != agent)
            });
        }
        vec![Output::Event(RoomEvent::Grant {
            agent,
            owner: grant.owner.clone(),
            level: grant.level,
            is_self,
            verified: true,
        })]
    }

    /// A person came: our agent asks again if it is the owner it waits for.
    pub(super) fn owner_present(&mut self, now_ms: u64, handle: &Handle) -> Vec<Output> {
        let mut out = Vec::new();
        if self.state == State::Joined {
            let waiting: Vec<(PeerId, Invite)> = self
                .owners
                .accepting
                .iter()
                .filter(|(_, invite)| invite.owner() == handle)
                .cloned()
                .collect();
            for (from, invite) in waiting {
                out.extend(self.invited_envelope(now_ms, &from, &invite));
            }
        }
        out
    }

    /// Our members' grants, re-signed now, for joiners.
    pub(super) fn repeat_grants(&self, now_ms: u64) -> Vec<Output> {
        let mut out = Vec::new();
        for owned in self.owners.by_agent.values() {
            let Some(member) = self
                .members
                .iter()
                .find(|m| *m.peer.handle() == owned.owner)
            else {
                continue;
            };
            let envelope = Envelope::Grant(Grant {
                owner: owned.owner.clone(),
                level: owned.level,
                consent: vec![owned.consent.clone()],
                from: member.peer.peer_id().clone(),
                t: now_ms,
            });
            out.push(self.publish(member, &envelope));
        }
        out
    }

    /// Whether our members own any agent here (and so owe joiners their grants).
    pub(super) fn owns_agents(&self) -> bool {
        self.owners
            .by_agent
            .values()
            .any(|o| self.members.has_handle(&o.owner))
    }

    /// For `PeerInfo` and messages: whose agent `handle` is, if its key is the one
    /// its owner took on.
    pub(super) fn owner_for(&self, handle: &Handle, key: Option<&PublicKey>) -> Option<Handle> {
        self.owners
            .by_agent
            .get(handle)
            .filter(|o| Some(&o.key) == key)
            .map(|o| o.owner.clone())
    }
}
