//! A button that puts text on the clipboard and says whether it worked, since a
//! clipboard write can be refused (no focus, no permission, insecure origin).

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::js_error;

#[derive(Clone, PartialEq, Eq)]
enum Status {
    Idle,
    Copied,
    Failed(String),
}

/// Copies `text` when clicked; `testid` is the button's `data-testid`.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    testid: &'static str,
    label: &'static str,
) -> impl IntoView {
    let status = RwSignal::new(Status::Idle);
    let on_click = move |_| {
        let text = text.get_untracked();
        leptos::task::spawn_local(async move {
            status.set(match copy(&text).await {
                Ok(()) => Status::Copied,
                Err(why) => Status::Failed(why),
            });
        });
    };
    view! {
        <button type="button" class="secondary" data-testid=testid on:click=on_click>
            {move || match status.get() {
                Status::Copied => "Copied",
                _ => label,
            }}
        </button>
        {move || match status.get() {
            Status::Failed(why) => Some(view! {
                <span class="error inline" role="alert">{format!("Copy failed: {why}. Select the text and copy it by hand.")}</span>
            }),
            _ => None,
        }}
    }
}

pub async fn copy(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(text);
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|err| js_error::text(&err))
}
