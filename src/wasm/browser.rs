//! Browser I/O behind the core's traits: `crypto.getRandomValues`, `Date.now`, a storage adapter object,
//! and `fetch` through gloo-net (no cookies, redirects refused, time-out by `AbortSignal.timeout`).

use gloo_net::http::{Method as GlooMethod, RequestBuilder};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, RequestCredentials, RequestRedirect};

use super::convert;
use crate::client::{Clock, Http, HttpResponse};
use crate::pkce::RandomSource;
use crate::token::{HttpRequest, Method};
use crate::transaction::Storage;
use crate::Error;

/// `crypto.getRandomValues` (through getrandom).
#[derive(Debug, Clone, Copy)]
pub struct CryptoRng;

impl RandomSource for CryptoRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest).map_err(|_| Error::CryptoUnavailable)
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

/// A storage adapter object `{ get(key), set(key, value), remove(key), keys(prefix) }` made by the
/// package wrapper over `sessionStorage`, `localStorage`, memory, or the user's adapter. Anything it
/// throws becomes `storage_unavailable`.
#[derive(Debug, Clone)]
pub struct JsStorage(pub JsValue);

impl JsStorage {
    fn call(&self, name: &str, args: &[&JsValue]) -> Result<JsValue, Error> {
        let f: Function = Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or(Error::StorageUnavailable)?;
        let args: Array = args.iter().copied().collect();
        f.apply(&self.0, &args).map_err(|_| Error::StorageUnavailable)
    }
}

impl Storage for JsStorage {
    fn get(&self, key: &str) -> Result<Option<String>, Error> {
        Ok(self.call("get", &[&JsValue::from_str(key)])?.as_string())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        self.call("set", &[&JsValue::from_str(key), &JsValue::from_str(value)]).map(|_| ())
    }
    fn remove(&self, key: &str) -> Result<(), Error> {
        self.call("remove", &[&JsValue::from_str(key)]).map(|_| ())
    }
    fn keys(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let list = self.call("keys", &[&JsValue::from_str(prefix)])?;
        let arr: Array = list.dyn_into().map_err(|_| Error::StorageUnavailable)?;
        Ok(arr.iter().filter_map(|k| k.as_string()).filter(|k| k.starts_with(prefix)).collect())
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
        let body = js_sys::JSON::parse(&text).ok().map(|v| convert::to_json(&v));
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
