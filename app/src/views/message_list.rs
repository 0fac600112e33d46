//! The room log. Text is only ever a text node (no inner_html), so whatever a peer
//! sends shows as typed and cannot become markup.

use leptos::html::Div;
use leptos::prelude::*;
use party_core::ids::MessageId;
use party_core::room::Delivery;
use party_core::timeline::{Line, Row, Timeline};
use party_core::{ChatMessage, Trust};

use crate::clock::local_hh_mm;
use crate::views::avatar::Avatar;

/// How close to the bottom (px) still counts as "reading the latest", so new lines
/// keep the view pinned there without yanking someone reading older ones.
const STICK_TO_BOTTOM_PX: i32 = 80;

#[component]
pub fn MessageList(log: RwSignal<Timeline>, retry: Callback<MessageId>) -> impl IntoView {
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
            <Show when=move || log.with(Timeline::is_empty)>
                <p class="empty">"No messages yet. Say hello."</p>
            </Show>
            <ol class="message-list" data-testid="message-list" aria-live="polite">
                <For
                    each=move || log.with(Timeline::rows)
                    key=Row::key
                    children=move |row| match row.line {
                        Line::Chat(message) => {
                            view! { <Message message delivery=row.delivery retry /> }.into_any()
                        }
                        Line::Notice { t, notice, .. } => {
                            let alarm = notice.is_alarm();
                            view! {
                                <li class="system-line" class:alarm=alarm data-testid="system-line">
                                    <time class="message-time">{local_hh_mm(t)}</time>
                                    " "
                                    {notice.text(&local_hh_mm)}
                                </li>
                            }
                            .into_any()
                        }
                    }
                />
            </ol>
        </div>
    }
}

#[component]
fn Message(
    message: ChatMessage,
    delivery: Option<Delivery>,
    retry: Callback<MessageId>,
) -> impl IntoView {
    let ChatMessage {
        id,
        handle,
        avatar_seed,
        name,
        text,
        t,
        verified,
        trust,
        history,
        ..
    } = message;
    let impostor = trust == Trust::Impostor;
    let status = delivery.and_then(status_word);
    let failed = delivery == Some(Delivery::Failed);
    let retry_id = id.clone();
    view! {
        <li
            class="message"
            class:impostor=impostor
            data-testid="message"
            data-id=id.to_string()
            data-verified=verified.to_string()
            data-trust=trust_word(trust)
            data-impostor=impostor.to_string()
            data-history=history.to_string()
            data-status=status
        >
            <Avatar seed=avatar_seed />
            <div class="message-meta">
                <span class="message-sender" data-testid="message-sender">{handle.to_string()}</span>
                {name.map(|name| view! { <span class="message-name">{format!("({name})")}</span> })}
                <time class="message-time" data-testid="message-time">{local_hh_mm(t)}</time>
                <TrustTag trust />
                {history.then(|| view! { <span class="history-tag">"history"</span> })}
            </div>
            <p class="message-text" data-testid="message-text">{text}</p>
            {(delivery == Some(Delivery::Pending)).then(|| view! {
                <span class="delivery" data-testid="delivery">"not sent yet"</span>
            })}
            {failed.then(|| view! {
                <span class="delivery failed" data-testid="delivery">
                    "not sent "
                    <button type="button" data-testid="retry" on:click=move |_| retry.run(retry_id.clone())>
                        "Retry"
                    </button>
                </span>
            })}
        </li>
    }
}

/// The `data-status` word of our own message (`Retried` lines are gone already).
fn status_word(delivery: Delivery) -> Option<&'static str> {
    match delivery {
        Delivery::Pending => Some("pending"),
        Delivery::Sent => Some("sent"),
        Delivery::Failed => Some("failed"),
        Delivery::Retried => None,
    }
}

/// The `data-trust` word (as core's events spell it).
pub fn trust_word(trust: Trust) -> &'static str {
    match trust {
        Trust::Verified => "verified",
        Trust::Unverified => "unverified",
        Trust::Impostor => "impostor",
        Trust::Contested => "contested",
    }
}

/// How far the sender is known to be who it claims, in a word and a hover text.
#[component]
pub fn TrustTag(trust: Trust) -> impl IntoView {
    let (class, label, title) = match trust {
        Trust::Verified => (
            "verified",
            "✓ verified",
            "signed, and the key matches the one known for this handle",
        ),
        Trust::Unverified => (
            "unverified",
            "unverified",
            "not signed (a Party v1 client): this may not be who it claims",
        ),
        Trust::Impostor => (
            "impostor",
            "⚠ impostor",
            "signed with another key than the one known for this handle: this is not who it claims",
        ),
        Trust::Contested => (
            "contested",
            "⚠ contested",
            "two keys claim this handle here; neither can be trusted as it until you check the host's link",
        ),
    };
    view! { <span class=class title=title>{label}</span> }
}
