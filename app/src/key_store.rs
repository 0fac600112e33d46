//! Where a person's non-extractable key waits between visits: IndexedDB, the one
//! browser storage that keeps a `CryptoKey` as it is (structured clone), so the key
//! is never turned back into bytes. One database, one store, one entry.

use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, IdbDatabase, IdbRequest, IdbTransactionMode};

use crate::js_error;

const DATABASE: &str = "party";
const STORE: &str = "keys";
const ENTRY: &str = "signing-key";

/// Keeps `key` for the next visit.
pub async fn save(key: &CryptoKey) -> Result<(), String> {
    with_store(IdbTransactionMode::Readwrite, |store| {
        store.put_with_key(key, &JsValue::from_str(ENTRY))
    })
    .await
    .map(|_| ())
}

/// The kept key, if there is one.
pub async fn load() -> Result<Option<CryptoKey>, String> {
    let value = with_store(IdbTransactionMode::Readonly, |store| {
        store.get(&JsValue::from_str(ENTRY))
    })
    .await?;
    Ok(value.dyn_into::<CryptoKey>().ok())
}

/// Forgets the kept key ("Clear my data", signing out). A browser that keeps no
/// IndexedDB here kept no key either.
pub async fn clear() -> Result<(), String> {
    if factory().is_err() {
        return Ok(());
    }
    with_store(IdbTransactionMode::Readwrite, |store| {
        store.delete(&JsValue::from_str(ENTRY))
    })
    .await
    .map(|_| ())
}

/// One request on the store, in a connection closed right after, so nothing holds
/// the database open between visits.
async fn with_store(
    mode: IdbTransactionMode,
    request: impl FnOnce(&web_sys::IdbObjectStore) -> Result<IdbRequest, JsValue>,
) -> Result<JsValue, String> {
    let db = open().await?;
    let outcome = match store(&db, mode) {
        Ok(store) => match request(&store) {
            Ok(request) => finish(&request).await,
            Err(err) => Err(js_error::text(&err)),
        },
        Err(why) => Err(why),
    };
    db.close();
    outcome
}

fn factory() -> Result<web_sys::IdbFactory, String> {
    let window = web_sys::window().ok_or("no window")?;
    window
        .indexed_db()
        .map_err(|err| js_error::text(&err))?
        .ok_or_else(|| "this browser keeps no IndexedDB here (private mode?)".to_owned())
}

async fn open() -> Result<IdbDatabase, String> {
    let request = factory()?
        .open_with_u32(DATABASE, 1)
        .map_err(|err| js_error::text(&err))?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        if let Ok(db) = upgrading
            .result()
            .and_then(|db| db.dyn_into::<IdbDatabase>())
        {
            if !db.object_store_names().contains(STORE) {
                // A failure here surfaces as the open request's error.
                let _ = db.create_object_store(STORE);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db = finish(&request).await?;
    db.dyn_into::<IdbDatabase>()
        .map_err(|_| "IndexedDB opened no database".to_owned())
}

fn store(db: &IdbDatabase, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, String> {
    db.transaction_with_str_and_mode(STORE, mode)
        .and_then(|tx| tx.object_store(STORE))
        .map_err(|err| js_error::text(&err))
}

/// Waits for `request` and gives its result, or its error in words.
async fn finish(request: &IdbRequest) -> Result<JsValue, String> {
    let promise = Promise::new(&mut |resolve, reject| {
        let done = request.clone();
        let on_success = Closure::once_into_js(move |_: web_sys::Event| {
            let result = done.result().unwrap_or(JsValue::UNDEFINED);
            let _ = resolve.call1(&JsValue::NULL, &result);
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move |_: web_sys::Event| {
            let error = failed
                .error()
                .ok()
                .flatten()
                .map_or(JsValue::from_str("IndexedDB failed"), JsValue::from);
            let _ = reject.call1(&JsValue::NULL, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(|err| js_error::text(&err))
}
