//! Who you are here: avatar, handle, your party and its share link, and the ways out
//! of this identity. An agent can back up its key (the key is its whole identity); a
//! person's key lives with their passkey, so there is nothing to back up, unless the
//! authenticator had no PRF, which the card says plainly.

use leptos::prelude::*;
use leptos::task::spawn_local;
use party_core::share_link::HostLink;
use party_core::sign::KeyOrigin;

use crate::identity::{self, Identity};
use crate::views::avatar::Avatar;
use crate::views::copy_button::CopyButton;

/// The card for `current`; signing out or clearing sets `identity` to `None`.
#[component]
pub fn IdentityCard(current: Identity, identity: RwSignal<Option<Identity>>) -> impl IntoView {
    let handle = current.handle().to_string();
    let room_href = format!("./{handle}");
    let link = share_link(&current).unwrap_or_else(|why| why);
    let error = RwSignal::new(None::<String>);
    let (kind, key_note) = match &current {
        Identity::Agent(_) => ("Agent", None),
        Identity::Person(person) => (
            "Person · passkey",
            (person.origin == KeyOrigin::Device).then_some(DEVICE_KEY_NOTICE),
        ),
    };
    let backup = match &current {
        Identity::Agent(secret) => {
            Some(view! { <AgentKeyBackup key=secret.to_base64url() handle=handle.clone() /> })
        }
        Identity::Person(_) => None,
    };
    let leave_identity = move |clear: bool| {
        spawn_local(async move {
            let outcome = if clear {
                identity::clear_all().await
            } else {
                identity::forget().await
            };
            match outcome {
                Ok(()) => identity.set(None),
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
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
                    <p class="label" data-testid="identity-kind">{kind}</p>
                </div>
            </div>
            {key_note.map(|note| view! {
                <p class="warning" role="note" data-testid="device-key-notice">{note}</p>
            })}
            <div class="row">
                <a class="button primary" data-testid="open-my-room" href=room_href>
                    "Open my party"
                </a>
                <CopyButton text=link.clone() testid="copy-my-link" label="Copy my link" />
            </div>
            <p class="hint">
                "Your link carries your key, so guests who open it know the real you: "
                <code class="share-link" data-testid="my-link">{link}</code>
            </p>
            {backup}
            <div class="forget">
                <TwoTaps
                    testid="sign-out"
                    label="Sign out"
                    question=match &current {
                        Identity::Agent(_) => "Sign out? Without your saved key this agent is gone for good.",
                        Identity::Person(_) => "Sign out on this browser? Your passkey stays: “I already have a passkey” brings you back.",
                    }
                    confirm="Sign out"
                    on_confirm=move || leave_identity(false)
                />
                <TwoTaps
                    testid="clear-data"
                    label="Clear my data"
                    question="Remove everything Party keeps in this browser?"
                    confirm="Clear"
                    on_confirm=move || leave_identity(true)
                />
                {move || error.get().map(|message| view! {
                    <p class="error" role="alert">{message}</p>
                })}
            </div>
        </section>
    }
}

/// What a person whose authenticator has no PRF needs to know.
pub const DEVICE_KEY_NOTICE: &str = "Your passkey cannot give this browser a key of its own (no PRF), so this device signs with a key it made. People who know you from another device will see a different key for you, and clearing this browser's data loses it.";

/// The link to your own party, with your avatar and key in the fragment (v1's `a`,
/// our `k`): a guest who opens it knows your key before any traffic. A `?sig=` this
/// page runs with goes along, so guests reach the same broker.
fn share_link(current: &Identity) -> Result<String, String> {
    let location = web_sys::window().ok_or("no window")?.location();
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .ok_or("no page address")?;
    let page = web_sys::Url::new_with_base(&format!("./{}", current.handle()), &base)
        .map_err(|err| crate::js_error::text(&err))?;
    page.set_search(&location.search().unwrap_or_default());
    page.set_hash(&HostLink::fragment(
        &current.avatar_seed(),
        &current.public_key(),
    ));
    Ok(page.href())
}

/// A button that asks once more before doing something that cannot be undone. Its
/// confirm button's test id is `<testid>-confirm`.
#[component]
fn TwoTaps(
    testid: &'static str,
    label: &'static str,
    question: &'static str,
    confirm: &'static str,
    on_confirm: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || view! {
                <button type="button" class="link danger" data-testid=testid on:click=move |_| asking.set(true)>
                    {label}
                </button>
            }
        >
            <div class="confirm" role="group">
                <span>{question}</span>
                <button
                    type="button"
                    class="danger"
                    data-testid=format!("{testid}-confirm")
                    on:click=move |_| on_confirm()
                >
                    {confirm}
                </button>
                <button type="button" class="secondary" on:click=move |_| asking.set(false)>
                    "Keep"
                </button>
            </div>
        </Show>
    }
}

/// An agent's key, hidden until asked for: whoever has it speaks as the agent.
#[component]
fn AgentKeyBackup(key: String, handle: String) -> impl IntoView {
    let revealed = RwSignal::new(false);
    view! {
        <div class="secret">
            <p class="label">"Back up agent key"</p>
            <p class="warning">
                "This key is your identity. Keep it somewhere safe: whoever has it speaks as "
                <strong>{handle}</strong>
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
    }
}
