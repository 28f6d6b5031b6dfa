//! `NylasAuthCore`: the core [`Client`] with browser I/O plugged in. The package wrapper's `NylasAuth`
//! class adds what only a page can do (navigation, popup windows, event listeners) around it.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::browser::{CryptoRng, FetchHttp, JsClock, JsStorage};
use super::convert::{self, get, obj, set, set_opt};
use super::error::{to_js, JsResult};
use crate::client::{CallbackOutcome, Client, ClientOptions, Event};
use crate::transaction::Storage;
use crate::Error;

type Inner = Client<FetchHttp, JsClock, CryptoRng>;

/// The flow and token lifecycle for one configuration. Use `NylasAuth` from the package; this class is
/// its engine.
#[wasm_bindgen(js_name = "NylasAuthCore")]
#[derive(Debug)]
pub struct NylasAuthCore {
    inner: Rc<Inner>,
}

fn ms(o: &JsValue, key: &str, default: u64) -> u64 {
    get(o, key).as_f64().filter(|n| n.is_finite() && *n >= 0.0).map(|n| n as u64).unwrap_or(default)
}

fn promise<F>(fut: F) -> js_sys::Promise
where
    F: core::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(async move { fut.await.map_err(|e| to_js(&e)) })
}

#[wasm_bindgen(js_class = "NylasAuthCore")]
impl NylasAuthCore {
    /// `options`: the client configuration plus `transactionTtlMs`, `clockSkewMs`, `fetchTimeoutMs`,
    /// `publicRefresh`. `transactions` / `tokenStorage`: storage adapters (`tokenStorage` may be null).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, transactions: JsValue, token_storage: JsValue) -> JsResult<NylasAuthCore> {
        let config = convert::config(&options)?;
        let defaults = ClientOptions::default();
        let client_options = ClientOptions {
            transaction_ttl_ms: ms(&options, "transactionTtlMs", defaults.transaction_ttl_ms),
            clock_skew_ms: ms(&options, "clockSkewMs", defaults.clock_skew_ms),
            public_refresh: get(&options, "publicRefresh").as_bool().unwrap_or(false),
        };
        let timeout = ms(&options, "fetchTimeoutMs", 30_000).min(u64::from(u32::MAX)) as u32;
        let tokens: Option<Box<dyn Storage>> =
            if token_storage.is_object() { Some(Box::new(JsStorage(token_storage))) } else { None };
        let inner = Client::new(
            config,
            Box::new(JsStorage(transactions)),
            tokens,
            FetchHttp { timeout_ms: timeout },
            JsClock,
            CryptoRng,
            client_options,
            parse_json,
        );
        Ok(NylasAuthCore { inner: Rc::new(inner) })
    }

    /// Builds the authorization URL and stores the transaction: `{ url, state, … }` without the verifier.
    #[wasm_bindgen(js_name = "authorize")]
    pub fn authorize(&self, options: JsValue, reauthenticate: bool) -> JsResult<JsValue> {
        let opts = convert::authorization_options(&options)?;
        let req = if reauthenticate { self.inner.reauthorize(&opts)? } else { self.inner.authorize(&opts)? };
        let out: JsValue = obj().into();
        set(&out, "url", req.url.as_str());
        set(&out, "state", req.transaction.state.secret());
        Ok(out)
    }

    /// Whether a transaction for `state` is pending here.
    #[wasm_bindgen(js_name = "isPending")]
    pub fn is_pending(&self, state: &str) -> bool {
        self.inner.is_pending(state).unwrap_or(false)
    }

    /// Completes a flow from its callback URL.
    #[wasm_bindgen(js_name = "handleCallback")]
    pub fn handle_callback(&self, url: String) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            Ok(match inner.handle_callback(&url).await? {
                CallbackOutcome::Tokens(t) => {
                    let out = convert::token_set(&t);
                    set(&out, "type", "tokens");
                    out
                }
                CallbackOutcome::AdminConsent => {
                    let out: JsValue = obj().into();
                    set(&out, "type", "admin_consent");
                    out
                }
                CallbackOutcome::Hosted { grant_id, provider, email } => {
                    let out: JsValue = obj().into();
                    set(&out, "type", "hosted");
                    set(&out, "grantId", grant_id.as_str());
                    set_opt(&out, "provider", provider.as_deref());
                    set_opt(&out, "email", email.as_deref());
                    out
                }
            })
        })
    }

    /// The current token set, or `null`.
    #[wasm_bindgen(js_name = "tokens")]
    pub fn tokens(&self) -> JsValue {
        self.inner.tokens().map(|t| convert::token_set(&t)).unwrap_or(JsValue::NULL)
    }

    /// Whether a non-expired access token is held.
    #[wasm_bindgen(js_name = "isAuthenticated")]
    pub fn is_authenticated(&self) -> bool {
        self.inner.is_authenticated()
    }

    /// A valid access token (refreshing where allowed), or `login_required`.
    #[wasm_bindgen(js_name = "getAccessToken")]
    pub fn get_access_token(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move { Ok(JsValue::from_str(inner.access_token().await?.secret())) })
    }

    /// Revokes the current token at the server.
    #[wasm_bindgen(js_name = "revoke")]
    pub fn revoke(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move { inner.revoke().await.map(|_| JsValue::UNDEFINED) })
    }

    /// Clears local tokens and revokes them.
    #[wasm_bindgen(js_name = "logout")]
    pub fn logout(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move { inner.logout().await.map(|_| JsValue::UNDEFINED) })
    }

    /// `GET /connect/tokeninfo`.
    #[wasm_bindgen(js_name = "tokenInfo")]
    pub fn token_info(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move { inner.token_info().await.map(|j| convert::from_json(&j)) })
    }

    /// `GET /grants/me`.
    #[wasm_bindgen(js_name = "grantInfo")]
    pub fn grant_info(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move { inner.grant_info().await.map(|j| convert::from_json(&j)) })
    }

    /// Forgets the tokens locally.
    #[wasm_bindgen(js_name = "clear")]
    pub fn clear(&self) {
        self.inner.clear();
    }

    /// Events since the last call: `"tokens"`, `"expired"`, `"logout"`.
    #[wasm_bindgen(js_name = "takeEvents")]
    pub fn take_events(&self) -> Vec<JsValue> {
        self.inner
            .take_events()
            .into_iter()
            .map(|e| {
                JsValue::from_str(match e {
                    Event::Tokens => "tokens",
                    Event::Expired => "expired",
                    Event::Logout => "logout",
                })
            })
            .collect()
    }
}

fn parse_json(text: &str) -> Option<crate::json::Json> {
    js_sys::JSON::parse(text).ok().map(|v| convert::to_json(&v))
}
