//! The HTTP port: the SPA's files and MQTT over WebSocket at `<base>mqtt`.

use std::convert::Infallible;
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

use crate::response::{self, HttpResponse};
use crate::route::{self, Base, Target};
use crate::static_files::StaticFiles;
use crate::websocket;
use party_core::limits::BROKER_HTTP_HEADER_READ_TIMEOUT_MS;
use party_link::accept;

pub struct HttpApp {
    base: Base,
    files: StaticFiles,
    acceptor: RemoteAcceptor,
}

impl HttpApp {
    pub fn new(base: Base, files: StaticFiles, acceptor: RemoteAcceptor) -> Self {
        HttpApp {
            base,
            files,
            acceptor,
        }
    }

    async fn handle(&self, request: Request<Incoming>) -> HttpResponse {
        let target = route::classify(&self.base, request.uri().path());
        if target == Target::Mqtt {
            return if websocket::is_upgrade_request(request.headers()) {
                websocket::accept(request, self.acceptor.clone())
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
            Target::Rejected => response::text(StatusCode::BAD_REQUEST, "invalid path"),
            Target::NotFound | Target::Mqtt => response::text(StatusCode::NOT_FOUND, "not found"),
        }
    }
}

/// Runs until the process stops; each connection is its own task.
pub async fn run(listener: TcpListener, app: Arc<HttpApp>) -> Infallible {
    loop {
        let (stream, peer) = accept::next(&listener, "http").await;
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = serve_connection(stream, app).await {
                debug!(%peer, error = %e, "http connection ended with an error");
            }
        });
    }
}

async fn serve_connection(stream: TcpStream, app: Arc<HttpApp>) -> hyper::Result<()> {
    let service = service_fn(move |request| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(app.handle(request).await) }
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
