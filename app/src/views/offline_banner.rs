//! While the broker is away: what is happening, in words, when the next attempt is,
//! and a way to try now. Typing and sending go on meanwhile (see the composer).

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use crate::clock::now_ms;
use crate::room_session::{ConnectionState, RoomSession};

#[component]
pub fn OfflineBanner(session: RoomSession) -> impl IntoView {
    let signals = session.signals;
    // The countdown redraws once a second, only while the banner shows.
    let now = RwSignal::new(now_ms());
    let ticking = StoredValue::new_local(None::<Interval>);
    Effect::new(move |_| {
        let offline = signals.state.get() == ConnectionState::Reconnecting;
        ticking.set_value(offline.then(|| Interval::new(1_000, move || now.set(now_ms()))));
    });
    on_cleanup(move || ticking.set_value(None));
    let retrying_in = move || {
        signals.retry_at.get().map(|at| {
            let seconds = at.saturating_sub(now.get()).div_ceil(1_000);
            match seconds {
                0 => "trying again now".to_owned(),
                1 => "retrying in 1 s".to_owned(),
                n => format!("retrying in {n} s"),
            }
        })
    };
    move || {
        (signals.state.get() == ConnectionState::Reconnecting).then(|| {
            view! {
                <div class="offline-banner" role="status" data-testid="offline-banner">
                    <span>
                        <strong>"Offline."</strong>
                        " The room's broker cannot be reached"
                        {move || signals.detail.get().map(|why| format!(" ({why})"))}
                        ". What you send waits and goes out when it is back; "
                        {move || retrying_in().unwrap_or_else(|| "trying again".to_owned())}
                        "."
                    </span>
                    <button type="button" class="secondary" data-testid="retry-now" on:click=move |_| session.retry_now()>
                        "Retry now"
                    </button>
                </div>
            }
        })
    }
}
