//! The browser saying its network is back (`online` on window): a client waiting out
//! a reconnect delay tries at once instead. Removed when dropped.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub struct OnOnline {
    callback: Closure<dyn FnMut()>,
}

impl OnOnline {
    pub fn listen(f: impl FnMut() + 'static) -> Option<Self> {
        let callback = Closure::<dyn FnMut()>::new(f);
        let window = web_sys::window()?;
        window
            .add_event_listener_with_callback("online", callback.as_ref().unchecked_ref())
            .ok()?;
        Some(OnOnline { callback })
    }
}

impl Drop for OnOnline {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "online",
                self.callback.as_ref().unchecked_ref(),
            );
        }
    }
}
