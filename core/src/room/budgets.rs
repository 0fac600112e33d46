//! How much each sender may make a room do, checked after parsing and before any
//! signature is verified: one flooding client costs us a JSON parse per envelope,
//! not a signature check, a render or a history merge (docs/design.md, "Floods").
//!
//! A connection the room tracks has buckets of its own (and its handle one for
//! messages over all its connections); envelopes from connections the room does not
//! track share room-wide buckets, signed and unsigned apart, so an unsigned flood
//! cannot starve signed newcomers. Buckets exist only for tracked connections and
//! present handles, so a flood of fresh ids cannot grow them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ids::{Handle, PeerId};
use crate::limits::{
    HANDLE_MESSAGE_RATE, PEER_HISTORY_REQUEST_RATE, PEER_HISTORY_RESPONSE_RATE, PEER_MESSAGE_RATE,
    PEER_PRESENCE_RATE, PEER_RULES_RATE, STRANGER_HISTORY_RESPONSE_RATE, STRANGER_SIGNED_RATE,
    STRANGER_UNSIGNED_RATE,
};
use crate::rate::{Bucket, Rate};

/// What an envelope would make the room do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Spend {
    Message,
    Presence,
    /// A host's rule (only the host's key counts; anyone may try).
    Rules,
    HistoryRequest,
    HistoryResponse,
}

/// Envelopes dropped over budget since the room was made, by what they were.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dropped {
    pub messages: u64,
    pub presence: u64,
    pub rules: u64,
    pub history: u64,
}

impl Dropped {
    pub fn total(&self) -> u64 {
        self.messages + self.presence + self.rules + self.history
    }

    fn count(&mut self, spend: Spend) -> u64 {
        let counter = match spend {
            Spend::Message => &mut self.messages,
            Spend::Presence => &mut self.presence,
            Spend::Rules => &mut self.rules,
            Spend::HistoryRequest | Spend::HistoryResponse => &mut self.history,
        };
        *counter += 1;
        *counter
    }
}

/// An envelope over budget. `report` is set on the 1st, 2nd, 4th, 8th … drop of its
/// kind, so the room says it is being flooded without itself flooding its consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct OverBudget {
    pub reason: String,
    pub report: bool,
}

#[derive(Clone, Copy)]
struct PeerBuckets {
    message: Bucket,
    presence: Bucket,
    rules: Bucket,
    history_request: Bucket,
    history_response: Bucket,
}

impl PeerBuckets {
    fn full(now_ms: u64, message_rate: Rate) -> Self {
        PeerBuckets {
            message: Bucket::full(message_rate, now_ms),
            presence: Bucket::full(PEER_PRESENCE_RATE, now_ms),
            rules: Bucket::full(PEER_RULES_RATE, now_ms),
            history_request: Bucket::full(PEER_HISTORY_REQUEST_RATE, now_ms),
            history_response: Bucket::full(PEER_HISTORY_RESPONSE_RATE, now_ms),
        }
    }

    fn for_spend(&mut self, spend: Spend, message_rate: Rate) -> (&mut Bucket, Rate) {
        match spend {
            Spend::Message => (&mut self.message, message_rate),
            Spend::Presence => (&mut self.presence, PEER_PRESENCE_RATE),
            Spend::Rules => (&mut self.rules, PEER_RULES_RATE),
            Spend::HistoryRequest => (&mut self.history_request, PEER_HISTORY_REQUEST_RATE),
            Spend::HistoryResponse => (&mut self.history_response, PEER_HISTORY_RESPONSE_RATE),
        }
    }
}

pub(super) struct Budgets {
    peers: BTreeMap<PeerId, PeerBuckets>,
    handles: BTreeMap<Handle, Bucket>,
    strangers_signed: Bucket,
    strangers_unsigned: Bucket,
    stranger_history: Bucket,
    dropped: Dropped,
    /// `PEER_MESSAGE_RATE` and `HANDLE_MESSAGE_RATE` unless raised (`set_message_rate`).
    peer_message: Rate,
    handle_message: Rate,
}

impl Budgets {
    pub(super) fn new(now_ms: u64) -> Self {
        Budgets {
            peers: BTreeMap::new(),
            handles: BTreeMap::new(),
            strangers_signed: Bucket::full(STRANGER_SIGNED_RATE, now_ms),
            strangers_unsigned: Bucket::full(STRANGER_UNSIGNED_RATE, now_ms),
            stranger_history: Bucket::full(STRANGER_HISTORY_RESPONSE_RATE, now_ms),
            dropped: Dropped::default(),
            peer_message: PEER_MESSAGE_RATE,
            handle_message: HANDLE_MESSAGE_RATE,
        }
    }

    /// Messages one connection may send (a handle may send twice that over all its
    /// connections). For deployments that trust their senders, and benchmarks.
    pub(super) fn set_message_rate(&mut self, rate: Rate) {
        self.peer_message = rate;
        self.handle_message = Rate {
            burst: rate.burst.saturating_mul(2),
            every_ms: (rate.every_ms / 2).max(1),
        };
        self.peers.clear();
        self.handles.clear();
    }

    /// Charges `spend` to its sender. `tracked`: the room tracks connection `from`
    /// (then `handle` is its handle, and messages are charged to it too).
    pub(super) fn charge(
        &mut self,
        now_ms: u64,
        from: &PeerId,
        handle: Option<&Handle>,
        tracked: bool,
        signed: bool,
        spend: Spend,
    ) -> Result<(), OverBudget> {
        let within = if tracked {
            let peer = self
                .peers
                .entry(from.clone())
                .or_insert_with(|| PeerBuckets::full(now_ms, self.peer_message));
            let (bucket, rate) = peer.for_spend(spend, self.peer_message);
            let mut within = bucket.take(rate, now_ms);
            if let (true, Spend::Message, Some(handle)) = (within, spend, handle) {
                let rate = self.handle_message;
                within = self
                    .handles
                    .entry(handle.clone())
                    .or_insert_with(|| Bucket::full(rate, now_ms))
                    .take(rate, now_ms);
            }
            within
        } else {
            let (bucket, rate) = match (spend, signed) {
                (Spend::HistoryResponse, _) => {
                    (&mut self.stranger_history, STRANGER_HISTORY_RESPONSE_RATE)
                }
                (_, true) => (&mut self.strangers_signed, STRANGER_SIGNED_RATE),
                (_, false) => (&mut self.strangers_unsigned, STRANGER_UNSIGNED_RATE),
            };
            bucket.take(rate, now_ms)
        };
        if within {
            return Ok(());
        }
        let count = self.dropped.count(spend);
        let who = if let (true, Some(handle)) = (tracked, handle) {
            format!("{handle} ({from})")
        } else if tracked {
            format!("peer {from}")
        } else if signed {
            "new signed connections".to_owned()
        } else {
            "new unsigned connections".to_owned()
        };
        Err(OverBudget {
            reason: format!(
                "flood: {what} from {who} over budget, dropped unverified ({count} {what} dropped so far)",
                what = match spend {
                    Spend::Message => "messages",
                    Spend::Presence => "presence envelopes",
                    Spend::Rules => "host rules",
                    Spend::HistoryRequest => "history requests",
                    Spend::HistoryResponse => "history responses",
                },
            ),
            report: count.is_power_of_two(),
        })
    }

    /// The room stopped tracking connection `from`.
    pub(super) fn forget_peer(&mut self, from: &PeerId) {
        self.peers.remove(from);
    }

    /// No connection of `handle` is left in the room.
    pub(super) fn forget_handle(&mut self, handle: &Handle) {
        self.handles.remove(handle);
    }

    pub(super) fn dropped(&self) -> Dropped {
        self.dropped
    }

    pub(super) fn clear(&mut self) {
        self.peers.clear();
        self.handles.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle() -> Handle {
        Handle::parse("big-red-apple").unwrap()
    }

    fn id(n: u8) -> PeerId {
        PeerId::from_bytes([n; 8])
    }

    #[test]
    fn a_tracked_connection_gets_its_burst_then_its_rate() {
        let mut budgets = Budgets::new(0);
        let burst = PEER_MESSAGE_RATE.burst as usize;
        let ok = (0..burst + 5)
            .filter(|_| {
                budgets
                    .charge(0, &id(1), Some(&handle()), true, true, Spend::Message)
                    .is_ok()
            })
            .count();
        assert_eq!(ok, burst);
        assert!(budgets
            .charge(
                PEER_MESSAGE_RATE.every_ms,
                &id(1),
                Some(&handle()),
                true,
                true,
                Spend::Message
            )
            .is_ok());
        assert_eq!(budgets.dropped().messages, 5);
        assert!(
            budgets
                .charge(0, &id(2), Some(&handle()), true, true, Spend::Message)
                .is_ok(),
            "another connection of the handle has its own burst"
        );
    }

    #[test]
    fn a_handle_is_limited_over_all_its_connections() {
        let mut budgets = Budgets::new(0);
        let ok = (0..100u8)
            .filter(|n| {
                budgets
                    .charge(0, &id(*n), Some(&handle()), true, true, Spend::Message)
                    .is_ok()
            })
            .count();
        assert_eq!(ok, HANDLE_MESSAGE_RATE.burst as usize);
    }

    #[test]
    fn an_unsigned_flood_of_strangers_leaves_signed_strangers_their_budget() {
        let mut budgets = Budgets::new(0);
        for n in 0..1_000u32 {
            let from = PeerId::from_bytes([(n % 251) as u8; 8]);
            let _ = budgets.charge(0, &from, Some(&handle()), false, false, Spend::Presence);
        }
        assert!(budgets
            .charge(0, &id(7), Some(&handle()), false, true, Spend::Presence)
            .is_ok());
    }

    #[test]
    fn drops_are_counted_and_reported_at_powers_of_two() {
        let mut budgets = Budgets::new(0);
        let reports: Vec<u64> = (0..100)
            .filter_map(|_| {
                budgets
                    .charge(0, &id(1), Some(&handle()), true, true, Spend::Presence)
                    .err()
            })
            .enumerate()
            .filter(|(_, over)| over.report)
            .map(|(i, _)| i as u64 + 1)
            .collect();
        assert_eq!(reports, [1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(budgets.dropped().presence, 95);
    }
}
