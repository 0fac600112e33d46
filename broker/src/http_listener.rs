//! The HTTP port: the SPA's files and MQTT over WebSocket at `<base>mqtt`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use rumqttd::RemoteAcceptor;
use tokio::net::{TcpListener, TcpStream};
use tracing::debug;

use crate::admission::{self, Admission, Refused, Ticket};
use crate::mqtt_broker::RouterCounts;
use crate::response::{self, HttpResponse};
use crate::route::{self, Base, Target};
use crate::static_files::StaticFiles;
use crate::tuning::BROKER_HTTP_HEADER_READ_TIMEOUT_MS;
use crate::websocket;
use party_link::accept;

type CountsReader = Box<dyn Fn() -> RouterCounts + Send + Sync>;

pub struct HttpApp {
    base: Base,
    files: StaticFiles,
    acceptor: RemoteAcceptor,
    admission: Arc<Admission>,
    counts: CountsReader,
}

impl HttpApp {
    pub fn new(
        base: Base,
        files: StaticFiles,
        acceptor: RemoteAcceptor,
        admission: Arc<Admission>,
        counts: CountsReader,
    ) -> Self {
        HttpApp {
            base,
            files,
            acceptor,
            admission,
            counts,
        }
    }

    async fn handle(
        &self,
        request: Request<Incoming>,
        peer: SocketAddr,
        socket: &Arc<Ticket>,
    ) -> HttpResponse {
        let target = route::classify(&self.base, request.uri().path());
        if target == Target::Mqtt {
            return if websocket::is_upgrade_request(request.headers()) {
                match self.forwarded_ticket(&request, peer) {
                    // The upgraded stream outlives this HTTP connection's task, so it
                    // holds the socket's place in the budget from here on.
                    Ok(forwarded) => websocket::accept(
                        request,
                        self.acceptor.clone(),
                        (socket.clone(), forwarded),
                    ),
                    Err(refused) => refusal(refused),
                }
            } else {
                response::text(
                    StatusCode::UPGRADE_REQUIRED,
                    "this is the MQTT over WebSocket endpoint: connect with a WebSocket client offering subprotocol mqtt",
                )
            };
        }
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            let mut refused = response::text(
                StatusCode::METHOD_NOT_ALLOWED,
                "only GET and HEAD are served",
            );
            refused
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            return refused;
        }
        if target == Target::Status {
            return self.status();
        }
        let headers = request.headers();
        match target {
            Target::Index => self.files.index(headers).await,
            Target::File { path, room } => self.files.file(&path, room, headers).await,
            Target::AddSlash => {
                let mut moved = response::text(StatusCode::PERMANENT_REDIRECT, self.base.as_str());
                if let Ok(location) = HeaderValue::from_str(self.base.as_str()) {
                    moved.headers_mut().insert(LOCATION, location);
                }
                moved
            }
            Target::RemoveSlash { to } => {
                let to = match request.uri().query() {
                    Some(query) => format!("{to}?{query}"),
                    None => to,
                };
                let mut moved = response::text(StatusCode::PERMANENT_REDIRECT, &to);
                if let Ok(location) = HeaderValue::from_str(&to) {
                    moved.headers_mut().insert(LOCATION, location);
                }
                moved
            }
            Target::Rejected => response::text(StatusCode::BAD_REQUEST, "invalid path"),
            Target::NotFound | Target::Mqtt | Target::Status => {
                response::text(StatusCode::NOT_FOUND, "not found")
            }
        }
    }

    /// A WebSocket through a trusted proxy counts against the client the proxy names,
    /// since the proxy's own address is every client's.
    fn forwarded_ticket(
        &self,
        request: &Request<Incoming>,
        peer: SocketAddr,
    ) -> Result<Option<Ticket>, Refused> {
        if !self.admission.is_trusted_proxy(peer.ip()) {
            return Ok(None);
        }
        let header = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        match admission::forwarded_client(&self.admission, header) {
            Some(client) => self.admission.admit_forwarded(client).map(Some),
            None => Ok(None),
        }
    }

    fn status(&self) -> HttpResponse {
        let counts = (self.counts)();
        response::json(
            StatusCode::OK,
            format!(
                "{{\"connections\":{},\"topics\":{},\"sockets\":{}}}",
                counts.connections,
                counts.topics,
                self.admission.held()
            ),
        )
    }
}

fn refusal(refused: Refused) -> HttpResponse {
    match refused {
        Refused::AddressFull => response::text(
            StatusCode::TOO_MANY_REQUESTS,
            "too many connections from your address",
        ),
        Refused::TooFast => response::text(
            StatusCode::TOO_MANY_REQUESTS,
            "too many new connections from your address; try again in a second",
        ),
        Refused::ServerFull => response::text(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is at its connection limit; try again shortly",
        ),
    }
}

/// A whole HTTP response for a socket turned away before HTTP was read, written in
/// one non-blocking attempt: a refused client must not hold anything while we wait.
fn refusal_bytes(refused: Refused) -> &'static [u8] {
    match refused {
        Refused::AddressFull => b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 39\r\nconnection: close\r\n\r\ntoo many connections from your address\n",
        Refused::TooFast => b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 66\r\nconnection: close\r\n\r\ntoo many new connections from your address; try again in a second\n",
        Refused::ServerFull => b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 57\r\nconnection: close\r\n\r\nthe server is at its connection limit; try again shortly\n",
    }
}

/// Runs until the process stops; each connection is its own task.
pub async fn run(listener: TcpListener, app: Arc<HttpApp>) -> Infallible {
    loop {
        let (stream, peer) = accept::next(&listener, "http").await;
        let ticket = match app.admission.admit(peer.ip()) {
            Ok(ticket) => ticket,
            Err(refused) => {
                debug!(%peer, ?refused, "http connection refused");
                let _ = stream.try_write(refusal_bytes(refused));
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = serve_connection(stream, peer, app, Arc::new(ticket)).await {
                debug!(%peer, error = %e, "http connection ended with an error");
            }
        });
    }
}

/// `ticket` is this socket's place in the budget: given back when the connection
/// closes, or, after a WebSocket upgrade, when that stream does.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Arc<HttpApp>,
    ticket: Arc<Ticket>,
) -> hyper::Result<()> {
    let service = service_fn(move |request| {
        let app = app.clone();
        let ticket = ticket.clone();
        async move { Ok::<_, Infallible>(app.handle(request, peer, &ticket).await) }
    });
    http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(std::time::Duration::from_millis(
            BROKER_HTTP_HEADER_READ_TIMEOUT_MS,
        ))
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades()
        .await
}
