//! A room link opened by someone with no identity here yet: the room, its host (the
//! face shows at once from the link's `a=`), who is inside now (watched without
//! entering, so nobody sees the visitor), and the ways in. Whichever door the person
//! takes, they walk straight into this room.

use leptos::prelude::*;
use party_core::ids::RoomName;
use party_core::share_link::HostLink;

use crate::identity::Identity;
use crate::room_session::RoomSession;
use crate::views::avatar::{Avatar, LinkAvatar};
use crate::views::entry_doors::{AfterStart, EntryDoors};

#[component]
pub fn RoomEntry(
    room: RoomName,
    link: HostLink,
    broker: Result<String, String>,
    identity: RwSignal<Option<Identity>>,
    storage_warning: RwSignal<Option<String>>,
) -> impl IntoView {
    let host = room.host().map(|host| {
        let face = link.identicon();
        view! {
            <p class="entry-host" data-testid="entry-host">
                <span class="room-face" data-testid="room-host-avatar">
                    {face.map(|icon| view! { <LinkAvatar icon /> })}
                </span>
                {format!("{host}'s party")}
            </p>
        }
    });
    view! {
        <div class="stack narrow">
            <section class="card intro" aria-labelledby="entry-title">
                <h1 id="entry-title">
                    "Entering " <span class="room-ref" data-testid="room-name">{room.to_string()}</span>
                </h1>
                {host}
                <WhoIsInside room=room.clone() broker />
            </section>
            <EntryDoors identity storage_warning after_start=AfterStart::Stay />
        </div>
    }
}

/// Who is in the room now, seen by a watcher that never announces itself.
#[component]
fn WhoIsInside(room: RoomName, broker: Result<String, String>) -> impl IntoView {
    let session = broker.and_then(|url| RoomSession::watch(room, url));
    match session {
        Ok(session) => {
            stop_with_view(session);
            let peers = session.signals.peers;
            view! {
                <div class="entry-inside" data-testid="entry-inside">
                    {move || {
                        let inside: Vec<_> = peers
                            .get()
                            .into_iter()
                            .filter(|peer| !peer.is_self)
                            .collect();
                        if inside.is_empty() {
                            view! { <p class="hint">"Nobody is inside right now."</p> }.into_any()
                        } else {
                            view! {
                                <p class="hint">{format!("Inside now · {}", inside.len())}</p>
                                <ul class="peer-strip">
                                    {inside.into_iter().map(|peer| view! {
                                        <li data-testid="entry-peer" data-handle=peer.handle.to_string() title=peer.handle.to_string()>
                                            <Avatar seed=peer.avatar_seed />
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }
                            .into_any()
                        }
                    }}
                </div>
            }
            .into_any()
        }
        Err(why) => view! { <p class="hint" data-testid="entry-inside-error">{why}</p> }.into_any(),
    }
}

/// The watcher only looks while this page shows: it stops when the view goes or the
/// page is hidden, and looks again if the page comes back from the back/forward cache.
fn stop_with_view(session: RoomSession) {
    let hide = window_event_listener(leptos::ev::pagehide, move |_| session.stop());
    let show = window_event_listener(leptos::ev::pageshow, move |ev| {
        if ev.persisted() {
            session.resume();
        }
    });
    on_cleanup(move || {
        hide.remove();
        show.remove();
        session.stop();
    });
}
