//! The whole flow as sans-IO logic over small traits: storage ([`Storage`]), HTTP ([`Http`]), time
//! ([`Clock`]) and randomness ([`RandomSource`]). The browser layer plugs in `sessionStorage`, `fetch`,
//! `Date.now` and `crypto.getRandomValues`; native tests plug in memory fakes. Navigation (redirect,
//! popup) stays with the caller: the client only builds URLs and consumes callbacks.

use crate::prelude::*;

use core::cell::RefCell;

use crate::authorize::{build_authorization_request, AuthorizationOptions, AuthorizationRequest};
use crate::config::Config;
use crate::flow::{self, Access, CallbackStep};
pub use crate::flow::{CallbackOutcome, ClientOptions};
use crate::http::HttpRequest;
pub use crate::http::{Http, HttpResponse};
use crate::json::Json;
use crate::pkce::RandomSource;
use crate::secret::AccessToken;
use crate::token::TokenHint;
use crate::token::{self, TokenSet};
use crate::transaction::{namespace, prefix_for, Storage, TransactionStore};
use crate::Error;

/// The current time.
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// What happened, for the binding layer's event listeners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// New tokens (login or refresh).
    Tokens,
    /// The tokens expired and could not be refreshed.
    Expired,
    /// The user logged out.
    Logout,
}

/// Prefix of the key under which tokens are kept when token storage is enabled.
pub const TOKEN_KEY_PREFIX: &str = "nylas-pkce:tokens:";

/// The PKCE flow and the token lifecycle for one client configuration.
pub struct Client<H, C, R> {
    config: Config,
    transactions: TransactionStore<Box<dyn Storage>>,
    token_storage: Option<Box<dyn Storage>>,
    http: H,
    clock: C,
    rng: RefCell<R>,
    tokens: RefCell<Option<TokenSet>>,
    events: RefCell<Vec<Event>>,
    options: ClientOptions,
}

impl<H, C, R> core::fmt::Debug for Client<H, C, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Client([redacted])")
    }
}

impl<H: Http, C: Clock, R: RandomSource> Client<H, C, R> {
    /// A client. `transactions` keeps pending authorizations (sessionStorage in a browser);
    /// `token_storage`, if given, keeps tokens across reloads (memory only by default).
    pub fn new(
        config: Config,
        transactions: Box<dyn Storage>,
        token_storage: Option<Box<dyn Storage>>,
        http: H,
        clock: C,
        rng: R,
        options: ClientOptions,
    ) -> Self {
        let client = Client {
            transactions: TransactionStore::new(transactions, options.transaction_ttl_ms, prefix_for(&config)),
            config,
            token_storage,
            http,
            clock,
            rng: RefCell::new(rng),
            tokens: RefCell::new(None),
            events: RefCell::new(Vec::new()),
            options,
        };
        client.restore_tokens();
        client
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Builds an authorization URL and stores its transaction (keyed by state, expires after the TTL).
    pub fn authorize(&self, options: &AuthorizationOptions) -> Result<AuthorizationRequest, Error> {
        let now = self.clock.now_ms();
        let req = {
            let mut rng = self.rng.try_borrow_mut().map_err(|_| Error::CryptoUnavailable)?;
            build_authorization_request(&self.config, options, &mut *rng, now)?
        };
        self.transactions.put(&req.transaction, now)?;
        Ok(req)
    }

    /// Incremental consent: re-authenticates the current grant asking for `scopes` (typically an
    /// `insufficient_scope` error's `required` list) with `include_grant_scopes=true`, so the new token's
    /// scope covers what the grant had and what was missing. `login_hint` is the grant's email.
    ///
    /// # Errors
    /// `invalid_option` for an empty list; those of [`Client::authorize`].
    pub fn request_scopes(
        &self,
        scopes: &[String],
        options: &AuthorizationOptions,
    ) -> Result<AuthorizationRequest, Error> {
        if scopes.is_empty() {
            return Err(Error::InvalidOption { field: "scopes", reason: "must name the scopes to add" });
        }
        let options =
            AuthorizationOptions { scopes: scopes.to_vec(), include_grant_scopes: Some(true), ..options.clone() };
        self.reauthorize(&options)
    }

    /// Like [`Client::authorize`], with `login_hint` set to the current grant's email (re-authentication).
    pub fn reauthorize(&self, options: &AuthorizationOptions) -> Result<AuthorizationRequest, Error> {
        let mut options = options.clone();
        if options.login_hint.is_none() {
            let tokens = self.tokens();
            options.login_hint = tokens.as_ref().and_then(|t| t.email.clone());
            if options.provider.is_none() {
                options.provider = tokens.and_then(|t| t.provider.clone());
            }
        }
        self.authorize(&options)
    }

    /// Whether a pending (unexpired) transaction exists for `state`.
    pub fn is_pending(&self, state: &str) -> Result<bool, Error> {
        self.transactions.contains(state, self.clock.now_ms())
    }

    /// Completes a flow from its callback URL: takes the transaction for the callback's state out of storage
    /// (before checking anything, so a replay finds nothing), validates the callback, and exchanges the code.
    ///
    /// # Errors
    /// `invalid_callback`, `missing_state`; `state_mismatch` when the state matches no pending authorization
    /// while others are pending, `no_transaction` when none is (replayed or foreign callback);
    /// `transaction_expired`; the callback's own errors; the token endpoint's errors.
    pub async fn handle_callback(&self, url: &str) -> Result<CallbackOutcome, Error> {
        let now = self.clock.now_ms();
        let taken = self.transactions.take_raw(&flow::callback_key(self.transactions.prefix(), url)?)?;
        let others = taken.is_none() && self.transactions.has_pending(now)?;
        let ttl = self.options.transaction_ttl_ms;
        match flow::complete_callback(&self.config, url, taken.as_deref(), others, now, ttl)? {
            CallbackStep::Done(outcome) => Ok(outcome),
            CallbackStep::Exchange { request, app_state } => {
                let resp = self.http.send(request).await?;
                let tokens = token::parse_token_response(resp.status, resp.body.as_ref(), self.clock.now_ms())?;
                // A storage failure does not lose the login: memory holds the tokens.
                let _ = self.set_tokens(Some(tokens.clone()));
                self.emit(Event::Tokens);
                Ok(CallbackOutcome::Tokens { tokens: Box::new(tokens), app_state })
            }
        }
    }

    /// The current token set, if any (possibly expired).
    pub fn tokens(&self) -> Option<TokenSet> {
        self.tokens.try_borrow().ok().and_then(|t| t.clone())
    }

    /// Whether there is an access token that is not expired (with the clock-skew margin).
    pub fn is_authenticated(&self) -> bool {
        let now = self.clock.now_ms();
        self.tokens().is_some_and(|t| !t.is_expired(now, self.options.clock_skew_ms))
    }

    /// A valid access token: the current one, or a refreshed one where a refresh token exists and the
    /// server allows public refresh.
    ///
    /// # Errors
    /// `login_required` when there is no valid token and no way to refresh; the token endpoint's errors.
    pub async fn access_token(&self) -> Result<AccessToken, Error> {
        let current = self.tokens();
        match flow::access(&self.config, current.as_ref(), self.clock.now_ms(), &self.options)? {
            Access::Valid(token) => Ok(token),
            Access::Refresh(req) => {
                let resp = self.http.send(req).await?;
                let fresh = token::parse_token_response(resp.status, resp.body.as_ref(), self.clock.now_ms())?;
                let fresh = match &current {
                    Some(old) => flow::merge_refreshed(fresh, old),
                    None => fresh,
                };
                let token = fresh.access_token.clone();
                let _ = self.set_tokens(Some(fresh));
                self.emit(Event::Tokens);
                Ok(token)
            }
            Access::Expired => {
                let _ = self.set_tokens(None);
                self.emit(Event::Expired);
                Err(Error::LoginRequired)
            }
        }
    }

    /// Revokes the current access token at the server (Nylas also revokes its siblings and the grant's
    /// refresh token). Local tokens are kept; see [`Client::logout`].
    pub async fn revoke(&self) -> Result<(), Error> {
        let token = self.current_token()?;
        self.send_revocation(token::revoke_request(&self.config, token.secret(), TokenHint::AccessToken)?).await
    }

    /// Logs out: forgets the tokens (memory and token storage) and every pending authorization of this
    /// client, then revokes the tokens at the server: the access token, and for a generic server the
    /// refresh token too (RFC 7009; Nylas revokes it with the access token). Everything local is cleared
    /// even when something fails; the first failure is returned, a storage failure first (the tokens
    /// would come back on reload).
    pub async fn logout(&self) -> Result<(), Error> {
        let old = self.tokens();
        let stored = self.set_tokens(None);
        let pending = self.transactions.clear();
        self.emit(Event::Logout);
        let mut revoked = Ok(());
        if let Some(old) = old {
            for req in flow::revocations(&self.config, &old) {
                let r = self.send_revocation(req?).await;
                revoked = revoked.and(r);
            }
        }
        stored.and(pending).and(revoked)
    }

    async fn send_revocation(&self, req: HttpRequest) -> Result<(), Error> {
        let resp = self.http.send(req).await?;
        token::parse_revocation_response(resp.status, resp.body.as_ref())
    }

    /// `GET /connect/tokeninfo` for the current access token: the `data` object.
    pub async fn token_info(&self) -> Result<Json, Error> {
        let token = self.current_token()?;
        let resp = self.http.send(token::token_info_request(&self.config, &token)?).await?;
        token::parse_api_response(resp.status, resp.body.as_ref())
    }

    /// `GET /grants/me` with the current access token: the grant object.
    pub async fn grant_info(&self) -> Result<Json, Error> {
        let token = self.current_token()?;
        let resp = self.http.send(token::grant_info_request(&self.config, &token)?).await?;
        token::parse_api_response(resp.status, resp.body.as_ref())
    }

    /// Which provider an email address belongs to (`GET …/providers/detect?email=…&client_id=…`, no
    /// secret): the answer's `data`, `{ provider, type, email, detected }`.
    pub async fn detect_provider(&self, email: &str) -> Result<Json, Error> {
        let resp = self.http.send(token::provider_detect_request(&self.config, email)?).await?;
        token::parse_api_response(resp.status, resp.body.as_ref())
    }

    /// Forgets the tokens locally (no server call).
    ///
    /// # Errors
    /// `storage_unavailable` when token storage could not forget them (memory has).
    pub fn clear(&self) -> Result<(), Error> {
        self.set_tokens(None)
    }

    /// Events since the last call, oldest first.
    pub fn take_events(&self) -> Vec<Event> {
        self.events.try_borrow_mut().map(|mut e| core::mem::take(&mut *e)).unwrap_or_default()
    }

    fn current_token(&self) -> Result<AccessToken, Error> {
        self.tokens().map(|t| t.access_token.clone()).ok_or(Error::LoginRequired)
    }

    fn emit(&self, e: Event) {
        if let Ok(mut events) = self.events.try_borrow_mut() {
            events.push(e);
        }
    }

    fn token_key(&self) -> String {
        let mut k = String::from(TOKEN_KEY_PREFIX);
        k.push_str(&namespace(&self.config));
        k
    }

    /// Memory always takes `tokens`; a storage failure is returned (a login is not lost to it, but a
    /// logout must say when stored tokens could not be removed).
    fn set_tokens(&self, tokens: Option<TokenSet>) -> Result<(), Error> {
        let stored = match (&self.token_storage, &tokens) {
            (Some(storage), Some(t)) => storage.set(&self.token_key(), &t.to_json()),
            (Some(storage), None) => storage.remove(&self.token_key()),
            (None, _) => Ok(()),
        };
        if let Ok(mut slot) = self.tokens.try_borrow_mut() {
            *slot = tokens;
        }
        stored
    }

    fn restore_tokens(&self) {
        let Some(storage) = &self.token_storage else { return };
        let restored = storage
            .get(&self.token_key())
            .ok()
            .flatten()
            .and_then(|raw| crate::json::parse(&raw))
            .and_then(|j| TokenSet::from_json(&j));
        if let Ok(mut slot) = self.tokens.try_borrow_mut() {
            *slot = restored;
        }
    }
}
