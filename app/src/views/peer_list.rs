//! Who is here: host first (core orders it), each with small marks (host, you, v1,
//! agent) rather than a line each. A sidebar on a wide screen, a drawer opened from
//! the header's count on a phone. While offline it says it may be out of date
//! instead of claiming people are here.

use leptos::prelude::*;
use party_core::timeline::Timeline;
use party_core::{HostAction, PeerInfo, Trust};

use crate::clock::now_ms;

/// How long the host's Mute lasts.
const MUTE_MS: u64 = 60 * 60_000;

use crate::views::avatar::Avatar;
use crate::views::icons;
use crate::views::message_list::{trust_word, TrustTag};

#[component]
pub fn PeerList(
    peers: RwSignal<Vec<PeerInfo>>,
    #[prop(into)] live: Signal<bool>,
    open: RwSignal<bool>,
    /// The host's kick and mute, on everyone but itself (`None`: not the host).
    moderate: Option<Callback<HostAction>>,
    /// The room's log, which knows whom the host muted.
    log: RwSignal<Timeline>,
) -> impl IntoView {
    view! {
        <aside
            class="peers"
            id="peers-drawer"
            class:open=move || open.get()
            class:stale=move || !live.get()
            aria-labelledby="peers-title"
            data-testid="peers"
        >
            <div class="peers-head">
                <h2 id="peers-title">
                    {move || match live.get() {
                        true => format!("Here now · {}", peers.with(Vec::len)),
                        false => "Last seen here (offline)".to_owned(),
                    }}
                </h2>
                <button type="button" class="ghost peers-close" aria-label="Close the list" on:click=move |_| open.set(false)>
                    "✕"
                </button>
            </div>
            <ul class="peer-list" data-testid="peer-list">
                <For
                    each=move || peers.get()
                    key=|peer| (peer.peer_id.clone(), peer.name.clone(), peer.is_host, peer.is_self, peer.trust, peer.owner.clone())
                    children=move |peer| view! { <Peer peer moderate log /> }
                />
            </ul>
        </aside>
    }
}

#[component]
fn Peer(
    peer: PeerInfo,
    moderate: Option<Callback<HostAction>>,
    log: RwSignal<Timeline>,
) -> impl IntoView {
    let handle_for_mute = peer.handle.clone();
    let muted = Memo::new(move |_| log.with(|log| log.is_muted(&handle_for_mute, now_ms())));
    let controls = moderate
        .filter(|_| !peer.is_self && !peer.is_host)
        .map(|moderate| {
            let kick = peer.handle.clone();
            let mute = peer.handle.clone();
            view! {
                <span class="peer-actions">
                    <button type="button" class="link-button" data-testid="mute"
                        title=move || if muted.get() { "Let them be heard again" } else { "Nothing they say is shown, for an hour" }
                        on:click=move |_| {
                            let for_ms = if muted.get_untracked() { 0 } else { MUTE_MS };
                            moderate.run(HostAction::Mute { handle: mute.clone(), for_ms });
                        }>
                        {move || if muted.get() { "Unmute" } else { "Mute" }}
                    </button>
                    <button type="button" class="link-button" data-testid="kick" title="Out of the room, for 10 minutes"
                        on:click=move |_| moderate.run(HostAction::Kick { handle: kick.clone(), for_ms: None })>
                        "Kick"
                    </button>
                </span>
            }
        });
    let handle = peer.handle.to_string();
    let standing = match peer.trust {
        Trust::Verified => "key verified",
        Trust::Unverified => "unsigned (Party v1 client)",
        Trust::Impostor => "IMPOSTOR: another key than this handle's",
        Trust::Contested => "contested: another key claims this handle too",
    };
    let title = match &peer.name {
        Some(name) => format!("{handle} ({name}), {standing}"),
        None => format!("{handle}, {standing}"),
    };
    let impostor = peer.trust == Trust::Impostor;
    let agent = peer.handle.is_bot();
    // Next to the handle, never instead of it: the name is chosen freely (an IRC
    // nick), the handle comes from the key.
    let name = peer.name.clone();
    let href = format!("./{handle}");
    let label = handle.clone();
    view! {
        <li
            class="peer"
            data-testid="peer"
            data-handle=handle.clone()
            data-host=peer.is_host.to_string()
            data-self=peer.is_self.to_string()
            data-trust=trust_word(peer.trust)
            data-impostor=impostor.to_string()
            class:impostor=impostor
            class:muted=move || muted.get()
            data-muted=move || muted.get().to_string()
            title=title
        >
            <Avatar seed=peer.avatar_seed />
            <span class="peer-main">
                <a class="peer-handle" href=href>{label}</a>
                {name.map(|name| view! { <span class="peer-name" data-testid="peer-name">{format!("({name})")}</span> })}
                {peer.is_host.then(|| view! { <span class="tag host" title="the host of this party">"host"</span> })}
                {peer.is_self.then(|| view! { <span class="tag you">"you"</span> })}
                {agent.then(|| view! { <span class="tag agent" title="an AI agent">{icons::robot()}<span class="visually-hidden">"agent"</span></span> })}
                {peer.owner.clone().map(|owner| view! { <span class="peer-owner" data-testid="peer-owner">{format!("for {owner}")}</span> })}
                {(peer.trust != Trust::Verified).then(|| view! { <TrustTag trust=peer.trust /> })}
            </span>
            {controls}
        </li>
    }
}
