//! # nylas-pkce-dioxus
//!
//! Nylas login (OAuth 2.0 authorization code + PKCE, no client secret) in a Dioxus 0.7 web app, over
//! [`nylas_pkce::browser`]'s client:
//!
//! - [`use_nylas_auth_provider`] once, in the app's root component: builds the client, completes a redirect
//!   callback if this page load is one (once, however many times the component mounts), and provides a
//!   [`NylasAuth`] through `use_context_provider`;
//! - [`use_nylas_auth`] in any component below: the state as [`Signal`]s ([`NylasAuth::is_loading`],
//!   [`NylasAuth::is_authenticated`], [`NylasAuth::user`], [`NylasAuth::error`]) and the actions
//!   ([`NylasAuth::login_with_redirect`], [`NylasAuth::logout`], [`NylasAuth::access_token`]).
//!
//! ```no_run
//! use dioxus::prelude::*;
//! use nylas_pkce_dioxus::{use_nylas_auth, use_nylas_auth_provider, NylasAuthOptions};
//! use nylas_pkce_dioxus::nylas_pkce::{Config, Region};
//!
//! #[component]
//! fn App() -> Element {
//!     // The page's own URL is the redirect URI here (register it at Nylas).
//!     let config = use_hook(|| Config::nylas("<client id>", "https://app.example.com/", Region::Us));
//!     match config {
//!         Ok(config) => rsx! { Provider { config } },
//!         Err(e) => rsx! { p { "{e.message()}" } },
//!     }
//! }
//!
//! #[component]
//! fn Provider(config: Config) -> Element {
//!     use_nylas_auth_provider(move || NylasAuthOptions::new(config));
//!     rsx! { Account {} }
//! }
//!
//! #[component]
//! fn Account() -> Element {
//!     let auth = use_nylas_auth();
//!     if !(auth.is_authenticated)() {
//!         return rsx! { button { onclick: move |_| auth.login_with_redirect(), "Connect" } };
//!     }
//!     let email = auth.user.read().as_ref().and_then(|u| u.email.clone()).unwrap_or_default();
//!     rsx! {
//!         p { "{email}" }
//!         button { onclick: move |_| auth.logout(), "Log out" }
//!     }
//! }
//! ```
//!
//! Tokens never enter a signal: [`NylasAuth::user`] is an [`Account`] (grant id, email, provider, expiry).
//! Call [`NylasAuth::access_token`] when an API call needs one.

use std::future::Future;
use std::rc::Rc;

use dioxus::core::{provide_root_context, spawn_forever};
use dioxus::prelude::*;
pub use nylas_pkce;
use nylas_pkce::browser::{self, BrowserClient};
use nylas_pkce::{AccessToken, Account, AuthorizationOptions, CallbackOutcome, Config, Error};

/// What [`NylasAuth`] is made of: the client's configuration, where tokens are kept, the client's options, and
/// the options of every [`NylasAuth::login_with_redirect`] (the browser client's [`browser::Options`]).
pub type NylasAuthOptions = browser::Options;

/// The login state and actions, from [`use_nylas_auth`]. `Copy`: move it into as many closures as needed.
///
/// The signals belong to the app's root scope, not to a component: every [`use_nylas_auth_provider`] with
/// the same [`Config`] in the app (a component mounted again, two providers) shares them, and the client.
/// The adapter writes them; the app reads them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NylasAuth {
    /// `true` while a redirect callback's code is being exchanged, or a logout is under way.
    pub is_loading: Signal<bool>,
    /// Whether an account is connected with a token that was valid when the state last changed (a token
    /// that expires later is found out by [`NylasAuth::access_token`]).
    pub is_authenticated: Signal<bool>,
    /// The connected account: grant id, email, provider, expiry. Never a token.
    pub user: Signal<Option<Account>>,
    /// The last failure (a denied consent, a refused callback, a failed logout), with its stable
    /// [`Error::code`]; cleared by the next login or logout.
    pub error: Signal<Option<Error>>,
    client: CopyValue<Rc<BrowserClient>>,
    authorization: CopyValue<AuthorizationOptions>,
}

/// The app's [`NylasAuth`]s, one per configuration, in the root scope's context.
#[derive(Clone, Copy)]
struct Registry(CopyValue<Vec<(Config, NylasAuth)>>);

/// Sets up the login for the app and provides it (`use_context_provider`) to the components below; returns it.
///
/// On the first call in the app with a given configuration, `options` is called, the client is built
/// (restoring the tokens that `persist` kept) and, if this page load is an authorization callback, the
/// callback is removed from the address bar and its code exchanged ([`NylasAuth::is_loading`] meanwhile).
/// Later calls with the same configuration (the component mounted again, another provider) get the same
/// state and client: the code is exchanged once. Their other options are ignored.
pub fn use_nylas_auth_provider(options: impl FnOnce() -> NylasAuthOptions) -> NylasAuth {
    use_context_provider(move || {
        let options = options();
        let mut registry = match try_consume_context::<Registry>() {
            Some(registry) => registry,
            None => provide_root_context(Registry(CopyValue::new_in_scope(Vec::new(), ScopeId::ROOT))),
        };
        let known = registry.0.try_read().ok().and_then(|r| r.iter().find(|(c, _)| *c == options.config).map(|e| e.1));
        match known {
            Some(auth) => auth,
            None => {
                let config = options.config.clone();
                let auth = NylasAuth::start(options);
                if let Ok(mut r) = registry.0.try_write() {
                    r.push((config, auth));
                }
                auth
            }
        }
    })
}

/// The [`NylasAuth`] that [`use_nylas_auth_provider`] provided.
///
/// # Panics
/// In a component with no [`use_nylas_auth_provider`] above it (as Dioxus's `use_context`): a mistake in the
/// app's structure, not a runtime condition. [`try_use_nylas_auth`] returns `None` instead.
pub fn use_nylas_auth() -> NylasAuth {
    use_context::<NylasAuth>()
}

/// The [`NylasAuth`] in context, if [`use_nylas_auth_provider`] provided one.
pub fn try_use_nylas_auth() -> Option<NylasAuth> {
    try_use_context::<NylasAuth>()
}

impl NylasAuth {
    /// Builds the client and the signals in the root scope, and completes a callback.
    fn start(options: NylasAuthOptions) -> NylasAuth {
        let client = Rc::new(browser::client(options.config, options.persist, options.client));
        let callback = browser::is_callback().then(browser::current_url).flatten();
        let user = browser::current_account(&client);
        let auth = NylasAuth {
            is_loading: Signal::new_in_scope(callback.is_some(), ScopeId::ROOT),
            is_authenticated: Signal::new_in_scope(user.is_some(), ScopeId::ROOT),
            user: Signal::new_in_scope(user, ScopeId::ROOT),
            error: Signal::new_in_scope(None, ScopeId::ROOT),
            client: CopyValue::new_in_scope(Rc::clone(&client), ScopeId::ROOT),
            authorization: CopyValue::new_in_scope(options.authorization, ScopeId::ROOT),
        };
        if let Some(url) = callback {
            // The code is single-use and the state is spent either way: out of the address bar (and so out of a
            // reload's reach) before the exchange starts.
            browser::clean_address_bar();
            spawn_forever(async move {
                let outcome = client.handle_callback(&url).await;
                auth.settle(&client, outcome.map(|o| matches!(o, CallbackOutcome::Tokens { .. })).err());
            });
        }
        auth
    }

    /// The client, for what the signals do not cover (`grant_info`, several accounts, scopes, events).
    pub fn client(&self) -> Option<Rc<BrowserClient>> {
        self.client.try_peek().ok().map(|c| Rc::clone(&c))
    }

    /// Sends the browser to Nylas's login with the options given to [`use_nylas_auth_provider`]. A failure to
    /// build the request (a bad option) goes to [`NylasAuth::error`].
    pub fn login_with_redirect(&self) {
        let options = self.authorization.try_peek().map(|o| o.clone()).unwrap_or_default();
        self.login_with_redirect_options(&options);
    }

    /// [`NylasAuth::login_with_redirect`] with these authorization options (a provider, a `login_hint`, more
    /// scopes).
    pub fn login_with_redirect_options(&self, options: &AuthorizationOptions) {
        let Some(client) = self.client() else { return };
        match client.authorize(options) {
            Ok(request) => {
                put(self.error, None);
                let navigated = web_sys::window().is_some_and(|w| w.location().assign(&request.url).is_ok());
                if !navigated {
                    put(self.error, Some(Error::Network("the browser refused to go to the authorization page")));
                }
            }
            Err(e) => put(self.error, Some(e)),
        }
    }

    /// Logs out: the tokens are forgotten at once, then revoked at Nylas ([`NylasAuth::is_loading`] meanwhile).
    /// A revocation the server did not confirm goes to [`NylasAuth::error`]; the account is logged out anyway.
    /// The work runs in the root scope: it finishes even if the component that asked goes away.
    pub fn logout(&self) {
        let Some(client) = self.client() else { return };
        let auth = *self;
        put(self.is_loading, true);
        put(self.error, None);
        spawn_forever(async move {
            let result = client.logout().await;
            auth.settle(&client, result.err());
        });
    }

    /// A valid access token for an API call (refreshed where the server allows it). [`NylasAuth::user`] and
    /// [`NylasAuth::is_authenticated`] follow: logged out when there is none (`login_required`).
    ///
    /// # Errors
    /// Those of [`nylas_pkce::Client::access_token`].
    pub fn access_token(&self) -> impl Future<Output = Result<AccessToken, Error>> + 'static {
        let client = self.client();
        let auth = *self;
        async move {
            let client = client.ok_or(Error::LoginRequired)?;
            let result = client.access_token().await;
            // A refresh moved the expiry; `login_required` logged the account out.
            auth.sync_user(&client);
            result
        }
    }

    /// Sets the signals from the client's tokens, with `error` as the last failure.
    fn settle(&self, client: &BrowserClient, error: Option<Error>) {
        if self.sync_user(client) || error.is_some() {
            put(self.error, error);
        }
        put(self.is_loading, false);
    }

    /// Sets [`NylasAuth::user`] and [`NylasAuth::is_authenticated`] from the client's tokens; returns the latter.
    fn sync_user(&self, client: &BrowserClient) -> bool {
        let user = browser::current_account(client);
        let ok = user.is_some();
        put(self.user, user);
        put(self.is_authenticated, ok);
        ok
    }
}

/// Writes `value` into `signal` unless the signal is gone (its app was dropped).
fn put<T: 'static>(mut signal: Signal<T>, value: T) {
    if let Ok(mut slot) = signal.try_write() {
        *slot = value;
    }
}
