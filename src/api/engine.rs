//! The steps of `NylasAuth` (the package's flow class) as JSON text in and out: the npm binding exports
//! these one-to-one, and the package's JavaScript moves their records between storage, `fetch` and the
//! page. Each function takes the `NylasAuth` options object (`config`) again rather than keeping state, so
//! the wasm holds nothing between calls and either half of the package can run any step it carries.
//!
//! Records (a pending transaction, a token set) are opaque strings to the JavaScript: written here, checked
//! here when they come back.

use crate::prelude::*;

use super::{
    authorization_options, client_options, config as parse_config, known_options, AUTHORIZATION_OPTIONS,
    CLIENT_OPTIONS, CONFIG_OPTIONS, LOGIN_DEFAULTS, TOKEN_REQUEST_OPTIONS,
};
use crate::authorize::build_authorization_request;
use crate::client::{ClientOptions, TOKEN_KEY_PREFIX};
use crate::config::Config;
use crate::flow::{self, Access, CallbackStep};
use crate::json::{self, Json, ObjectWriter};
use crate::pkce::RandomSource;
use crate::scopes::{provider_scopes, ScopeProvider};
use crate::token::{self, TokenHint, TokenSet};
use crate::transaction::{key_for, namespace, prefix_for, Transaction};
use crate::Error;

/// Validates a `NylasAuth` options object once and returns the settings every later step takes: `{ config,
/// transactionPrefix, tokenKey, transactionTtlMs, clockSkewMs, fetchTimeoutMs, publicRefresh }`, where
/// `config` is the resolved configuration ([`Config::to_record`]). The JavaScript uses the keys and
/// time-outs for its I/O and passes the settings back as they are.
///
/// # Errors
/// `invalid_config` naming the field.
pub fn settings(o: &Json) -> Result<String, Error> {
    known_options(o, &[CONFIG_OPTIONS, CLIENT_OPTIONS, LOGIN_DEFAULTS], true)?;
    let config = parse_config(o)?;
    let (options, timeout) = client_options(o)?;
    let mut token_key = String::from(TOKEN_KEY_PREFIX);
    token_key.push_str(&namespace(&config));
    Ok(ObjectWriter::default()
        .value_text("config", &config.to_record())
        .str("transactionPrefix", &prefix_for(&config))
        .str("tokenKey", &token_key)
        .num("transactionTtlMs", options.transaction_ttl_ms)
        .num("clockSkewMs", options.clock_skew_ms)
        .num("fetchTimeoutMs", timeout)
        .bool("publicRefresh", options.public_refresh)
        .finish())
}

/// Reads [`settings`]' output (also `{ config }` alone, with default tunables).
///
/// # Errors
/// `invalid_config` when it is not settings this crate wrote.
pub fn session(settings: &Json) -> Result<(Config, ClientOptions), Error> {
    let config = settings
        .get("config")
        .and_then(Config::from_record)
        .ok_or(Error::InvalidConfig { field: "options", reason: "must be the settings of a configuration" })?;
    let d = ClientOptions::default();
    let options = ClientOptions {
        transaction_ttl_ms: settings.uint_of("transactionTtlMs").unwrap_or(d.transaction_ttl_ms),
        clock_skew_ms: settings.uint_of("clockSkewMs").unwrap_or(d.clock_skew_ms),
        public_refresh: matches!(settings.get("publicRefresh"), Some(Json::Bool(true))),
    };
    Ok((config, options))
}

/// `tokenRequest` of `nylas-pkce/callback`: the code exchange or refresh request for a resolved
/// configuration (`settings`: `{ config }`) and the call's options.
///
/// # Errors
/// `invalid_config`, `invalid_option`, `invalid_verifier`.
pub fn token_request(settings: &Json, options: &Json) -> Result<String, Error> {
    known_options(options, &[TOKEN_REQUEST_OPTIONS], false)?;
    let (config, _) = session(settings)?;
    Ok(super::http_request(&super::token_request_for(&config, options)?))
}

/// Starts an authorization: `buildAuthorizationUrl`'s result plus `key`, the storage key under which to keep
/// `transaction` until the callback. `config` is the client configuration (or `NylasAuth`'s options),
/// `options` the call's; `null` options mean that `config` holds both (`buildAuthorizationUrl`). With a
/// token record (`reauthenticate`: re-authentication of the current grant), `login_hint` and `provider`
/// default to the grant's email and provider.
///
/// # Errors
/// `invalid_config`, `invalid_option`, `crypto_unavailable`.
pub fn authorize(
    config: &Json,
    options: &Json,
    rng: &mut impl RandomSource,
    now_ms: u64,
    reauthenticate: &str,
) -> Result<String, Error> {
    let options = if matches!(options, Json::Null) {
        known_options(config, &[CONFIG_OPTIONS, AUTHORIZATION_OPTIONS], false)?;
        config
    } else {
        known_options(options, &[AUTHORIZATION_OPTIONS], false)?;
        options
    };
    let config = parse_config(config)?;
    let mut options = authorization_options(options)?;
    if let (Some(grant), None) = (read_tokens(reauthenticate), &options.login_hint) {
        options.login_hint = grant.email;
        if options.provider.is_none() {
            options.provider = grant.provider;
        }
    }
    let req = build_authorization_request(&config, &options, rng, now_ms)?;
    Ok(super::authorization_result(&req, Some(&key_for(&prefix_for(&config), req.transaction.state.secret()))))
}

/// `providerScopes(provider, names, { required })`: Nylas scope names (and provider scopes, passed
/// through) as the provider's scope strings, a JSON array; see [`crate::scopes::provider_scopes`].
///
/// # Errors
/// `invalid_option`: `provider` not `google` / `microsoft`, `scopes` not a list of strings, or names
/// without a mapping (named in the message).
pub fn scopes(provider: &str, names: &Json, required: bool) -> Result<String, Error> {
    let provider = ScopeProvider::parse(provider)
        .ok_or(Error::InvalidOption { field: "provider", reason: "must be google or microsoft" })?;
    let names = match names {
        Json::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(String::from))
            .collect::<Option<Vec<_>>>()
            .ok_or(Error::InvalidOption { field: "scopes", reason: "must be an array of strings" })?,
        _ => return Err(Error::InvalidOption { field: "scopes", reason: "must be an array of strings" }),
    };
    let list = provider_scopes(provider, &names, required)?;
    let mut out = String::from("[");
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json::write_str(&mut out, s);
    }
    out.push(']');
    Ok(out)
}

/// Whether a stored transaction record is past its time to live (or unreadable): remove it.
pub fn stale(record: &str, now_ms: u64, ttl_ms: u64) -> bool {
    Transaction::read(record).is_none_or(|tx| tx.is_expired(now_ms, ttl_ms))
}

/// A stored token record as `{ authenticated, tokens }` (`authenticated`: the access token is not expired,
/// counting `skew_ms` early); `None` when the record is not a token set. The record is the token set's own
/// JSON ([`TokenSet::to_json`]), so it is handed back as it is once it has been checked.
pub fn restore(record: &str, now_ms: u64, skew_ms: u64) -> Option<String> {
    let tokens = read_tokens(record)?;
    let mut w = ObjectWriter::default();
    w.bool("authenticated", !tokens.is_expired(now_ms, skew_ms));
    w.value_text("tokens", record.trim());
    Some(w.finish())
}

fn read_tokens(record: &str) -> Option<TokenSet> {
    json::parse(record).as_ref().and_then(TokenSet::from_json)
}

/// The storage key of a callback's transaction (take it out of storage before calling [`callback`]).
///
/// # Errors
/// `invalid_callback`, `missing_state`; `invalid_config` for settings this crate did not write.
pub fn callback_key(settings: &Json, url: &str) -> Result<String, Error> {
    let prefix = settings
        .str_of("transactionPrefix")
        .ok_or(Error::InvalidConfig { field: "options", reason: "must be the settings of a configuration" })?;
    flow::callback_key(prefix, url)
}

/// Checks a callback against its transaction record (`taken`, empty when storage had none; `others`: the
/// other stored records, newline-separated). Returns `{ "exchange": request }` to send, or the finished
/// result (`{ type: 'admin_consent' }`, `{ type: 'hosted', … }`).
///
/// # Errors
/// See [`flow::complete_callback`].
pub fn callback(settings: &Json, url: &str, taken: &str, others: &str, now_ms: u64) -> Result<String, Error> {
    let (config, options) = session(settings)?;
    let ttl = options.transaction_ttl_ms;
    let taken = Some(taken).filter(|t| !t.is_empty());
    let others_pending = taken.is_none() && flow::any_pending(others.split('\n'), now_ms, ttl);
    Ok(match flow::complete_callback(&config, url, taken, others_pending, now_ms, ttl)? {
        CallbackStep::Exchange { request, app_state } => {
            let mut w = ObjectWriter::default();
            w.value_text("exchange", &super::http_request(&request));
            if let Some(state) = app_state {
                w.value_text("appState", &state);
            }
            w.finish()
        }
        CallbackStep::Done(outcome) => super::outcome(&outcome),
    })
}

/// A token endpoint's answer (code exchange or refresh) as the token set, which is also the record to keep
/// in token storage. `previous` is the record being refreshed (empty for a code exchange): what the
/// refresh answer leaves out is kept from it.
///
/// # Errors
/// The server's error, `invalid_response`.
pub fn exchanged(status: u16, body: &str, now_ms: u64, previous: &str) -> Result<String, Error> {
    let fresh = token::parse_token_response(status, json::parse(body).as_ref(), now_ms)?;
    let tokens = match read_tokens(previous) {
        Some(old) => flow::merge_refreshed(fresh, &old),
        None => fresh,
    };
    Ok(tokens.to_json())
}

/// How to get a valid access token from the stored record: `{ token }`, `{ refresh: request }` (send it,
/// then [`exchanged`] with this record as `previous`), or `{ expired: true }` (forget the tokens; the user
/// must log in again).
///
/// # Errors
/// `login_required` when there is no readable record.
pub fn access(settings: &Json, record: &str, now_ms: u64) -> Result<String, Error> {
    let (config, options) = session(settings)?;
    let tokens = read_tokens(record);
    let mut w = ObjectWriter::default();
    match flow::access(&config, tokens.as_ref(), now_ms, &options)? {
        Access::Valid(token) => w.str("token", token.secret()),
        Access::Refresh(req) => w.value_text("refresh", &super::http_request(&req)),
        Access::Expired => w.bool("expired", true),
    };
    Ok(w.finish())
}

/// Which request [`request`] builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// Revoke the access token (`POST /connect/revoke`; RFC 7009 for a generic server).
    Revoke,
    /// At logout, revoke the refresh token too where the server needs that (a generic server: RFC 7009
    /// revokes one token per request). [`request`] answers `""` where there is nothing to send.
    RevokeRefresh,
    /// `GET /connect/tokeninfo`.
    TokenInfo,
    /// `GET /grants/me`.
    GrantInfo,
}

/// A request about the stored tokens, as `{ url, method, headers, body }`; answer it with
/// [`api_result`].
///
/// # Errors
/// `login_required` when there is no readable record; `invalid_config` when the server has no such
/// endpoint.
pub fn request(settings: &Json, call: Call, record: &str) -> Result<String, Error> {
    let (config, _) = session(settings)?;
    let tokens = read_tokens(record).ok_or(Error::LoginRequired)?;
    let req = match call {
        Call::Revoke => token::revoke_request(&config, tokens.access_token.secret(), TokenHint::AccessToken)?,
        Call::RevokeRefresh => match flow::revocations(&config, &tokens).nth(1) {
            Some(req) => req?,
            None => return Ok(String::new()),
        },
        Call::TokenInfo => token::token_info_request(&config, &tokens.access_token)?,
        Call::GrantInfo => token::grant_info_request(&config, &tokens.access_token)?,
    };
    Ok(super::http_request(&req))
}

/// `detectProvider(email)`: the provider-detection request; answer it with [`api_result`], whose `data` is
/// `{ provider, type, email, detected }`.
///
/// # Errors
/// `invalid_option` (`email`), `invalid_config` when the server has no detection endpoint.
pub fn detect(settings: &Json, email: &str) -> Result<String, Error> {
    let (config, _) = session(settings)?;
    Ok(super::http_request(&token::provider_detect_request(&config, email)?))
}

/// A revocation's answer: `null` for any 2xx (RFC 7009 §2.2 ignores the body).
///
/// # Errors
/// The server's error.
pub fn revoked(status: u16, body: &str) -> Result<String, Error> {
    token::parse_revocation_response(status, json::parse(body).as_ref()).map(|()| "null".into())
}

/// An API endpoint's answer (tokeninfo, grants/me, providers/detect): its `data` as JSON text.
///
/// # Errors
/// The server's error, `invalid_response`.
pub fn api_result(status: u16, body: &str) -> Result<String, Error> {
    let data = token::parse_api_response(status, json::parse(body).as_ref())?;
    let mut out = String::new();
    json::write_value(&mut out, &data);
    Ok(out)
}

/// An error as the JSON the package turns into a `NylasPkceError`: `{ code, message, field, status, error,
/// errorDescription, errorUri, eventCode, type, requestId, providedScopes, requiredScopes }` (absent fields
/// left out). No secret is ever part of an error.
pub fn error(e: &Error) -> String {
    let mut w = ObjectWriter::default();
    w.str("code", e.code()).str("message", &e.message()).opt_str("field", e.field());
    if let Some(s) = e.status() {
        w.num("status", u64::from(s));
    }
    if let Some(d) = e.details() {
        w.str("error", &d.error)
            .opt_str("errorDescription", d.description.as_deref())
            .opt_str("errorUri", d.uri.as_deref());
        if let Some(c) = d.event_code {
            w.num("eventCode", u64::from(c));
        }
        w.opt_str("type", d.kind.as_deref()).opt_str("requestId", d.request_id.as_deref());
    }
    if let Error::InsufficientScope(s) = e {
        w.strs("providedScopes", &s.provided).strs("requiredScopes", &s.required);
    }
    w.finish()
}

/// The error the package reports for a failure only the page sees: `popup_blocked`, `popup_closed`,
/// `timeout`, `network_error`, `storage_unavailable`, `login_required`; anything else is `invalid_config`
/// (`NylasAuth` options that are not an object).
pub fn page_error(code: &str) -> String {
    error(&match code {
        "popup_blocked" => Error::PopupBlocked,
        "popup_closed" => Error::PopupClosed,
        "timeout" => Error::Timeout,
        "network_error" => Error::Network("fetch failed (offline, CORS, refused, or a redirect)"),
        "storage_unavailable" => Error::StorageUnavailable,
        "login_required" => Error::LoginRequired,
        _ => Error::InvalidConfig { field: "options", reason: "must be an object" },
    })
}
