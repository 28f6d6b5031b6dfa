//! # nylas-pkce-leptos
//!
//! Nylas login (OAuth 2.0 authorization code + PKCE, no client secret) in a Leptos 0.8 app, over
//! [`nylas_pkce::browser`]'s client:
//!
//! - [`provide_nylas_auth`] once in the app: builds the client, completes a redirect callback if this page load
//!   is one (once per page, however many times the component mounts), and puts a [`NylasAuth`] in context;
//! - [`use_nylas_auth`] anywhere below: the state as signals ([`NylasAuth::is_loading`],
//!   [`NylasAuth::is_authenticated`], [`NylasAuth::user`], [`NylasAuth::error`]) and the actions
//!   ([`NylasAuth::login_with_redirect`], [`NylasAuth::logout`], [`NylasAuth::access_token`]);
//! - [`Authenticated`]: its children once logged in, its `fallback` until then.
//!
//! ```no_run
//! use leptos::prelude::*;
//! use nylas_pkce_leptos::{provide_nylas_auth, use_nylas_auth, Authenticated, NylasAuthOptions};
//! use nylas_pkce_leptos::nylas_pkce::{Config, Region};
//!
//! #[component]
//! fn App() -> impl IntoView {
//!     // The page's own URL is the redirect URI here (register it at Nylas).
//!     let config = Config::nylas("<client id>", "https://app.example.com/", Region::Us);
//!     match config {
//!         Ok(config) => {
//!             provide_nylas_auth(NylasAuthOptions::new(config));
//!             view! { <Account/> }.into_any()
//!         }
//!         Err(e) => view! { <p>{e.message()}</p> }.into_any(),
//!     }
//! }
//!
//! #[component]
//! fn Account() -> impl IntoView {
//!     let auth = use_nylas_auth();
//!     view! {
//!         <Authenticated fallback=move || view! {
//!             <button on:click=move |_| auth.login_with_redirect()>"Connect"</button>
//!         }>
//!             <p>{move || auth.user.get().and_then(|u| u.email)}</p>
//!             <button on:click=move |_| auth.logout()>"Log out"</button>
//!         </Authenticated>
//!     }
//! }
//! ```
//!
//! Tokens never enter a signal: [`NylasAuth::user`] is an [`Account`] (grant id, email, provider, expiry).
//! Call [`NylasAuth::access_token`] when an API call needs one.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
pub use nylas_pkce;
use nylas_pkce::browser::{self, BrowserClient};
use nylas_pkce::{AccessToken, Account, AuthorizationOptions, CallbackOutcome, Config, Error};

/// What [`NylasAuth`] is made of: the client's configuration, where tokens are kept, the client's options, and
/// the options of every [`NylasAuth::login_with_redirect`] (the browser client's [`browser::Options`]).
pub type NylasAuthOptions = browser::Options;

/// The login state and actions, from [`use_nylas_auth`]. `Copy`: move it into as many closures as needed.
///
/// The signals are the page's, not a component's: every [`provide_nylas_auth`] with the same [`Config`] on
/// the page (two islands, a component mounted twice) shares them, and the client behind them.
#[derive(Debug, Clone, Copy)]
pub struct NylasAuth {
    /// `true` while a redirect callback's code is being exchanged, or a logout is under way.
    pub is_loading: ReadSignal<bool>,
    /// Whether an account is connected with a token that was valid when the state last changed (a token
    /// that expires later is found out by [`NylasAuth::access_token`]).
    pub is_authenticated: ReadSignal<bool>,
    /// The connected account: grant id, email, provider, expiry. Never a token.
    pub user: ReadSignal<Option<Account>>,
    /// The last failure (a denied consent, a refused callback, a failed logout), with its stable
    /// [`Error::code`]; cleared by the next login or logout.
    pub error: ReadSignal<Option<Error>>,
    state: Writers,
    client: StoredValue<Rc<BrowserClient>, LocalStorage>,
    authorization: StoredValue<AuthorizationOptions>,
}

#[derive(Debug, Clone, Copy)]
struct Writers {
    is_loading: WriteSignal<bool>,
    is_authenticated: WriteSignal<bool>,
    user: WriteSignal<Option<Account>>,
    error: WriteSignal<Option<Error>>,
}

thread_local! {
    /// The page's [`NylasAuth`]s, one per configuration, with the owner of their signals (never disposed).
    static PAGE: RefCell<Vec<(Config, NylasAuth, Owner)>> = const { RefCell::new(Vec::new()) };
}

/// Sets up the login for this part of the app and returns it (also put in context for [`use_nylas_auth`]).
///
/// The first call on the page with a given `options.config` builds the client (restoring the tokens that
/// `options.persist` kept) and, if this page load is an authorization callback, removes the callback from
/// the address bar and exchanges its code ([`NylasAuth::is_loading`] meanwhile). Later calls with the same
/// configuration, such as a component mounted again or a second island, get the same state and client: the
/// code is exchanged once. Their other options are ignored.
pub fn provide_nylas_auth(options: NylasAuthOptions) -> NylasAuth {
    let known = PAGE.with(|page| {
        page.try_borrow().ok().and_then(|page| page.iter().find(|(c, _, _)| *c == options.config).map(|e| e.1))
    });
    let auth = match known {
        Some(auth) => auth,
        None => {
            let owner = Owner::new_root(None);
            let config = options.config.clone();
            let auth = owner.with(|| NylasAuth::start(options));
            PAGE.with(|page| {
                if let Ok(mut page) = page.try_borrow_mut() {
                    page.push((config, auth, owner));
                }
            });
            auth
        }
    };
    provide_context(auth);
    auth
}

/// The [`NylasAuth`] that [`provide_nylas_auth`] put in context.
///
/// # Panics
/// Outside a component under [`provide_nylas_auth`] (as Leptos's `expect_context`): a mistake in the app's
/// structure, not a runtime condition. [`try_use_nylas_auth`] returns `None` instead.
pub fn use_nylas_auth() -> NylasAuth {
    expect_context::<NylasAuth>()
}

/// The [`NylasAuth`] in context, if [`provide_nylas_auth`] put one there.
pub fn try_use_nylas_auth() -> Option<NylasAuth> {
    use_context::<NylasAuth>()
}

impl NylasAuth {
    /// Builds the client and the signals under the current (page-long) owner, and completes a callback.
    fn start(options: NylasAuthOptions) -> NylasAuth {
        let client = Rc::new(browser::client(options.config, options.persist, options.client));
        let callback = browser::is_callback().then(browser::current_url).flatten();
        let user = browser::current_account(&client);
        let (is_loading, set_loading) = signal(callback.is_some());
        let (is_authenticated, set_authenticated) = signal(user.is_some());
        let (user, set_user) = signal(user);
        let (error, set_error) = signal(None);
        let auth = NylasAuth {
            is_loading,
            is_authenticated,
            user,
            error,
            state: Writers {
                is_loading: set_loading,
                is_authenticated: set_authenticated,
                user: set_user,
                error: set_error,
            },
            client: StoredValue::new_local(Rc::clone(&client)),
            authorization: StoredValue::new(options.authorization),
        };
        if let Some(url) = callback {
            // The code is single-use and the state is spent either way: out of the address bar (and so out of a
            // reload's reach) before the exchange starts.
            browser::clean_address_bar();
            spawn_local(async move {
                let outcome = client.handle_callback(&url).await;
                auth.settle(&client, outcome.map(|o| matches!(o, CallbackOutcome::Tokens { .. })).err());
            });
        }
        auth
    }

    /// The client, for what the signals do not cover (`grant_info`, several accounts, scopes, events).
    pub fn client(&self) -> Option<Rc<BrowserClient>> {
        self.client.try_get_value()
    }

    /// Sends the browser to Nylas's login with the options given to [`provide_nylas_auth`]. A failure to build
    /// the request (a bad option) goes to [`NylasAuth::error`].
    pub fn login_with_redirect(&self) {
        let options = self.authorization.try_get_value().unwrap_or_default();
        self.login_with_redirect_options(&options);
    }

    /// [`NylasAuth::login_with_redirect`] with these authorization options (a provider, a `login_hint`, more
    /// scopes).
    pub fn login_with_redirect_options(&self, options: &AuthorizationOptions) {
        let Some(client) = self.client() else { return };
        match client.authorize(options) {
            Ok(request) => {
                self.state.error.try_set(None);
                if let Some(window) = web_sys::window() {
                    if window.location().assign(&request.url).is_err() {
                        self.state
                            .error
                            .try_set(Some(Error::Network("the browser refused to go to the authorization page")));
                    }
                }
            }
            Err(e) => {
                self.state.error.try_set(Some(e));
            }
        }
    }

    /// Logs out: the tokens are forgotten at once, then revoked at Nylas ([`NylasAuth::is_loading`] meanwhile).
    /// A revocation the server did not confirm goes to [`NylasAuth::error`]; the account is logged out anyway.
    pub fn logout(&self) {
        let Some(client) = self.client() else { return };
        let auth = *self;
        self.state.is_loading.try_set(true);
        self.state.error.try_set(None);
        spawn_local(async move {
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
            self.state.error.try_set(error);
        }
        self.state.is_loading.try_set(false);
    }

    /// Sets [`NylasAuth::user`] and [`NylasAuth::is_authenticated`] from the client's tokens; returns the latter.
    fn sync_user(&self, client: &BrowserClient) -> bool {
        let user = browser::current_account(client);
        let ok = user.is_some();
        self.state.user.try_set(user);
        self.state.is_authenticated.try_set(ok);
        ok
    }
}

/// Its children when an account is connected ([`NylasAuth::is_authenticated`]), else `fallback` (nothing by
/// default). Needs [`provide_nylas_auth`] above it.
#[component(transparent)]
pub fn Authenticated<C>(
    /// Shown while no account is connected (also while a callback is being completed).
    #[prop(optional, into)]
    fallback: ViewFn,
    /// Shown once an account is connected.
    children: TypedChildrenFn<C>,
) -> impl IntoView
where
    C: IntoView + 'static,
{
    let auth = use_nylas_auth();
    view! { <Show when=move || auth.is_authenticated.get() fallback=fallback children=children /> }
}
