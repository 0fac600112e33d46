//! Ed25519 through the browser's own WebCrypto: a person's signing key is imported
//! once as a non-extractable key, so no script on the page (not even ours) can read
//! it back; it can only ask for signatures. Browsers without Ed25519 in WebCrypto
//! keep the key in storage instead (see `identity`).

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use crate::js_error;

/// A non-extractable Ed25519 private key.
#[derive(Clone, Debug)]
pub struct WebCryptoKey {
    key: CryptoKey,
}

impl WebCryptoKey {
    /// Ed25519 over `message`: 64 bytes, or why the browser would not sign.
    pub async fn sign(&self, message: &[u8]) -> Result<[u8; 64], String> {
        let promise = subtle()?
            .sign_with_str_and_u8_array("Ed25519", &self.key, message)
            .map_err(|err| js_error::text(&err))?;
        let signature = JsFuture::from(promise)
            .await
            .map_err(|err| js_error::text(&err))?;
        let bytes = Uint8Array::new(&signature).to_vec();
        <[u8; 64]>::try_from(bytes.as_slice())
            .map_err(|_| format!("WebCrypto gave a {}-byte signature", bytes.len()))
    }
}

fn subtle() -> Result<SubtleCrypto, String> {
    let window = web_sys::window().ok_or("no window")?;
    let crypto = window.crypto().map_err(|err| js_error::text(&err))?;
    Ok(crypto.subtle())
}
