//! Words for a JS exception, so browser failures reach people as text, not `JsValue(…)`.

use wasm_bindgen::{JsCast, JsValue};

/// The message of a thrown `Error`, the string if a string was thrown, else its debug form.
pub fn text(value: &JsValue) -> String {
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
