//! The page title: the room on screen, and, while the tab is hidden, how many
//! messages arrived unread (`(3) calc-study · Party`), as chat apps do.

use leptos::prelude::*;

use crate::frame::page_visible;
use crate::rooms::Rooms;

pub fn follow_unread(rooms: Rooms) {
    let hidden = RwSignal::new(!page_visible());
    let listener =
        window_event_listener_untyped("visibilitychange", move |_| hidden.set(!page_visible()));
    // Lives as long as the app.
    std::mem::forget(listener);
    Effect::new(move |_| {
        let unread = rooms.unread_messages();
        let place = rooms
            .current
            .get()
            .map_or_else(|| "Party".to_owned(), |room| format!("{room} · Party"));
        let title = match (hidden.get(), unread) {
            (true, n) if n > 0 => format!("({n}) {place}"),
            _ => place,
        };
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&title);
        }
    });
}
