//! The room page: header with the connection state, the log, the peers and the
//! composer, around one `RoomSession` that lives as long as the page shows the room.

use leptos::prelude::*;
use party_core::ids::RoomName;

use crate::identity::Identity;
use crate::room_session::RoomSession;
use crate::views::composer::Composer;
use crate::views::connection_badge::ConnectionBadge;
use crate::views::message_list::MessageList;
use crate::views::peer_list::PeerList;

/// `broker` is the broker URL, or why there is none.
#[component]
pub fn RoomView(
    room: RoomName,
    identity: Identity,
    broker: Result<String, String>,
) -> impl IntoView {
    let kind = match room.host() {
        Some(host) if host == identity.handle() => "Your room".to_owned(),
        Some(host) => format!("{host}'s room"),
        None => "Open room".to_owned(),
    };
    let heading = view! {
        <h1 data-testid="room-name">{room.to_string()}</h1>
        <span class="room-kind">{kind}</span>
    };
    let started = broker.and_then(|url| RoomSession::start(room.clone(), &identity, url));
    match started {
        Ok(session) => {
            watch_page_lifecycle(session);
            let signals = session.signals;
            view! {
                <div class="room">
                    <div class="room-head">
                        {heading}
                        <span class="spacer"></span>
                        <Rejected session />
                        <ConnectionBadge signals />
                    </div>
                    <MessageList log=signals.log />
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

/// Says goodbye when the page goes away (a `leave`, so peers see it at once rather
/// than after the timeout), comes back if the page is restored from the back/forward
/// cache, and leaves when the view itself goes.
fn watch_page_lifecycle(session: RoomSession) {
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
