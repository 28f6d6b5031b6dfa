//! The flow as steps: pure functions from what is stored, what arrived and the time to what happens next.
//!
//! Both drivers of the flow use them, so every decision is made once: [`crate::Client`] (the async client
//! over [`crate::Storage`] and [`crate::Http`]) and the npm package, whose JavaScript moves records in and
//! out of `sessionStorage` and requests over `fetch` while the wasm binding calls these functions.
//!
//! A callback is completed in three steps: [`callback_key`] names the stored transaction to take (remove
//! it before anything is checked, so a replay finds nothing); [`complete_callback`] checks the callback
//! against it and says what to do; a code exchange's answer then goes to
//! [`crate::token::parse_token_response`].

use crate::prelude::*;

use crate::accounts::Accounts;
use crate::callback::{callback_params, check_callback, get, Callback};
use crate::config::{Config, Flavor};
use crate::http::HttpRequest;
use crate::secret::AccessToken;
use crate::token::{self, TokenHint, TokenSet};
use crate::transaction::{key_for, ResponseType, Transaction, DEFAULT_TTL_MS};
use crate::Error;

/// Tunables of a [`crate::Client`] and the package's `NylasAuth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientOptions {
    /// How long a pending authorization stays valid (default 10 minutes).
    pub transaction_ttl_ms: u64,
    /// A token counts as expired this long before its `expires_at` (default 30 s).
    pub clock_skew_ms: u64,
    /// Whether the server lets a public client refresh without a secret (Nylas does not).
    pub public_refresh: bool,
    /// One account (the default: a login replaces the previous one) or one per grant.
    pub accounts: Accounts,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            transaction_ttl_ms: DEFAULT_TTL_MS,
            clock_skew_ms: 30_000,
            public_refresh: false,
            accounts: Accounts::Single,
        }
    }
}

/// The result of a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackOutcome {
    /// The code was exchanged: the user is logged in.
    Tokens {
        /// The token set.
        tokens: Box<TokenSet>,
        /// The app's state given at the start (JSON text), if any.
        app_state: Option<String>,
    },
    /// Microsoft admin consent was granted (`admin_consent=true`).
    AdminConsent {
        /// The app's state given at the start (JSON text), if any.
        app_state: Option<String>,
    },
}

/// What to do after a callback was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackStep {
    /// Send this token request (the code exchange), then parse its answer with
    /// [`crate::token::parse_token_response`].
    Exchange {
        /// The code exchange.
        request: HttpRequest,
        /// The app's state from the transaction (JSON text), for the result.
        app_state: Option<String>,
    },
    /// The flow is complete without a code exchange (admin consent, hosted auth).
    Done(CallbackOutcome),
}

/// The state of a callback, or the error that a callback without one is.
fn state_of(params: &[(String, String)]) -> Result<&str, Error> {
    match get(params, "state") {
        Some(state) => Ok(state),
        // Let the full check say what is wrong (invalid_callback or missing_state).
        None => Err(check_callback(params, "", None, false).err().unwrap_or(Error::MissingState)),
    }
}

/// The storage key of the transaction a callback belongs to, under the client's key `prefix`
/// ([`crate::transaction::prefix_for`]).
///
/// # Errors
/// `invalid_callback` (malformed, not a callback), `missing_state`.
pub fn callback_key(prefix: &str, url: &str) -> Result<String, Error> {
    key_of(prefix, &callback_params(url)?)
}

/// [`callback_key`] for parameters already read by [`callback_params`].
///
/// # Errors
/// `invalid_callback`, `missing_state`.
pub fn key_of(prefix: &str, params: &[(String, String)]) -> Result<String, Error> {
    state_of(params).map(|state| key_for(prefix, state))
}

/// Whether any of `records` (stored transactions other than the callback's) is still pending: a callback
/// whose own transaction is missing is then a `state_mismatch` rather than a replay.
pub fn any_pending<'a>(records: impl IntoIterator<Item = &'a str>, now_ms: u64, ttl_ms: u64) -> bool {
    records.into_iter().any(|raw| Transaction::read(raw).is_some_and(|tx| !tx.is_expired(now_ms, ttl_ms)))
}

/// Checks a callback against the transaction taken out of storage under [`callback_key`] (`taken`: the
/// raw record, `None` when there was none) and says what to do next.
///
/// A transaction completes only the way it was started: a code flow needs a `code` (a hosted-auth or
/// admin-consent shaped callback is `missing_code`: its `grant_id` would not be authenticated), an
/// admin-consent request needs `admin_consent=true`. Only the client that started it (same client id and
/// token endpoint) may complete it.
///
/// # Errors
/// `invalid_callback`, `missing_state`; `state_mismatch` when there is no transaction for the callback's
/// state while `others_pending`, `no_transaction` when there is none at all (a replay, or a callback
/// started elsewhere); `client_mismatch`; `transaction_expired`; the callback's own errors
/// (`authorization_error`, `issuer_mismatch`, `missing_issuer`, `missing_code`, …).
pub fn complete_callback(
    config: &Config,
    url: &str,
    taken: Option<&str>,
    others_pending: bool,
    now_ms: u64,
    ttl_ms: u64,
) -> Result<CallbackStep, Error> {
    complete(config, &callback_params(url)?, taken, others_pending, now_ms, ttl_ms)
}

/// [`complete_callback`] for parameters already read by [`callback_params`] (a callback is parsed once).
///
/// # Errors
/// As [`complete_callback`].
pub fn complete(
    config: &Config,
    params: &[(String, String)],
    taken: Option<&str>,
    others_pending: bool,
    now_ms: u64,
    ttl_ms: u64,
) -> Result<CallbackStep, Error> {
    let state = state_of(params)?;
    let Some(raw) = taken else {
        return Err(if others_pending { Error::StateMismatch } else { Error::NoTransaction });
    };
    let tx = Transaction::read(raw).filter(|tx| tx.state.ct_eq(state)).ok_or(Error::NoTransaction)?;
    if tx.client_id != config.client_id || tx.token_endpoint != config.endpoints.token {
        return Err(Error::ClientMismatch);
    }
    if tx.is_expired(now_ms, ttl_ms) {
        return Err(Error::TransactionExpired);
    }
    let require_iss = config.require_iss && tx.issuer.is_some();
    let callback = check_callback(params, tx.state.secret(), tx.issuer.as_deref(), require_iss)?;
    Ok(match (tx.response_type, callback, &tx.code_verifier) {
        (ResponseType::Code, Callback::Code { code, .. }, Some(verifier)) => CallbackStep::Exchange {
            request: token::code_exchange_request(config, &code, verifier, &tx.redirect_uri, config.token_body),
            app_state: tx.app_state.clone(),
        },
        (ResponseType::AdminConsent, Callback::AdminConsent { .. }, _) => {
            CallbackStep::Done(CallbackOutcome::AdminConsent { app_state: tx.app_state.clone() })
        }
        (ResponseType::AdminConsent, ..) => {
            return Err(Error::InvalidCallback("an admin-consent request ended without admin_consent=true"))
        }
        _ => return Err(Error::MissingCode),
    })
}

/// How to get a valid access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The current token is valid.
    Valid(AccessToken),
    /// It expired: send this refresh request, parse the answer, then [`merge_refreshed`].
    Refresh(HttpRequest),
    /// It expired and cannot be refreshed: forget the tokens; the user must log in again.
    Expired,
}

/// Decides how to get a valid access token from the current token set.
///
/// # Errors
/// `login_required` when there are no tokens.
pub fn access(
    config: &Config,
    tokens: Option<&TokenSet>,
    now_ms: u64,
    options: &ClientOptions,
) -> Result<Access, Error> {
    let current = tokens.ok_or(Error::LoginRequired)?;
    if !current.is_expired(now_ms, options.clock_skew_ms) {
        return Ok(Access::Valid(current.access_token.clone()));
    }
    Ok(match (&current.refresh_token, options.public_refresh) {
        (Some(refresh), true) => Access::Refresh(token::refresh_request(config, refresh, None, config.token_body)),
        _ => Access::Expired,
    })
}

/// What a stored token set, read field by field (the package reads its record with `JSON.parse` and hands
/// over these fields), is worth: `None` when it is not a token set this crate would keep (a token that
/// is not header-safe, a refresh token that is not `1*VSCHAR`, no `expiresAt`, not Bearer), else
/// `Some(valid)`: whether the access token is still valid at `now_ms`, counting `skew_ms` early. The same
/// checks as [`TokenSet::from_json`], for the page that only needs a valid token.
pub fn restored(
    access_token: &str,
    token_type: &str,
    expires_at: Option<u64>,
    refresh_token: Option<&str>,
    now_ms: u64,
    skew_ms: u64,
) -> Option<bool> {
    let expires_at = expires_at?;
    if !token::is_bearer_token(access_token)
        || token_type != "Bearer"
        || refresh_token.is_some_and(|r| !token::is_vschar(r))
    {
        return None;
    }
    Some(now_ms.saturating_add(skew_ms) < expires_at)
}

/// The revocations a logout sends: the access token; for a generic server also the refresh token (RFC
/// 7009 revokes one token per request, while Nylas revokes a grant's tokens together).
pub fn revocations<'a>(
    config: &'a Config,
    tokens: &'a TokenSet,
) -> impl Iterator<Item = Result<HttpRequest, Error>> + 'a {
    let refresh = tokens.refresh_token.as_ref().filter(|_| config.flavor == Flavor::Generic);
    core::iter::once(token::revoke_request(config, tokens.access_token.secret(), TokenHint::AccessToken))
        .chain(refresh.map(|r| token::revoke_request(config, r.secret(), TokenHint::RefreshToken)))
}

/// A refreshed token set, keeping what the refresh answer left out (refresh token, grant, email, provider).
pub fn merge_refreshed(mut fresh: TokenSet, old: &TokenSet) -> TokenSet {
    if fresh.refresh_token.is_none() {
        fresh.refresh_token.clone_from(&old.refresh_token);
    }
    for (field, previous) in
        [(&mut fresh.grant_id, &old.grant_id), (&mut fresh.email, &old.email), (&mut fresh.provider, &old.provider)]
    {
        if field.is_none() {
            field.clone_from(previous);
        }
    }
    fresh
}

/// Why [`refreshed`] refuses an answer that names another grant.
pub const FOREIGN_GRANT: &str = "the refresh answer names another grant";

/// A refresh answer checked against the token set it refreshes (`old`), then merged with it
/// ([`merge_refreshed`]). `status` is the answer's HTTP status, for the error.
///
/// # Errors
/// `invalid_response` when the answer names another grant than `old`'s (or names one where `old` had
/// none): storing it would put one account's tokens in another's place.
pub fn refreshed(fresh: TokenSet, old: &TokenSet, status: u16) -> Result<TokenSet, Error> {
    if fresh.grant_id.is_some() && fresh.grant_id != old.grant_id {
        return Err(Error::InvalidResponse { status, reason: FOREIGN_GRANT });
    }
    Ok(merge_refreshed(fresh, old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorize::{build_authorization_request, AuthorizationOptions};
    use crate::config::Region;
    use crate::transaction::ResponseType;

    fn config() -> Config {
        Config::nylas("client", "https://app.example.com/cb", Region::Us).unwrap()
    }

    fn started(response_type: ResponseType, seed: u8) -> (String, String) {
        let mut n = seed;
        let mut rng = |b: &mut [u8]| {
            b.iter_mut().for_each(|x| {
                n = n.wrapping_add(7);
                *x = n;
            });
            Ok(())
        };
        let credential_id = (response_type == ResponseType::AdminConsent).then(|| "cred".to_string());
        let opts = AuthorizationOptions { response_type, credential_id, ..Default::default() };
        let req = build_authorization_request(&config(), &opts, &mut rng, 1_000).unwrap();
        (req.transaction.state.secret().to_string(), req.transaction.to_json())
    }

    #[test]
    fn a_code_callback_becomes_a_code_exchange() {
        let (state, raw) = started(ResponseType::Code, 0);
        let url = ["https://app.example.com/cb?code=abc&state=", &state].concat();
        assert_eq!(callback_key("p:", &url).unwrap(), key_for("p:", &state));
        match complete_callback(&config(), &url, Some(&raw), false, 2_000, 600_000).unwrap() {
            CallbackStep::Exchange { request: req, .. } => {
                assert_eq!(req.url, "https://api.us.nylas.com/v3/connect/token");
                let body = req.body.unwrap();
                assert!(body.contains("\"code\":\"abc\"") && body.contains("code_verifier"), "{body}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_foreign_expired_and_tampered_transactions() {
        let (state, raw) = started(ResponseType::Code, 0);
        let url = ["?code=abc&state=", &state].concat();
        let code = |r: Result<CallbackStep, Error>| r.unwrap_err().code();
        assert_eq!(code(complete_callback(&config(), &url, None, false, 2_000, 600_000)), "no_transaction");
        assert_eq!(code(complete_callback(&config(), &url, None, true, 2_000, 600_000)), "state_mismatch");
        assert_eq!(
            code(complete_callback(&config(), &url, Some(&raw), false, 700_000, 600_000)),
            "transaction_expired"
        );
        let (other_state, other) = started(ResponseType::Code, 1);
        assert_ne!(other_state, state, "each start has its own state");
        assert_eq!(code(complete_callback(&config(), &url, Some(&other), false, 2_000, 600_000)), "no_transaction");
        assert_eq!(
            code(complete_callback(&config(), &url, Some("{not json"), false, 2_000, 600_000)),
            "no_transaction"
        );
        assert_eq!(callback_key("p:", "?code=abc").unwrap_err().code(), "missing_state");
        assert_eq!(callback_key("p:", "https://app.example.com/").unwrap_err().code(), "invalid_callback");
    }

    #[test]
    fn admin_consent_and_pending_records() {
        let (state, raw) = started(ResponseType::AdminConsent, 0);
        let url = ["?admin_consent=true&state=", &state].concat();
        assert_eq!(
            complete_callback(&config(), &url, Some(&raw), false, 2_000, 600_000).unwrap(),
            CallbackStep::Done(CallbackOutcome::AdminConsent { app_state: None })
        );
        assert!(any_pending(["garbage", raw.as_str()], 2_000, 600_000));
        assert!(!any_pending(["garbage", raw.as_str()], 900_000, 600_000));
        assert!(!any_pending([], 2_000, 600_000));
    }

    #[test]
    fn access_decides_valid_refresh_or_expired() {
        let mut t = token::parse_token_response(
            200,
            crate::json::parse(r#"{"access_token":"at","token_type":"Bearer","expires_in":60,"refresh_token":"rt"}"#)
                .as_ref(),
            0,
        )
        .unwrap();
        let strict = ClientOptions::default();
        let public = ClientOptions { public_refresh: true, ..strict };
        assert!(matches!(access(&config(), Some(&t), 1_000, &strict).unwrap(), Access::Valid(_)));
        assert_eq!(access(&config(), Some(&t), 40_000, &strict).unwrap(), Access::Expired, "30 s skew");
        assert!(matches!(access(&config(), Some(&t), 40_000, &public).unwrap(), Access::Refresh(_)));
        assert_eq!(access(&config(), None, 0, &strict).unwrap_err().code(), "login_required");
        t.email = Some("a@b.c".into());
        let fresh = token::parse_token_response(
            200,
            crate::json::parse(r#"{"access_token":"at2","token_type":"bearer"}"#).as_ref(),
            0,
        )
        .unwrap();
        let merged = merge_refreshed(fresh, &t);
        assert_eq!(merged.access_token.secret(), "at2");
        assert_eq!(merged.refresh_token.as_ref().map(|r| r.secret()), Some("rt"));
        assert_eq!(merged.email.as_deref(), Some("a@b.c"));
    }

    #[test]
    fn a_refresh_answer_for_another_grant_is_invalid() {
        let parse = |body: &str| token::parse_token_response(200, crate::json::parse(body).as_ref(), 0).unwrap();
        let old = parse(r#"{"access_token":"at","token_type":"Bearer","refresh_token":"rt","grant_id":"g1"}"#);
        let same = refreshed(parse(r#"{"access_token":"at2","token_type":"Bearer","grant_id":"g1"}"#), &old, 200);
        assert_eq!(same.unwrap().refresh_token.map(|r| r.secret().to_string()).as_deref(), Some("rt"));
        let silent = refreshed(parse(r#"{"access_token":"at2","token_type":"Bearer"}"#), &old, 200).unwrap();
        assert_eq!(silent.grant_id.as_deref(), Some("g1"), "an answer without a grant keeps the old one");
        let other = parse(r#"{"access_token":"at2","token_type":"Bearer","grant_id":"g2"}"#);
        let e = refreshed(other.clone(), &old, 200).unwrap_err();
        assert_eq!((e.code(), e.status()), ("invalid_response", Some(200)));
        let anonymous = TokenSet { grant_id: None, ..old };
        assert_eq!(refreshed(other, &anonymous, 200).unwrap_err().code(), "invalid_response");
    }
}
