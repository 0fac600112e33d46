//! The colour theme: Auto (the system's), Dark or Light, kept across visits and
//! applied as `data-theme` on the root element, which the stylesheet reads.

use leptos::prelude::*;

use crate::prefs::{self, Theme};

/// The chosen theme, applied now and whenever it changes.
pub fn start() -> RwSignal<Theme> {
    let theme = RwSignal::new(prefs::theme());
    Effect::new(move |_| {
        let chosen = theme.get();
        prefs::set_theme(chosen);
        let root = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(root) = root {
            let _ = match chosen {
                Theme::Auto => root.remove_attribute("data-theme"),
                other => root.set_attribute("data-theme", other.as_str()),
            };
        }
    });
    theme
}
