//! `party send`: one signed message, delivered with QoS 1 so "exit 0" means the broker
//! has it, not merely that bytes left this process. Listeners still receive it at the
//! QoS 0 they subscribed with.

use std::collections::HashSet;
use std::io::Read;
use std::time::Duration;

use party_core::limits::HISTORY_REQUEST_TIMEOUT_MS;
use party_core::room::{Delivery, SendError};
use party_core::secret::AgentSecret;
use party_core::{LocalPeer, Output, Room, RoomEvent};
use rumqttc::{Event, EventLoop, Outgoing, Packet, QoS};

use crate::args::SendArgs;
use crate::error::CliError;
use crate::session::Session;
use crate::{identity, output, random};
use party_link::BrokerUrl;
use party_link::{clock, mqtt};

/// How long a one-shot send waits for the broker to connect and acknowledge before it
/// reports failure.
const SEND_ACK_TIMEOUT_MS: u64 = 10_000;

/// An envelope core asked us to publish.
struct Publication {
    topic: String,
    payload: Vec<u8>,
}

pub fn run(args: SendArgs) -> Result<(), CliError> {
    let secret = identity::import_secret(&args.secret.secret)?;
    let text = message_text(&args.text, std::io::stdin().lock())?;
    if args.room.host().is_some() {
        return send_in_hosted_room(args, &secret, &text);
    }
    let peer = random::peer_id()?;
    let now = clock::now_ms();
    // In an open room the rules are fixed (docs/protocol.md, "policy"), so a
    // one-shot sender is not a participant: it composes without joining, so no
    // announce or history request goes out, and says goodbye right after its message
    // (peers would otherwise list it until their 90 s timeout).
    let mut room = Room::new(
        args.room,
        LocalPeer::agent(&secret, peer),
        now,
        random::entropy()?,
    );
    let outputs = room
        .send_once(now, &text, args.re.as_ref())
        .map_err(refused)?;
    let mut publications = Vec::new();
    let mut events = Vec::new();
    for out in outputs {
        match out {
            Output::Publish { topic, payload } => publications.push(Publication { topic, payload }),
            // The broker's PUBACK, not an echo, confirms a one-shot message: exit 0.
            Output::Event(RoomEvent::Delivery { .. }) => {}
            Output::Event(event) => events.push(event),
            // An agent's key is held here: nothing else comes out of a send.
            Output::Will { .. }
            | Output::Sign(_)
            | Output::Subscribe { .. }
            | Output::Disconnect => {}
        }
    }
    if publications.is_empty() {
        return Err(CliError::runtime(
            "core produced no envelope to publish for this message",
        ));
    }
    let url = &args.broker.broker;
    let client_id = random::client_id()?;
    crate::runtime()?.block_on(deliver(url, client_id, publications))?;
    // The message as this sender's room sees it (id, t, verified), for the caller's log.
    for event in &events {
        output::emit(event)?;
    }
    Ok(())
}

/// Why core would not send the message, as the CLI reports it.
fn refused(err: SendError) -> CliError {
    match err {
        SendError::Text(_) | SendError::Credential(_) => {
            CliError::input(format!("cannot send this message: {err}"))
        }
        SendError::Held(why) => CliError::runtime(format!(
            "the room's rules hold this message back, so it was not sent: {why}"
        )),
        SendError::Left
        | SendError::NoOwner
        | SendError::Offline
        | SendError::Watching
        | SendError::NotAMember(_)
        | SendError::NothingToRetry(_) => {
            CliError::runtime(format!("core refused the message: {err}"))
        }
    }
}

/// A host's room has rules its host sets, and a reply must answer a call the room
/// saw: the sender joins, hears the room's answer to its history request (the host
/// answers with its rules), then sends, and leaves once the broker has echoed the
/// message back.
fn send_in_hosted_room(args: SendArgs, secret: &AgentSecret, text: &str) -> Result<(), CliError> {
    crate::runtime()?.block_on(async move {
        let mut session = Session::open(args.room, secret, args.broker.broker)?;
        let limit = Duration::from_millis(SEND_ACK_TIMEOUT_MS + HISTORY_REQUEST_TIMEOUT_MS);
        let sent = tokio::time::timeout(limit, async {
            let mut live_since = None;
            loop {
                let listen_until = live_since.map(|at| at + HISTORY_REQUEST_TIMEOUT_MS);
                if listen_until.is_some_and(|until| clock::now_ms() >= until) {
                    break;
                }
                let wait = listen_until
                    .map(|until| Duration::from_millis(until.saturating_sub(clock::now_ms())));
                let events = match wait {
                    Some(wait) => match tokio::time::timeout(wait, session.next()).await {
                        Ok(events) => events?,
                        Err(_) => break,
                    },
                    None => session.next().await?,
                };
                if events.iter().any(|e| matches!(e, RoomEvent::Live { .. })) {
                    live_since = Some(clock::now_ms());
                }
            }
            let now = clock::now_ms();
            let re = args.re.as_ref();
            let events = session
                .act(|c| match re {
                    Some(re) => c.send_reply(now, text, re),
                    None => c.send_text(now, text),
                })
                .map_err(refused)?;
            let shown = events.into_iter().find_map(|e| match e {
                RoomEvent::Message(message) => Some(message),
                _ => None,
            });
            let shown = shown.ok_or_else(|| {
                CliError::runtime("core produced no message to publish for this text")
            })?;
            loop {
                let echoed = session.next().await?.into_iter().any(|e| {
                    matches!(&e, RoomEvent::Delivery { id, status: Delivery::Sent, .. } if *id == shown.id)
                });
                if echoed {
                    return Ok::<_, CliError>(shown);
                }
            }
        })
        .await;
        let outcome = match sent {
            Ok(outcome) => outcome,
            Err(_) => Err(CliError::runtime(format!(
                "message not sent: the room was not reached within {} s",
                limit.as_secs()
            ))),
        };
        session.leave().await;
        output::emit(&RoomEvent::Message(outcome?))?;
        Ok(())
    })
}

/// The text to send: the argument itself, or all of stdin for `-` without the single
/// trailing newline that `echo` and most editors add.
fn message_text(arg: &str, mut stdin: impl Read) -> Result<String, CliError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    let mut bytes = Vec::new();
    stdin
        .read_to_end(&mut bytes)
        .map_err(|err| CliError::runtime(format!("cannot read the message from stdin: {err}")))?;
    let mut text = String::from_utf8(bytes)
        .map_err(|_| CliError::input("the message on stdin is not UTF-8 text"))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

async fn deliver(
    url: &BrokerUrl,
    client_id: String,
    publications: Vec<Publication>,
) -> Result<(), CliError> {
    let (client, eventloop) = mqtt::client(
        url,
        client_id,
        None,
        party_link::tuning::ONE_ROOM_MQTT_REQUEST_CAPACITY,
    );
    let wanted = publications.len();
    for Publication { topic, payload } in publications {
        client
            .try_publish(topic, QoS::AtLeastOnce, false, payload)
            .map_err(|err| CliError::runtime(format!("cannot queue the message: {err}")))?;
    }
    let limit = Duration::from_millis(SEND_ACK_TIMEOUT_MS);
    match tokio::time::timeout(limit, await_acks(eventloop, &client, wanted)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(reason)) => Err(CliError::runtime(format!(
            "message not sent to {url}: {reason}"
        ))),
        Err(_) => Err(CliError::runtime(format!(
            "message not sent: broker {url} did not accept it within {} s",
            limit.as_secs()
        ))),
    }
}

/// Drives the connection until every publish is acknowledged, then disconnects
/// cleanly. Returns the reason if the connection fails first.
async fn await_acks(
    mut eventloop: EventLoop,
    client: &rumqttc::AsyncClient,
    wanted: usize,
) -> Result<(), String> {
    let mut in_flight = HashSet::new();
    let mut acked = 0;
    loop {
        match eventloop.poll().await {
            Ok(Event::Outgoing(Outgoing::Publish(pkid))) => {
                in_flight.insert(pkid);
            }
            Ok(Event::Incoming(Packet::PubAck(ack))) => {
                if in_flight.remove(&ack.pkid) {
                    acked += 1;
                    if acked == wanted && client.try_disconnect().is_err() {
                        return Ok(());
                    }
                }
            }
            Ok(Event::Outgoing(Outgoing::Disconnect)) => return Ok(()),
            Ok(_) => {}
            // Once the broker has acknowledged everything, a failing goodbye is harmless.
            Err(_) if acked == wanted => return Ok(()),
            Err(err) => return Err(mqtt::describe(&err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_argument_is_sent_as_is() {
        let text = message_text("hi\n", std::io::empty()).unwrap();
        assert_eq!(text, "hi\n");
    }

    #[test]
    fn dash_reads_stdin_without_its_final_newline() {
        assert_eq!(
            message_text("-", &b"line 1\nline 2\n"[..]).unwrap(),
            "line 1\nline 2"
        );
        assert_eq!(message_text("-", &b"crlf\r\n"[..]).unwrap(), "crlf");
        assert_eq!(message_text("-", &b"two\n\n"[..]).unwrap(), "two\n");
    }

    #[test]
    fn non_utf8_stdin_is_an_input_error() {
        let err = message_text("-", &[0xff, 0xfe][..]).unwrap_err();
        assert_eq!(
            err,
            CliError::input("the message on stdin is not UTF-8 text")
        );
    }
}
