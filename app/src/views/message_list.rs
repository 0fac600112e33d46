//! The room log. Text is only ever a text node (no inner_html), so whatever a peer
//! sends shows as typed and cannot become markup.

use leptos::html::Div;
use leptos::prelude::*;
use party_core::ChatMessage;

use crate::clock::local_hh_mm;
use crate::room_log::{LogLine, RoomLog};
use crate::views::avatar::Avatar;

/// How close to the bottom (px) still counts as "reading the latest", so new lines
/// keep the view pinned there without yanking someone reading older ones.
const STICK_TO_BOTTOM_PX: i32 = 80;

#[component]
pub fn MessageList(log: RwSignal<RoomLog>) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let pinned = RwSignal::new(true);
    Effect::new(move |_| {
        log.track();
        if let (Some(element), true) = (scroller.get(), pinned.get_untracked()) {
            element.set_scroll_top(element.scroll_height());
        }
    });
    let on_scroll = move |_| {
        if let Some(element) = scroller.get_untracked() {
            let distance = element.scroll_height() - element.scroll_top() - element.client_height();
            pinned.set(distance < STICK_TO_BOTTOM_PX);
        }
    };
    view! {
        <div class="card log" node_ref=scroller on:scroll=on_scroll>
            <Show when=move || log.with(|log| log.lines().is_empty())>
                <p class="empty">"No messages yet. Say hello."</p>
            </Show>
            <ol class="message-list" data-testid="message-list" aria-live="polite">
                <For
                    each=move || log.with(|log| log.lines().to_vec())
                    key=LogLine::key
                    children=|line| match line {
                        LogLine::Chat(message) => view! { <Message message /> }.into_any(),
                        LogLine::System { text, alarm, .. } => view! {
                            <li class="system-line" class:alarm=alarm data-testid="system-line">{text}</li>
                        }
                        .into_any(),
                    }
                />
            </ol>
        </div>
    }
}

#[component]
fn Message(message: ChatMessage) -> impl IntoView {
    let ChatMessage {
        id,
        handle,
        avatar_seed,
        name,
        text,
        t,
        verified,
        history,
        ..
    } = message;
    view! {
        <li
            class="message"
            data-testid="message"
            data-id=id.to_string()
            data-verified=verified.to_string()
            data-history=history.to_string()
        >
            <Avatar seed=avatar_seed />
            <div class="message-meta">
                <span class="message-sender" data-testid="message-sender">{handle.to_string()}</span>
                {name.map(|name| view! { <span class="message-name">{format!("({name})")}</span> })}
                <time class="message-time" data-testid="message-time">{local_hh_mm(t)}</time>
                {if verified {
                    view! { <span class="verified" title="signed, and the key matches the one pinned for this handle">"✓ verified"</span> }.into_any()
                } else {
                    view! { <span class="unverified" title="not signed or not verifiable: this may not be who it claims">"unverified"</span> }.into_any()
                }}
                {history.then(|| view! { <span class="history-tag">"history"</span> })}
            </div>
            <p class="message-text" data-testid="message-text">{text}</p>
        </li>
    }
}
