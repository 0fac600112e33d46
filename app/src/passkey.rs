//! Passkey ceremonies through the browser's WebAuthn (`navigator.credentials`): make
//! a discoverable credential, or use one, asking each time for the PRF extension at
//! Party's fixed salt, which gives the same 32 bytes on every device the passkey
//! syncs to (docs/design.md, "Identities"). Core derives the handle and the key from
//! what this returns; this module only talks to the browser and names its failures
//! in words a person can act on.

use std::fmt;

use js_sys::{Array, Object, Reflect, Uint8Array};
use party_core::passkey::{Credential, PRF_OUTPUT_BYTES, PRF_SALT};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CredentialCreationOptions, CredentialRequestOptions, PublicKeyCredential};

use crate::js_error;
use crate::random;

/// How long the browser may wait for the person (WebAuthn's own limit is advisory).
const CEREMONY_TIMEOUT_MS: u32 = 120_000;

/// COSE algorithms we accept for the passkey's own key, most preferred first:
/// Ed25519, ES256, RS256. The passkey's key only asserts to the browser; Party's
/// signing key comes from the PRF.
const ALGORITHMS: [i32; 3] = [-8, -7, -257];

/// Why a ceremony did not give us a passkey, for the person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasskeyError {
    /// The browser has no WebAuthn.
    Unsupported,
    /// Passkeys need https or localhost.
    InsecurePage,
    /// The page's address cannot own passkeys (an IP address, say).
    BadAddress,
    /// Creating: the person cancelled, or the prompt timed out.
    Cancelled,
    /// Signing in: cancelled, timed out, or no Party passkey on this device (WebAuthn
    /// does not say which, on purpose).
    NoneUsed,
    /// Something else the browser reported.
    Failed(String),
}

impl fmt::Display for PasskeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PasskeyError::Unsupported => f.write_str(
                "This browser has no passkeys (WebAuthn). Open the link in a current Safari, Chrome, Edge or Firefox, or host as an agent instead.",
            ),
            PasskeyError::InsecurePage => f.write_str(
                "Passkeys only work on a secure page. Open Party over https:// (or on localhost).",
            ),
            PasskeyError::BadAddress => f.write_str(
                "Passkeys do not work on this address: they need a domain name (not an IP address), such as localhost or your site's name.",
            ),
            PasskeyError::Cancelled => {
                f.write_str("No passkey was made: the prompt was cancelled or timed out. Try again when you are ready.")
            }
            PasskeyError::NoneUsed => f.write_str(
                "No passkey was used: the prompt was cancelled, or this device has no Party passkey. Try again, or start a new party.",
            ),
            PasskeyError::Failed(why) => write!(f, "The passkey did not work: {why}. Try again."),
        }
    }
}

/// What a ceremony gave: who the person is, and the PRF output if the authenticator
/// has the extension.
pub struct PasskeyResult {
    pub credential: Credential,
    pub prf: Option<[u8; PRF_OUTPUT_BYTES]>,
}

/// Makes a new discoverable passkey, with user verification (Face ID, Touch ID, a
/// PIN), and asks for the PRF output in the same prompt.
pub async fn create() -> Result<PasskeyResult, PasskeyError> {
    let container = credentials()?;
    let public_key = object(&[
        ("rp", object(&[("name", "Party".into())])?.into()),
        (
            "user",
            object(&[
                ("id", bytes(&random_bytes::<16>()?)),
                ("name", "Party".into()),
                ("displayName", "Party".into()),
            ])?
            .into(),
        ),
        ("challenge", bytes(&random_bytes::<32>()?)),
        ("pubKeyCredParams", algorithms()?),
        (
            "authenticatorSelection",
            object(&[
                ("residentKey", "required".into()),
                ("requireResidentKey", true.into()),
                ("userVerification", "required".into()),
            ])?
            .into(),
        ),
        ("attestation", "none".into()),
        ("timeout", CEREMONY_TIMEOUT_MS.into()),
        ("extensions", prf_extension()?),
    ])?;
    let options: CredentialCreationOptions =
        object(&[("publicKey", public_key.into())])?.unchecked_into();
    ceremony(
        container.create_with_options(&options),
        PasskeyError::Cancelled,
    )
    .await
}

/// Uses a passkey: `credential` to ask that one (right after making it, for its PRF
/// output), or `None` for any Party passkey this device or its synced vault holds
/// (signing in: no allow-list, so the browser offers them all).
pub async fn get(credential: Option<&Credential>) -> Result<PasskeyResult, PasskeyError> {
    let container = credentials()?;
    let mut fields = vec![
        ("challenge", bytes(&random_bytes::<32>()?)),
        ("userVerification", "required".into()),
        ("timeout", CEREMONY_TIMEOUT_MS.into()),
        ("extensions", prf_extension()?),
    ];
    if let Some(credential) = credential {
        let allowed = object(&[
            ("type", "public-key".into()),
            ("id", bytes(credential.raw_id())),
        ])?;
        fields.push(("allowCredentials", Array::of1(&allowed).into()));
    }
    let options: CredentialRequestOptions =
        object(&[("publicKey", object(&fields)?.into())])?.unchecked_into();
    ceremony(container.get_with_options(&options), PasskeyError::NoneUsed).await
}

/// Waits for the browser's ceremony; `refused` is what a cancel (or no credential)
/// means for this one.
async fn ceremony(
    started: Result<js_sys::Promise, JsValue>,
    refused: PasskeyError,
) -> Result<PasskeyResult, PasskeyError> {
    let promise = started.map_err(|err| failure(&err, refused.clone()))?;
    let value = JsFuture::from(promise)
        .await
        .map_err(|err| failure(&err, refused.clone()))?;
    if value.is_null() || value.is_undefined() {
        return Err(refused);
    }
    let credential: PublicKeyCredential = value.dyn_into().map_err(|_| {
        PasskeyError::Failed("the browser returned no public-key credential".into())
    })?;
    let raw_id = Uint8Array::new(&credential.raw_id()).to_vec();
    let credential_id =
        Credential::from_raw_id(&raw_id).map_err(|err| PasskeyError::Failed(err.to_string()))?;
    let results = credential.get_client_extension_results();
    let first = field(&results, "prf")
        .and_then(|prf| field(&prf, "results"))
        .and_then(|results| field(&results, "first"));
    let prf = match first {
        Some(buffer) => {
            let bytes = Uint8Array::new(&buffer).to_vec();
            Some(
                <[u8; PRF_OUTPUT_BYTES]>::try_from(bytes.as_slice()).map_err(|_| {
                    PasskeyError::Failed(format!(
                        "the PRF result has {} bytes, not 32",
                        bytes.len()
                    ))
                })?,
            )
        }
        None => None,
    };
    Ok(PasskeyResult {
        credential: credential_id,
        prf,
    })
}

/// `navigator.credentials`, after checking that passkeys can work on this page.
fn credentials() -> Result<web_sys::CredentialsContainer, PasskeyError> {
    let window = web_sys::window().ok_or(PasskeyError::Unsupported)?;
    // First: browsers hide WebAuthn entirely from pages that are not secure.
    if !window.is_secure_context() {
        return Err(PasskeyError::InsecurePage);
    }
    if !Reflect::has(&window, &"PublicKeyCredential".into()).unwrap_or(false) {
        return Err(PasskeyError::Unsupported);
    }
    Ok(window.navigator().credentials())
}

/// `{ prf: { eval: { first: PRF_SALT } } }`.
fn prf_extension() -> Result<JsValue, PasskeyError> {
    let eval = object(&[("first", bytes(PRF_SALT))])?;
    let prf = object(&[("eval", eval.into())])?;
    Ok(object(&[("prf", prf.into())])?.into())
}

fn algorithms() -> Result<JsValue, PasskeyError> {
    let list = Array::new();
    for alg in ALGORITHMS {
        let entry = object(&[("type", "public-key".into()), ("alg", alg.into())])?;
        list.push(&entry);
    }
    Ok(list.into())
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, PasskeyError> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &JsValue::from_str(name), value)
            .map_err(|err| PasskeyError::Failed(js_error::text(&err)))?;
    }
    Ok(object)
}

fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

fn field(value: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(value, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn random_bytes<const N: usize>() -> Result<[u8; N], PasskeyError> {
    random::bytes::<N>().map_err(|err| PasskeyError::Failed(err.to_string()))
}

/// A rejected ceremony as a person-sized reason. `NotAllowedError` is what browsers
/// give for a cancel, a timeout and "no such passkey" alike.
fn failure(error: &JsValue, not_allowed: PasskeyError) -> PasskeyError {
    let name = field(error, "name")
        .and_then(|n| n.as_string())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "AbortError" => not_allowed,
        "SecurityError" => PasskeyError::BadAddress,
        "NotSupportedError" => PasskeyError::Unsupported,
        _ => PasskeyError::Failed(js_error::text(error)),
    }
}
