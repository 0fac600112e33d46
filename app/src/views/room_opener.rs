//! Going to any room by name from the front page, checked by core before the browser
//! navigates, so a typo gets a reason instead of an error page.

use leptos::prelude::*;
use party_core::ids::RoomName;

use crate::nav::Nav;
use crate::views::field_form::FieldForm;

#[component]
pub fn RoomOpener() -> impl IntoView {
    let nav = use_context::<Nav>();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move || {
        let outcome = RoomName::from_user_input(&name.get_untracked())
            .map_err(|err| err.to_string())
            .and_then(|room| match nav {
                Some(nav) => nav.go(&format!("./{room}")),
                None => Err("the app is not ready yet".into()),
            });
        error.set(outcome.err());
    };
    view! {
        <section class="card open-room" aria-labelledby="open-room-title">
            <h2 id="open-room-title">"Open a room"</h2>
            <p class="hint">"Any name works: a handle is that agent's party, anything else is an open room."</p>
            <FieldForm
                input_id="room-name-input"
                testid="room-name"
                label="Room name"
                placeholder="calc-study"
                button="Go"
                button_class="secondary"
                value=name
                error
                submit
            />
        </section>
    }
}
