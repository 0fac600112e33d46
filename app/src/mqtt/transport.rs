//! A browser WebSocket carrying MQTT: offers the `mqtt` subprotocol, reads binary
//! frames as bytes and reports its life as events. It knows nothing of MQTT itself.

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use crate::js_error;

/// What happened on the socket.
#[derive(Debug)]
pub enum TransportEvent {
    Open,
    Bytes(Vec<u8>),
    /// A text frame or other non-binary data: MQTT never sends those.
    NotBinary,
    /// The socket is gone; `reason` is for people.
    Closed {
        reason: String,
    },
}

/// An open (or opening) WebSocket. Dropping it detaches the handlers and closes it.
pub struct Transport {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Transport {
    /// Opens `url`; `on_event` is called from the browser's event loop for every event.
    pub fn open(
        url: &str,
        on_event: impl Fn(TransportEvent) + Clone + 'static,
    ) -> Result<Self, String> {
        let socket = WebSocket::new_with_str(url, "mqtt")
            .map_err(|err| format!("cannot open a WebSocket to {url}: {}", js_error::text(&err)))?;
        socket.set_binary_type(BinaryType::Arraybuffer);

        let handler = on_event.clone();
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| handler(TransportEvent::Open));
        let handler = on_event.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match event.data().dyn_into::<ArrayBuffer>() {
                Ok(buffer) => handler(TransportEvent::Bytes(Uint8Array::new(&buffer).to_vec())),
                Err(_) => handler(TransportEvent::NotBinary),
            }
        });
        let handler = on_event.clone();
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            let reason = match event.reason() {
                reason if reason.is_empty() => format!("connection closed (code {})", event.code()),
                reason => format!("connection closed (code {}): {reason}", event.code()),
            };
            handler(TransportEvent::Closed { reason });
        });
        // An error is always followed by a close event, which carries the report; the
        // error event itself has no details a page may read.
        let on_error = Closure::<dyn FnMut(Event)>::new(|_| {});

        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        socket.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(Transport {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            _on_error: on_error,
        })
    }

    /// Sends one binary frame.
    pub fn send(&self, bytes: &[u8]) -> Result<(), String> {
        self.socket
            .send_with_u8_array(bytes)
            .map_err(|err| format!("cannot send on the WebSocket: {}", js_error::text(&err)))
    }
}

impl Drop for Transport {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onerror(None);
        // Closing an already closed socket is a no-op; there is nobody left to tell if
        // closing fails.
        let _ = self.socket.close();
    }
}
