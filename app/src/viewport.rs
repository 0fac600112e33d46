//! The height the page really has: on phones the on-screen keyboard covers part of
//! the layout viewport, and only `visualViewport` says how much. The room fits into
//! `--app-height`, so the composer stays above the keyboard; `--topbar-height` is the
//! top bar's measured height.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Keeps the two CSS variables current for the life of the app.
pub fn follow() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let update = move || {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(root) = window.document().and_then(|d| d.document_element()) else {
            return;
        };
        let height = window
            .visual_viewport()
            .map(|v| v.height())
            .or_else(|| window.inner_height().ok().and_then(|h| h.as_f64()));
        let Ok(style) = root.dyn_into::<web_sys::HtmlElement>().map(|r| r.style()) else {
            return;
        };
        if let Some(height) = height {
            let _ = style.set_property("--app-height", &px(height));
        }
        let topbar = window
            .document()
            .and_then(|d| d.query_selector(".topbar").ok().flatten())
            .map(|bar| bar.get_bounding_client_rect().height());
        if let Some(topbar) = topbar {
            let _ = style.set_property("--topbar-height", &px(topbar));
        }
    };
    update();
    let on_change = Closure::<dyn Fn()>::new(update);
    if let Some(viewport) = window.visual_viewport() {
        let _ =
            viewport.add_event_listener_with_callback("resize", on_change.as_ref().unchecked_ref());
        let _ =
            viewport.add_event_listener_with_callback("scroll", on_change.as_ref().unchecked_ref());
    }
    let _ = window.add_event_listener_with_callback("resize", on_change.as_ref().unchecked_ref());
    // Lives as long as the page.
    on_change.forget();
    // Once the first render has laid out the top bar.
    request_animation_frame(update);
}

/// Whole CSS pixels: formatting a float would add Rust's float printing (about 10 KB)
/// to the bundle for no visible difference.
fn px(value: f64) -> String {
    format!("{}px", value.round() as i64)
}
