//! Who is here: host first (core orders it), each marked host and/or you.

use leptos::prelude::*;
use party_core::{PeerInfo, Trust};

use crate::views::avatar::Avatar;
use crate::views::message_list::{trust_word, TrustTag};

#[component]
pub fn PeerList(peers: RwSignal<Vec<PeerInfo>>) -> impl IntoView {
    view! {
        <aside class="card peers" aria-labelledby="peers-title">
            <h2 id="peers-title">{move || format!("Here now · {}", peers.with(Vec::len))}</h2>
            <ul class="peer-list" data-testid="peer-list">
                <For
                    each=move || peers.get()
                    key=|peer| (peer.peer_id.clone(), peer.name.clone(), peer.is_host, peer.is_self, peer.trust)
                    children=|peer| view! { <Peer peer /> }
                />
            </ul>
        </aside>
    }
}

#[component]
fn Peer(peer: PeerInfo) -> impl IntoView {
    let handle = peer.handle.to_string();
    let standing = match peer.trust {
        Trust::Verified => "key verified",
        Trust::Unverified => "unsigned",
        Trust::Impostor => "IMPOSTOR: another key than this handle's",
        Trust::Contested => "contested: another key claims this handle too",
    };
    let title = match &peer.name {
        Some(name) => format!("{handle} ({name}), {standing}"),
        None => format!("{handle}, {standing}"),
    };
    let impostor = peer.trust == Trust::Impostor;
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
            data-trust=trust_word(peer.trust)
            data-impostor=impostor.to_string()
            class:impostor=impostor
            title=title
        >
            <Avatar seed=peer.avatar_seed />
            <span class="peer-main">
                <span class="peer-handle">{label}</span>
                {name.map(|name| view! { <span class="peer-name" data-testid="peer-name">{format!("({name})")}</span> })}
                {peer.is_host.then(|| view! { <span class="tag host">"host"</span> })}
                {peer.is_self.then(|| view! { <span class="tag">"you"</span> })}
                {match peer.trust {
                    Trust::Verified => None,
                    Trust::Unverified => Some(view! { <span class="tag" title="unsigned (Party v1 client)">"v1"</span> }.into_any()),
                    trust => Some(view! { <TrustTag trust /> }.into_any()),
                }}
            </span>
        </li>
    }
}
