//! `NylasAuthCore`: the core [`Client`] with browser I/O plugged in. The package wrapper's `NylasAuth`
//! class adds what only a page can do (navigation, popup windows, event listeners) around it.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::browser::{CryptoRng, FetchHttp, JsClock, JsStorage, StorageAdapter};
use super::convert::{input, output};
use super::error::{to_js, JsResult};
use crate::api;
use crate::client::{Client, Event};
use crate::json::{self, ObjectWriter};
use crate::transaction::Storage;
use crate::Error;

type Inner = Client<FetchHttp, JsClock, CryptoRng>;

/// The asynchronous operations; all of them run through one future type (one copy of the promise glue).
#[derive(Debug, Clone, Copy)]
enum Op {
    HandleCallback,
    AccessToken,
    Revoke,
    Logout,
    TokenInfo,
    GrantInfo,
}

/// The flow and token lifecycle for one configuration. Use `NylasAuth` from the package; this class is
/// its engine.
#[wasm_bindgen(js_name = "NylasAuthCore")]
#[derive(Debug)]
pub struct NylasAuthCore {
    inner: Rc<Inner>,
}

#[wasm_bindgen(js_class = "NylasAuthCore")]
impl NylasAuthCore {
    /// `options`: the client configuration plus `transactionTtlMs`, `clockSkewMs`, `fetchTimeoutMs`,
    /// `publicRefresh`. `transactions` / `tokenStorage`: storage adapters (`tokenStorage` may be null).
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: JsValue,
        transactions: StorageAdapter,
        token_storage: Option<StorageAdapter>,
    ) -> JsResult<NylasAuthCore> {
        let o = input(&options);
        let config = api::config(&o)?;
        let (client_options, timeout) = api::client_options(&o)?;
        let tokens = token_storage.map(|s| Box::new(JsStorage(s)) as Box<dyn Storage>);
        let http = FetchHttp { timeout_ms: timeout.min(u64::from(u32::MAX)) as u32 };
        let inner =
            Client::new(config, Box::new(JsStorage(transactions)), tokens, http, JsClock, CryptoRng, client_options);
        Ok(NylasAuthCore { inner: Rc::new(inner) })
    }

    /// Builds the authorization URL and stores the transaction: `{ url, state }` (the verifier stays inside).
    #[wasm_bindgen(js_name = "authorize")]
    pub fn authorize(&self, options: JsValue, reauthenticate: bool) -> JsResult<JsValue> {
        let opts = api::authorization_options(&input(&options))?;
        let req = if reauthenticate { self.inner.reauthorize(&opts)? } else { self.inner.authorize(&opts)? };
        Ok(output(&ObjectWriter::default().str("url", &req.url).str("state", req.transaction.state.secret()).finish()))
    }

    /// Completes a flow from its callback URL.
    #[wasm_bindgen(js_name = "handleCallback")]
    pub fn handle_callback(&self, url: String) -> js_sys::Promise {
        self.run(Op::HandleCallback, url)
    }

    /// A valid access token (refreshing where allowed), or `login_required`.
    #[wasm_bindgen(js_name = "getAccessToken")]
    pub fn get_access_token(&self) -> js_sys::Promise {
        self.run(Op::AccessToken, String::new())
    }

    /// Revokes the current token at the server.
    #[wasm_bindgen(js_name = "revoke")]
    pub fn revoke(&self) -> js_sys::Promise {
        self.run(Op::Revoke, String::new())
    }

    /// Clears local tokens and revokes them.
    #[wasm_bindgen(js_name = "logout")]
    pub fn logout(&self) -> js_sys::Promise {
        self.run(Op::Logout, String::new())
    }

    /// `GET /connect/tokeninfo`.
    #[wasm_bindgen(js_name = "tokenInfo")]
    pub fn token_info(&self) -> js_sys::Promise {
        self.run(Op::TokenInfo, String::new())
    }

    /// `GET /grants/me`.
    #[wasm_bindgen(js_name = "grantInfo")]
    pub fn grant_info(&self) -> js_sys::Promise {
        self.run(Op::GrantInfo, String::new())
    }

    /// The current token set, or `null`.
    #[wasm_bindgen(js_name = "tokens")]
    pub fn tokens(&self) -> JsValue {
        self.inner.tokens().map(|t| output(&api::token_set(&t))).unwrap_or(JsValue::NULL)
    }

    /// Whether a non-expired access token is held.
    #[wasm_bindgen(js_name = "isAuthenticated")]
    pub fn is_authenticated(&self) -> bool {
        self.inner.is_authenticated()
    }

    /// Events since the last call, comma-separated: `tokens`, `expired`, `logout`.
    #[wasm_bindgen(js_name = "takeEvents")]
    pub fn take_events(&self) -> String {
        let names: Vec<&str> = self
            .inner
            .take_events()
            .into_iter()
            .map(|e| match e {
                Event::Tokens => "tokens",
                Event::Expired => "expired",
                Event::Logout => "logout",
            })
            .collect();
        names.join(",")
    }

    fn run(&self, op: Op, arg: String) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let text: Result<String, Error> = match op {
                Op::HandleCallback => inner.handle_callback(&arg).await.map(|o| api::outcome(&o)),
                Op::AccessToken => inner.access_token().await.map(|t| {
                    let mut s = String::new();
                    json::write_str(&mut s, t.secret());
                    s
                }),
                Op::Revoke => inner.revoke().await.map(|_| "null".into()),
                Op::Logout => inner.logout().await.map(|_| "null".into()),
                Op::TokenInfo | Op::GrantInfo => {
                    let r =
                        if matches!(op, Op::TokenInfo) { inner.token_info().await } else { inner.grant_info().await };
                    r.map(|j| {
                        let mut s = String::new();
                        json::write_value(&mut s, &j);
                        s
                    })
                }
            };
            text.map(|t| output(&t)).map_err(|e| to_js(&e))
        })
    }
}
