//! The page title: the room on screen, and, while the tab is hidden, how many
//! messages arrived unread (`(3) calc-study · Party`), as chat apps do.

use leptos::prelude::*;

use crate::rooms::Rooms;

pub fn follow_unread(rooms: Rooms) {
    let hidden = RwSignal::new(page_hidden());
    let listener =
        window_event_listener_untyped("visibilitychange", move |_| hidden.set(page_hidden()));
    // Lives as long as the app.
    std::mem::forget(listener);
    Effect::new(move |_| {
        let unread: u32 = rooms.names.with(|names| {
            names
                .iter()
                .filter_map(|room| rooms.session(room))
                .map(|session| session.signals.unread.get().messages)
                .sum()
        });
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

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}
