//! The Party browser app: browser adapters (WebSocket, storage, clock, randomness)
//! and views around `party_core`, which owns every protocol rule.

mod app;
mod attention;
mod broker_url;
mod clock;
mod config;
mod frame;
mod identity;
mod js_error;
mod key_store;
mod mqtt;
mod nav;
mod online;
mod passkey;
mod percent;
mod prefs;
mod random;
mod room_session;
mod rooms;
mod route;
mod theme;
mod ticker;
mod title;
mod viewport;
mod views;
mod webcrypto;

/// Mounts the app on `<body>`.
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
