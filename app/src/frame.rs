//! Runs a callback once, at the next animation frame: everything that arrived before
//! it (a burst of messages is many WebSocket events) is drawn together, one frame
//! instead of one per message. A hidden page draws no frames, so there a short timer
//! stands in. Dropping the handle cancels the callback; drop it only outside the
//! callback (a frame's closure must not be freed while it runs), e.g. when the next
//! one is scheduled.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// How long a hidden page waits before applying what arrived (it is not drawn, so
/// this only bounds how much piles up).
const HIDDEN_PAGE_DELAY_MS: u32 = 250;

type Slot = Rc<RefCell<Option<Box<dyn FnOnce()>>>>;

pub struct NextFrame {
    pending: Pending,
    slot: Slot,
}

enum Pending {
    Frame {
        id: i32,
        // Kept alive until the frame runs or the handle is dropped.
        _callback: Closure<dyn FnMut(f64)>,
    },
    // Kept alive until it fires or the handle is dropped.
    Timer {
        _timeout: Timeout,
    },
}

impl NextFrame {
    pub fn schedule(f: impl FnOnce() + 'static) -> Self {
        let slot: Slot = Rc::new(RefCell::new(Some(Box::new(f))));
        let window = web_sys::window();
        if let (Some(window), true) = (window, page_visible()) {
            let in_frame = slot.clone();
            let callback = Closure::<dyn FnMut(f64)>::new(move |_| run(&in_frame));
            if let Ok(id) = window.request_animation_frame(callback.as_ref().unchecked_ref()) {
                return NextFrame {
                    pending: Pending::Frame {
                        id,
                        _callback: callback,
                    },
                    slot,
                };
            }
        }
        let in_timer = slot.clone();
        NextFrame {
            pending: Pending::Timer {
                _timeout: Timeout::new(HIDDEN_PAGE_DELAY_MS, move || run(&in_timer)),
            },
            slot,
        }
    }

    /// Whether the callback has yet to run.
    pub fn is_pending(&self) -> bool {
        self.slot.borrow().is_some()
    }
}

fn run(slot: &Slot) {
    let f = slot.borrow_mut().take();
    if let Some(f) = f {
        f();
    }
}

impl Drop for NextFrame {
    fn drop(&mut self) {
        if let (Pending::Frame { id, .. }, true) = (&self.pending, self.is_pending()) {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(*id);
            }
        }
    }
}

/// Whether the tab is in front: hidden tabs get no animation frames, and what arrives
/// while hidden is unread.
pub fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| !d.hidden())
}
