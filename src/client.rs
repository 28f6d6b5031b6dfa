//! The whole flow as sans-IO logic over small traits: storage ([`Storage`]), HTTP ([`Http`]), time
//! ([`Clock`]) and randomness ([`RandomSource`]). The browser layer plugs in `sessionStorage`, `fetch`,
//! `Date.now` and `crypto.getRandomValues`; native tests plug in memory fakes. Navigation (redirect,
//! popup) stays with the caller: the client only builds URLs and consumes callbacks.
//!
//! # Sessions
//!
//! The client is race-free in the ways a single-threaded async app (a web page) needs, with the npm
//! package's rules:
//!
//! - Each connected account has a session. [`Client::logout`] ends every session,
//!   [`Client::logout_account`] its account's ([`Accounts::Single`]: every session), [`Client::clear`]
//!   every session; a new login ends the session of the tokens it replaces.
//! - A code exchange or a refresh answered after its session ended stores nothing and fails with
//!   [`Error::SessionEnded`]: a logout is never undone by an answer still on the way, and one account's
//!   refresh never lands in another's place.
//! - One refresh at a time per account: concurrent [`Client::access_token`] calls that need one share it
//!   (one request, the same result). If the caller whose future sends it drops that future, a waiting
//!   caller sends its own.
//! - A refresh answer that names another grant than the token set refreshed is `invalid_response`
//!   ([`flow::refreshed`]) and changes nothing.

use crate::prelude::*;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use crate::accounts::{self, Account, Accounts};
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
use crate::transaction::{prefix_for, Storage, TransactionStore};
use crate::Error;

/// The current time.
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// What happened, for the app's listeners, each with the grant it concerns (`None` when the token set
/// has no grant id, or for a logout with no account connected).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// New tokens (login or refresh).
    Tokens(Option<String>),
    /// The tokens expired and could not be refreshed.
    Expired(Option<String>),
    /// The account logged out.
    Logout(Option<String>),
}

pub use crate::accounts::TOKEN_KEY_PREFIX;

/// The PKCE flow and the token lifecycle for one client configuration.
pub struct Client<H, C, R> {
    config: Config,
    transactions: TransactionStore<Box<dyn Storage>>,
    token_storage: Option<Box<dyn Storage>>,
    http: H,
    clock: C,
    rng: RefCell<R>,
    /// The connected accounts' token sets with their sessions, in the order they logged in (at most one
    /// in [`Accounts::Single`] mode).
    tokens: RefCell<Vec<Slot>>,
    /// Ticks at each new session and each end of sessions (see [`Client::end_sessions`]).
    clock_tick: Cell<u64>,
    /// When every session last ended (a tick).
    ended_all: Cell<u64>,
    /// When the session of an account ([`Accounts::Multiple`]: by grant id, `""` for none) last ended.
    ended: RefCell<Vec<(String, u64)>>,
    /// The refresh in flight per session, shared by the callers that need it.
    refreshing: RefCell<Refreshing>,
    events: RefCell<Vec<Event>>,
    options: ClientOptions,
}

/// A connected account's token set and its session (a tick: a new one at each login or restore).
#[derive(Clone)]
struct Slot {
    set: TokenSet,
    session: u64,
}

/// The outcome of a refresh in flight, for the callers waiting on it.
#[derive(Default)]
struct Shared {
    outcome: Option<Result<AccessToken, Error>>,
    /// The caller that sent the refresh dropped its future before the answer came.
    abandoned: bool,
    wakers: Vec<Waker>,
}

/// The refreshes in flight, by session.
type Refreshing = Vec<(u64, Rc<RefCell<Shared>>)>;

/// A caller waiting on another's refresh: the outcome, or `None` when that refresh was abandoned.
struct Joined(Rc<RefCell<Shared>>);

impl Future for Joined {
    type Output = Option<Result<AccessToken, Error>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Ok(mut shared) = self.0.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        if let Some(outcome) = &shared.outcome {
            return Poll::Ready(Some(outcome.clone()));
        }
        if shared.abandoned {
            return Poll::Ready(None);
        }
        if !shared.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            shared.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// The refresh a caller sends: on drop (finished or abandoned) it leaves the client's list and wakes the
/// callers waiting on it.
struct Lead<'a> {
    refreshing: &'a RefCell<Refreshing>,
    session: u64,
    shared: Rc<RefCell<Shared>>,
}

impl Lead<'_> {
    fn finish(&self, outcome: &Result<AccessToken, Error>) {
        if let Ok(mut shared) = self.shared.try_borrow_mut() {
            shared.outcome = Some(outcome.clone());
        }
    }
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        if let Ok(mut list) = self.refreshing.try_borrow_mut() {
            list.retain(|(session, shared)| !(*session == self.session && Rc::ptr_eq(shared, &self.shared)));
        }
        let wakers = match self.shared.try_borrow_mut() {
            Ok(mut shared) => {
                shared.abandoned = shared.outcome.is_none();
                core::mem::take(&mut shared.wakers)
            }
            Err(_) => Vec::new(),
        };
        for waker in wakers {
            waker.wake();
        }
    }
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
            tokens: RefCell::new(Vec::new()),
            clock_tick: Cell::new(0),
            ended_all: Cell::new(0),
            ended: RefCell::new(Vec::new()),
            refreshing: RefCell::new(Vec::new()),
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
    /// `invalid_option` for an empty list, or (`grantId`) while several accounts are connected: see
    /// [`Client::request_scopes_for`]; those of [`Client::authorize`].
    pub fn request_scopes(
        &self,
        scopes: &[String],
        options: &AuthorizationOptions,
    ) -> Result<AuthorizationRequest, Error> {
        self.scopes_for(None, scopes, options)
    }

    /// [`Client::request_scopes`] for the connected account of `grant_id` (`login_required` when it is not
    /// connected).
    ///
    /// # Errors
    /// As [`Client::request_scopes`].
    pub fn request_scopes_for(
        &self,
        grant_id: &str,
        scopes: &[String],
        options: &AuthorizationOptions,
    ) -> Result<AuthorizationRequest, Error> {
        self.scopes_for(Some(grant_id), scopes, options)
    }

    fn scopes_for(
        &self,
        grant: Option<&str>,
        scopes: &[String],
        options: &AuthorizationOptions,
    ) -> Result<AuthorizationRequest, Error> {
        if scopes.is_empty() {
            return Err(Error::InvalidOption { field: "scopes", reason: "must name the scopes to add" });
        }
        let options =
            AuthorizationOptions { scopes: scopes.to_vec(), include_grant_scopes: Some(true), ..options.clone() };
        self.reauthorize_grant(grant, &options)
    }

    /// Like [`Client::authorize`], with `login_hint` (and `provider`) set to the current grant's
    /// (re-authentication). With several accounts connected, name one: [`Client::reauthorize_for`].
    ///
    /// # Errors
    /// `invalid_option` (`grantId`) while several accounts are connected; those of [`Client::authorize`].
    pub fn reauthorize(&self, options: &AuthorizationOptions) -> Result<AuthorizationRequest, Error> {
        self.reauthorize_grant(None, options)
    }

    /// [`Client::reauthorize`] for the connected account of `grant_id`.
    ///
    /// # Errors
    /// `login_required` when that account is not connected; those of [`Client::authorize`].
    pub fn reauthorize_for(
        &self,
        grant_id: &str,
        options: &AuthorizationOptions,
    ) -> Result<AuthorizationRequest, Error> {
        self.reauthorize_grant(Some(grant_id), options)
    }

    fn reauthorize_grant(
        &self,
        grant: Option<&str>,
        options: &AuthorizationOptions,
    ) -> Result<AuthorizationRequest, Error> {
        let mut options = options.clone();
        let tokens = self.pick(grant)?;
        if grant.is_some() && tokens.is_none() {
            return Err(Error::LoginRequired);
        }
        if options.login_hint.is_none() {
            options.login_hint = tokens.as_ref().and_then(|t| t.email.clone());
            if options.provider.is_none() {
                options.provider = tokens.and_then(|t| t.provider);
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
    /// The token set replaces the current one, or in [`Accounts::Multiple`] mode the one of its grant, in
    /// a new session.
    ///
    /// # Errors
    /// `invalid_callback`, `missing_state`; `state_mismatch` when the state matches no pending authorization
    /// while others are pending, `no_transaction` when none is (replayed or foreign callback);
    /// `transaction_expired`; the callback's own errors; the token endpoint's errors; `session_ended` when
    /// a logout ended the session of the account the code was for (every session, or in
    /// [`Accounts::Multiple`] mode that grant's) while the code was being exchanged: nothing is stored.
    pub async fn handle_callback(&self, url: &str) -> Result<CallbackOutcome, Error> {
        let now = self.clock.now_ms();
        let taken = self.transactions.take_raw(&flow::callback_key(self.transactions.prefix(), url)?)?;
        let others = taken.is_none() && self.transactions.has_pending(now)?;
        let ttl = self.options.transaction_ttl_ms;
        match flow::complete_callback(&self.config, url, taken.as_deref(), others, now, ttl)? {
            CallbackStep::Done(outcome) => Ok(outcome),
            CallbackStep::Exchange { request, app_state } => {
                let start = self.clock_tick.get();
                let resp = self.http.send(request).await?;
                let tokens = token::parse_token_response(resp.status, resp.body.as_ref(), self.clock.now_ms())?;
                if self.ended_since(start, tokens.grant_id.as_deref()) {
                    return Err(Error::SessionEnded);
                }
                // A storage failure does not lose the login: memory holds the tokens.
                let session = self.tick();
                let _ = self.store(tokens.clone(), session);
                Ok(CallbackOutcome::Tokens { tokens: Box::new(tokens), app_state })
            }
        }
    }

    /// The token set of the one account connected, if any (possibly expired). With several accounts
    /// connected it is `None`: name one with [`Client::tokens_for`].
    pub fn tokens(&self) -> Option<TokenSet> {
        self.pick(None).ok().flatten()
    }

    /// The token set of the account of `grant_id`, if it is connected (possibly expired).
    pub fn tokens_for(&self, grant_id: &str) -> Option<TokenSet> {
        self.pick(Some(grant_id)).ok().flatten()
    }

    /// The connected accounts, in the order they logged in (restored ones first, in grant-id order), at most
    /// one in [`Accounts::Single`] mode.
    pub fn accounts(&self) -> Vec<Account> {
        self.tokens.try_borrow().map(|slots| slots.iter().map(|s| Account::from(&s.set)).collect()).unwrap_or_default()
    }

    /// Whether an account holds an access token that is not expired (with the clock-skew margin).
    pub fn is_authenticated(&self) -> bool {
        let now = self.clock.now_ms();
        let skew = self.options.clock_skew_ms;
        self.tokens.try_borrow().is_ok_and(|slots| slots.iter().any(|s| !s.set.is_expired(now, skew)))
    }

    /// A valid access token of the one account connected: the current one, or a refreshed one where a
    /// refresh token exists and the server allows public refresh. Concurrent calls share one refresh.
    ///
    /// # Errors
    /// `login_required` when there is no valid token and no way to refresh; `invalid_option` (`grantId`)
    /// while several accounts are connected (see [`Client::access_token_for`]); the token endpoint's errors;
    /// `session_ended` when the account's session ended (logout, a new login) before the refresh answer
    /// came; `invalid_response` when that answer names another grant (nothing is stored either way).
    pub async fn access_token(&self) -> Result<AccessToken, Error> {
        self.access(None).await
    }

    /// [`Client::access_token`] for the account of `grant_id` (`login_required` when it is not connected).
    ///
    /// # Errors
    /// As [`Client::access_token`].
    pub async fn access_token_for(&self, grant_id: &str) -> Result<AccessToken, Error> {
        self.access(Some(grant_id)).await
    }

    async fn access(&self, grant: Option<&str>) -> Result<AccessToken, Error> {
        loop {
            let current = self.pick_slot(grant)?;
            let now = self.clock.now_ms();
            match flow::access(&self.config, current.as_ref().map(|s| &s.set), now, &self.options)? {
                Access::Valid(token) => return Ok(token),
                Access::Refresh(req) => {
                    let Some(slot) = current else { return Err(Error::LoginRequired) };
                    let joined = self.refresh_of(slot.session);
                    match joined {
                        Some(shared) => match Joined(shared).await {
                            Some(outcome) => return outcome,
                            // Its caller gave up: refresh here (the account may have changed meanwhile).
                            None => continue,
                        },
                        None => return self.lead_refresh(req, slot).await,
                    }
                }
                Access::Expired => {
                    let grant = current.and_then(|s| s.set.grant_id);
                    let _ = self.forget(grant.as_deref(), false);
                    self.emit(Event::Expired(grant));
                    return Err(Error::LoginRequired);
                }
            }
        }
    }

    /// The refresh in flight for `session`, if any.
    fn refresh_of(&self, session: u64) -> Option<Rc<RefCell<Shared>>> {
        let list = self.refreshing.try_borrow().ok()?;
        list.iter().find(|(s, _)| *s == session).map(|(_, shared)| Rc::clone(shared))
    }

    /// Sends the refresh of `old`'s session, shared with the callers that need it meanwhile.
    async fn lead_refresh(&self, req: HttpRequest, old: Slot) -> Result<AccessToken, Error> {
        let shared = Rc::new(RefCell::new(Shared::default()));
        if let Ok(mut list) = self.refreshing.try_borrow_mut() {
            list.push((old.session, Rc::clone(&shared)));
        }
        let lead = Lead { refreshing: &self.refreshing, session: old.session, shared };
        let outcome = self.refresh(req, old).await;
        lead.finish(&outcome);
        outcome
    }

    async fn refresh(&self, req: HttpRequest, old: Slot) -> Result<AccessToken, Error> {
        let resp = self.http.send(req).await?;
        let fresh = token::parse_token_response(resp.status, resp.body.as_ref(), self.clock.now_ms())?;
        if !self.is_current(old.session) {
            return Err(Error::SessionEnded);
        }
        let fresh = flow::refreshed(fresh, &old.set, resp.status)?;
        let token = fresh.access_token.clone();
        // The same session goes on.
        let _ = self.store(fresh, old.session);
        Ok(token)
    }

    /// Revokes the current access token at the server (Nylas also revokes its siblings and the grant's
    /// refresh token). Local tokens are kept; see [`Client::logout`].
    ///
    /// # Errors
    /// `login_required` with no account connected, `invalid_option` (`grantId`) with several; the
    /// revocation endpoint's errors.
    pub async fn revoke(&self) -> Result<(), Error> {
        let token = self.current_token(None)?;
        self.send_revocation(token::revoke_request(&self.config, token.secret(), TokenHint::AccessToken)?).await
    }

    /// Logs out every connected account: forgets their tokens (memory and token storage) and every
    /// pending authorization of this client, then revokes the tokens at the server: the access token,
    /// and for a generic server the refresh token too (RFC 7009; Nylas revokes it with the access
    /// token). Everything local is cleared even when something fails; the first failure is returned, a
    /// storage failure first (the tokens would come back on reload). Every session ends: a code exchange
    /// or a refresh still in flight stores nothing (`session_ended`).
    pub async fn logout(&self) -> Result<(), Error> {
        self.end_sessions(None);
        let old: Vec<TokenSet> =
            self.tokens.try_borrow().map(|slots| slots.iter().map(|s| s.set.clone()).collect()).unwrap_or_default();
        let mut stored = Ok(());
        for t in &old {
            stored = stored.and(self.forget(t.grant_id.as_deref(), true));
        }
        if old.is_empty() {
            self.emit(Event::Logout(None));
        }
        let pending = self.transactions.clear();
        stored.and(pending).and(self.revoke_all(&old).await)
    }

    /// Logs out the account of `grant_id` only: forgets its tokens and revokes them at the server; the
    /// other accounts and the pending authorizations stay. Its session ends (a code exchange for its grant
    /// or a refresh of its tokens still in flight stores nothing); the other accounts' sessions go on.
    ///
    /// # Errors
    /// `login_required` when that account is not connected; as [`Client::logout`].
    pub async fn logout_account(&self, grant_id: &str) -> Result<(), Error> {
        let old = self.pick(Some(grant_id))?.ok_or(Error::LoginRequired)?;
        self.end_sessions(Some(grant_id));
        let stored = self.forget(Some(grant_id), true);
        stored.and(self.revoke_all(core::slice::from_ref(&old)).await)
    }

    async fn revoke_all(&self, sets: &[TokenSet]) -> Result<(), Error> {
        let mut revoked = Ok(());
        for old in sets {
            for req in flow::revocations(&self.config, old) {
                let r = self.send_revocation(req?).await;
                revoked = revoked.and(r);
            }
        }
        revoked
    }

    async fn send_revocation(&self, req: HttpRequest) -> Result<(), Error> {
        let resp = self.http.send(req).await?;
        token::parse_revocation_response(resp.status, resp.body.as_ref())
    }

    /// `GET /connect/tokeninfo` for the current access token: the `data` object.
    ///
    /// # Errors
    /// As [`Client::revoke`], for the token info endpoint.
    pub async fn token_info(&self) -> Result<Json, Error> {
        let token = self.current_token(None)?;
        let resp = self.http.send(token::token_info_request(&self.config, &token)?).await?;
        token::parse_api_response(resp.status, resp.body.as_ref())
    }

    /// `GET /grants/me` with the current access token: the grant object.
    ///
    /// # Errors
    /// As [`Client::revoke`], for the grant endpoint.
    pub async fn grant_info(&self) -> Result<Json, Error> {
        self.grant_info_of(None).await
    }

    /// `GET /grants/me` with the access token of the account of `grant_id`.
    ///
    /// # Errors
    /// As [`Client::grant_info`].
    pub async fn grant_info_for(&self, grant_id: &str) -> Result<Json, Error> {
        self.grant_info_of(Some(grant_id)).await
    }

    async fn grant_info_of(&self, grant: Option<&str>) -> Result<Json, Error> {
        let token = self.current_token(grant)?;
        let resp = self.http.send(token::grant_info_request(&self.config, &token)?).await?;
        token::parse_api_response(resp.status, resp.body.as_ref())
    }

    /// Which provider an email address belongs to (`GET …/providers/detect?email=…&client_id=…`, no
    /// secret): the answer's `data`, `{ provider, type, email, detected }`.
    pub async fn detect_provider(&self, email: &str) -> Result<Json, Error> {
        let resp = self.http.send(token::provider_detect_request(&self.config, email)?).await?;
        token::parse_api_response(resp.status, resp.body.as_ref())
    }

    /// Forgets every account's tokens locally (no server call, no event) and ends every session.
    ///
    /// # Errors
    /// `storage_unavailable` when token storage could not forget them (memory has).
    pub fn clear(&self) -> Result<(), Error> {
        self.end_sessions(None);
        // Every account is forgotten, even after a storage failure; the first failure is returned.
        let mut result = Ok(());
        for account in self.accounts() {
            result = result.and(self.forget(account.grant_id.as_deref(), false));
        }
        result
    }

    /// Events since the last call, oldest first.
    pub fn take_events(&self) -> Vec<Event> {
        self.events.try_borrow_mut().map(|mut e| core::mem::take(&mut *e)).unwrap_or_default()
    }

    /// The token set a call means ([`accounts::pick`]), cloned.
    fn pick(&self, grant: Option<&str>) -> Result<Option<TokenSet>, Error> {
        Ok(self.pick_slot(grant)?.map(|s| s.set))
    }

    /// The token set a call means with its session, cloned.
    fn pick_slot(&self, grant: Option<&str>) -> Result<Option<Slot>, Error> {
        let slots = self.tokens.try_borrow().map_err(|_| Error::LoginRequired)?;
        accounts::pick_by(&slots, grant, |s| &s.set).map(|s| s.cloned())
    }

    /// A new tick of the session clock (a new session's id).
    fn tick(&self) -> u64 {
        let next = self.clock_tick.get().saturating_add(1);
        self.clock_tick.set(next);
        next
    }

    /// Ends the session of the account of `grant` ([`Accounts::Multiple`] mode), or every session.
    /// The tokens of an ended session are forgotten by the caller; what is still in flight for it is
    /// dropped when it comes ([`Client::ended_since`], [`Client::is_current`]).
    fn end_sessions(&self, grant: Option<&str>) {
        let now = self.tick();
        match grant.filter(|_| self.options.accounts == Accounts::Multiple) {
            Some(grant) => {
                if let Ok(mut ended) = self.ended.try_borrow_mut() {
                    match ended.iter_mut().find(|(g, _)| g == grant) {
                        Some(entry) => entry.1 = now,
                        None => ended.push((grant.into(), now)),
                    }
                }
            }
            None => self.ended_all.set(now),
        }
    }

    /// Whether the session a code exchange for `grant` started in (at tick `start`) ended since.
    fn ended_since(&self, start: u64, grant: Option<&str>) -> bool {
        let grant = grant.unwrap_or_default();
        let own = match self.options.accounts {
            Accounts::Multiple => self
                .ended
                .try_borrow()
                .map(|ended| ended.iter().find(|(g, _)| g == grant).map_or(0, |e| e.1))
                .unwrap_or(u64::MAX),
            Accounts::Single => 0,
        };
        self.ended_all.get().max(own) > start
    }

    /// Whether `session` is still the session of a connected account.
    fn is_current(&self, session: u64) -> bool {
        self.tokens.try_borrow().is_ok_and(|slots| slots.iter().any(|s| s.session == session))
    }

    fn current_token(&self, grant: Option<&str>) -> Result<AccessToken, Error> {
        self.pick(grant)?.map(|t| t.access_token).ok_or(Error::LoginRequired)
    }

    fn emit(&self, e: Event) {
        if let Ok(mut events) = self.events.try_borrow_mut() {
            events.push(e);
        }
    }

    /// The storage key of the token set of `grant` ([`accounts::token_key`]).
    fn token_key(&self, grant: Option<&str>) -> String {
        let per_grant = self.options.accounts == Accounts::Multiple;
        accounts::token_key(&self.config, per_grant.then_some(grant.unwrap_or_default()))
    }

    /// Memory always takes `fresh` in `session` (beside or instead of the others, as the mode says) and a
    /// `tokens` event is recorded; a storage failure is returned (a login is not lost to it).
    fn store(&self, fresh: TokenSet, session: u64) -> Result<(), Error> {
        let grant = fresh.grant_id.clone();
        let stored = match &self.token_storage {
            Some(storage) => storage.set(&self.token_key(grant.as_deref()), &fresh.to_json()),
            None => Ok(()),
        };
        if let Ok(mut slots) = self.tokens.try_borrow_mut() {
            accounts::put_by(&mut slots, Slot { set: fresh, session }, self.options.accounts, |s| &s.set);
        }
        self.emit(Event::Tokens(grant));
        stored
    }

    /// Forgets the token set of `grant` (memory always; a storage failure is returned, since the tokens
    /// would come back on reload), recording a `logout` event when `logout`.
    fn forget(&self, grant: Option<&str>, logout: bool) -> Result<(), Error> {
        let stored = match &self.token_storage {
            Some(storage) => storage.remove(&self.token_key(grant)),
            None => Ok(()),
        };
        if let Ok(mut slots) = self.tokens.try_borrow_mut() {
            slots.retain(|s| s.set.grant_id.as_deref() != grant);
        }
        if logout {
            self.emit(Event::Logout(grant.map(String::from)));
        }
        stored
    }

    /// Reads the token sets kept in token storage: the one under the client's key, or in
    /// [`Accounts::Multiple`] mode those under its per-grant keys (a set stored under another grant's key
    /// is not taken).
    fn restore_tokens(&self) {
        let Some(storage) = &self.token_storage else { return };
        let read = |key: &str| {
            storage
                .get(key)
                .ok()
                .flatten()
                .and_then(|raw| crate::json::parse(&raw))
                .and_then(|j| TokenSet::from_json(&j))
        };
        let mut restored = Vec::new();
        if self.options.accounts == Accounts::Multiple {
            let prefix = self.token_key(Some(""));
            let mut keys = storage.keys(&prefix).unwrap_or_default();
            keys.sort();
            for key in keys {
                let grant = key.get(prefix.len()..).unwrap_or_default();
                if let Some(t) = read(&key).filter(|t| t.grant_id.as_deref().unwrap_or_default() == grant) {
                    restored.push(t);
                }
            }
        } else {
            restored.extend(read(&self.token_key(None)));
        }
        let restored = restored.into_iter().map(|set| Slot { set, session: self.tick() }).collect();
        if let Ok(mut slots) = self.tokens.try_borrow_mut() {
            *slots = restored;
        }
    }
}
