//! The deploy's runtime settings: `config.json` beside `index.html`, so a fork of a
//! static deploy (GitHub Pages) names its broker by editing one file instead of the
//! build (docs/self-hosting.md). Self-hosted `party-broker` serves none, and then the
//! same-origin broker is used.
//!
//! ```json
//! { "broker": "wss://broker.example.org:8084/mqtt" }
//! ```

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::js_error;

/// What `config.json` says; `Ok(None)`: there is none (HTTP 404).
pub async fn configured_broker(base_uri: &str) -> Result<Option<String>, String> {
    let url = web_sys::Url::new_with_base("config.json", base_uri)
        .map_err(|err| js_error::text(&err))?
        .href();
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(&url))
        .await
        .map_err(|err| format!("cannot read {url}: {}", js_error::text(&err)))?;
    let response: Response = response
        .dyn_into()
        .map_err(|_| "fetch gave no response".to_owned())?;
    if response.status() == 404 {
        return Ok(None);
    }
    if !response.ok() {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    let json = response.json().map_err(|err| js_error::text(&err))?;
    let value = JsFuture::from(json)
        .await
        .map_err(|err| format!("{url} is not JSON: {}", js_error::text(&err)))?;
    match Reflect::get(&value, &JsValue::from_str("broker")) {
        Ok(broker) if broker.is_undefined() || broker.is_null() => Ok(None),
        Ok(broker) => broker
            .as_string()
            .map(Some)
            .ok_or_else(|| format!("{url}: \"broker\" must be a string")),
        Err(err) => Err(js_error::text(&err)),
    }
}
