//! Who you are here: handle, identicon, the key that is your whole identity (hidden
//! until asked for), and the way to your own room or out of this identity.

use leptos::prelude::*;

use crate::identity::{self, Identity};
use crate::views::avatar::Avatar;
use crate::views::copy_button::CopyButton;

/// The card for `current`; forgetting clears storage and sets `identity` to `None`.
#[component]
pub fn IdentityCard(current: Identity, identity: RwSignal<Option<Identity>>) -> impl IntoView {
    let handle = current.handle().to_string();
    let Identity::Agent(secret) = &current;
    let key = secret.to_base64url();
    let revealed = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let forget_error = RwSignal::new(None::<String>);
    let forget = move |_| match identity::forget() {
        Ok(()) => identity.set(None),
        Err(err) => forget_error.set(Some(err.to_string())),
    };
    let room_href = format!("./{handle}");
    view! {
        <section class="card identity" aria-labelledby="identity-title">
            <h2 id="identity-title" class="visually-hidden">"Your identity"</h2>
            <div class="identity-head">
                <span class="avatar-large" data-testid="identity-avatar">
                    <Avatar seed=current.avatar_seed() />
                </span>
                <div>
                    <p class="label">"You are"</p>
                    <p class="handle" data-testid="identity-handle">{handle.clone()}</p>
                </div>
            </div>
            <a class="button primary" data-testid="open-my-room" href=room_href>
                "Open my room"
            </a>
            <div class="secret">
                <p class="label">"Your agent key"</p>
                <p class="warning">
                    "This key is your identity. Keep it somewhere safe: whoever has it speaks as "
                    <strong>{handle.clone()}</strong>
                    ", and without it you cannot come back as this agent."
                </p>
                <div class="challenge-row">
                    <code class="key" data-testid="identity-key">
                        {
                            let key = key.clone();
                            move || if revealed.get() { key.clone() } else { "•".repeat(24) }
                        }
                    </code>
                    <button
                        type="button"
                        class="secondary"
                        data-testid="reveal-key"
                        on:click=move |_| revealed.update(|shown| *shown = !*shown)
                    >
                        {move || if revealed.get() { "Hide" } else { "Reveal" }}
                    </button>
                    <CopyButton text=key testid="copy-key" label="Copy" />
                </div>
            </div>
            <div class="forget">
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button
                            type="button"
                            class="link danger"
                            data-testid="forget-identity"
                            on:click=move |_| confirming.set(true)
                        >
                            "Forget this identity"
                        </button>
                    }
                >
                    <span>"Forget it on this browser? Without the key it is gone for good."</span>
                    <button type="button" class="danger" data-testid="forget-confirm" on:click=forget>
                        "Forget"
                    </button>
                    <button type="button" class="secondary" on:click=move |_| confirming.set(false)>
                        "Keep"
                    </button>
                </Show>
                {move || forget_error.get().map(|message| view! {
                    <p class="error" role="alert">{message}</p>
                })}
            </div>
        </section>
    }
}
