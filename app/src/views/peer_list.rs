//! Who is here: host first (core orders it), each marked host and/or you.

use leptos::prelude::*;
use party_core::PeerInfo;

use crate::views::avatar::Avatar;

#[component]
pub fn PeerList(peers: RwSignal<Vec<PeerInfo>>) -> impl IntoView {
    view! {
        <aside class="card peers" aria-labelledby="peers-title">
            <h2 id="peers-title">{move || format!("Here now · {}", peers.with(Vec::len))}</h2>
            <ul class="peer-list" data-testid="peer-list">
                <For
                    each=move || peers.get()
                    key=|peer| (peer.handle.clone(), peer.name.clone(), peer.is_host, peer.is_self, peer.verified)
                    children=|peer| view! { <Peer peer /> }
                />
            </ul>
        </aside>
    }
}

#[component]
fn Peer(peer: PeerInfo) -> impl IntoView {
    let handle = peer.handle.to_string();
    let title = match (&peer.name, peer.verified) {
        (Some(name), true) => format!("{handle} ({name}), key verified"),
        (Some(name), false) => format!("{handle} ({name}), unsigned"),
        (None, true) => format!("{handle}, key verified"),
        (None, false) => format!("{handle}, unsigned"),
    };
    let label = handle.clone();
    // Next to the handle, never instead of it: the name is chosen freely (an IRC
    // nick), the handle comes from the key.
    let name = peer.name.clone();
    view! {
        <li
            class="peer"
            data-testid="peer"
            data-handle=handle
            data-host=peer.is_host.to_string()
            data-self=peer.is_self.to_string()
            title=title
        >
            <Avatar seed=peer.avatar_seed />
            <span class="peer-main">
                <span class="peer-handle">{label}</span>
                {name.map(|name| view! { <span class="peer-name" data-testid="peer-name">{format!("({name})")}</span> })}
                {peer.is_host.then(|| view! { <span class="tag host">"host"</span> })}
                {peer.is_self.then(|| view! { <span class="tag">"you"</span> })}
                {(!peer.verified).then(|| view! { <span class="tag" title="unsigned (Party v1 client)">"v1"</span> })}
            </span>
        </li>
    }
}
