//! Time as the browser sees it: milliseconds since the epoch for core, and local
//! wall-clock time for people.

/// Now, in ms since the Unix epoch, as core wants it.
pub fn now_ms() -> u64 {
    // Date.now() is a non-negative integer below 2^53, so the cast is exact.
    js_sys::Date::now() as u64
}

/// `HH:MM` of `t_ms` in the browser's time zone.
pub fn local_hh_mm(t_ms: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t_ms as f64));
    hh_mm(date.get_hours(), date.get_minutes())
}

/// Zero-padded `HH:MM`.
pub fn hh_mm(hours: u32, minutes: u32) -> String {
    format!("{hours:02}:{minutes:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_and_minutes_are_zero_padded() {
        assert_eq!(hh_mm(7, 5), "07:05");
        assert_eq!(hh_mm(23, 59), "23:59");
        assert_eq!(hh_mm(0, 0), "00:00");
    }
}
