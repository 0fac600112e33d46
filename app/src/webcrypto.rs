//! Ed25519 through the browser's own WebCrypto: a person's signing key is imported
//! once as a non-extractable key, so no script on the page (not even ours) can read
//! it back; it can only ask for signatures. Browsers without Ed25519 in WebCrypto
//! keep the key in storage instead (see `identity`).

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

use party_core::sign::PublicKey;

use crate::js_error;

/// PKCS #8 wrapping of a raw Ed25519 seed (RFC 8410): this prefix, then the 32 bytes.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// A non-extractable Ed25519 private key and its public half.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebCryptoKey {
    key: CryptoKey,
    public_key: PublicKey,
}

impl WebCryptoKey {
    /// Imports `seed` (whose public key is `public_key`) as a signing-only,
    /// non-extractable key. Fails where the browser has no Ed25519 in WebCrypto.
    pub async fn import(seed: &[u8; 32], public_key: PublicKey) -> Result<Self, String> {
        let mut pkcs8 = PKCS8_ED25519_PREFIX.to_vec();
        pkcs8.extend_from_slice(seed);
        let usages = Array::of1(&JsValue::from_str("sign"));
        let promise = subtle()?
            .import_key_with_str(
                "pkcs8",
                &Uint8Array::from(pkcs8.as_slice()),
                "Ed25519",
                false,
                &usages,
            )
            .map_err(|err| js_error::text(&err))?;
        let key = JsFuture::from(promise).await.map_err(|err| {
            format!(
                "this browser cannot keep an Ed25519 key ({})",
                js_error::text(&err)
            )
        })?;
        let key: CryptoKey = key
            .dyn_into()
            .map_err(|_| "importKey did not give a CryptoKey".to_owned())?;
        Ok(Self { key, public_key })
    }

    /// A fresh key made by the browser (a device key, for an authenticator without
    /// PRF): its private half is never in our memory at all. Fails where the browser
    /// has no Ed25519 in WebCrypto.
    pub async fn generate() -> Result<Self, String> {
        let usages = Array::of2(&JsValue::from_str("sign"), &JsValue::from_str("verify"));
        let promise = subtle()?
            .generate_key_with_str("Ed25519", false, &usages)
            .map_err(|err| js_error::text(&err))?;
        let pair = JsFuture::from(promise).await.map_err(|err| {
            format!(
                "this browser cannot make an Ed25519 key ({})",
                js_error::text(&err)
            )
        })?;
        let private: CryptoKey = Reflect::get(&pair, &"privateKey".into())
            .ok()
            .and_then(|key| key.dyn_into().ok())
            .ok_or("generateKey gave no private key")?;
        let public: CryptoKey = Reflect::get(&pair, &"publicKey".into())
            .ok()
            .and_then(|key| key.dyn_into().ok())
            .ok_or("generateKey gave no public key")?;
        let raw = settle(subtle()?.export_key("raw", &public)).await?;
        let bytes = Uint8Array::new(&raw).to_vec();
        let bytes = <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| format!("WebCrypto gave a {}-byte public key", bytes.len()))?;
        let public_key = PublicKey::from_bytes(&bytes).map_err(|err| err.to_string())?;
        Ok(Self {
            key: private,
            public_key,
        })
    }

    /// A key read back from storage, with the public key saved beside it.
    pub fn from_stored(key: CryptoKey, public_key: PublicKey) -> Self {
        Self { key, public_key }
    }

    pub fn crypto_key(&self) -> &CryptoKey {
        &self.key
    }

    pub fn public_key(&self) -> PublicKey {
        self.public_key
    }

    /// Ed25519 over `message`: 64 bytes, or why the browser would not sign.
    pub async fn sign(&self, message: &[u8]) -> Result<[u8; 64], String> {
        let signature =
            settle(subtle()?.sign_with_str_and_u8_array("Ed25519", &self.key, message)).await?;
        let bytes = Uint8Array::new(&signature).to_vec();
        <[u8; 64]>::try_from(bytes.as_slice())
            .map_err(|_| format!("WebCrypto gave a {}-byte signature", bytes.len()))
    }
}

/// What a WebCrypto call's promise settled to, or why it failed, in words.
async fn settle(started: Result<js_sys::Promise, JsValue>) -> Result<JsValue, String> {
    let promise = started.map_err(|err| js_error::text(&err))?;
    JsFuture::from(promise)
        .await
        .map_err(|err| js_error::text(&err))
}

fn subtle() -> Result<SubtleCrypto, String> {
    let window = web_sys::window().ok_or("no window")?;
    let crypto = window.crypto().map_err(|err| js_error::text(&err))?;
    Ok(crypto.subtle())
}
