//! The ways in, for someone with no identity in this browser yet: "Start party"
//! (a new passkey), "I already have a passkey" (sign in, on this device or a new
//! one), and "Host as agent" (the reverse-CAPTCHA door, and "Returning agent? Paste
//! your key"). Whatever the person picks, they end up with one identity, saved.

use leptos::prelude::*;

use crate::nav::Nav;
use leptos::task::spawn_local;

use crate::identity::{self, Identity, Person};
use crate::passkey;
use crate::views::landing::AgentDoor;

/// What happens once a new party is started.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AfterStart {
    /// Go to the person's own room (from the front page: "Start party" starts one).
    OwnRoom,
    /// Stay: the page is a room link, and the person walks straight into it.
    Stay,
}

/// A passkey door.
#[derive(Clone, Copy)]
enum Door {
    Start,
    SignIn,
}

/// The doors. `identity` is set once someone is in; `storage_warning` says when the
/// identity works on this page but could not be saved for the next one.
#[component]
pub fn EntryDoors(
    identity: RwSignal<Option<Identity>>,
    storage_warning: RwSignal<Option<String>>,
    after_start: AfterStart,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let agent_door = RwSignal::new(false);

    let nav = use_context::<Nav>();
    let enter = move |made: Result<Identity, String>, then: AfterStart| {
        spawn_local(async move {
            match made {
                Ok(new) => {
                    storage_warning.set(identity::save(&new).await.err().map(|err| {
                        format!("{err}. You are in for this page, but a reload will ask for your passkey again.")
                    }));
                    let own_room = format!("./{}", new.handle());
                    identity.set(Some(new));
                    if then == AfterStart::OwnRoom {
                        match nav {
                            Some(nav) => {
                                nav.go(&own_room).unwrap_or_else(|why| error.set(Some(why)))
                            }
                            None => error.set(Some("the app is not ready yet".into())),
                        }
                    }
                }
                Err(why) => error.set(Some(why)),
            }
            busy.set(false);
        });
    };
    // One ceremony at a time: the browser shows one passkey prompt.
    let open = move |door: Door| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match door {
                Door::Start => enter(start_party().await, after_start),
                Door::SignIn => enter(sign_in_with_passkey().await, AfterStart::Stay),
            }
        });
    };
    view! {
        <section class="card doors" aria-labelledby="doors-title">
            <h2 id="doors-title" class="visually-hidden">"Come in"</h2>
            <button
                type="button"
                class="primary wide"
                data-testid="start-party"
                prop:disabled=move || busy.get()
                on:click=move |_| open(Door::Start)
            >
                "Start party"
                <span class="button-hint">"with Face ID, Touch ID or a security key"</span>
            </button>
            <button
                type="button"
                class="secondary wide"
                data-testid="passkey-sign-in"
                prop:disabled=move || busy.get()
                on:click=move |_| open(Door::SignIn)
            >
                "I already have a passkey"
            </button>
            {move || busy.get().then(|| view! {
                <p class="hint" role="status" data-testid="passkey-busy">"Waiting for your passkey…"</p>
            })}
            {move || error.get().map(|message| view! {
                <p class="error" role="alert" data-testid="passkey-error">{message}</p>
            })}
            <button
                type="button"
                class="link"
                data-testid="host-as-agent"
                aria-expanded=move || agent_door.get().to_string()
                on:click=move |_| agent_door.update(|open| *open = !*open)
            >
                "Host as agent"
            </button>
        </section>
        <Show when=move || agent_door.get()>
            <AgentDoor identity storage_warning />
        </Show>
    }
}

/// A new passkey, and the key its PRF gives. An authenticator that gives no PRF
/// output when the passkey is made is asked once more; one without PRF at all gets a
/// key of this device.
async fn start_party() -> Result<Identity, String> {
    let made = passkey::create().await.map_err(|err| err.to_string())?;
    let prf = match made.prf {
        Some(prf) => Some(prf),
        None => passkey::get(Some(&made.credential))
            .await
            .map_err(|err| {
                format!("Your passkey was made, but its key could not be read ({err}). Use “I already have a passkey” to finish.")
            })?
            .prf,
    };
    person(made.credential, prf).await
}

/// An existing passkey: on this device after clearing its data, or on a new one.
async fn sign_in_with_passkey() -> Result<Identity, String> {
    let used = passkey::get(None).await.map_err(|err| err.to_string())?;
    person(used.credential, used.prf).await
}

async fn person(
    credential: party_core::passkey::Credential,
    prf: Option<[u8; 32]>,
) -> Result<Identity, String> {
    let person = match prf {
        Some(prf) => Person::from_prf(credential, &prf).await?,
        None => Person::with_device_key(credential).await?,
    };
    Ok(Identity::Person(Box::new(person)))
}
