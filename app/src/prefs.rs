//! This browser's preferences and recent rooms, in `localStorage`: small values a
//! person expects to stay (theme, sound, notifications) and the names of rooms they
//! visited. Nothing said in a room is ever kept.
//!
//! Storage can be refused (private modes, settings): a preference then lasts for
//! the page only, and that is not an error worth interrupting anyone for.

use party_core::ids::RoomName;

const RECENT_ROOMS_KEY: &str = "party.recent-rooms";

/// Every key kept here, for "Clear my data".
pub const ALL_KEYS: [&str; 1] = [RECENT_ROOMS_KEY];

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
