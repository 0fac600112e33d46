//! The page for an address whose last segment cannot be a room: why, in words, and
//! a room name close to it, instead of connecting somewhere odd.

use leptos::prelude::*;
use party_core::ids::RoomName;

#[component]
pub fn BadRoom(segment: String, error: String, suggestion: Option<RoomName>) -> impl IntoView {
    view! {
        <div class="stack narrow">
            <h1>"No such room"</h1>
            <section class="card" data-testid="bad-room">
                <p>"“" {segment} "” cannot be a room: " {error} "."</p>
                <p class="hint">
                    "Room names are 2 to 48 characters of a–z, 0–9 and “-”, starting with a letter or digit."
                </p>
                {suggestion.map(|room| view! {
                    <p>
                        "Did you mean "
                        <a data-testid="bad-room-suggestion" href=format!("./{room}")>{room.to_string()}</a>
                        "?"
                    </p>
                })}
                <a class="button secondary" href="./">"Go to the front door"</a>
            </section>
        </div>
    }
}
