//! The room page: header with the host and the connection state, the log, the peers
//! and the composer, around the room's `RoomSession`, which the rooms registry keeps
//! while the person is elsewhere.

use leptos::prelude::*;
use party_core::ids::RoomName;
use party_core::share_link::HostLink;

use crate::identity::Identity;
use crate::room_session::RoomSession;
use crate::rooms::Rooms;
use crate::views::avatar::{Avatar, LinkAvatar};
use crate::views::composer::Composer;
use crate::views::connection_badge::ConnectionBadge;
use crate::views::message_list::MessageList;
use crate::views::peer_list::PeerList;

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
    let kind = match room.host() {
        Some(_) if own => "Your party".to_owned(),
        Some(host) => format!("{host}'s party"),
        None => "Open room".to_owned(),
    };
    let face = if own {
        Some(view! { <Avatar seed=identity.avatar_seed() /> }.into_any())
    } else {
        link.identicon()
            .map(|icon| view! { <LinkAvatar icon /> }.into_any())
    };
    let heading = view! {
        <span class="room-face" data-testid="room-host-avatar">{face}</span>
        <h1 data-testid="room-name">{room.to_string()}</h1>
        <span class="room-kind">{kind}</span>
    };
    if own {
        show_own_link(&identity);
    }
    let damaged_key = matches!(link.key, Some(Err(_)));
    let host_key = link.key.and_then(Result::ok);
    let started = broker.and_then(|url| rooms.enter(&room, &identity, url, host_key));
    match started {
        Ok(session) => {
            rooms.current.set(Some(room.clone()));
            on_cleanup(move || rooms.current.set(None));
            let signals = session.signals;
            view! {
                <div class="room">
                    <div class="room-head">
                        {heading}
                        <span class="spacer"></span>
                        <Rejected session />
                        <ConnectionBadge signals />
                    </div>
                    {damaged_key.then(|| view! {
                        <p class="warning-banner" role="alert" data-testid="link-key-damaged">
                            "This link's host key is damaged, so the host is recognised by the first key seen. Ask the host for their link again."
                        </p>
                    })}
                    <MessageList log=signals.log retry=Callback::new(move |id| {
                        if let Err(why) = session.retry(&id) {
                            leptos::logging::warn!("party: retry refused: {why}");
                        }
                    }) />
                    <PeerList peers=signals.peers />
                    <Composer session />
                </div>
            }
            .into_any()
        }
        Err(why) => view! {
            <div class="stack narrow">
                <div class="room-head">{heading}</div>
                <section class="card">
                    <h2>"Cannot open this room"</h2>
                    <p class="error" role="alert" data-testid="room-error">{why}</p>
                </section>
            </div>
        }
        .into_any(),
    }
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

/// How many envelopes core refused, with the latest reason on hover.
#[component]
fn Rejected(session: RoomSession) -> impl IntoView {
    let rejections = session.signals.rejections;
    move || {
        rejections.with(|r| {
            (r.count > 0).then(|| {
                let title = r.last_reason.clone().unwrap_or_default();
                view! {
                    <span class="badge-detail" title=title data-testid="rejected-count">
                        {format!("{} rejected", r.count)}
                    </span>
                }
            })
        })
    }
}
