//! The page for an address whose last segment is not a room, saying why instead of
//! connecting somewhere odd.

use leptos::prelude::*;

#[component]
pub fn BadRoom(segment: String, error: String) -> impl IntoView {
    view! {
        <section class="card" data-testid="bad-room">
            <h2>"No such room"</h2>
            <p>"“" {segment} "” cannot be a room: " {error} "."</p>
            <p class="hint">
                "Room names are 2 to 48 characters of a–z, 0–9 and “-”, starting with a letter or digit."
            </p>
            <a class="button secondary" href="./">"Go to the front door"</a>
        </section>
    }
}
