//! party-core alone, exported to JavaScript: no UI framework, no MQTT, no views.

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn exchange(payload: &str) -> usize {
    let now = js_sys::Date::now() as u64;
    party_bundle_floor::Floor::new(now).map_or(0, |mut floor| floor.exchange(now, payload))
}

fn main() {}
