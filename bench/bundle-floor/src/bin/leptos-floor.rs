//! party-core under Leptos with one view: an input whose text goes through the room,
//! and the number of rows the timeline shows.

#[cfg(target_arch = "wasm32")]
fn main() {
    use leptos::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    let Ok(floor) = party_bundle_floor::Floor::new(js_sys::Date::now() as u64) else {
        return;
    };
    let floor = Rc::new(RefCell::new(floor));
    let rows = RwSignal::new(0usize);
    leptos::mount::mount_to_body(move || {
        let floor = floor.clone();
        view! {
            <input on:change=move |ev| {
                let now = js_sys::Date::now() as u64;
                rows.set(floor.borrow_mut().exchange(now, &event_target_value(&ev)));
            } />
            <p>{move || rows.get()}</p>
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
