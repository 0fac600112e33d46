//! Share: the system share sheet where there is one (phones), else the clipboard,
//! and either way a visible word on what happened.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::views::copy_button::copy;
use crate::views::icons;

#[derive(Clone, PartialEq, Eq)]
enum Outcome {
    Shared,
    Copied,
    Failed(String),
}

/// Shares `link` (read when clicked); `title` names what is shared.
#[component]
pub fn ShareButton(#[prop(into)] link: Signal<String>, title: String) -> impl IntoView {
    let outcome = RwSignal::new(None::<Outcome>);
    let on_click = move |_| {
        let link = link.get_untracked();
        let title = title.clone();
        leptos::task::spawn_local(async move {
            outcome.set(share(&link, &title).await);
        });
    };
    view! {
        <button type="button" class="ghost" data-testid="share" on:click=on_click title="Share this room">
            {icons::share()}
            <span class="btn-label">"Share"</span>
        </button>
        <span class="share-outcome" role="status" aria-live="polite" data-testid="share-outcome">
            {move || outcome.get().map(|outcome| match outcome {
                Outcome::Shared => "Shared".to_owned(),
                Outcome::Copied => "Link copied".to_owned(),
                Outcome::Failed(why) => format!("Could not share: {why}. Copy the address instead."),
            })}
        </span>
    }
}

/// `None`: the person closed the share sheet (nothing to say).
async fn share(link: &str, title: &str) -> Option<Outcome> {
    let Some(window) = web_sys::window() else {
        return Some(Outcome::Failed("no window".into()));
    };
    let navigator = window.navigator();
    let has_sheet = js_sys::Reflect::has(&navigator, &"share".into()).unwrap_or(false);
    if has_sheet {
        let data = web_sys::ShareData::new();
        data.set_title(title);
        data.set_url(link);
        match JsFuture::from(navigator.share_with_data(&data)).await {
            Ok(_) => return Some(Outcome::Shared),
            Err(err) => {
                let aborted = err
                    .dyn_ref::<web_sys::DomException>()
                    .is_some_and(|e| e.name() == "AbortError");
                if aborted {
                    return None;
                }
                // No sheet after all (desktop browsers without a share target): copy.
            }
        }
    }
    Some(match copy(link).await {
        Ok(()) => Outcome::Copied,
        Err(why) => Outcome::Failed(why),
    })
}

/// What to share for the room on screen: the address as it is (with the host's
/// avatar and key when this is our party or we came by the host's link, and any
/// `?sig=` broker), so whoever opens it lands in the same room on the same broker.
pub fn room_link() -> String {
    web_sys::window()
        .and_then(|window| window.location().href().ok())
        .unwrap_or_default()
}
