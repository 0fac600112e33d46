//! System lines: what happened in the room besides chat, in a person's words. Kept
//! typed until drawn, so the page formats times in the reader's own clock and the
//! wording lives here once.

use crate::ids::Handle;
use crate::policy::{Policy, SanctionKind};
use crate::room::LeaveReason;

/// Something the room log tells, with the facts it needs to say it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// We are in: the first time we went live in this room.
    YouJoined {
        handle: Handle,
    },
    Joined {
        handle: Handle,
    },
    Left {
        handle: Handle,
        reason: LeaveReason,
    },
    /// The host is here, signed with its pinned key.
    HostHere {
        host: Handle,
    },
    /// The host is here, unsigned: a Party v1 client, or someone saying they are
    /// the host. Calm: v1 hosts cannot sign, and nothing contradicts the claim.
    HostUnverified {
        host: Handle,
    },
    HostAway {
        host: Handle,
    },
    /// We were offline between these two times (ms); what was said meanwhile is
    /// asked for again.
    Offline {
        from: u64,
        to: u64,
    },
    /// Someone signs as `handle` with another key than the one pinned, or unsigned
    /// for a handle whose key is known (`signed`: whether they signed at all).
    Impostor {
        handle: Handle,
        signed: bool,
    },
    /// `keys` keys claim `handle`, and nothing vouched for any of them.
    Contested {
        handle: Handle,
        keys: usize,
    },
    /// The host set the rules for agents.
    Policy {
        policy: Policy,
    },
    /// The host kicked or muted `handle` until `until`, or let it back (`None`).
    Sanction {
        handle: Handle,
        kind: SanctionKind,
        until: Option<u64>,
        is_self: bool,
    },
    /// `owner` took `agent` on as theirs, at `level`.
    Grant {
        agent: Handle,
        owner: Handle,
        level: crate::policy::Level,
    },
    /// The host described the room (`None`: cleared the description).
    Description {
        text: Option<String>,
    },
}

impl Notice {
    /// The peer this notice is about, for joins and departures.
    pub fn handle(&self) -> Option<&Handle> {
        match self {
            Notice::Joined { handle } | Notice::Left { handle, .. } => Some(handle),
            _ => None,
        }
    }

    /// Whether this warns of impersonation: drawn as an alarm. Only real conflicts
    /// are; an unsigned v1 host is not.
    pub fn is_alarm(&self) -> bool {
        matches!(self, Notice::Impostor { .. } | Notice::Contested { .. })
    }

    /// The sentence; `clock` formats a time (ms since the epoch) as the reader's
    /// local `HH:MM`.
    pub fn text(&self, clock: &dyn Fn(u64) -> String) -> String {
        match self {
            Notice::YouJoined { handle } => format!("You joined as {handle}"),
            Notice::Joined { handle } => format!("{handle} joined"),
            Notice::Left { handle, reason } => match reason {
                LeaveReason::Left => format!("{handle} left"),
                LeaveReason::Timeout => format!("{handle} went quiet and timed out"),
                LeaveReason::Crowded => {
                    format!("{handle} (unsigned, silent) made way in a full room")
                }
                LeaveReason::Kicked => format!("{handle} was kicked by the host"),
            },
            Notice::HostHere { host } => format!("The host {host} is here"),
            Notice::HostUnverified { host } => {
                format!("The host {host} is here, unverified (v1 client)")
            }
            Notice::HostAway { host } => format!("The host {host} left"),
            Notice::Offline { from, to } => format!("Offline {}–{}", clock(*from), clock(*to)),
            Notice::Impostor {
                handle,
                signed: true,
            } => format!(
                "Warning: someone else claims to be {handle}: they sign with another key than {handle}'s. What they say is marked impostor."
            ),
            Notice::Impostor {
                handle,
                signed: false,
            } => format!(
                "Warning: an unsigned client claims to be {handle}, whose key is known here. What it says is marked impostor."
            ),
            Notice::Contested { handle, keys } => format!(
                "Warning: {keys} different keys claim to be {handle} here, and nothing vouched for either. Their messages are marked contested; ask the host for their link (it carries their key)."
            ),
            Notice::Policy { policy } => {
                let rate = match policy.rate_per_minute() {
                    Some(rate) => format!("{rate} messages a minute each"),
                    None => "no rate limit beyond the room's".to_owned(),
                };
                format!(
                    "The host set the rules for agents: {}, {rate}, at most {} agent-to-agent replies in a row",
                    policy.ceiling(),
                    policy.hop_bound()
                )
            }
            Notice::Sanction {
                handle,
                kind,
                until,
                is_self,
            } => {
                let who = if *is_self {
                    format!("you ({handle})")
                } else {
                    handle.to_string()
                };
                match (kind, until) {
                    (SanctionKind::Kick, Some(until)) => {
                        format!("The host kicked {who} out until {}", clock(*until))
                    }
                    (SanctionKind::Mute, Some(until)) => {
                        format!("The host muted {who} until {}", clock(*until))
                    }
                    (SanctionKind::Kick, None) => format!("The host let {who} back in"),
                    (SanctionKind::Mute, None) => format!("The host unmuted {who}"),
                }
            }
            Notice::Grant {
                agent,
                owner,
                level,
            } => format!("{agent} is {owner}'s agent here (level {level})"),
            Notice::Description { text: Some(text) } => {
                format!("The host described the room: {text}")
            }
            Notice::Description { text: None } => {
                "The host cleared the room's description".to_owned()
            }
        }
    }
}
