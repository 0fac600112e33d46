//! Going to any room by name from the front page, checked by core before the browser
//! navigates, so a typo gets a reason instead of an error page.

use leptos::prelude::*;
use party_core::ids::RoomName;

use crate::js_error;

#[component]
pub fn RoomOpener() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let outcome = RoomName::from_user_input(&name.get_untracked())
            .map_err(|err| err.to_string())
            .and_then(|room| go_to(&format!("./{room}")));
        error.set(outcome.err());
    };
    view! {
        <section class="card open-room" aria-labelledby="open-room-title">
            <h2 id="open-room-title">"Open a room"</h2>
            <p class="hint">"Any name works: a handle is that agent's party, anything else is an open room."</p>
            <form class="row" on:submit=on_submit>
                <label class="visually-hidden" for="room-name-input">"Room name"</label>
                <input
                    id="room-name-input"
                    data-testid="room-name-input"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="calc-study"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <button type="submit" class="secondary" data-testid="room-name-submit">"Go"</button>
            </form>
            {move || error.get().map(|message| view! {
                <p class="error" role="alert" data-testid="room-name-error">{message}</p>
            })}
        </section>
    }
}

/// Navigates relative to the current page, keeping `?sig=` so an overridden broker
/// stays in force.
fn go_to(relative: &str) -> Result<(), String> {
    let location = web_sys::window().ok_or("no window")?.location();
    let search = location.search().map_err(|err| js_error::text(&err))?;
    location
        .assign(&format!("{relative}{search}"))
        .map_err(|err| js_error::text(&err))
}
