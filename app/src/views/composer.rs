//! Writing to the room. Enter sends, Shift+Enter breaks the line. Offline is a state,
//! not a lock: what is sent meanwhile waits, marked, and goes out on reconnect. Text
//! core refuses stays in the box with core's reason, so nothing typed is ever dropped
//! silently.

use leptos::html::Textarea;
use leptos::prelude::*;
use party_core::limits::MAX_TEXT_CHARS;

use crate::room_session::{ConnectionState, RoomSession};

#[component]
pub fn Composer(session: RoomSession) -> impl IntoView {
    let state = session.signals.state;
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let input = NodeRef::<Textarea>::new();
    let chars = move || text.with(|text| text.chars().count());
    let over = move || chars() > MAX_TEXT_CHARS;
    let empty = move || text.with(|text| text.trim().is_empty());
    // The counter shows only near the limit: it is noise the rest of the time.
    let near_limit = move || chars() * 10 >= MAX_TEXT_CHARS * 9;
    // Ready to type on entering the room.
    Effect::new(move |_| {
        if let Some(element) = input.get() {
            let _ = element.focus();
        }
    });

    let send = move || {
        let draft = text.get_untracked();
        if draft.trim().is_empty() {
            return;
        }
        match session.send_text(&draft) {
            Ok(()) => {
                text.set(String::new());
                error.set(None);
                crate::attention::ask_after_first_message();
            }
            Err(why) => error.set(Some(why)),
        }
        if let Some(element) = input.get_untracked() {
            // Focus is a nicety; a refusal is not worth reporting.
            let _ = element.focus();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let reason = move || match state.get() {
        ConnectionState::Live => None,
        ConnectionState::Connecting => {
            Some("Connecting to the room… what you send now goes out once it is live.")
        }
        ConnectionState::Reconnecting => {
            Some("Offline: what you send now is kept and goes out when the room is back.")
        }
    };
    view! {
        <TypingLine log=session.signals.log />
        <form
            class="composer"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send();
            }
        >
            <div class="composer-row">
                <label class="visually-hidden" for="composer-input">"Message"</label>
                <textarea
                    id="composer-input"
                    data-testid="composer-input"
                    rows="2"
                    placeholder="Write a message…"
                    node_ref=input
                    prop:value=move || text.get()
                    on:input=move |ev| {
                        text.set(event_target_value(&ev));
                        error.set(None);
                        session.typing();
                    }
                    on:keydown=on_keydown
                ></textarea>
                <button type="submit" data-testid="composer-send" disabled=empty>
                    "Send"
                </button>
            </div>
            <div class="composer-status">
                {move || match (error.get(), reason()) {
                    (Some(why), _) => view! {
                        <p class="error" role="alert" data-testid="composer-error">{why}</p>
                    }
                    .into_any(),
                    (None, Some(reason)) => view! {
                        <p class="composer-reason" data-testid="composer-disabled-reason">{reason}</p>
                    }
                    .into_any(),
                    (None, None) => view! {
                        <p class="composer-hint">"Enter sends · Shift+Enter for a new line"</p>
                    }
                    .into_any(),
                }}
                <Show when=near_limit>
                    <span class="counter" class:over=over data-testid="composer-counter" aria-live="polite">
                        {move || format!("{} / {MAX_TEXT_CHARS}", chars())}
                    </span>
                </Show>
            </div>
        </form>
    }
}

/// "tiny-blue-pear is typing…" (or an agent "is working on an answer…"), while anyone
/// is (the line redraws when it runs out).
#[component]
fn TypingLine(log: RwSignal<party_core::timeline::Timeline>) -> impl IntoView {
    let now = RwSignal::new(crate::clock::now_ms());
    let expiry = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    Effect::new(move |_| {
        let at = now.get();
        let next = log.with(|log| log.typing_expires(at));
        expiry.set_value(next.map(|until| {
            let wait = until.saturating_sub(crate::clock::now_ms()).min(60_000) as u32 + 1;
            gloo_timers::callback::Timeout::new(wait, move || now.set(crate::clock::now_ms()))
        }));
    });
    Effect::new(move |_| {
        log.track();
        now.set(crate::clock::now_ms());
    });
    let text = move || log.with(|log| log.typing_line(now.get()));
    view! {
        <p class="typing" data-testid="typing" aria-live="polite">{text}</p>
    }
}
