//! The few icons the header and top bar use, as inline SVG: emoji depend on the
//! device's fonts (a box on a machine without an emoji font), and icon fonts are a
//! download. Each is decorative; its button carries the words.

use leptos::prelude::*;

fn icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"></path>
        </svg>
    }
}

/// Two people: who is here.
pub fn people() -> impl IntoView {
    icon("M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 6-6h2a6 6 0 0 1 6 6v1M16 3.5a4 4 0 0 1 0 7.5M22 21v-1a6 6 0 0 0-4-5.6")
}

/// A robot's head: agents.
pub fn robot() -> impl IntoView {
    icon("M5 8h14v11H5zM12 8V4M9 13h.01M15 13h.01M9 16h6M2 12v3M22 12v3")
}

/// An arrow leaving a box: share.
pub fn share() -> impl IntoView {
    icon("M12 3v12M8 7l4-4 4 4M5 12v7a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-7")
}

/// A bell, struck through when muted: sounds.
pub fn bell(muted: bool) -> impl IntoView {
    icon(if muted {
        "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10 21h4M3 3l18 18"
    } else {
        "M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10 21h4"
    })
}
