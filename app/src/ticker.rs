//! A periodic callback that keeps its pace in a hidden tab. Browsers run a hidden
//! page's timers at most once a minute after a while (Chrome's intensive throttling),
//! which would make an MQTT ping late and the broker drop us. A dedicated worker's
//! timers are not throttled that way, and its messages wake the page like any other
//! event, so the worker keeps time and the page does the work. Where no worker can be
//! made, a plain interval stands in.

use gloo_timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

/// Stops when dropped.
pub struct Ticker {
    _inner: Inner,
}

enum Inner {
    Worker {
        worker: Worker,
        _on_tick: Closure<dyn FnMut(MessageEvent)>,
        url: String,
    },
    Interval {
        _interval: Interval,
    },
}

impl Ticker {
    pub fn every(period_ms: u32, tick: impl FnMut() + 'static) -> Self {
        let mut tick = tick;
        match worker(period_ms) {
            Ok((worker, url)) => {
                let on_tick = Closure::<dyn FnMut(MessageEvent)>::new(move |_| tick());
                worker.set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
                Ticker {
                    _inner: Inner::Worker {
                        worker,
                        _on_tick: on_tick,
                        url,
                    },
                }
            }
            Err(why) => {
                leptos::logging::warn!(
                    "party: no worker for keepalive pings ({why:?}); a hidden tab may be disconnected"
                );
                Ticker {
                    _inner: Inner::Interval {
                        _interval: Interval::new(period_ms, tick),
                    },
                }
            }
        }
    }
}

/// A worker that posts an empty message every `period_ms`, from an inline script.
fn worker(period_ms: u32) -> Result<(Worker, String), JsValue> {
    let source = format!("setInterval(() => postMessage(0), {period_ms});");
    let parts = js_sys::Array::of1(&JsValue::from_str(&source));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    match Worker::new(&url) {
        Ok(worker) => Ok((worker, url)),
        Err(err) => {
            let _ = Url::revoke_object_url(&url);
            Err(err)
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Inner::Worker { worker, url, .. } = self {
            worker.set_onmessage(None);
            worker.terminate();
            let _ = Url::revoke_object_url(url);
        }
    }
}
