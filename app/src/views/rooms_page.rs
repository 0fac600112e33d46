//! `/rooms`: the rooms this tab is in (connected in the background, with what is
//! unread and a Leave each), and the rooms visited before on this browser.

use leptos::prelude::*;
use party_core::ids::RoomName;

use crate::rooms::Rooms;

#[component]
pub fn RoomsPage(rooms: Rooms) -> impl IntoView {
    let recent = move || {
        let open = rooms.names.get();
        rooms
            .recent
            .get()
            .into_iter()
            .filter(|room| !open.contains(room))
            .collect::<Vec<RoomName>>()
    };
    view! {
        <div class="stack narrow">
            <h1>"Your rooms"</h1>
            <section class="card" aria-labelledby="open-rooms-title">
                <h2 id="open-rooms-title">"Open in this tab"</h2>
                <Show
                    when=move || !rooms.names.with(Vec::is_empty)
                    fallback=|| view! { <p class="hint" data-testid="no-rooms">"You are in no room right now. Open one from the front page, or a link."</p> }
                >
                    <ul class="rooms-list" data-testid="rooms-list">
                        <For
                            each=move || rooms.names.get()
                            key=|room| room.clone()
                            children=move |room| view! { <OpenRoom room rooms /> }
                        />
                    </ul>
                </Show>
            </section>
            <Show when=move || !recent().is_empty()>
                <section class="card" aria-labelledby="recent-rooms-title">
                    <h2 id="recent-rooms-title">"Recent"</h2>
                    <ul class="rooms-list" data-testid="recent-rooms">
                        {move || recent().into_iter().map(|room| view! {
                            <li data-testid="recent-room" data-room=room.to_string()>
                                <a class="room-link" href=format!("./{room}")>{room.to_string()}</a>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            </Show>
        </div>
    }
}

#[component]
fn OpenRoom(room: RoomName, rooms: Rooms) -> impl IntoView {
    let session = rooms.session(&room);
    let unread = move || session.map(|s| s.signals.unread.get()).unwrap_or_default();
    let state = move || {
        session
            .map(|s| s.signals.state.get().as_str())
            .unwrap_or("left")
    };
    let leaving = room.clone();
    view! {
        <li data-testid="open-room" data-room=room.to_string() data-state=state>
            <a class="room-link" href=format!("./{room}")>{room.to_string()}</a>
            {move || {
                let unread = unread();
                (unread.messages > 0).then(|| view! {
                    <span
                        class="unread"
                        class:mentions=(unread.mentions > 0)
                        data-testid="room-unread"
                        title=format!("{} new, {} naming you", unread.messages, unread.mentions)
                    >
                        {unread.messages}
                    </span>
                })
            }}
            <button type="button" class="ghost" data-testid="leave-room" on:click=move |_| rooms.leave(&leaving)>
                "Leave"
            </button>
        </li>
    }
}
