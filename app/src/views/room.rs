//! The room page: header with the host and the connection state, the log, the peers
//! and the composer, around the room's `RoomSession`, which the rooms registry keeps
//! while the person is elsewhere.

use leptos::prelude::*;
use party_core::ids::{Handle, MessageId, RoomName};
use party_core::share_link::HostLink;
use party_core::{HostAction, PeerInfo};

use crate::frame::page_visible;
use crate::identity::Identity;
use crate::nav::Nav;
use crate::room_session::{ConnectionState, RoomSession, Unread};
use crate::rooms::Rooms;
use crate::views::agents_panel::AgentsPanel;
use crate::views::avatar::{Avatar, LinkAvatar};
use crate::views::composer::Composer;
use crate::views::drafts::Drafts;
use crate::views::message_list::MessageList;
use crate::views::offline_banner::OfflineBanner;
use crate::views::peer_list::PeerList;
use crate::views::room_header::RoomHeader;
use crate::views::share_button::{room_link, ShareButton};

/// `broker` is the broker URL, or why there is none; `link` is what the address's
/// fragment says about the host.
#[component]
pub fn RoomView(
    room: RoomName,
    identity: Identity,
    broker: Result<String, String>,
    link: HostLink,
    rooms: Rooms,
) -> impl IntoView {
    let own = room.host() == Some(identity.handle());
    let seed = identity.avatar_seed();
    let icon = link.identicon();
    let face = move || {
        if own {
            Some(view! { <Avatar seed=seed.clone() /> }.into_any())
        } else {
            icon.map(|icon| view! { <LinkAvatar icon /> }.into_any())
        }
    };
    if own {
        show_own_link(&identity);
    }
    let damaged_key = matches!(link.key, Some(Err(_)));
    let host_key = link.key.and_then(Result::ok);
    let broker_url = broker.clone().ok();
    let started = broker.and_then(|url| rooms.enter(&room, &identity, url, host_key));
    match started {
        Ok(session) => {
            let signals = session.signals;
            rooms.current.set(Some(room.clone()));
            signals.on_screen.set(true);
            on_cleanup(move || {
                rooms.current.set(None);
                signals.on_screen.set(false);
            });
            mark_read_while_seen(session);
            let drawer_open = RwSignal::new(false);
            let agents_open = RwSignal::new(false);
            let nav = use_context::<Nav>();
            let leaving = room.clone();
            let agents_room = room.clone();
            let alone_room = room.clone();
            let me = identity.handle();
            let panel_me = me.clone();
            let owner_me = me.clone();
            let my_agents = Signal::derive(move || {
                signals.peers.with(|peers| {
                    peers
                        .iter()
                        .filter(|p| p.owner.as_ref() == Some(&owner_me))
                        .map(|p| p.handle.clone())
                        .collect::<Vec<_>>()
                })
            });
            let on_leave = Callback::new(move |()| {
                rooms.leave(&leaving);
                let next = if rooms.names.with_untracked(Vec::is_empty) {
                    "./"
                } else {
                    "./rooms"
                };
                if let Some(nav) = nav {
                    if let Err(why) = nav.go(next) {
                        leptos::logging::warn!("party: after leaving: {why}");
                    }
                }
            });
            view! {
                <div class="room" data-testid="room">
                    <RoomHeader room=room.clone() own face=face() session drawer_open agents_open on_leave />
                    <OfflineBanner session />
                    {damaged_key.then(|| view! {
                        <p class="warning-banner" role="alert" data-testid="link-key-damaged">
                            "This link's host key is damaged, so the host is recognised by the first key seen. Ask the host for their link again."
                        </p>
                    })}
                    <Show when=move || agents_open.get()>
                        <AgentsPanel room=agents_room.clone() broker=broker_url.clone() session own open=agents_open me=panel_me.clone() />
                    </Show>
                    <Alone session room=alone_room.clone() />
                    <div class="room-body">
                        <MessageList log=signals.log me my_agents=my_agents forward=Callback::new(move |(id, agent): (MessageId, Handle)| {
                            if let Err(why) = session.forward(&id, &agent) {
                                signals.detail.set(Some(why));
                            }
                        }) retry=Callback::new(move |id| {
                            if let Err(why) = session.retry(&id) {
                                signals.detail.set(Some(why));
                            }
                        }) />
                        <PeerList
                            peers=signals.peers
                            live=Signal::derive(move || signals.state.get() == ConnectionState::Live)
                            open=drawer_open
                            log=signals.log
                            moderate=own.then(|| Callback::new(move |action: HostAction| {
                                if let Err(why) = session.host_action(action) {
                                    signals.detail.set(Some(why));
                                }
                            }))
                        />
                    </div>
                    <Drafts session />
                    <Composer session />
                </div>
            }
            .into_any()
        }
        Err(why) => view! {
            <div class="stack narrow">
                <header class="room-head">
                    <span class="room-face" data-testid="room-host-avatar">{face()}</span>
                    <h1 data-testid="room-name">{room.to_string()}</h1>
                </header>
                <section class="card">
                    <h2>"Cannot open this room"</h2>
                    <p class="error" role="alert" data-testid="room-error">{why}</p>
                </section>
            </div>
        }
        .into_any(),
    }
}

/// Alone in the room: say so, and offer the link that brings others in.
#[component]
fn Alone(session: RoomSession, room: RoomName) -> impl IntoView {
    let signals = session.signals;
    let alone = move || {
        signals.state.get() == ConnectionState::Live
            && signals
                .peers
                .with(|peers| peers.iter().all(|p: &PeerInfo| p.is_self))
    };
    let title = format!("Party room {room}");
    view! {
        <Show when=alone>
            <div class="alone" data-testid="alone">
                <span>"You are the only one here. Send the link to bring people in."</span>
                <ShareButton link=Signal::derive(room_link) title=title.clone() />
            </div>
        </Show>
    }
}

/// What arrives while the room is on screen and the tab in front is read.
fn mark_read_while_seen(session: RoomSession) {
    let signals = session.signals;
    let clear = move || {
        if page_visible() && signals.unread.get_untracked() != Unread::default() {
            signals.unread.set(Unread::default());
        }
    };
    clear();
    let listener = window_event_listener_untyped("visibilitychange", move |_| clear());
    on_cleanup(move || listener.remove());
}

/// In your own party the address bar carries your share link (avatar and key in the
/// fragment), so copying the address shares the right thing. Only here: other
/// pages keep their own address (v1 wrote its fragment onto other pages).
fn show_own_link(identity: &Identity) {
    let fragment = HostLink::fragment(&identity.avatar_seed(), &identity.public_key());
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    if location.hash().ok().as_deref() == Some(&format!("#{fragment}")) {
        return;
    }
    if let Ok(history) = window.history() {
        let url = format!(
            "{}{}#{fragment}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        // Without history access the address just stays as it is.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
