//! Getting a person's attention: a short sound for a new message or someone joining
//! (with a mute switch that persists), and system notifications (asked for after the
//! person's first message, as Hangout does) for mentions, or for every message if
//! they choose. Sounds are synthesized (no audio file to download) and only play for
//! what the person is not looking at.

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsCast;

use crate::prefs::{self, Notify};

thread_local! {
    static MUTED: Cell<bool> = Cell::new(prefs::muted());
    static AUDIO: RefCell<Option<web_sys::AudioContext>> = const { RefCell::new(None) };
}

/// Keeps the sound switch where the session drivers (outside any view) can read it.
pub fn set_muted(muted: bool) {
    MUTED.with(|m| m.set(muted));
}

/// What a sound is for.
#[derive(Clone, Copy)]
pub enum Chime {
    Message,
    Join,
}

/// Plays `chime` unless sounds are off. Browsers only let a page make sound after the
/// person has interacted with it; before that, nothing plays.
pub fn chime(chime: Chime) {
    if MUTED.with(Cell::get) {
        return;
    }
    let (frequency, length) = match chime {
        Chime::Message => (880.0, 0.09),
        Chime::Join => (660.0, 0.14),
    };
    AUDIO.with(|audio| {
        let mut audio = audio.borrow_mut();
        if audio.is_none() {
            *audio = web_sys::AudioContext::new().ok();
        }
        if let Some(context) = audio.as_ref() {
            // A sound that cannot play is not worth an error anywhere.
            let _ = beep(context, frequency, length);
        }
    });
}

fn beep(
    context: &web_sys::AudioContext,
    frequency: f32,
    length: f64,
) -> Result<(), wasm_bindgen::JsValue> {
    if context.state() == web_sys::AudioContextState::Suspended {
        let _ = context.resume()?;
    }
    let oscillator = context.create_oscillator()?;
    oscillator.frequency().set_value(frequency);
    let gain = context.create_gain()?;
    let now = context.current_time();
    gain.gain().set_value_at_time(0.0001, now)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.12, now + 0.01)?;
    gain.gain()
        .exponential_ramp_to_value_at_time(0.0001, now + length)?;
    oscillator.connect_with_audio_node(&gain)?;
    gain.connect_with_audio_node(&context.destination())?;
    oscillator.start()?;
    oscillator.stop_with_when(now + length + 0.02)?;
    Ok(())
}

/// After the person's first message: asks whether Party may notify them (once).
pub fn ask_after_first_message() {
    if prefs::notify() != Notify::Unasked {
        return;
    }
    // Asked once, whatever the answer: the browser remembers it anyway.
    prefs::set_notify(Notify::Mentions);
    ask_permission();
}

/// Asks the browser for permission to notify, if it has not been answered yet.
pub fn ask_permission() {
    if notification_permission() != Some(web_sys::NotificationPermission::Default) {
        return;
    }
    if let Ok(promise) = web_sys::Notification::request_permission() {
        // The answer is read when a notification is due.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}

/// The browser's permission, if it has notifications at all.
fn notification_permission() -> Option<web_sys::NotificationPermission> {
    let window = web_sys::window()?;
    js_sys::Reflect::has(&window, &"Notification".into())
        .ok()
        .filter(|has| *has)?;
    Some(web_sys::Notification::permission())
}

/// A message the person is not looking at: a notification if they asked for this
/// kind (every message, or mentions of them).
pub fn notify(room: &str, sender: &str, text: &str, mention: bool) {
    let wanted = match prefs::notify() {
        Notify::Everything => true,
        Notify::Mentions => mention,
        Notify::Unasked | Notify::Off => false,
    };
    if !wanted || notification_permission() != Some(web_sys::NotificationPermission::Granted) {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    let body: String = text.chars().take(160).collect();
    options.set_body(&body);
    options.set_tag(room);
    let title = format!("{sender} in {room}");
    if let Ok(notification) = web_sys::Notification::new_with_options(&title, &options) {
        let on_click = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
            if let Some(window) = web_sys::window() {
                let _ = window.focus();
            }
        });
        notification.set_onclick(Some(on_click.as_ref().unchecked_ref()));
        on_click.forget();
    }
}
