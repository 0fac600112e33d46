//! What a room tells its driver: bytes to publish and events to show or log. Events
//! serialize to one JSON object each (`{"event": "...", ...}`), camelCase fields, so
//! the CLI can print them as JSON lines.

use serde::Serialize;

use crate::envelope::{DescriptionTooLong, TextError};
use crate::ids::{AvatarSeed, Handle, MessageId, PeerId};
use crate::policy::{Hidden, Policy, SanctionKind};
use crate::sign::PublicKey;

/// One thing the driver must do or know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Publish `payload` on `topic` (QoS 0, no retain).
    Publish {
        topic: String,
        payload: Vec<u8>,
    },
    /// Register `payload` as the MQTT Last Will for the next connection (a will is
    /// only set in CONNECT): our signed `leave`, published by the broker if we vanish.
    Will {
        topic: String,
        payload: Vec<u8>,
    },
    /// Sign with the external key, then hand the signature to `Room::signed`.
    Sign(super::SignRequest),
    /// Subscribe to the room topic (QoS 0). From `Connection` only.
    Subscribe {
        topic: String,
    },
    /// End the MQTT session cleanly (the broker then drops our Last Will, since the
    /// `leave` went out). From `Connection` only.
    Disconnect,
    Event(RoomEvent),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum RoomEvent {
    /// A handle became present (its first connection appeared). The peer's fields are
    /// flattened, so the JSON line carries `verified` at the top like every event.
    PeerJoined {
        #[serde(flatten)]
        peer: PeerInfo,
    },
    /// A handle's last connection left or timed out.
    PeerLeft {
        #[serde(flatten)]
        peer: PeerInfo,
        reason: LeaveReason,
    },
    /// The room's host is here; `verified`: its presence is signed with its pinned
    /// key. Repeats when that changes (an unsigned claim replaced by a signed one).
    HostPresent { host: Handle, verified: bool },
    /// The host has been gone for `HOST_GRACE_MS`; `verified` as it was when present.
    HostAway { host: Handle, verified: bool },
    /// A chat message, live or replayed (`history: true`). An id repeats only when a
    /// verified copy replaces an unverified one with the same id: replace it by id.
    Message(ChatMessage),
    /// An envelope claimed `handle` with a key other than the one pinned for it in this
    /// room (or with no key at all): an impostor. What it says is shown flagged
    /// (`trust: impostor`), never as `handle`. Reported once per key; show it loudly.
    #[serde(rename_all = "camelCase")]
    KeyMismatch {
        handle: Handle,
        peer_id: PeerId,
        pinned_key: PublicKey,
        /// `None`: the envelope was unsigned.
        received_key: Option<PublicKey>,
        /// Always `false`: the envelope is not accepted as coming from `handle`. Kept
        /// so every event line has the flag consumers filter on.
        verified: bool,
    },
    /// A second key claimed `handle` while the room only knew its first key from
    /// traffic (no share link vouched for it): either may be the real one, so both are
    /// shown as contested (`trust: contested`) and neither as verified. Reported once
    /// per new key.
    KeyConflict {
        handle: Handle,
        keys: Vec<PublicKey>,
        /// Always `false`, like every alarm.
        verified: bool,
    },
    /// Input that was not accepted (undecodable, invalid, refused); never shown as
    /// chat. `verified` is always `false`, for the same reason as above.
    Rejected { reason: String, verified: bool },
    /// Where one of our own messages stands (see `Delivery`). `verified` is always
    /// `true`: a fact about our own message, not a claim from the network.
    Delivery {
        id: MessageId,
        status: Delivery,
        verified: bool,
    },
    /// Someone is writing a message: show it until `until` (ms), or until a message
    /// from the same connection arrives.
    Typing {
        #[serde(flatten)]
        peer: PeerInfo,
        until: u64,
    },
    /// A message the room's rules hold back: never shown, never kept or relayed.
    /// `hidden` counts every one so far, so a view can say "3 messages hidden by the
    /// room's rules" (never a silent loss). `verified` is `false` like every alarm.
    Held {
        id: MessageId,
        handle: Handle,
        reason: Hidden,
        /// `reason` in words.
        why: String,
        hidden: u64,
        verified: bool,
    },
    /// The host's rules for agents, as they now stand.
    Policy { policy: Policy, verified: bool },
    /// The host kicked or muted `handle` until `until` (our clock), or let it back
    /// (`until` absent). `isSelf`: it is one of us.
    #[serde(rename_all = "camelCase")]
    Sanction {
        handle: Handle,
        kind: SanctionKind,
        until: Option<u64>,
        is_self: bool,
        verified: bool,
    },
    /// `owner` took `agent` on as theirs, at `level` (its level here is the lowest of
    /// that and the room's ceiling). `isSelf`: we are the agent.
    #[serde(rename_all = "camelCase")]
    Grant {
        agent: Handle,
        owner: Handle,
        level: crate::policy::Level,
        is_self: bool,
        verified: bool,
    },
    /// A draft by one of our agents, waiting for our decision (or, for the agent, the
    /// draft it sent).
    Draft {
        message: ChatMessage,
        verified: bool,
    },
    /// Our agent's owner handed it message `id` (`message`, if we hold it) to answer
    /// as a draft.
    Forwarded {
        id: MessageId,
        owner: Handle,
        message: Option<Box<ChatMessage>>,
        verified: bool,
    },
    /// The host's description of the room (`text` absent: cleared).
    Description {
        text: Option<String>,
        verified: bool,
    },
    /// The room is live: subscribed, announced, history asked for. `offlineSince`:
    /// when the connection was lost, if we had been live before (what was said
    /// meanwhile is being asked for). `verified` is always `true`, as above.
    #[serde(rename_all = "camelCase")]
    Live {
        offline_since: Option<u64>,
        verified: bool,
    },
}

/// Where one of our messages stands. Nothing is ever called sent before the broker
/// echoed it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Delivery {
    /// Composed; waiting for the broker (offline, or its echo not back yet).
    Pending,
    /// The broker echoed it: it went to the room.
    Sent,
    /// It cannot go out as written (too old, dropped, or unsigned); `Room::retry`
    /// sends its text again.
    Failed,
    /// A retry replaced it with a new message (reported next): drop this one.
    Retried,
}

/// Why a peer is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LeaveReason {
    /// It sent `leave` (or its Last Will fired).
    Left,
    /// Nothing heard for `PEER_TIMEOUT_MS`.
    Timeout,
    /// Unsigned and silent, it made way for a newcomer in a full room (`MAX_PEERS`).
    Crowded,
    /// The host kicked it out for a while.
    Kicked,
}

/// A chat message as the room shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    pub id: MessageId,
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    /// Optional display name (e.g. an IRC nick); show it next to the handle, never
    /// instead of it.
    pub name: Option<String>,
    pub text: String,
    /// The message this one answers, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub re: Option<MessageId>,
    /// The person whose agent the sender is, if one took it on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Handle>,
    /// A draft its owner let into the room.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<Handle>,
    /// The sender's time, clamped into `[now - 24 h, now]` on arrival.
    pub t: u64,
    pub from: PeerId,
    /// Signed, the signature verified, and the key is the one pinned for `handle`
    /// (`trust` is `verified`).
    pub verified: bool,
    pub trust: Trust,
    /// Replayed from a history-response rather than received live.
    pub history: bool,
}

/// How far a sender is known to be who it claims.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Trust {
    /// Signed with the key pinned for its handle (or the first key seen for it).
    Verified,
    /// Unsigned (a Party v1 client) for a handle with no key known here.
    Unverified,
    /// Another key, or none, for a handle pinned to a key: not that handle.
    Impostor,
    /// One of two or more keys claiming a handle whose key was only learned from
    /// traffic: which is real cannot be told.
    Contested,
}

impl Trust {
    /// Whether the sender may be shown as the handle it claims (and as the host).
    pub fn is_genuine(self) -> bool {
        matches!(self, Trust::Verified | Trust::Unverified)
    }
}

/// A present handle, as listed by `Room::peers`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerInfo {
    pub handle: Handle,
    pub avatar_seed: AvatarSeed,
    pub name: Option<String>,
    pub peer_id: PeerId,
    pub is_host: bool,
    pub is_self: bool,
    pub verified: bool,
    pub trust: Trust,
    /// The person whose agent this is, if one took it on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Handle>,
}

/// Why `Room::send_text` refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("this room has been left")]
    Left,
    #[error("not connected to the broker: the message was not sent")]
    Offline,
    #[error("only watching this room: enter it to speak")]
    Watching,
    #[error("peer {0} is not one of this room's local members")]
    NotAMember(PeerId),
    #[error(transparent)]
    Text(#[from] TextError),
    /// An agent's text holds a credential: not sent, to no one.
    #[error("not sent: the text contains {0}, which must never reach a room")]
    Credential(crate::credentials::Credential),
    /// Only an agent someone owns here drafts (for its owner).
    #[error("nobody here owns this agent, so it has nobody to draft for: take up an invite first")]
    NoOwner,
    /// The room's rules would hide it from everyone: not sent.
    #[error("not sent: {0}")]
    Held(Hidden),
    #[error("message {0} is not a failed message of ours (sent after all, or too old to retry)")]
    NothingToRetry(MessageId),
}

/// Why the host's own action (`Room::set_policy`, `kick`, `mute`, `describe`) was
/// refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("not in the room: enter it first")]
    NotJoined,
    #[error("not connected to the broker: nothing was sent")]
    Offline,
    #[error("this is an open room: it has no host, so nobody sets its rules")]
    NoHost,
    #[error("only the host, {0}, may do this here")]
    NotHost(Handle),
    #[error("the host cannot kick or mute itself")]
    HostItself,
    #[error(transparent)]
    Description(#[from] DescriptionTooLong),
}

/// Why an invite, its taking up or an owner's level was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    #[error("not in the room: enter it first")]
    NotJoined,
    #[error("not connected to the broker: nothing was sent")]
    Offline,
    #[error("only a person invites agents and owns them")]
    NotAPerson,
    #[error("only an agent takes up an invite")]
    NotAnAgent,
    #[error("{0} is not one of your agents here")]
    NotYours(Handle),
    #[error("no draft {0} waits for you (approved, dropped, or never yours)")]
    NoSuchDraft(MessageId),
}

/// Why `Room::add_member` refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("not in the room: call join first")]
    NotJoined,
    #[error(
        "this room already has {} local members",
        crate::limits::MAX_LOCAL_MEMBERS
    )]
    Full,
    #[error("peer id {0} is already in use in this room")]
    PeerIdInUse(PeerId),
    /// The host kicked this handle out of the room until then (our clock, Unix ms).
    #[error("the host kicked {handle} out of this room for now")]
    Kicked { handle: Handle, until: u64 },
    /// Joining would make every peer flag a key mismatch for this handle.
    #[error("handle {0} is pinned to another key in this room")]
    HandlePinnedToAnotherKey(Handle),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn peer() -> PeerInfo {
        PeerInfo {
            handle: Handle::parse("big-red-apple").unwrap(),
            avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
            name: None,
            peer_id: PeerId::parse("0011223344556677").unwrap(),
            is_host: true,
            is_self: false,
            verified: true,
            trust: Trust::Verified,
            owner: None,
        }
    }

    #[test]
    fn events_serialize_as_one_flat_tagged_camel_case_object() {
        let joined = serde_json::to_value(RoomEvent::PeerJoined { peer: peer() }).unwrap();
        assert_eq!(
            joined,
            serde_json::json!({"event": "peer-joined",
                "handle": "big-red-apple", "avatarSeed": "66687aadf862bd776c8fc18b8e9f8e20",
                "name": null, "peerId": "0011223344556677", "isHost": true, "isSelf": false,
                "verified": true, "trust": "verified"})
        );
        let left = serde_json::to_value(RoomEvent::PeerLeft {
            peer: peer(),
            reason: LeaveReason::Timeout,
        })
        .unwrap();
        assert_eq!(left["event"], "peer-left");
        assert_eq!(left["reason"], "timeout");
        assert_eq!(left["verified"], true);
    }

    #[test]
    fn every_event_line_carries_a_verified_flag() {
        let host = Handle::parse("big-red-apple").unwrap();
        let events = [
            RoomEvent::HostPresent {
                host: host.clone(),
                verified: true,
            },
            RoomEvent::HostAway {
                host: host.clone(),
                verified: false,
            },
            RoomEvent::Rejected {
                reason: "bad".into(),
                verified: false,
            },
            RoomEvent::KeyMismatch {
                handle: host,
                peer_id: PeerId::parse("0011223344556677").unwrap(),
                pinned_key: PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(&[1; 32])),
                received_key: None,
                verified: false,
            },
        ];
        for event in events {
            let value = serde_json::to_value(&event).unwrap();
            assert!(value["verified"].is_boolean(), "{value}");
        }
    }

    #[test]
    fn message_events_flatten_the_chat_message() {
        let msg = ChatMessage {
            id: MessageId::parse("m1").unwrap(),
            handle: Handle::parse("big-red-apple").unwrap(),
            avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
            name: Some("calc".into()),
            text: "hi".into(),
            re: None,
            owner: None,
            approved_by: None,
            t: 5,
            from: PeerId::parse("0011223344556677").unwrap(),
            verified: false,
            trust: Trust::Unverified,
            history: true,
        };
        let value = serde_json::to_value(RoomEvent::Message(msg)).unwrap();
        assert_eq!(value["event"], "message");
        assert_eq!(value["avatarSeed"], "66687aadf862bd776c8fc18b8e9f8e20");
        assert_eq!(value["verified"], false);
        assert_eq!(value["history"], true);
        assert_eq!(value["text"], "hi");
    }

    #[test]
    fn key_mismatch_names_both_keys() {
        let value = serde_json::to_value(RoomEvent::KeyMismatch {
            handle: Handle::parse("big-red-apple").unwrap(),
            peer_id: PeerId::parse("0011223344556677").unwrap(),
            pinned_key: PublicKey::of(&ed25519_dalek::SigningKey::from_bytes(&[1; 32])),
            received_key: None,
            verified: false,
        })
        .unwrap();
        assert_eq!(
            value,
            serde_json::json!({"event": "key-mismatch", "handle": "big-red-apple",
                "peerId": "0011223344556677", "pinnedKey": "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w", "receivedKey": null,
                "verified": false})
        );
    }
}
