//! Content types for what Trunk puts in a dist directory.
//!
//! Browsers refuse `WebAssembly.instantiateStreaming` unless the wasm is served as
//! `application/wasm`, and refuse module scripts with a non-JavaScript type, so these
//! must be exact; everything unknown is opaque bytes.

pub const HTML: &str = "text/html; charset=utf-8";

pub fn for_path(path: &str) -> &'static str {
    let extension = path
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => HTML,
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::for_path;

    #[test]
    fn spa_assets_get_the_types_browsers_require() {
        assert_eq!(for_path("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            for_path("party-app-0123456789abcdef.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            for_path("party-app-0123456789abcdef_bg.wasm"),
            "application/wasm"
        );
        assert_eq!(for_path("style.CSS"), "text/css; charset=utf-8");
        assert_eq!(for_path("icon.svg"), "image/svg+xml");
        assert_eq!(for_path("favicon.ico"), "image/x-icon");
        assert_eq!(for_path("manifest.json"), "application/json");
    }

    #[test]
    fn unknown_or_missing_extensions_are_opaque_bytes() {
        assert_eq!(for_path("blob.xyz"), "application/octet-stream");
        assert_eq!(for_path("README"), "application/octet-stream");
    }
}
