//! Statements a room takes only under the key pinned for the handle that must sign
//! them: the host's rules (`policy`, `kick`, `mute`, `description`), an owner's
//! `grant`, `approve` and `forward`. One check for all of them: the key, and a date
//! close to our clock (these carry no nonce, so an old one is a replay). A signed
//! statement that arrives before the signer's key is known (a joiner hears the host's
//! rules before the host's beat) waits, and is checked once the signer's presence
//! pins its key.

use std::collections::VecDeque;

use crate::envelope::{Envelope, Received};
use crate::ids::Handle;
use crate::limits::{PARKED_HOST_RULES, PRESENCE_FRESHNESS_MS};

use super::{Output, Room, Trust};

/// Signed statements waiting for their signer's key: the signer, when they came,
/// and the statement.
#[derive(Default)]
pub(super) struct Parked(VecDeque<(Handle, u64, Received)>);

impl Room {
    /// Whether `received` is signed with the key pinned for `signer` (`who` names it
    /// in the reason) and dated within `PRESENCE_FRESHNESS_MS` of `now_ms`. `Err(None)`:
    /// no key is pinned for `signer` yet, and the statement waits for one.
    pub(super) fn check_signer(
        &mut self,
        now_ms: u64,
        signer: &Handle,
        who: &str,
        received: &Received,
    ) -> Result<(), Option<String>> {
        let kind = received.envelope.type_name();
        let key = received.verification.public_key();
        if key.is_some() && self.pins.pinned_key(signer).is_none() {
            if self.parked.0.len() == PARKED_HOST_RULES {
                self.parked.0.pop_front();
            }
            self.parked
                .0
                .push_back((signer.clone(), now_ms, received.clone()));
            return Err(None);
        }
        let pinned = key.is_some_and(|key| {
            self.pins.pinned_key(signer) == Some(key)
                && self.pins.trust(signer, Some(key)) == Trust::Verified
        });
        if !pinned {
            return Err(Some(format!(
                "a {kind} not signed with the key pinned for {who}: ignored"
            )));
        }
        let skew = received.envelope.t().abs_diff(now_ms);
        if skew > PRESENCE_FRESHNESS_MS {
            return Err(Some(format!(
                "a {kind} from {who} dated {} s from our clock: not taken (a replay?)",
                skew / 1000
            )));
        }
        Ok(())
    }

    /// `signer`'s key is pinned now: what waited for it is taken as if it had just
    /// come (as of when it came, for its freshness).
    pub(super) fn take_parked(&mut self, now_ms: u64, signer: &Handle) -> Vec<Output> {
        if !self.parked.0.iter().any(|(s, _, _)| s == signer) {
            return Vec::new();
        }
        let (theirs, rest): (VecDeque<_>, VecDeque<_>) = std::mem::take(&mut self.parked.0)
            .into_iter()
            .partition(|(s, _, _)| s == signer);
        self.parked.0 = rest;
        let mut out = Vec::new();
        for (_, at, received) in theirs {
            let at = at.min(now_ms);
            out.extend(match &received.envelope {
                Envelope::Policy(_)
                | Envelope::Kick(_)
                | Envelope::Mute(_)
                | Envelope::Description(_) => self.on_host_rule(at, &received),
                Envelope::Grant(grant) => self.on_grant(at, grant, &received),
                Envelope::Approve(approve) => self.on_approve(at, approve, &received),
                Envelope::Forward(forward) => self.on_forward(at, forward, &received),
                _ => Vec::new(),
            });
        }
        out
    }
}
