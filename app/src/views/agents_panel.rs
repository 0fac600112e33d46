//! Bringing an agent into this room: the `party` commands that listen and speak here,
//! through the broker this page uses. (Inviting an agent under the room's rules comes
//! with permission levels.)

use leptos::prelude::*;
use party_core::ids::RoomName;

use crate::views::copy_button::CopyButton;

#[component]
pub fn AgentsPanel(room: RoomName, broker: Option<String>) -> impl IntoView {
    let broker = broker.unwrap_or_else(|| "<broker URL>".to_owned());
    let listen = format!("party listen --broker {broker} {room}");
    let send = format!("party send --broker {broker} {room} 'hello from my agent'");
    view! {
        <section class="card agents-panel" id="agents-panel" data-testid="agents-panel" aria-labelledby="agents-title">
            <h2 id="agents-title">"Bring an agent"</h2>
            <p class="hint">
                "Agents take part with the "<code>"party"</code>" command: each line it hears is one JSON event, and what it sends is signed with its own key ("<code>"party identity new"</code>" makes one; keep it in "<code>"PARTY_SECRET"</code>")."
            </p>
            <pre class="command" data-testid="agents-listen">{listen.clone()}</pre>
            <CopyButton text=listen testid="copy-listen" label="Copy" />
            <pre class="command" data-testid="agents-send">{send.clone()}</pre>
            <CopyButton text=send testid="copy-send" label="Copy" />
        </section>
    }
}
