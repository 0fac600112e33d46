//! The app shell: reads the address once, loads the saved identity and the deploy's
//! config, and picks the page.

use leptos::prelude::*;
use leptos::task::spawn_local;
use party_core::share_link::HostLink;

use crate::broker_url::broker_url;
use crate::identity::{self, Identity};
use crate::nav::Nav;
use crate::rooms::Rooms;
use crate::route::{route, Route};
use crate::views::bad_room::BadRoom;
use crate::views::entry_doors::{AfterStart, EntryDoors};
use crate::views::identity_card::IdentityCard;
use crate::views::room::RoomView;
use crate::views::room_entry::RoomEntry;
use crate::views::room_opener::RoomOpener;
use crate::views::rooms_page::RoomsPage;
use crate::{config, js_error};

/// The parts of the page address the app depends on.
#[derive(Clone)]
struct PageAddress {
    pathname: String,
    search: String,
    hash: String,
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
        hash: text(location.hash())?,
        base_uri: match document.base_uri().map_err(|err| js_error::text(&err))? {
            Some(base) => base,
            None => text(location.href())?,
        },
    })
}

/// Something still loading, or loaded.
#[derive(Clone, PartialEq)]
enum Loaded<T> {
    Loading,
    Ready(T),
}

#[component]
pub fn App() -> impl IntoView {
    let identity = RwSignal::new(None::<Identity>);
    let identity_loaded = RwSignal::new(false);
    let storage_warning = RwSignal::new(None::<String>);
    spawn_local(async move {
        match identity::load().await {
            // Someone fast may have passed a door while storage was read: what they
            // chose stands (overwriting it re-drew the card under their click, or
            // put the door back).
            Ok(saved) if identity.with_untracked(Option::is_none) => identity.set(saved),
            Ok(_) => {}
            Err(err) => storage_warning.set(Some(format!(
                "{err}. Sign in with your passkey, or pass the agent door again or paste your key."
            ))),
        }
        identity_loaded.set(true);
    });
    let rooms = Rooms::start();
    // The rooms were entered as whoever was signed in: a change of identity (signing
    // out, or in as someone else) leaves them.
    Effect::new(move |before: Option<Option<party_core::ids::Handle>>| {
        let now = identity.with(|identity| identity.as_ref().map(Identity::handle));
        if before.is_some_and(|before| before.is_some() && before != now) {
            rooms.leave_all();
        }
        now
    });
    let theme = crate::theme::start();
    let muted = RwSignal::new(crate::prefs::muted());
    Effect::new(move |_| {
        crate::prefs::set_muted(muted.get());
        crate::attention::set_muted(muted.get());
    });
    crate::title::follow_unread(rooms);
    let page = match page_address() {
        Ok(address) => pages(address, identity, identity_loaded, storage_warning, rooms).into_any(),
        Err(why) => view! { <p class="error" role="alert">{format!("Cannot read the page address: {why}")}</p> }
            .into_any(),
    };
    crate::viewport::follow();
    let total_unread = move || rooms.unread_messages();
    view! {
        <a class="skip-link button" href="#main">"Skip to the content"</a>
        <header class="topbar">
            <a class="brand" href="./">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Party"
            </a>
            <span class="tagline">"Ephemeral, agent-first chat"</span>
            <span class="spacer"></span>
            <nav class="topnav" aria-label="Party">
                <a href="./rooms" data-testid="rooms-link">
                    "Rooms"
                    {move || {
                        let unread = total_unread();
                        (unread > 0).then(|| view! { <span class="unread" data-testid="rooms-unread">{unread}</span> })
                    }}
                </a>
                <button
                    type="button"
                    class="ghost"
                    data-testid="mute"
                    aria-pressed=move || muted.get().to_string()
                    title=move || if muted.get() { "Sounds are off" } else { "Sounds are on" }
                    on:click=move |_| muted.update(|m| *m = !*m)
                >
                    {move || crate::views::icons::bell(muted.get())}
                    <span class="visually-hidden">"Mute sounds"</span>
                </button>
                <details class="settings-menu">
                    <summary data-testid="settings" aria-label="Settings">"⚙"</summary>
                    <div class="settings card">
                        <label for="theme-select">"Theme"</label>
                        <select
                            id="theme-select"
                            data-testid="theme"
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                if let Some(chosen) = crate::prefs::Theme::ALL.into_iter().find(|t| t.as_str() == value) {
                                    theme.set(chosen);
                                }
                            }
                        >
                            {crate::prefs::Theme::ALL.into_iter().map(|t| view! {
                                <option value=t.as_str() selected=move || theme.get() == t>{t.label()}</option>
                            }).collect_view()}
                        </select>
                        <label for="notify-select">"Notify me of"</label>
                        <select
                            id="notify-select"
                            data-testid="notify"
                            on:change=move |ev| {
                                let chosen = crate::prefs::Notify::parse(&event_target_value(&ev));
                                crate::prefs::set_notify(chosen);
                                if chosen != crate::prefs::Notify::Off {
                                    crate::attention::ask_permission();
                                }
                            }
                        >
                            {[crate::prefs::Notify::Mentions, crate::prefs::Notify::Everything, crate::prefs::Notify::Off]
                                .into_iter()
                                .map(|n| view! {
                                    <option value=n.as_str() selected=crate::prefs::notify() == n>{n.label()}</option>
                                })
                                .collect_view()}
                        </select>
                        <label for="typing-switch">"Show when I type"</label>
                        <input
                            id="typing-switch"
                            type="checkbox"
                            data-testid="share-typing"
                            prop:checked=crate::prefs::share_typing()
                            on:change=move |ev| crate::prefs::set_share_typing(event_target_checked(&ev))
                        />
                    </div>
                </details>
            </nav>
        </header>
        <main id="main" tabindex="-1">
            {move || storage_warning.get().map(|message| view! {
                <p class="warning-banner" role="alert" data-testid="storage-warning">{message}</p>
            })}
            {page}
        </main>
    }
}

fn pages(
    address: PageAddress,
    identity: RwSignal<Option<Identity>>,
    identity_loaded: RwSignal<bool>,
    storage_warning: RwSignal<Option<String>>,
    rooms: Rooms,
) -> impl IntoView {
    let nav = Nav::start(address.pathname.clone(), address.hash.clone());
    let broker = RwSignal::new(Loaded::Loading);
    // The deploy's ways in besides the page (IRC, HTTP for agents), for invites.
    let deployment_signal = RwSignal::new(config::Deployment::default());
    provide_context(deployment_signal);
    {
        let address = address.clone();
        spawn_local(async move {
            let configured = config::configured(&address.base_uri).await;
            if let Ok(deployment) = &configured {
                deployment_signal.set(deployment.clone());
            }
            broker.set(Loaded::Ready(configured.and_then(|configured| {
                broker_url(
                    &address.base_uri,
                    &address.search,
                    configured.broker.as_deref(),
                )
                .map_err(|err| err.to_string())
            })));
        });
    }
    let ready = move || identity_loaded.get() && broker.with(|b| *b != Loaded::Loading);
    let loading = || view! { <p class="hint" role="status" data-testid="loading">"Loading…"</p> };
    move || match route(&nav.path.get()) {
        Route::Home => view! {
            <Show when=ready fallback=loading>
                <Home identity storage_warning />
            </Show>
        }
        .into_any(),
        Route::Rooms => view! { <RoomsPage rooms /> }.into_any(),
        Route::Room { room, canonical } => {
            if !canonical {
                if let Err(why) = nav.replace(&format!("./{room}")) {
                    leptos::logging::warn!("party: cannot correct the address: {why}");
                }
            }
            let link = HostLink::parse(&nav.hash.get_untracked());
            view! {
                <Show when=ready fallback=loading>
                    {
                        let room = room.clone();
                        let link = link.clone();
                        move || {
                            let broker = match broker.get() {
                                Loaded::Ready(broker) => broker,
                                Loaded::Loading => Err("still loading".into()),
                            };
                            match identity.get() {
                                Some(current) => view! {
                                    <RoomView room=room.clone() identity=current broker link=link.clone() rooms />
                                }
                                .into_any(),
                                None => view! {
                                    <RoomEntry room=room.clone() link=link.clone() broker identity storage_warning />
                                }
                                .into_any(),
                            }
                        }
                    }
                </Show>
            }
            .into_any()
        }
        Route::BadRoom {
            segment,
            error,
            suggestion,
        } => view! { <BadRoom segment error suggestion /> }.into_any(),
    }
}

/// The front page: what Party is and the ways in, or, once known, who you are.
#[component]
fn Home(
    identity: RwSignal<Option<Identity>>,
    storage_warning: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        match identity.get() {
        Some(current) => view! {
            <div class="stack narrow">
                <h1 class="visually-hidden">"Party"</h1>
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
                        "Party is chat for people and AI agents: your room is a link, your name comes from a passkey, and when the last one leaves the room is gone."
                    </p>
                </section>
                <EntryDoors identity storage_warning after_start=AfterStart::OwnRoom />
            </div>
        }
        .into_any(),
    }
    }
}
