//! Serves files from the dist directory with the SPA fallback and cache headers.
//!
//! Paths arrive already cleaned by `route::classify`; this module only decides between
//! the file, the index page (for room URLs) and 404, and how long browsers may cache.

use std::io;
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{
    HeaderMap, HeaderValue, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH,
    X_CONTENT_TYPE_OPTIONS,
};
use hyper::{Response, StatusCode};
use tokio::io::AsyncReadExt;
use tracing::{error, warn};

use crate::content_type;
use crate::response::{self, HttpResponse};

const INDEX: &str = "index.html";

/// Hashed asset names change whenever their content does, so browsers may keep them
/// forever; everything else must be revalidated so a new deployment shows up.
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";
const CACHE_REVALIDATE: &str = "no-cache";

pub struct StaticFiles {
    dist: PathBuf,
}

struct Loaded {
    bytes: Vec<u8>,
    etag: String,
}

impl StaticFiles {
    pub fn new(dist: PathBuf) -> Self {
        StaticFiles { dist }
    }

    pub async fn index(&self, request_headers: &HeaderMap) -> HttpResponse {
        match self.load(INDEX).await {
            Ok(Some(file)) => respond(INDEX, file, request_headers),
            Ok(None) => {
                warn!(dist = %self.dist.display(), "no index.html in the dist directory");
                response::text(
                    StatusCode::NOT_FOUND,
                    "the app is not built: no index.html in the dist directory",
                )
            }
            Err(e) => self.read_error(INDEX, &e),
        }
    }

    /// `room`: a missing file is a room URL, answered with the index page.
    pub async fn file(&self, path: &str, room: bool, request_headers: &HeaderMap) -> HttpResponse {
        match self.load(path).await {
            Ok(Some(file)) => respond(path, file, request_headers),
            Ok(None) if room => self.index(request_headers).await,
            Ok(None) => response::text(StatusCode::NOT_FOUND, "not found"),
            Err(e) => self.read_error(path, &e),
        }
    }

    fn read_error(&self, path: &str, e: &io::Error) -> HttpResponse {
        error!(dist = %self.dist.display(), path, error = %e, "cannot read file from the dist directory");
        response::text(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file")
    }

    /// `Ok(None)` when there is no regular file at `path`.
    async fn load(&self, path: &str) -> io::Result<Option<Loaded>> {
        let full = self.dist.join(path);
        let mut file = match tokio::fs::File::open(&full).await {
            Ok(file) => file,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(e),
        };
        let metadata = file.metadata().await?;
        if !metadata.is_file() {
            return Ok(None);
        }
        let modified_nanos = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
        file.read_to_end(&mut bytes).await?;
        let etag = format!("W/\"{:x}-{:x}\"", bytes.len(), modified_nanos);
        Ok(Some(Loaded { bytes, etag }))
    }
}

fn respond(path: &str, file: Loaded, request_headers: &HeaderMap) -> HttpResponse {
    let cache = if is_hashed_asset(path) {
        CACHE_FOREVER
    } else {
        CACHE_REVALIDATE
    };
    let not_modified = request_headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag == file.etag
        });
    let mut response = if not_modified {
        response::empty(StatusCode::NOT_MODIFIED)
    } else {
        let mut response = Response::new(Full::new(Bytes::from(file.bytes)));
        response.headers_mut().insert(
            CONTENT_TYPE,
            HeaderValue::from_static(content_type::for_path(path)),
        );
        response
    };
    let headers = response.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(etag) = HeaderValue::from_str(&file.etag) {
        headers.insert(ETAG, etag);
    }
    response
}

/// Trunk names assets `<name>-<hash>.<ext>` (wasm: `<name>-<hash>_bg.wasm`) with the
/// hash in hex; a name without such a suffix may be overwritten in place.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    match stem.rsplit_once('-') {
        Some((prefix, hash)) => {
            !prefix.is_empty()
                && (8..=16).contains(&hash.len())
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn trunk_hashed_names_are_recognised() {
        assert!(is_hashed_asset("party-app-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("party-app-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("style-deadbeef.css"));
        assert!(is_hashed_asset("sub/dir/style-deadbeef01.css"));
    }

    #[test]
    fn unhashed_names_are_not_cached_forever() {
        assert!(!is_hashed_asset("index.html"));
        assert!(!is_hashed_asset("party-app.js"));
        assert!(!is_hashed_asset("party-app_bg.wasm"));
        assert!(!is_hashed_asset("calc-study"));
        assert!(!is_hashed_asset("icon-cafe.svg"));
        assert!(!is_hashed_asset("-deadbeef.js"));
        assert!(!is_hashed_asset("x-notahexhash.js"));
    }
}
