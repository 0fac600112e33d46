//! The HTTP way in for agents that speak only HTTP (off unless `--http` is given):
//! `GET /rooms/<room>/events` is the agent's Server-Sent Event stream (the contract,
//! the room's recent history, then its events and a heartbeat comment every 15 s);
//! `POST /rooms/<room>/messages` and `POST /rooms/<room>/drafts` speak, and
//! `POST /rooms/<room>/working` shows the agent working on an answer. Every request
//! carries the agent's secret (`Authorization: Bearer <secret>`); the stream may
//! carry a person's invite (`X-Party-Invite: <code>`), taken up on arrival. Errors are JSON
//! with a `code`: 401 bad credentials, 403 the level is too low, 404 no stream open
//! in that room, 409 a repeated `clientMsgId`, 413 too long, 422 rejected, 429 rate
//! limited (docs/agents.md).

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Body, Frame as BodyFrame, Incoming};
use hyper::header::{HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use party_core::envelope::TextError;
use party_core::ids::{MessageId, RoomName};
use party_core::invite::Invite;
use party_core::policy::Hidden;
use party_core::secret::AgentSecret;
use party_core::SendError;
use party_link::clock::now_ms;
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use crate::agents::Frame;
use crate::hub::AgentError;
use crate::rooms::MemberId;
use crate::shared::Shared;
use crate::tuning::HTTP_BODY_MAX_BYTES;

type HttpBody = BoxBody<Bytes, Infallible>;

/// Accepts agents until the process stops; each connection is its own task.
pub async fn run(listener: TcpListener, shared: Arc<Shared>, heartbeat: Duration) -> Infallible {
    loop {
        let (stream, peer) = party_link::accept::next(&listener, "http").await;
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(request, &shared, heartbeat).await) }
            });
            if let Err(err) = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, error = %err, "agent http connection ended with an error");
            }
        });
    }
}

/// What an agent posts.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Say {
    text: String,
    #[serde(default)]
    re: Option<MessageId>,
    #[serde(default)]
    client_msg_id: Option<String>,
}

async fn handle(
    request: Request<Incoming>,
    shared: &Arc<Shared>,
    heartbeat: Duration,
) -> Response<HttpBody> {
    let path: Vec<&str> = request.uri().path().split('/').collect();
    let (room, what) = match path.as_slice() {
        ["", "rooms", room, what] => (*room, *what),
        _ => return error(StatusCode::NOT_FOUND, "not-found", "the endpoints are /rooms/<room>/events, /rooms/<room>/messages and /rooms/<room>/drafts"),
    };
    let room = match RoomName::parse(room) {
        Ok(room) => room,
        Err(err) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "room",
                &format!("not a room name: {err}"),
            )
        }
    };
    let Some(secret) = secret_of(&request) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the agent's secret as `Authorization: Bearer <secret>`",
        );
    };
    match (request.method(), what) {
        (&Method::GET, "events") => {
            let invite = match request
                .headers()
                .get("x-party-invite")
                .map(|v| v.to_str().map(Invite::parse))
            {
                None => None,
                Some(Ok(Ok(invite))) => Some(invite),
                Some(Ok(Err(err))) => {
                    return error(StatusCode::UNPROCESSABLE_ENTITY, "invite", &err.to_string())
                }
                Some(Err(_)) => {
                    return error(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "invite",
                        "the invite code is not text",
                    )
                }
            };
            events(room, &secret, invite, shared, heartbeat)
        }
        (&Method::POST, "messages") => say(request, room, &secret, shared, false).await,
        (&Method::POST, "drafts") => say(request, room, &secret, shared, true).await,
        (&Method::POST, "working") => {
            let outcome = shared.hub().agent_working(&room, &secret, now_ms());
            shared.timer.notify_one();
            match outcome {
                Ok(value) => json_response(StatusCode::ACCEPTED, &value.to_string()),
                Err(err) => agent_error(&err),
            }
        }
        _ => error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method",
            "GET …/events, POST …/messages or POST …/drafts",
        ),
    }
}

/// The agent's secret from `Authorization: Bearer`, if it is one.
fn secret_of(request: &Request<Incoming>) -> Option<AgentSecret> {
    let value = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ")?;
    AgentSecret::import(token).ok()
}

fn events(
    room: RoomName,
    secret: &AgentSecret,
    invite: Option<Invite>,
    shared: &Arc<Shared>,
    heartbeat: Duration,
) -> Response<HttpBody> {
    let (tx, rx) = unbounded_channel();
    let opened = shared.hub().agent_open(room, secret, invite, tx, now_ms());
    shared.timer.notify_one();
    let id = match opened {
        Ok(id) => id,
        Err(err) => return agent_error(&err),
    };
    let body = SseBody {
        frames: rx,
        heartbeat: tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat),
        _closer: Closer {
            shared: shared.clone(),
            id,
        },
    };
    let mut response = Response::new(body.boxed());
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn say(
    request: Request<Incoming>,
    room: RoomName,
    secret: &AgentSecret,
    shared: &Arc<Shared>,
    draft: bool,
) -> Response<HttpBody> {
    let body = match Limited::new(request.into_body(), HTTP_BODY_MAX_BYTES)
        .collect()
        .await
    {
        Ok(body) => body.to_bytes(),
        Err(_) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                &format!("the request body is over {HTTP_BODY_MAX_BYTES} bytes"),
            )
        }
    };
    let said: Say = match serde_json::from_slice(&body) {
        Ok(said) => said,
        Err(err) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "json",
                &format!(
                    "the body must be {{\"text\": …, \"re\"?: …, \"clientMsgId\"?: …}}: {err}"
                ),
            )
        }
    };
    let outcome = shared.hub().agent_say(
        &room,
        secret,
        &said.text,
        said.re.as_ref(),
        said.client_msg_id.as_deref(),
        draft,
        now_ms(),
    );
    shared.timer.notify_one();
    match outcome {
        Ok(value) => json_response(StatusCode::ACCEPTED, &value.to_string()),
        Err(err) => agent_error(&err),
    }
}

/// An agent's refusal as its status and code.
fn agent_error(err: &AgentError) -> Response<HttpBody> {
    let (status, code) = match err {
        AgentError::NotInRoom => (StatusCode::NOT_FOUND, "not-in-room"),
        AgentError::Duplicate => (StatusCode::CONFLICT, "duplicate"),
        AgentError::Join(_) => (StatusCode::UNPROCESSABLE_ENTITY, "join"),
        AgentError::NoRandomness(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        AgentError::Send(send) => match send {
            SendError::Held(Hidden::Rate | Hidden::HopBound) => {
                (StatusCode::TOO_MANY_REQUESTS, "rate-limited")
            }
            SendError::Held(_) | SendError::NoOwner => (StatusCode::FORBIDDEN, "level"),
            SendError::Text(TextError::TooLong { .. }) => {
                (StatusCode::PAYLOAD_TOO_LARGE, "too-long")
            }
            SendError::Offline => (StatusCode::SERVICE_UNAVAILABLE, "offline"),
            _ => (StatusCode::UNPROCESSABLE_ENTITY, "rejected"),
        },
    };
    error(status, code, &err.to_string())
}

fn error(status: StatusCode, code: &str, message: &str) -> Response<HttpBody> {
    json_response(status, &json!({"code": code, "error": message}).to_string())
}

fn json_response(status: StatusCode, body: &str) -> Response<HttpBody> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_owned())).boxed());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Leaves the room when the stream is gone (the agent hung up, or the bridge stops).
struct Closer {
    shared: Arc<Shared>,
    id: MemberId,
}

impl Drop for Closer {
    fn drop(&mut self) {
        self.shared.hub().agent_close(self.id, now_ms());
        self.shared.timer.notify_one();
    }
}

/// An agent's event stream: its frames as they come, and a heartbeat comment when
/// nothing came for a while.
struct SseBody {
    frames: UnboundedReceiver<Frame>,
    heartbeat: tokio::time::Interval,
    /// Held for its `Drop`: the agent leaves the room with its stream.
    _closer: Closer,
}

impl Body for SseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<BodyFrame<Bytes>, Infallible>>> {
        match self.frames.poll_recv(cx) {
            Poll::Ready(Some(frame)) => {
                self.heartbeat.reset();
                return Poll::Ready(Some(Ok(BodyFrame::data(Bytes::from(frame.to_sse())))));
            }
            // The hub closed this session (another stream took its place).
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Pending => {}
        }
        match self.heartbeat.poll_tick(cx) {
            Poll::Ready(_) => Poll::Ready(Some(Ok(BodyFrame::data(Bytes::from_static(
                b": heartbeat\n\n",
            ))))),
            Poll::Pending => Poll::Pending,
        }
    }
}
