//! Moving between pages without reloading, so the rooms a person is in stay
//! connected in the background (`rooms`). The platform's History API is the whole
//! router: internal links are taken over, the back button is followed, and every
//! page keeps the address's `?sig=` (an overridden broker stays in force).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::js_error;

/// The address the app shows, as signals the page follows.
#[derive(Clone, Copy)]
pub struct Nav {
    pub path: RwSignal<String>,
    pub hash: RwSignal<String>,
}

impl Nav {
    /// Starts following the address: the back and forward buttons, and clicks on
    /// links to our own pages anywhere in the document.
    pub fn start(pathname: String, hash: String) -> Nav {
        let nav = Nav {
            path: RwSignal::new(pathname),
            hash: RwSignal::new(hash),
        };
        // Both live as long as the app.
        let popstate = window_event_listener(leptos::ev::popstate, move |_| nav.sync());
        let click = window_event_listener(leptos::ev::click, move |ev| nav.on_click(&ev));
        std::mem::forget((popstate, click));
        provide_context(nav);
        nav
    }

    /// Goes to `relative` (resolved against the current page, like a link).
    pub fn go(&self, relative: &str) -> Result<(), String> {
        let window = web_sys::window().ok_or("no window")?;
        let location = window.location();
        let here = location.href().map_err(|err| js_error::text(&err))?;
        let url =
            web_sys::Url::new_with_base(relative, &here).map_err(|err| js_error::text(&err))?;
        self.push(&url)
    }

    /// Corrects the address in place (no new history entry): `relative` resolved
    /// against the current page, keeping its search and fragment.
    pub fn replace(&self, relative: &str) -> Result<(), String> {
        let window = web_sys::window().ok_or("no window")?;
        let location = window.location();
        let here = location.href().map_err(|err| js_error::text(&err))?;
        let url =
            web_sys::Url::new_with_base(relative, &here).map_err(|err| js_error::text(&err))?;
        url.set_search(&location.search().unwrap_or_default());
        url.set_hash(&location.hash().unwrap_or_default());
        window
            .history()
            .and_then(|history| {
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()))
            })
            .map_err(|err| js_error::text(&err))?;
        self.sync();
        Ok(())
    }

    fn push(&self, url: &web_sys::Url) -> Result<(), String> {
        let window = web_sys::window().ok_or("no window")?;
        let search = window.location().search().unwrap_or_default();
        if url.search().is_empty() {
            url.set_search(&search);
        }
        window
            .history()
            .and_then(|history| {
                history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()))
            })
            .map_err(|err| js_error::text(&err))?;
        self.sync();
        window.scroll_to_with_x_and_y(0.0, 0.0);
        Ok(())
    }

    /// Reads the address into the signals (after a push or the back button).
    fn sync(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let path = location.pathname().unwrap_or_default();
        let hash = location.hash().unwrap_or_default();
        if self.path.get_untracked() != path {
            self.path.set(path);
        }
        if self.hash.get_untracked() != hash {
            self.hash.set(hash);
        }
    }

    /// A plain click on a link to one of our pages (same origin and same directory,
    /// no new tab asked for) is handled here instead of reloading the app.
    fn on_click(&self, ev: &web_sys::MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(anchor) = ev
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if anchor.has_attribute("target") || anchor.has_attribute("download") {
            return;
        }
        let href = anchor.get_attribute("href").unwrap_or_default();
        // In-page anchors (the skip link) keep their own behaviour.
        if href.starts_with('#') {
            return;
        }
        let Some(url) = own_page(&href) else {
            return;
        };
        ev.prevent_default();
        if let Err(why) = self.push(&url) {
            leptos::logging::warn!("party: cannot go to {}: {why}", url.href());
            // The browser can still go there the old way.
            if let Some(window) = web_sys::window() {
                let _ = window.location().assign(&url.href());
            }
        }
    }
}

/// `href` resolved, if it is a page of this app: same origin, same directory.
fn own_page(href: &str) -> Option<web_sys::Url> {
    let location = web_sys::window()?.location();
    let here = web_sys::Url::new(&location.href().ok()?).ok()?;
    let url = web_sys::Url::new_with_base(href, &here.href()).ok()?;
    let directory = |path: &str| path.rsplit_once('/').map(|(dir, _)| dir.to_owned());
    (url.origin() == here.origin() && directory(&url.pathname()) == directory(&here.pathname()))
        .then_some(url)
}
