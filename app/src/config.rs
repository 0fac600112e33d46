//! The deploy's runtime settings: `config.json` beside `index.html`, so a fork of a
//! static deploy (GitHub Pages) names its broker by editing one file instead of the
//! build (docs/self-hosting.md). Self-hosted `party-broker` serves none, and then the
//! same-origin broker is used.
//!
//! ```json
//! { "broker": "wss://broker.example.org:8084/mqtt",
//!   "irc": "irc.example.org:6697", "agentsHttp": "https://agents.example.org" }
//! ```
//!
//! `irc` and `agentsHttp` name the deploy's bridge, for the ways in an invite lists.

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::js_error;

/// What `config.json` says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deployment {
    /// The broker pages of this deploy use (`None`: the same origin's).
    pub broker: Option<String>,
    /// The bridge's IRC address (`host:port`), if the deploy has one.
    pub irc: Option<String>,
    /// The bridge's HTTP address for agents, if the deploy has one.
    pub agents_http: Option<String>,
}

/// What `config.json` says; the default when there is none (HTTP 404).
pub async fn configured(base_uri: &str) -> Result<Deployment, String> {
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
        return Ok(Deployment::default());
    }
    if !response.ok() {
        return Err(format!("{url} answered HTTP {}", response.status()));
    }
    let json = response.json().map_err(|err| js_error::text(&err))?;
    let value = JsFuture::from(json)
        .await
        .map_err(|err| format!("{url} is not JSON: {}", js_error::text(&err)))?;
    let field = |name: &str| -> Result<Option<String>, String> {
        match Reflect::get(&value, &JsValue::from_str(name)) {
            Ok(v) if v.is_undefined() || v.is_null() => Ok(None),
            Ok(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| format!("{url}: \"{name}\" must be a string")),
            Err(err) => Err(js_error::text(&err)),
        }
    };
    Ok(Deployment {
        broker: field("broker")?,
        irc: field("irc")?,
        agents_http: field("agentsHttp")?,
    })
}
