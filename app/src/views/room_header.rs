//! The room's header: which room, whose party and whether the host is here, who is
//! here (a count that opens the list on a phone), Share, agents, Leave, and the
//! connection in words. Compact, so a phone keeps its screen for the conversation.

use leptos::prelude::*;
use party_core::ids::{Handle, RoomName};
use party_core::{PeerInfo, Trust};

use crate::room_session::{ConnectionState, RoomSession};
use crate::views::connection_badge::ConnectionBadge;
use crate::views::icons;
use crate::views::share_button::{room_link, ShareButton};

/// Whether the host of a party is here, as the header says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostStatus {
    Here,
    /// Here, unsigned: a Party v1 client cannot sign, nothing contradicts it.
    Unverified,
    /// Was here and went.
    Left,
    /// Not seen since we came.
    NotYet,
}

impl HostStatus {
    fn of(peers: &[PeerInfo], host: &Handle, seen: bool) -> HostStatus {
        match peers.iter().find(|p| p.is_host && &p.handle == host) {
            Some(p) if p.trust == Trust::Verified => HostStatus::Here,
            Some(_) => HostStatus::Unverified,
            None if seen => HostStatus::Left,
            None => HostStatus::NotYet,
        }
    }

    fn word(self) -> &'static str {
        match self {
            HostStatus::Here => "here",
            HostStatus::Unverified => "unverified",
            HostStatus::Left => "left",
            HostStatus::NotYet => "absent",
        }
    }

    fn text(self) -> &'static str {
        match self {
            HostStatus::Here => "host here",
            HostStatus::Unverified => "host unverified (v1 client)",
            HostStatus::Left => "the host left",
            HostStatus::NotYet => "host not here yet",
        }
    }
}

#[component]
pub fn RoomHeader(
    room: RoomName,
    /// Our own party.
    own: bool,
    /// The host's face (from our identity, or the link's `a=`).
    face: Option<AnyView>,
    session: RoomSession,
    drawer_open: RwSignal<bool>,
    agents_open: RwSignal<bool>,
    on_leave: Callback<()>,
) -> impl IntoView {
    let signals = session.signals;
    let peers = signals.peers;
    let state = signals.state;
    let host_seen = RwSignal::new(false);
    let host = room.host();
    let status = host.clone().map(|host| {
        Memo::new(move |_| {
            let status =
                peers.with(|peers| HostStatus::of(peers, &host, host_seen.get_untracked()));
            if matches!(status, HostStatus::Here | HostStatus::Unverified) {
                host_seen.set(true);
            }
            status
        })
    });
    let kind = match &host {
        Some(_) if own => "Your party".to_owned(),
        Some(host) => format!("{host}'s party"),
        None => "Open room".to_owned(),
    };
    let live = move || state.get() == ConnectionState::Live;
    let title = format!("Party room {room}");
    view! {
        <header class="room-head" aria-label="Room">
            <span class="room-face" data-testid="room-host-avatar">{face}</span>
            <div class="room-title">
                <h1 data-testid="room-name">{room.to_string()}</h1>
                <span class="room-kind">
                    {kind}
                    {(!own).then(|| status.map(|status| view! {
                        " · "
                        <span
                            class="host-status"
                            data-testid="host-status"
                            data-status=move || status.get().word()
                            class:calm=move || status.get() == HostStatus::Unverified
                        >
                            {move || status.get().text()}
                        </span>
                    }))}
                </span>
                <span class="room-state">
                    <ConnectionBadge signals />
                    <Rejected session />
                    <Held session />
                </span>
                {move || signals.log.with(|log| log.description().map(str::to_owned)).map(|text| view! {
                    <p class="room-description" data-testid="room-description">{text}</p>
                })}
            </div>
            <span class="spacer"></span>
            <button
                type="button"
                class="ghost peers-toggle"
                data-testid="peers-toggle"
                aria-controls="peers-drawer"
                aria-expanded=move || drawer_open.get().to_string()
                on:click=move |_| drawer_open.update(|open| *open = !*open)
                title="Who is here"
            >
                {icons::people()}
                {move || match live() {
                    true => peers.with(Vec::len).to_string(),
                    false => "–".to_owned(),
                }}
                <span class="visually-hidden">" people here"</span>
            </button>
            <ShareButton link=Signal::derive(room_link) title />
            <button
                type="button"
                class="ghost"
                data-testid="agents"
                aria-controls="agents-panel"
                aria-expanded=move || agents_open.get().to_string()
                on:click=move |_| agents_open.update(|open| *open = !*open)
                title="Bring an agent into this room"
            >
                {icons::robot()}
                <span class="btn-label">"Agents"</span>
            </button>
            <button type="button" class="ghost" data-testid="leave-room" on:click=move |_| on_leave.run(())>
                "Leave"
            </button>
        </header>
    }
}

/// How many messages the room's rules held back (agents beyond their level or rate,
/// kicked or muted handles), with the latest reason: never shown, never lost without a
/// word.
#[component]
fn Held(session: RoomSession) -> impl IntoView {
    let log = session.signals.log;
    move || {
        log.with(|log| {
            let (count, why) = log.hidden();
            (count > 0).then(|| {
                let title = why.unwrap_or_default().to_owned();
                let plural = if count == 1 { "" } else { "s" };
                view! {
                    <span class="badge-detail" title=title data-testid="held-count">
                        {format!("{count} message{plural} hidden by the room's rules")}
                    </span>
                }
            })
        })
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
