//! The connection state, always visible: Party v1 never said when the broker was gone
//! and showed unsent messages as sent.

use leptos::prelude::*;

use crate::room_session::{ConnectionState, RoomSignals};

#[component]
pub fn ConnectionBadge(signals: RoomSignals) -> impl IntoView {
    let state = signals.state;
    view! {
        <span
            class="badge"
            data-testid="connection-state"
            data-state=move || state.get().as_str()
            role="status"
        >
            {move || match state.get() {
                ConnectionState::Live => "live",
                ConnectionState::Connecting => "connecting…",
                ConnectionState::Reconnecting => "offline",
            }}
        </span>
        {move || {
            (state.get() != ConnectionState::Live)
                .then(|| signals.detail.get())
                .flatten()
                .map(|detail| view! { <span class="badge-detail" data-testid="connection-detail">{detail}</span> })
        }}
    }
}
