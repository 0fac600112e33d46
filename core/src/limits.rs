//! Every protocol limit and timing, in one place.
//!
//! Values marked "Party v1" must stay as they are so our peers and v1 peers agree on
//! presence and history; the rest bound what an untrusted network can make us hold.

use crate::rate::Rate;

/// MQTT topic prefix of Party v1 (`APP_ID` + `/party/`); a room's topic is this plus its name.
pub const TOPIC_PREFIX: &str = "party-2026-v1/party/";

/// Largest MQTT publish our broker accepts and our clients send. Every envelope we
/// emit, including a full history-response, is kept under it.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;

/// Largest MQTT remaining length (variable header + payload) of a Party publish: a
/// full-size payload on the longest room topic, with the topic's length prefix and a
/// packet id. Brokers and clients refuse anything bigger; it is not ours.
pub const MAX_MQTT_REMAINING_BYTES: usize =
    MAX_PAYLOAD_BYTES + 2 + TOPIC_PREFIX.len() + ROOM_NAME_CHARS.1 + 2;

/// Largest whole MQTT packet of ours: the remaining length plus the fixed header (one
/// type byte and at most four length bytes).
pub const MAX_MQTT_PACKET_BYTES: usize = MAX_MQTT_REMAINING_BYTES + 5;

/// Longest chat text, in Unicode scalar values (Party v1: 4000).
pub const MAX_TEXT_CHARS: usize = 4000;

/// Longest optional display name (`name` field), in Unicode scalar values.
pub const MAX_DISPLAY_NAME_CHARS: usize = 32;

/// Shortest and longest message id; v1 ids (`<handle>-<ms>-<6 hex>`) are at most 59.
pub const MESSAGE_ID_CHARS: (usize, usize) = (1, 64);

/// Shortest and longest room name (`[a-z0-9][a-z0-9-]{1,47}`).
pub const ROOM_NAME_CHARS: (usize, usize) = (2, 48);

/// Room names the SPA uses for its own pages, so no party can live there.
pub const RESERVED_ROOM_NAMES: [&str; 3] = ["rooms", "about", "mqtt"];

/// Agent secrets v1 imports: 16 to 128 bytes (we generate 32).
pub const AGENT_SECRET_BYTES: (usize, usize) = (16, 128);

/// Hex characters of the reverse-CAPTCHA answer (Party v1: 8).
pub const CAPTCHA_ANSWER_HEX_CHARS: usize = 8;

/// Presence beat period in a small room (Party v1: 4 s, whatever the room's size).
pub const ANNOUNCE_INTERVAL_MS: u64 = 4_000;

/// Presence deliveries a room may cost per connection and second (DESIGN §6): with N
/// connections each beating every `I`, the broker delivers N²/I announces a second,
/// so beats stretch to `I = N / 25 s` and the total stays 25·N.
pub const PRESENCE_DELIVERIES_PER_PEER_PER_SEC: u64 = 25;

/// Longest beat period: with its jitter, under half of v1's 90 s timeout (and ours,
/// `PEER_TIMEOUT_MS`), so one beat can be lost, or a hidden tab's timer run late,
/// without anyone dropping us. It is reached at 1,000 connections.
pub const MAX_ANNOUNCE_INTERVAL_MS: u64 = 40_000;

/// How far each beat is moved at random, in thousandths of the period either way, so
/// a room's beats never fall into step.
pub const ANNOUNCE_JITTER_PERMILLE: u64 = 100;

/// The beat period in a room of `connections` (ours included): `ANNOUNCE_INTERVAL_MS`
/// up to 100, then stretched to keep presence at
/// `PRESENCE_DELIVERIES_PER_PEER_PER_SEC` per connection, up to
/// `MAX_ANNOUNCE_INTERVAL_MS`.
pub fn announce_interval_ms(connections: usize) -> u64 {
    let stretched =
        (connections as u64).saturating_mul(1_000) / PRESENCE_DELIVERIES_PER_PEER_PER_SEC;
    stretched.clamp(ANNOUNCE_INTERVAL_MS, MAX_ANNOUNCE_INTERVAL_MS)
}

/// Inclusive range of the delay before answering a joiner's request with a roster:
/// the joiner sees who is here within a second, and the first answer usually
/// arrives before the others are due, so they are cancelled.
pub const ROSTER_REPLY_JITTER_MS: (u64, u64) = (50, 700);

/// Most announces in one roster: as many as fit in `MAX_PAYLOAD_BYTES` with room to
/// spare (an announce with a display name and a seal is under 400 bytes). A larger
/// room answers in several rosters.
pub const MAX_ROSTER_ENTRIES: usize = 600;

/// How many present peers answer a joiner with a roster: those whose
/// `SHA-256(joiner ‖ peer)` ranks lowest among the connections each knows. A few, so
/// one lost or slow answer is covered, and not everyone: each roster reaches the
/// whole room, and a room of a thousand filling at once would otherwise send
/// thousands of them.
pub const ROSTER_RESPONDERS: usize = 3;

/// Most roster replies waiting for their jitter at once.
pub const MAX_PENDING_ROSTER_REPLIES: usize = 8;

/// Shortest gap between two of our announces when a newcomer makes us beat early.
/// A newcomer would otherwise see an empty room for up to `ANNOUNCE_INTERVAL_MS`;
/// the gap keeps a burst of arrivals from turning into a burst of beats.
pub const PRESENCE_REPLY_MIN_GAP_MS: u64 = 1_000;

/// After we go live, how long the announces of people already in the room take to
/// arrive (a newcomer is answered within a second): joins reported sooner are not
/// news, and the log does not announce them one by one.
pub const PRESENCE_SETTLE_MS: u64 = 1_500;

/// Shortest gap between two of our `typing` envelopes while someone writes: each
/// costs a delivery to everyone in the room.
pub const TYPING_INTERVAL_MS: u64 = 3_000;

/// How long a `typing` is shown after it arrives, unless a message from the same
/// connection comes first: a little longer than `TYPING_INTERVAL_MS`, so a steady
/// writer shows without flicker.
pub const TYPING_SHOWN_MS: u64 = 5_000;

/// Silence after which a peer is gone (Party v1: 90 s; long because hidden tabs beat
/// only once a minute).
pub const PEER_TIMEOUT_MS: u64 = 90_000;

/// How long the host may be absent before we say so (Party v1: 8 s), so a reload or a
/// reconnect does not flash "host away".
pub const HOST_GRACE_MS: u64 = 8_000;

/// Most messages kept in, and replayed from, a room's history (Party v1: 500).
pub const HISTORY_MAX_MESSAGES: usize = 500;

/// How long a joiner merges history-responses after asking (Party v1: 5 s).
pub const HISTORY_REQUEST_TIMEOUT_MS: u64 = 5_000;

/// Inclusive range of the random delay before answering a history-request
/// (Party v1: 150–1200 ms), so responders do not all answer at once.
pub const HISTORY_REPLY_JITTER_MS: (u64, u64) = (150, 1_200);

/// Timestamps are clamped into `[now - TIMESTAMP_WINDOW_MS, now]` (24 h, v1's history age).
pub const TIMESTAMP_WINDOW_MS: u64 = 86_400_000;

/// Bytes of a history-response that are not its `log` entries (type, to, from, t, pk,
/// sig, auth, brackets), rounded up generously; the rest of `MAX_PAYLOAD_BYTES` is the
/// history byte budget.
pub const HISTORY_RESPONSE_OVERHEAD_BYTES: usize = 1_024;

/// Byte budget of the encoded history entries (each entry plus its separating comma).
pub const HISTORY_MAX_BYTES: usize = MAX_PAYLOAD_BYTES - HISTORY_RESPONSE_OVERHEAD_BYTES;

/// Message ids remembered for deduplication beyond those still in history.
pub const SEEN_IDS_MAX: usize = 4_096;

/// Most remote peers (connections) tracked per room; beyond it announces are refused,
/// so a flood of fake peer ids cannot grow memory without bound. When it is reached,
/// an unsigned peer that never spoke makes way for a signed newcomer or one that
/// speaks (`LeaveReason::Crowded`).
pub const MAX_PEERS: usize = 1_024;

/// Most unsigned (Party v1) connections that have not spoken, within `MAX_PEERS`:
/// unsigned announces cost nothing to forge, so a flood of them may take only this
/// share of the room, and signed peers, and everyone who speaks, keep the rest.
pub const MAX_SILENT_UNSIGNED_PEERS: usize = 128;

// ---- Budgets: how much one sender may make a room do (docs/design.md, "Floods") ----
// Each is checked after parsing and before any signature is verified, so what is over
// budget costs a JSON parse and nothing more. A connection the room tracks has its
// own buckets; envelopes from connections it does not track share room-wide ones.

/// Messages one connection may send: a burst (a pasted log, an agent's reply in
/// lines), then fifty a second, far past typing (about two a second) and past what
/// the bridge lets one IRC user send. A flood of 1,000 a second is cut to this
/// before any signature check; the app draws what is left once per frame.
pub const PEER_MESSAGE_RATE: Rate = Rate {
    burst: 50,
    every_ms: 20,
};

/// Messages one handle may send over all its connections (tabs, devices, bridges).
pub const HANDLE_MESSAGE_RATE: Rate = Rate {
    burst: 100,
    every_ms: 10,
};

/// The host's rules (`policy`, `kick`, `mute`, `description`) one connection may
/// send: the host says them again for joiners at most every
/// `HOST_RULES_REPEAT_GAP_MS`, a policy with each beat, and a burst for a host with
/// many kicks and mutes running.
pub const PEER_RULES_RATE: Rate = Rate {
    burst: 24,
    every_ms: 250,
};

/// Drafts of our agents waiting for a decision; the oldest goes first.
pub const DRAFTS_WAITING: usize = 64;

/// Approved drafts an owner tells joiners about again.
pub const APPROVALS_REMEMBERED: usize = 64;

/// Invites one page holds open at once; the oldest goes first.
pub const MAX_PENDING_INVITES: usize = 16;

/// The host says its rules again for joiners at most this often: every peer of the
/// room hears each repeat, so joiners that ask together are told together.
pub const HOST_RULES_REPEAT_GAP_MS: u64 = 1_000;

/// Host rules a joiner keeps while it does not know the host's key yet (they are
/// checked once the host's presence pins it).
pub const PARKED_HOST_RULES: usize = 32;

/// Presence (announce, leave) one connection may send: a beat every
/// `ANNOUNCE_INTERVAL_MS`, and replies to newcomers at most every
/// `PRESENCE_REPLY_MIN_GAP_MS`.
pub const PEER_PRESENCE_RATE: Rate = Rate {
    burst: 5,
    every_ms: PRESENCE_REPLY_MIN_GAP_MS,
};

/// History requests one connection may send: one per join, and a rejoin.
pub const PEER_HISTORY_REQUEST_RATE: Rate = Rate {
    burst: 2,
    every_ms: HISTORY_REQUEST_TIMEOUT_MS,
};

/// History responses one connection may send: each can hold `HISTORY_MAX_MESSAGES`
/// signed entries, so one per joiner's window.
pub const PEER_HISTORY_RESPONSE_RATE: Rate = Rate {
    burst: 2,
    every_ms: HISTORY_REQUEST_TIMEOUT_MS,
};

/// Signed envelopes from connections the room does not track yet, room-wide: every
/// newcomer's first announce, and any signed flood of fresh peer ids.
pub const STRANGER_SIGNED_RATE: Rate = Rate {
    burst: 64,
    every_ms: 20,
};

/// Unsigned envelopes from connections the room does not track yet, room-wide; kept
/// apart from signed ones so an unsigned flood cannot starve signed newcomers.
pub const STRANGER_UNSIGNED_RATE: Rate = Rate {
    burst: 32,
    every_ms: 50,
};

/// History responses from connections the room does not track yet, room-wide (a
/// responder's reply can come before its announce).
pub const STRANGER_HISTORY_RESPONSE_RATE: Rate = Rate {
    burst: 4,
    every_ms: 1_000,
};

/// Our own recent publishes remembered per room to recognize the broker's echo
/// cheaply; an echo older than this is still dropped, just after a full decode. A
/// process may have up to a quarter of this on its way to the broker and still see
/// every echo take the cheap path (party-bridge checks its queue against it). 8 bytes
/// each, held only while echoes are outstanding.
pub const ECHOES_REMEMBERED: usize = 16_384;

/// Our own messages kept until the broker echoes them, to publish again after a
/// reconnect if the echo never came (they may have died with the connection), and
/// failed ones kept for a retry. Past this, the oldest pending one fails.
pub const MAX_UNCONFIRMED_MESSAGES: usize = 256;

/// How long one of our messages may wait for the broker (offline, or unconfirmed)
/// before it fails and waits for a person's Retry: one that went out later would be
/// placed, at its own time, out of sight in everyone's scrollback.
pub const OUTBOX_MAX_AGE_MS: u64 = 5 * 60_000;

/// Most local peers one process speaks for in one room (the IRC bridge's users in a
/// channel). With `MAX_PEERS` remote ones it stays below `MAX_PINNED_HANDLES`, so every
/// present handle keeps its pin.
pub const MAX_LOCAL_MEMBERS: usize = 256;

/// Most handles whose first key we remember per room; least recently used absent
/// handles are forgotten first.
pub const MAX_PINNED_HANDLES: usize = 2_048;

/// Other keys remembered per pinned handle (impostors of a firm pin, rivals of a
/// learned one): each is reported once, and a flood of keys for one handle cannot
/// grow memory.
pub const MAX_RIVAL_KEYS: usize = 4;

/// How far from our clock an `announce` or `msg` may be dated and still count as a
/// sign of life. Presence envelopes are signed but carry no nonce, so without this a
/// captured `announce` of a host who left would bring the host back as "here". Two
/// minutes leaves room for clocks that are off, and is far shorter than the life of a
/// captured envelope.
pub const PRESENCE_FRESHNESS_MS: u64 = 120_000;

/// Connections that said `leave` and are remembered as gone, so a replay of their
/// earlier envelopes does not bring them back.
pub const DEPARTED_PEERS_REMEMBERED: usize = 1_024;

/// Most history replies waiting for their jitter at once. A reply can be 256 KiB, so
/// this caps what a flood of spoofed history-requests can make us publish.
pub const MAX_PENDING_HISTORY_REPLIES: usize = 4;

/// Messages one agent may send in any minute, as a room's policy may set it.
pub const AGENT_RATE_PER_MINUTE: (u8, u8) = (1, 60);

/// Bounds of a policy's hop bound: agent-to-agent answers since a person last spoke.
pub const AGENT_HOP_BOUND: (u8, u8) = (1, 50);

/// The rate per agent in a host's room before its host sets one.
pub const DEFAULT_AGENT_RATE_PER_MINUTE: u8 = 10;

/// The hop bound in a host's room before its host sets one.
pub const DEFAULT_AGENT_HOP_BOUND: u8 = 6;

/// The window an agent's rate is counted over.
pub const AGENT_RATE_WINDOW_MS: u64 = 60_000;

/// How long a mention calls an agent in: a `called` agent may answer a message that
/// mentions it for this long after it was said.
pub const MENTION_FRESH_MS: u64 = 10 * 60_000;

/// Answers one agent may give one mention of it.
pub const REPLIES_PER_MENTION: u8 = 3;

/// Longest room description, in characters: a line under the room's name.
pub const DESCRIPTION_MAX_CHARS: usize = 300;

/// How long a kick keeps a handle out unless the host says otherwise.
pub const KICK_MS: u64 = 10 * 60_000;

/// Kicks and mutes a room remembers at once; beyond it, the one that ends first
/// makes way.
pub const SANCTIONS_REMEMBERED: usize = 256;

/// Recent messages a room keeps for agents to answer (within `MENTION_FRESH_MS`).
pub const RECENT_CALLS_REMEMBERED: usize = 256;

/// First and largest delay between attempts to reach a lost broker (clients double it
/// per failure, with jitter in the upper half of the window): every client is back
/// within two seconds of the broker's return, even after a long outage, and a fleet of
/// clients that lost it together comes back spread over the last 0.75 s of the window
/// rather than in lockstep. A dead broker sees at most about one attempt a second per
/// client, which costs it a refused TCP handshake.
pub const RECONNECT_BACKOFF_MS: (u64, u64) = (250, 1_500);

/// MQTT keepalive our clients ask for. A broker drops a client silent for 1.5 x
/// keepalive and publishes its Last Will, so a client whose network vanished is seen
/// leaving within 30 s, not at the 90 s presence timeout. Browsers send their pings
/// from a worker's timer, which hidden tabs do not throttle to once a minute as they
/// do the page's own.
pub const MQTT_KEEP_ALIVE_SECS: u16 = 20;

// A full payload on the longest topic must fit the packet limits; checked at compile
// time so a change to any of these constants cannot break it unnoticed.
const _: () = assert!(
    MAX_MQTT_REMAINING_BYTES >= 2 + TOPIC_PREFIX.len() + ROOM_NAME_CHARS.1 + MAX_PAYLOAD_BYTES
);
const _: () = assert!(MAX_MQTT_PACKET_BYTES >= 5 + MAX_MQTT_REMAINING_BYTES);
