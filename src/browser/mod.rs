//! The async browser client for Rust web apps (Leptos, Yew, Dioxus, plain wasm-bindgen): the core's
//! [`Client`] with browser I/O plugged in. Cargo feature `browser`, wasm32 only.
//!
//! - [`FetchHttp`]: `fetch` through gloo-net, cookies omitted, redirects refused, a time-out by
//!   `AbortSignal.timeout`.
//! - [`WebStorage`]: `sessionStorage` / `localStorage` through web-sys; [`crate::MemoryStorage`] where they
//!   throw (private mode, sandboxed iframes).
//! - [`CryptoRng`]: `crypto.getRandomValues` (through getrandom); [`JsClock`]: `Date.now()`.
//!
//! Navigation is the app's: send the browser to [`Client::authorize`]'s URL, and hand the callback page's
//! URL to [`Client::handle_callback`].
//!
//! ```no_run
//! # async fn run() -> Result<(), nylas_pkce::Error> {
//! use nylas_pkce::browser::{self, BrowserClient};
//! use nylas_pkce::{AuthorizationOptions, ClientOptions, Config, Region};
//!
//! let config = Config::nylas("<client id>", "https://app.example.com/callback", Region::Us)?;
//! // Tokens in memory (the default): a reload logs out. `Persist::Session` or `Persist::Local` keep them.
//! let client: BrowserClient = browser::client(config, browser::Persist::default(), ClientOptions::default());
//! // On "Connect": go to the authorization page.
//! let request = client.authorize(&AuthorizationOptions::default())?;
//! # let _ = request.url;
//! // On the callback page: complete the flow.
//! let outcome = client.handle_callback(&browser::current_url().unwrap_or_default()).await?;
//! # let _ = outcome;
//! # Ok(()) }
//! ```

mod fetch;
mod storage;

use crate::accounts::Account;
use crate::authorize::AuthorizationOptions;
use crate::client::{Client, Clock};
use crate::config::Config;
use crate::flow::ClientOptions;
use crate::pkce::RandomSource;
use crate::transaction::{MemoryStorage, Storage};
use crate::Error;

pub use fetch::FetchHttp;
pub use storage::WebStorage;

/// The browser client: [`Client`] over `fetch`, `Date.now` and `crypto.getRandomValues`.
pub type BrowserClient = Client<FetchHttp, JsClock, CryptoRng>;

/// Where tokens are kept between page loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Persist {
    /// In memory only: a reload logs out. The default, as in the npm package (`tokenStorage: 'memory'`):
    /// no other script of the origin can read the tokens from storage.
    #[default]
    Memory,
    /// `sessionStorage`: survives reloads in this tab; readable by any script of the origin.
    Session,
    /// `localStorage`: survives restarts, shared across tabs. Readable by any script of the origin.
    Local,
}

/// A [`BrowserClient`] with transactions in `sessionStorage` (memory where it throws), tokens as
/// `persist` says, and a 30 s fetch time-out.
pub fn client(config: Config, persist: Persist, options: ClientOptions) -> BrowserClient {
    let transactions = storage_or_memory(WebStorage::session());
    let tokens = match persist {
        Persist::Memory => None,
        Persist::Session => Some(storage_or_memory(WebStorage::session())),
        Persist::Local => Some(storage_or_memory(WebStorage::local())),
    };
    Client::new(config, transactions, tokens, FetchHttp::default(), JsClock, CryptoRng, options)
}

/// What a page's client is made of, for the framework adapters (`nylas-pkce-leptos`, `nylas-pkce-dioxus`):
/// the client's configuration, where tokens are kept, the client's options, and the options of every login
/// it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// Client id, redirect URI, endpoints.
    pub config: Config,
    /// Where tokens are kept between page loads: memory by default (a reload logs out).
    pub persist: Persist,
    /// The client's options (time-outs, clock skew, one or several accounts).
    pub client: ClientOptions,
    /// The authorization request of every login (provider, scopes, `login_hint`, …).
    pub authorization: AuthorizationOptions,
}

impl Options {
    /// Options with the defaults: tokens in memory, default client and authorization options.
    pub fn new(config: Config) -> Self {
        Options {
            config,
            persist: Persist::default(),
            client: ClientOptions::default(),
            authorization: AuthorizationOptions::default(),
        }
    }

    /// Keeps tokens as `persist` says.
    pub fn persist(mut self, persist: Persist) -> Self {
        self.persist = persist;
        self
    }

    /// Sets the client's options.
    pub fn client_options(mut self, client: ClientOptions) -> Self {
        self.client = client;
        self
    }

    /// Sets the options of every login.
    pub fn authorization(mut self, authorization: AuthorizationOptions) -> Self {
        self.authorization = authorization;
        self
    }
}

/// The connected account, if its access token is still valid (no secret in it).
pub fn current_account(client: &BrowserClient) -> Option<Account> {
    let tokens = client.tokens()?;
    client.is_authenticated().then(|| Account::from(&tokens))
}

fn storage_or_memory(s: Option<WebStorage>) -> Box<dyn Storage> {
    match s {
        Some(s) => Box::new(s),
        None => Box::new(MemoryStorage::default()),
    }
}

/// The page's URL (`location.href`), e.g. to hand a callback page's URL to [`Client::handle_callback`].
pub fn current_url() -> Option<String> {
    web_sys::window()?.location().href().ok()
}

/// Whether this page load is an authorization callback (see [`crate::callback::is_callback`]).
pub fn is_callback() -> bool {
    current_url().is_some_and(|url| crate::callback::is_callback(&url))
}

/// Removes the authorization response (`code`, `state`, `error`, `iss`, …) from the address bar with
/// `history.replaceState`, so a reload or a shared link does not carry it. Call it once the callback is
/// handled, whatever the outcome. Returns whether the address bar changed.
pub fn clean_address_bar() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let Ok(href) = window.location().href() else { return false };
    let Ok(url) = web_sys::Url::new(&href) else { return false };
    let query = url.search_params();
    let in_fragment = crate::callback::is_callback(&url.hash());
    for p in crate::callback::CALLBACK_PARAMS {
        query.delete(p);
    }
    url.set_search(&String::from(query.to_string()));
    if in_fragment {
        url.set_hash("");
    }
    let clean = url.href();
    if clean == href {
        return false;
    }
    window.history().is_ok_and(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean)).is_ok())
}

/// `crypto.getRandomValues` through getrandom.
#[derive(Debug, Clone, Copy, Default)]
pub struct CryptoRng;

impl RandomSource for CryptoRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest).map_err(|_| Error::CryptoUnavailable)
    }
}

/// `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now().max(0.0) as u64
    }
}
