//! What the room and connection tests read out of a list of `Output`s, and the broker
//! they stand in for.

use crate::ids::MessageId;
use crate::room::{ChatMessage, Delivery, Output, Room, RoomEvent};

/// The payloads of every publish, in order.
pub(crate) fn payloads(out: &[Output]) -> Vec<Vec<u8>> {
    out.iter()
        .filter_map(|o| match o {
            Output::Publish { payload, .. } => Some(payload.clone()),
            _ => None,
        })
        .collect()
}

pub(crate) fn events(out: &[Output]) -> Vec<RoomEvent> {
    out.iter()
        .filter_map(|o| match o {
            Output::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

/// The `type` of every published envelope.
pub(crate) fn types(out: &[Output]) -> Vec<String> {
    payloads(out)
        .iter()
        .map(|p| {
            let v: serde_json::Value = serde_json::from_slice(p).unwrap();
            v["type"].as_str().unwrap().to_owned()
        })
        .collect()
}

pub(crate) fn messages(out: &[Output]) -> Vec<ChatMessage> {
    events(out)
        .into_iter()
        .filter_map(|e| match e {
            RoomEvent::Message(m) => Some(m),
            _ => None,
        })
        .collect()
}

/// Every delivery report on our own messages, as (text id, status).
pub(crate) fn deliveries(out: &[Output]) -> Vec<(MessageId, Delivery)> {
    events(out)
        .into_iter()
        .filter_map(|e| match e {
            RoomEvent::Delivery { id, status, .. } => Some((id, status)),
            _ => None,
        })
        .collect()
}

/// The reason of every `Rejected` event.
pub(crate) fn rejections(out: &[Output]) -> Vec<String> {
    events(out)
        .into_iter()
        .filter_map(|e| match e {
            RoomEvent::Rejected { reason, .. } => Some(reason),
            _ => None,
        })
        .collect()
}

/// Delivers every publish in `out` to `room`, as the broker would.
pub(crate) fn deliver(out: &[Output], room: &mut Room, now: u64) -> Vec<Output> {
    payloads(out)
        .iter()
        .flat_map(|p| room.receive(now, p))
        .collect()
}
