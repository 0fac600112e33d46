//! The HTTP port serves the built SPA: files, room fallback, types, caching, base path,
//! and nothing outside the dist directory.

mod common;

use common::{http_get, http_request, Broker, Dist, INDEX_HTML, SECRET};

#[test]
fn root_and_room_urls_serve_index_html_uncached() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    for path in ["/", "/calc-study", "/brave-teal-otter-bot", "/index.html"] {
        let response = http_get(broker.http, path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.text(), INDEX_HTML, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{path}");
    }
}

#[test]
fn assets_get_exact_content_types() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    for (path, content_type) in [
        (
            "/party-app-0123456789abcdef.js",
            "text/javascript; charset=utf-8",
        ),
        ("/party-app-0123456789abcdef_bg.wasm", "application/wasm"),
        ("/style-89abcdef01234567.css", "text/css; charset=utf-8"),
        ("/icon.svg", "image/svg+xml"),
        ("/favicon.ico", "image/x-icon"),
        ("/manifest.json", "application/json"),
        ("/assets/logo.svg", "image/svg+xml"),
    ] {
        let response = http_get(broker.http, path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some(content_type),
            "{path}"
        );
        let on_disk = std::fs::read(dist.dir.join(&path[1..])).unwrap();
        assert_eq!(response.body, on_disk, "{path}");
    }
}

#[test]
fn hashed_assets_are_cached_forever_and_others_revalidated() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let hashed = http_get(broker.http, "/party-app-0123456789abcdef_bg.wasm");
    assert_eq!(
        hashed.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let plain = http_get(broker.http, "/party-app.js");
    assert_eq!(plain.header("cache-control"), Some("no-cache"));
}

#[test]
fn matching_etag_gets_not_modified() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let first = http_get(broker.http, "/party-app.js");
    let etag = first.header("etag").expect("etag").to_owned();
    let again = http_request(
        broker.http,
        "GET",
        "/party-app.js",
        &format!("If-None-Match: {etag}\r\n"),
    );
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
}

#[test]
fn unknown_files_and_deeper_unknown_paths_are_404() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    for path in [
        "/missing.js",
        "/party-app-ffffffffffffffff.wasm",
        "/calc-study/x.js",
        "/a/b/",
        "/a/b",
        "/.hidden",
    ] {
        let response = http_get(broker.http, path);
        assert_eq!(response.status, 404, "{path}");
        assert!(!response.text().contains("<!doctype"), "{path}");
    }
}

#[test]
fn a_room_address_with_a_trailing_slash_is_sent_to_the_room() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    // Relative asset URLs would point into /calc-study/, which holds nothing.
    let slashed = http_get(broker.http, "/calc-study/?sig=ws%3A%2F%2Fx");
    assert_eq!(slashed.status, 308);
    assert_eq!(
        slashed.header("location"),
        Some("/calc-study?sig=ws%3A%2F%2Fx")
    );
    assert_eq!(http_get(broker.http, "/calc-study").status, 200);
}

#[test]
fn traversal_never_reaches_files_outside_dist() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    for path in [
        "/../secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/.%2e/secret.txt",
        "/assets/../../secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/secret.txt%00.js",
    ] {
        let response = http_get(broker.http, path);
        assert!(
            response.status == 400 || response.status == 404,
            "{path}: {}",
            response.status
        );
        assert!(
            !response.text().contains(SECRET),
            "{path} leaked the secret"
        );
    }
}

#[test]
fn base_path_serves_under_the_prefix_only() {
    let dist = Dist::new();
    let broker = Broker::start_with(&dist.dir, &["--base", "/party/"]);
    assert!(broker.http_url.ends_with("/party/"), "{}", broker.http_url);
    assert!(broker.ws_url.ends_with("/party/mqtt"), "{}", broker.ws_url);

    for path in ["/party/", "/party/calc-study"] {
        let response = http_get(broker.http, path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.text(), INDEX_HTML, "{path}");
    }
    let asset = http_get(broker.http, "/party/party-app-0123456789abcdef.js");
    assert_eq!(asset.status, 200);
    assert_eq!(
        asset.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );

    let bare = http_get(broker.http, "/party");
    assert_eq!(bare.status, 308);
    assert_eq!(bare.header("location"), Some("/party/"));

    for path in [
        "/",
        "/calc-study",
        "/party-app-0123456789abcdef.js",
        "/mqtt",
    ] {
        assert_eq!(http_get(broker.http, path).status, 404, "{path}");
    }
    let traversal = http_get(broker.http, "/party/%2e%2e/secret.txt");
    assert_eq!(traversal.status, 400);
}

#[test]
fn head_has_headers_but_no_body_and_other_methods_are_refused() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let head = http_request(broker.http, "HEAD", "/party-app.js", "");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("17"));
    assert!(head.body.is_empty());

    let post = http_request(broker.http, "POST", "/", "Content-Length: 0\r\n");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[test]
fn mqtt_path_without_upgrade_explains_itself() {
    let dist = Dist::new();
    let broker = Broker::start(&dist.dir);
    let response = http_get(broker.http, "/mqtt");
    assert_eq!(response.status, 426);
    assert!(response.text().contains("WebSocket"));
}

#[test]
fn missing_dist_directory_still_serves_a_clear_404() {
    let dist = Dist::new();
    let missing = dist.root.join("not-built");
    let broker = Broker::start(&missing);
    let response = http_get(broker.http, "/calc-study");
    assert_eq!(response.status, 404);
    assert!(response.text().contains("not built"), "{}", response.text());
    broker.wait_for_log(&["no index.html"]);
}
