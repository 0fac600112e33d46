//! What the room page lists: chat messages and system lines, in time order, bounded.
//! Core decides what happened; this only keeps the lines a person scrolls through.

use party_core::ids::Handle;
use party_core::limits::HISTORY_MAX_MESSAGES;
use party_core::{ChatMessage, Trust};

/// One line of the room log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogLine {
    Chat(ChatMessage),
    /// Presence, host and trust notices. `alarm` lines warn of possible impersonation.
    System {
        seq: u64,
        t: u64,
        text: String,
        alarm: bool,
    },
}

impl LogLine {
    fn t(&self) -> u64 {
        match self {
            LogLine::Chat(message) => message.t,
            LogLine::System { t, .. } => *t,
        }
    }

    /// A key that changes whenever the line must be redrawn (a verified copy of a
    /// message replaces the unverified one under the same id).
    pub fn key(&self) -> String {
        match self {
            LogLine::Chat(message) => {
                format!("m/{}/{:?}/{}", message.id, message.trust, message.history)
            }
            LogLine::System { seq, .. } => format!("s/{seq}"),
        }
    }
}

/// The lines, oldest first, at most `HISTORY_MAX_MESSAGES` of them: a page never holds
/// more than a newcomer could be replayed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoomLog {
    lines: Vec<LogLine>,
    next_seq: u64,
}

impl RoomLog {
    pub fn lines(&self) -> &[LogLine] {
        &self.lines
    }

    /// Adds `message`, or replaces the line with the same id; replayed history lands
    /// at its place in time rather than below newer live lines.
    pub fn upsert_message(&mut self, message: ChatMessage) {
        let existing = self
            .lines
            .iter()
            .rposition(|line| matches!(line, LogLine::Chat(m) if m.id == message.id));
        match existing {
            Some(index) => self.lines[index] = LogLine::Chat(message),
            None => self.insert(LogLine::Chat(message)),
        }
    }

    /// Two keys claim `handle` and neither can be told to be real: every message
    /// shown under it, earlier ones included, is marked contested.
    pub fn contest(&mut self, handle: &Handle) {
        for line in &mut self.lines {
            if let LogLine::Chat(message) = line {
                if message.handle == *handle && message.trust != Trust::Impostor {
                    message.trust = Trust::Contested;
                    message.verified = false;
                }
            }
        }
    }

    /// Adds a system line at `t`.
    pub fn push_system(&mut self, t: u64, text: String, alarm: bool) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.insert(LogLine::System {
            seq,
            t,
            text,
            alarm,
        });
    }

    fn insert(&mut self, line: LogLine) {
        let at = self
            .lines
            .partition_point(|existing| existing.t() <= line.t());
        self.lines.insert(at, line);
        if self.lines.len() > HISTORY_MAX_MESSAGES {
            let excess = self.lines.len() - HISTORY_MAX_MESSAGES;
            self.lines.drain(..excess);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use party_core::ids::{AvatarSeed, MessageId, PeerId};

    fn message(id: &str, t: u64, verified: bool) -> ChatMessage {
        ChatMessage {
            id: MessageId::parse(id).unwrap(),
            handle: Handle::parse("big-red-apple").unwrap(),
            avatar_seed: AvatarSeed::parse("66687aadf862bd776c8fc18b8e9f8e20").unwrap(),
            name: None,
            text: format!("text of {id}"),
            t,
            from: PeerId::parse("0011223344556677").unwrap(),
            verified,
            trust: if verified {
                Trust::Verified
            } else {
                Trust::Unverified
            },
            history: false,
        }
    }

    fn ids(log: &RoomLog) -> Vec<String> {
        log.lines()
            .iter()
            .map(|line| match line {
                LogLine::Chat(m) => m.id.to_string(),
                LogLine::System { text, .. } => text.clone(),
            })
            .collect()
    }

    #[test]
    fn replayed_history_is_placed_by_time_not_arrival() {
        let mut log = RoomLog::default();
        log.upsert_message(message("live", 300, true));
        log.push_system(250, "joined".into(), false);
        log.upsert_message(message("old", 100, true));
        assert_eq!(ids(&log), ["old", "joined", "live"]);
    }

    #[test]
    fn a_verified_copy_replaces_the_unverified_line_in_place() {
        let mut log = RoomLog::default();
        log.upsert_message(message("a", 100, false));
        log.upsert_message(message("b", 200, true));
        let before = log.lines()[0].key();
        log.upsert_message(message("a", 100, true));
        assert_eq!(ids(&log), ["a", "b"]);
        assert!(matches!(&log.lines()[0], LogLine::Chat(m) if m.verified));
        assert_ne!(log.lines()[0].key(), before, "the row would not be redrawn");
    }

    #[test]
    fn the_log_drops_its_oldest_lines_beyond_the_history_limit() {
        let mut log = RoomLog::default();
        for i in 0..HISTORY_MAX_MESSAGES + 3 {
            log.upsert_message(message(&format!("m{i}"), i as u64, true));
        }
        assert_eq!(log.lines().len(), HISTORY_MAX_MESSAGES);
        assert_eq!(ids(&log)[0], "m3");
    }

    #[test]
    fn a_conflict_marks_every_line_of_the_handle_contested_and_redraws_it() {
        let mut log = RoomLog::default();
        log.upsert_message(message("a", 100, true));
        let before = log.lines()[0].key();
        log.contest(&Handle::parse("big-red-apple").unwrap());
        assert!(
            matches!(&log.lines()[0], LogLine::Chat(m) if m.trust == Trust::Contested && !m.verified)
        );
        assert_ne!(log.lines()[0].key(), before);
        log.contest(&Handle::parse("tiny-red-apple").unwrap());
        assert!(matches!(&log.lines()[0], LogLine::Chat(m) if m.trust == Trust::Contested));
    }

    #[test]
    fn system_lines_get_distinct_keys() {
        let mut log = RoomLog::default();
        log.push_system(1, "x".into(), false);
        log.push_system(1, "x".into(), false);
        assert_ne!(log.lines()[0].key(), log.lines()[1].key());
    }
}
