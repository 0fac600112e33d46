//! The room log: messages grouped by sender, notices with their times. Text is only
//! ever text nodes and links built from pieces of it (core's `timeline::text`), so
//! whatever a peer sends shows as typed and cannot become markup.

use leptos::html::Div;
use leptos::prelude::*;
use party_core::ids::{Handle, MessageId};
use party_core::room::Delivery;
use party_core::timeline::text::{rich, Segment};
use party_core::timeline::{Line, Row, Timeline};
use party_core::{ChatMessage, Trust};

use crate::clock::local_hh_mm;
use crate::views::avatar::Avatar;
use crate::views::icons;

/// How close to the bottom (px) still counts as "reading the latest", so new lines
/// keep the view pinned there without yanking someone reading older ones.
const STICK_TO_BOTTOM_PX: i32 = 80;

/// Messages longer than this (characters) or with more lines are folded, with a
/// "Show more": one pasted log must not push the conversation off the screen.
const FOLD_ABOVE_CHARS: usize = 600;
const FOLD_ABOVE_LINES: usize = 8;

#[component]
pub fn MessageList(
    log: RwSignal<Timeline>,
    me: Handle,
    retry: Callback<MessageId>,
    /// The agents we own here: a message that calls one is marked for us.
    #[prop(into)]
    my_agents: Signal<Vec<Handle>>,
    /// Hands a message to one of our agents ("→🤖"), which answers it as a draft.
    forward: Callback<(MessageId, Handle)>,
) -> impl IntoView {
    let scroller = NodeRef::<Div>::new();
    let pinned = RwSignal::new(true);
    // Lines that arrived while scrolled up, for the "new messages" pill.
    let missed = RwSignal::new(0usize);
    let seen_len = StoredValue::new(0usize);
    Effect::new(move |_| {
        let len = log.with(|log| log.lines().len());
        let before = seen_len.get_value();
        seen_len.set_value(len);
        if let Some(element) = scroller.get() {
            if pinned.get_untracked() {
                element.set_scroll_top(element.scroll_height());
            } else if len > before {
                missed.update(|m| *m += len - before);
            }
        }
    });
    let to_bottom = move || {
        if let Some(element) = scroller.get_untracked() {
            element.set_scroll_top(element.scroll_height());
        }
        pinned.set(true);
        missed.set(0);
    };
    let on_scroll = move |_| {
        if let Some(element) = scroller.get_untracked() {
            let distance = element.scroll_height() - element.scroll_top() - element.client_height();
            let at_bottom = distance < STICK_TO_BOTTOM_PX;
            pinned.set(at_bottom);
            if at_bottom {
                missed.set(0);
            }
        }
    };
    view! {
        <section class="log-wrap" aria-label="Messages">
            <div class="log" node_ref=scroller on:scroll=on_scroll tabindex="0">
                <Show when=move || log.with(Timeline::is_empty)>
                    <p class="empty" data-testid="no-messages">"No messages yet."</p>
                </Show>
                <ol class="message-list" data-testid="message-list" aria-live="polite">
                    <For
                        each=move || log.with(Timeline::rows)
                        key=Row::key
                        children=move |row| {
                            let me = me.clone();
                            match row.line {
                                Line::Chat(message) => view! {
                                    <Message message delivery=row.delivery starts_group=row.starts_group me retry my_agents forward />
                                }
                                .into_any(),
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
                        }
                    />
                </ol>
            </div>
            <Show when=move || { missed.get() > 0 }>
                <button type="button" class="new-pill" data-testid="new-messages" on:click=move |_| to_bottom()>
                    "↓ new messages"
                </button>
            </Show>
        </section>
    }
}

#[component]
fn Message(
    message: ChatMessage,
    delivery: Option<Delivery>,
    starts_group: bool,
    me: Handle,
    retry: Callback<MessageId>,
    my_agents: Signal<Vec<Handle>>,
    forward: Callback<(MessageId, Handle)>,
) -> impl IntoView {
    let forward_id = message.id.clone();
    let from_my_agent = message.handle.clone();
    let hand_on = move || {
        my_agents.with(|agents| {
            agents
                .iter()
                .find(|agent| **agent != from_my_agent)
                .cloned()
        })
    };
    let calls_mine = {
        let text = message.text.clone();
        move || {
            my_agents.with(|agents| {
                agents
                    .iter()
                    .any(|agent| party_core::policy::mentions(&text, agent, None))
            })
        }
    };
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
        owner,
        ..
    } = message;
    let impostor = trust == Trust::Impostor;
    let agent = handle.is_bot();
    let status = delivery.and_then(status_word);
    let failed = delivery == Some(Delivery::Failed);
    let retry_id = id.clone();
    let rich = rich(&text, &me);
    let foldable =
        text.chars().count() > FOLD_ABOVE_CHARS || text.lines().count() > FOLD_ABOVE_LINES;
    let folded = RwSignal::new(foldable);
    let sender = handle.to_string();
    let time = local_hh_mm(t);
    let header = starts_group.then(|| {
        view! {
            <div class="message-meta">
                <a class="message-sender" data-testid="message-sender" href=format!("./{sender}")>{sender.clone()}</a>
                {name.clone().map(|name| view! { <span class="message-name">{format!("({name})")}</span> })}
                {agent.then(|| view! { <span class="tag agent" title="an AI agent">{icons::robot()}<span class="visually-hidden">"agent"</span></span> })}
                {owner.map(|owner| view! { <span class="message-owner" data-testid="message-owner">{format!("for {owner}")}</span> })}
                <time class="message-time" data-testid="message-time">{time.clone()}</time>
                <TrustTag trust />
                {history.then(|| view! { <span class="tag history-tag" title="replayed from before you came">"earlier"</span> })}
            </div>
        }
    });
    view! {
        <li
            class="message"
            class:group-start=starts_group
            class:impostor=impostor
            class:agent=agent
            class:mention=rich.mentions_me
            class:calls-my-agent=calls_mine.clone()
            data-calls-my-agent=move || calls_mine().to_string()
            class:action=rich.action
            class:history=history
            data-testid="message"
            data-id=id.to_string()
            data-handle=handle.to_string()
            data-verified=verified.to_string()
            data-trust=trust_word(trust)
            data-impostor=impostor.to_string()
            data-agent=agent.to_string()
            data-history=history.to_string()
            data-mention=rich.mentions_me.to_string()
            data-status=status
        >
            <span class="message-avatar">
                {starts_group.then(|| view! { <Avatar seed=avatar_seed /> })}
            </span>
            <div class="message-body">
                {header}
                {(!starts_group).then(|| view! {
                    <span class="visually-hidden" data-testid="message-sender">{format!("{handle} at {time}: ")}</span>
                })}
                <p class="message-text" class:folded=move || folded.get() data-testid="message-text">
                    {rich.action.then(|| view! { <span class="action-actor">{format!("* {handle} ")}</span> })}
                    {rich.segments.into_iter().map(segment_view).collect_view()}
                </p>
                {foldable.then(|| view! {
                    <button type="button" class="link-button" data-testid="show-more" on:click=move |_| folded.update(|f| *f = !*f)>
                        {move || if folded.get() { "Show more" } else { "Show less" }}
                    </button>
                })}
                {move || hand_on().map(|agent| {
                    let id = forward_id.clone();
                    let title = format!("Hand this to {agent}, which answers it as a draft for you");
                    view! {
                        <button type="button" class="link-button forward" data-testid="forward" title=title.clone() aria-label=title
                            on:click=move |_| forward.run((id.clone(), agent.clone()))>
                            "→"{icons::robot()}
                        </button>
                    }
                })}
                {(delivery == Some(Delivery::Pending)).then(|| view! {
                    <span class="delivery" data-testid="delivery">"not sent yet"</span>
                })}
                {failed.then(|| view! {
                    <span class="delivery failed" data-testid="delivery">
                        "not sent "
                        <button type="button" class="link-button" data-testid="retry" on:click=move |_| retry.run(retry_id.clone())>
                            "Retry"
                        </button>
                    </span>
                })}
            </div>
        </li>
    }
}

/// One piece of a message: text stays text; links open elsewhere and tell nothing
/// about where they came from; handles lead to that handle's room.
fn segment_view(segment: Segment) -> AnyView {
    match segment {
        Segment::Text(text) => text.into_any(),
        Segment::Link(url) => {
            let href = url.clone();
            view! { <a href=href target="_blank" rel="noopener noreferrer">{url}</a> }.into_any()
        }
        Segment::Handle { text, handle } => view! {
            <a class="handle-link" href=format!("./{handle}")>{text}</a>
        }
        .into_any(),
        Segment::Mention { text, .. } => view! { <mark class="mention">{text}</mark> }.into_any(),
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

/// How far the sender is known to be who it claims: a small mark, with a hover text.
/// Verified senders carry no mark (that is the norm); the rest do.
#[component]
pub fn TrustTag(trust: Trust) -> impl IntoView {
    let (class, label, title) = match trust {
        Trust::Verified => (
            "tag verified",
            "✓",
            "verified: signed, and the key matches the one known for this handle",
        ),
        Trust::Unverified => (
            "tag unverified",
            "v1",
            "unverified: not signed (a Party v1 client), so this may not be who it claims",
        ),
        Trust::Impostor => (
            "tag impostor",
            "⚠ impostor",
            "signed with another key than the one known for this handle: this is not who it claims",
        ),
        Trust::Contested => (
            "tag contested",
            "⚠ contested",
            "two keys claim this handle here; neither can be trusted as it until you check the host's link",
        ),
    };
    view! { <span class=class title=title aria-label=title>{label}</span> }
}
