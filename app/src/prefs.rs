//! This browser's preferences and recent rooms, in `localStorage`: small values a
//! person expects to stay (theme, sound, notifications) and the names of rooms they
//! visited. Nothing said in a room is ever kept.
//!
//! Storage can be refused (private modes, settings): a preference then lasts for
//! the page only, and that is not an error worth interrupting anyone for.

use party_core::ids::RoomName;

const THEME_KEY: &str = "party.theme";
const MUTED_KEY: &str = "party.muted";
const NOTIFY_KEY: &str = "party.notify";
const TYPING_KEY: &str = "party.typing";
const RECENT_ROOMS_KEY: &str = "party.recent-rooms";

/// Every key kept here, for "Clear my data".
pub const ALL_KEYS: [&str; 5] = [
    THEME_KEY,
    MUTED_KEY,
    NOTIFY_KEY,
    TYPING_KEY,
    RECENT_ROOMS_KEY,
];

/// How many recent rooms the rooms page lists.
const RECENT_ROOMS: usize = 12;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

fn write(key: &str, value: &str) {
    if let Some(storage) = storage() {
        // Refused storage: the preference lasts for this page (see the module doc).
        let _ = storage.set_item(key, value);
    }
}

/// The colour scheme a person chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow the system.
    Auto,
    Dark,
    Light,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::Auto, Theme::Dark, Theme::Light];

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Dark => "dark",
            Theme::Light => "light",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::Auto => "Auto",
            Theme::Dark => "Dark",
            Theme::Light => "Light",
        }
    }

    fn parse(text: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|theme| theme.as_str() == text)
    }
}

pub fn theme() -> Theme {
    read(THEME_KEY)
        .as_deref()
        .and_then(Theme::parse)
        .unwrap_or(Theme::Auto)
}

pub fn set_theme(theme: Theme) {
    write(THEME_KEY, theme.as_str());
}

pub fn muted() -> bool {
    read(MUTED_KEY).as_deref() == Some("1")
}

pub fn set_muted(muted: bool) {
    write(MUTED_KEY, if muted { "1" } else { "0" });
}

/// Which messages raise a system notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notify {
    /// Not asked yet: asked after the person's first message, as Hangout does.
    Unasked,
    Mentions,
    Everything,
    Off,
}

impl Notify {
    pub fn label(self) -> &'static str {
        match self {
            Notify::Unasked | Notify::Mentions => "Mentions of me",
            Notify::Everything => "Every message",
            Notify::Off => "Nothing",
        }
    }

    pub fn parse(text: &str) -> Notify {
        match text {
            "mentions" => Notify::Mentions,
            "all" => Notify::Everything,
            "off" => Notify::Off,
            _ => Notify::Unasked,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Notify::Unasked => "unasked",
            Notify::Mentions => "mentions",
            Notify::Everything => "all",
            Notify::Off => "off",
        }
    }
}

pub fn notify() -> Notify {
    Notify::parse(read(NOTIFY_KEY).as_deref().unwrap_or_default())
}

pub fn set_notify(notify: Notify) {
    write(NOTIFY_KEY, notify.as_str());
}

/// Whether we tell others when we are typing (on unless turned off).
pub fn share_typing() -> bool {
    read(TYPING_KEY).as_deref() != Some("0")
}

pub fn set_share_typing(share: bool) {
    write(TYPING_KEY, if share { "1" } else { "0" });
}

/// Rooms visited, most recent first.
pub fn recent_rooms() -> Vec<RoomName> {
    read(RECENT_ROOMS_KEY)
        .unwrap_or_default()
        .split(' ')
        .filter_map(|name| RoomName::parse(name).ok())
        .take(RECENT_ROOMS)
        .collect()
}

/// Puts `room` first among the recent rooms and returns the new list.
pub fn visited(room: &RoomName) -> Vec<RoomName> {
    let mut rooms = recent_rooms();
    rooms.retain(|r| r != room);
    rooms.insert(0, room.clone());
    rooms.truncate(RECENT_ROOMS);
    let text: Vec<&str> = rooms.iter().map(RoomName::as_str).collect();
    write(RECENT_ROOMS_KEY, &text.join(" "));
    rooms
}
