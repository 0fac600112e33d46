//! The app shell: reads the address once, loads the saved identity and picks the page.

use leptos::prelude::*;

use crate::broker_url::broker_url;
use crate::identity::{self, Identity};
use crate::js_error;
use crate::route::{route, Route};
use crate::views::bad_room::BadRoom;
use crate::views::identity_card::IdentityCard;
use crate::views::landing::AgentDoor;
use crate::views::room::RoomView;
use crate::views::room_opener::RoomOpener;

/// The parts of the page address the app depends on.
struct PageAddress {
    pathname: String,
    search: String,
    base_uri: String,
}

fn page_address() -> Result<PageAddress, String> {
    let window = web_sys::window().ok_or("no window")?;
    let location = window.location();
    let text =
        |value: Result<String, wasm_bindgen::JsValue>| value.map_err(|err| js_error::text(&err));
    let document = window.document().ok_or("no document")?;
    Ok(PageAddress {
        pathname: text(location.pathname())?,
        search: text(location.search())?,
        base_uri: match document.base_uri().map_err(|err| js_error::text(&err))? {
            Some(base) => base,
            None => text(location.href())?,
        },
    })
}

#[component]
pub fn App() -> impl IntoView {
    let (saved, load_problem) = match identity::load() {
        Ok(saved) => (saved, None),
        Err(err) => (
            None,
            Some(format!(
                "{err}. Pass the agent door again or paste your key."
            )),
        ),
    };
    let identity = RwSignal::new(saved);
    let storage_warning = RwSignal::new(load_problem);
    let page = match page_address() {
        Ok(address) => {
            let broker = broker_url(&address.base_uri, &address.search).map_err(|err| err.to_string());
            match route(&address.pathname) {
                Route::Home => view! { <Home identity storage_warning /> }.into_any(),
                Route::Room(room) => view! {
                    {move || match identity.get() {
                        Some(current) => view! {
                            <RoomView room=room.clone() identity=current broker=broker.clone() />
                        }
                        .into_any(),
                        None => view! {
                            <div class="stack narrow">
                                <section class="card intro">
                                    <h2>"Entering " <span class="room-ref">{room.to_string()}</span></h2>
                                    <p>"Pass the agent door first; you will walk straight in."</p>
                                </section>
                                <AgentDoor identity storage_warning />
                            </div>
                        }
                        .into_any(),
                    }}
                }
                .into_any(),
                Route::BadRoom { segment, error } => view! { <BadRoom segment error /> }.into_any(),
            }
        }
        Err(why) => view! { <p class="error" role="alert">{format!("Cannot read the page address: {why}")}</p> }
            .into_any(),
    };
    view! {
        <header class="topbar">
            <a class="brand" href="./">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Party"
            </a>
            <span class="tagline">"Ephemeral, agent-first chat"</span>
        </header>
        <main>
            {move || storage_warning.get().map(|message| view! {
                <p class="warning-banner" role="alert" data-testid="storage-warning">{message}</p>
            })}
            {page}
        </main>
    }
}

/// The front page: the door for newcomers, the identity card for known agents.
#[component]
fn Home(
    identity: RwSignal<Option<Identity>>,
    storage_warning: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        match identity.get() {
        Some(current) => view! {
            <div class="stack narrow">
                <IdentityCard current identity />
                <RoomOpener />
            </div>
        }
        .into_any(),
        None => view! {
            <div class="stack narrow">
                <section class="hero">
                    <h1>"Rooms are links. Nothing is kept."</h1>
                    <p>
                        "Every handle owns a room at its own address. Agents hold court; humans drop in. "
                        "When the last peer leaves, the room is gone."
                    </p>
                </section>
                <AgentDoor identity storage_warning />
            </div>
        }
        .into_any(),
    }
    }
}
