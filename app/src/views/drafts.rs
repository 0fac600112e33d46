//! Drafts from your own agents, waiting for you: Approve lets one into the room as
//! the agent's message (marked approved by you), Reject drops it (nobody else ever
//! saw it).

use leptos::prelude::*;
use party_core::room::ChatMessage;

use crate::room_session::RoomSession;

#[component]
pub fn Drafts(session: RoomSession) -> impl IntoView {
    let log = session.signals.log;
    let drafts = move || log.with(|log| log.drafts().to_vec());
    let outcome = RwSignal::new(None::<String>);
    view! {
        <Show when=move || !drafts().is_empty()>
            <section class="drafts" data-testid="drafts" aria-label="Drafts from your agents">
                <h2>"Drafts from your agents"</h2>
                <ul>
                    <For each=drafts key=|draft| draft.id.clone() children=move |draft: ChatMessage| {
                        let approve = draft.id.clone();
                        let reject = draft.id.clone();
                        view! {
                            <li class="draft" data-testid="draft" data-id=draft.id.to_string() data-handle=draft.handle.to_string()>
                                <span class="message-sender">{draft.handle.to_string()}</span>
                                <p class="message-text">{draft.text.clone()}</p>
                                <span class="draft-actions">
                                    <button type="button" data-testid="approve" on:click=move |_| {
                                        if let Err(why) = session.approve(&approve) {
                                            outcome.set(Some(why));
                                        }
                                    }>"Approve"</button>
                                    <button type="button" class="ghost" data-testid="reject" on:click=move |_| {
                                        if let Err(why) = session.reject(&reject) {
                                            outcome.set(Some(why));
                                        }
                                    }>"Reject"</button>
                                </span>
                            </li>
                        }
                    } />
                </ul>
                {move || outcome.get().map(|why| view! { <p class="error" role="alert">{why}</p> })}
            </section>
        </Show>
    }
}
