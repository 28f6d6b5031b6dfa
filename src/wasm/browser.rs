//! Browser I/O behind the core's traits: `crypto.getRandomValues`, `Date.now`, a storage adapter object,
//! and `fetch` through gloo-net (no cookies, redirects refused, time-out by `AbortSignal.timeout`).

use core::cell::RefCell;

use gloo_net::http::{Method as GlooMethod, RequestBuilder};
use wasm_bindgen::prelude::*;
use web_sys::{AbortSignal, RequestCredentials, RequestRedirect};

use crate::client::{Clock, Http, HttpResponse};
use crate::pkce::RandomSource;
use crate::token::{HttpRequest, Method};
use crate::transaction::Storage;
use crate::Error;

/// `crypto.getRandomValues` (through getrandom), drawn 1 KiB at a time: one call into JS serves ~32
/// verifiers. Each byte is handed out once and zeroed as it leaves the pool.
#[derive(Debug, Clone, Copy)]
pub struct CryptoRng;

struct Pool {
    bytes: [u8; 1024],
    next: usize,
}

thread_local! {
    static POOL: RefCell<Pool> = const { RefCell::new(Pool { bytes: [0; 1024], next: 1024 }) };
}

impl RandomSource for CryptoRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        POOL.try_with(|pool| {
            let mut pool = pool.try_borrow_mut().map_err(|_| Error::CryptoUnavailable)?;
            let mut filled = 0;
            while filled < dest.len() {
                if pool.next >= pool.bytes.len() {
                    getrandom::fill(&mut pool.bytes).map_err(|_| Error::CryptoUnavailable)?;
                    pool.next = 0;
                }
                let n = (dest.len() - filled).min(pool.bytes.len() - pool.next);
                let (from, to) = (pool.next, pool.next + n);
                let (Some(src), Some(out)) = (pool.bytes.get_mut(from..to), dest.get_mut(filled..filled + n)) else {
                    return Err(Error::CryptoUnavailable);
                };
                out.copy_from_slice(src);
                src.fill(0);
                pool.next = to;
                filled += n;
            }
            Ok(())
        })
        .map_err(|_| Error::CryptoUnavailable)?
    }
}

/// `Date.now()`.
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

#[derive(Debug, Clone, Copy)]
pub struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        now_ms()
    }
}

#[wasm_bindgen]
extern "C" {
    /// A storage adapter object `{ get(key), set(key, value), remove(key), keys(prefix) }` made by the
    /// package wrapper over `sessionStorage`, `localStorage`, memory, or the user's adapter. `get` returns a
    /// string or null; `keys` returns the matching keys joined by newlines.
    #[wasm_bindgen(typescript_type = "StorageAdapter")]
    #[derive(Debug, Clone)]
    pub type StorageAdapter;
    #[wasm_bindgen(method, catch, js_name = get)]
    fn js_get(this: &StorageAdapter, key: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(method, catch, js_name = set)]
    fn js_set(this: &StorageAdapter, key: &str, value: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = remove)]
    fn js_remove(this: &StorageAdapter, key: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = keys)]
    fn js_keys(this: &StorageAdapter, prefix: &str) -> Result<String, JsValue>;
}

/// [`Storage`] over a JS adapter; anything it throws becomes `storage_unavailable`.
pub struct JsStorage(pub StorageAdapter);

impl core::fmt::Debug for JsStorage {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("JsStorage")
    }
}

impl Storage for JsStorage {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        self.0.js_get(key).map_err(|_| Error::StorageUnavailable)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.0.js_set(key, value).map_err(|_| Error::StorageUnavailable)
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.0.js_remove(key).map_err(|_| Error::StorageUnavailable)
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let joined = self.0.js_keys(prefix).map_err(|_| Error::StorageUnavailable)?;
        Ok(joined.split('\n').filter(|k| !k.is_empty() && k.starts_with(prefix)).map(Into::into).collect())
    }
}

/// `fetch` through gloo-net.
#[derive(Debug, Clone, Copy)]
pub struct FetchHttp {
    pub timeout_ms: u32,
}

impl Http for FetchHttp {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let method = match request.method {
            Method::Get => GlooMethod::GET,
            Method::Post => GlooMethod::POST,
        };
        let signal = AbortSignal::timeout_with_u32(self.timeout_ms);
        let mut builder = RequestBuilder::new(&request.url)
            .method(method)
            .credentials(RequestCredentials::Omit)
            .redirect(RequestRedirect::Error)
            .abort_signal(Some(&signal));
        for (k, v) in &request.headers {
            builder = builder.header(k, v);
        }
        let built = match &request.body {
            Some(body) => builder.body(body.as_str()),
            None => builder.build(),
        };
        let response = built
            .map_err(|_| Error::Network("the request could not be built"))?
            .send()
            .await
            .map_err(|e| fetch_error(&e, &signal))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| fetch_error(&e, &signal))?;
        let body = crate::json::parse(&text);
        Ok(HttpResponse { status, body })
    }
}

fn fetch_error(e: &gloo_net::Error, signal: &AbortSignal) -> Error {
    if signal.aborted() {
        return Error::Timeout;
    }
    match e {
        gloo_net::Error::JsError(j) if j.name == "TimeoutError" || j.name == "AbortError" => Error::Timeout,
        _ => Error::Network("fetch failed (offline, CORS, refused, or a redirect)"),
    }
}
