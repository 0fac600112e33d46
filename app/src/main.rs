//! Entry point of the wasm bundle Trunk builds.

#[cfg(target_arch = "wasm32")]
fn main() {
    party_app::start();
}

/// The app needs a browser; a native run only says how to get one.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "party-app runs in the browser: build it with `trunk build --release` and serve dist/"
    );
    std::process::exit(2);
}
