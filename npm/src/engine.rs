//! The second half's steps of `NylasAuth` (the package's flow class): a callback, a server's answer, the
//! token lifecycle. The npm binding exports them one-to-one ([`crate::session`]), and the package's
//! JavaScript moves their records between storage, `fetch` and the page. Each takes the settings the first
//! half wrote (`configure`) rather than keeping state, so the wasm holds nothing between calls.
//!
//! Records (a pending transaction, a token set) are opaque strings to the JavaScript: written here or in
//! the first half, checked here when they come back.

use alloc::string::String;

use nylas_pkce::callback::callback_params;
use nylas_pkce::flow::{self, Access, CallbackStep, ClientOptions};
use nylas_pkce::json::{self, Json, ObjectWriter};
use nylas_pkce::token::{self, TokenHint, TokenSet};
use nylas_pkce::{Config, Error};

use crate::fields::{Fields, POPUP_STATE_PREFIX};
use crate::shapes;

/// Reads the settings the first half wrote (also `{ config }` alone, with default tunables).
///
/// # Errors
/// `invalid_config` when they are not settings this crate wrote.
pub fn session(settings: &str) -> Result<(Config, ClientOptions), Error> {
    let settings = json::parse(settings).unwrap_or(Json::Null);
    let config = settings
        .get("config")
        .and_then(crate::record::read)
        .ok_or(Error::InvalidConfig { field: "options", reason: "must be the settings of a configuration" })?;
    let d = ClientOptions::default();
    let options = ClientOptions {
        transaction_ttl_ms: settings.uint_of("transactionTtlMs").unwrap_or(d.transaction_ttl_ms),
        clock_skew_ms: settings.uint_of("clockSkewMs").unwrap_or(d.clock_skew_ms),
        public_refresh: matches!(settings.get("publicRefresh"), Some(Json::Bool(true))),
        ..d
    };
    Ok((config, options))
}

/// `tokenRequest` of `nylas-pkce/callback`: the code exchange (`code` + `codeVerifier`, optional
/// `redirectUri`) or, with `refreshToken`, a refresh (optional `scope`), for a resolved configuration
/// (`settings`: `{ config }`); `options` is packed [`crate::fields::TOKEN_REQUEST`].
///
/// # Errors
/// `invalid_config`, `invalid_option`, `invalid_verifier`.
pub fn token_request(settings: &str, options: &str) -> Result<String, Error> {
    let (config, _) = session(settings)?;
    let r = &mut Fields::new(options);
    let required = |v: Option<String>, field| v.ok_or(Error::InvalidOption { field, reason: "is required" });
    let (code, verifier, redirect, refresh, scope) = (r.string(), r.string(), r.string(), r.string(), r.string());
    let req = match refresh {
        Some(refresh) => token::refresh_request(
            &config,
            &nylas_pkce::RefreshToken::new(refresh),
            scope.as_deref(),
            config.token_body,
        ),
        None => {
            let code = nylas_pkce::AuthorizationCode::unchecked(required(code, "code")?);
            let verifier = nylas_pkce::CodeVerifier::parse(&required(verifier, "codeVerifier")?)?;
            let redirect = redirect.unwrap_or_else(|| config.redirect_uri.clone());
            token::code_exchange_request(&config, &code, &verifier, &redirect, config.token_body)
        }
    };
    Ok(shapes::http_request(&req))
}

/// A callback, in one crossing. `stored` is every transaction of this client in storage, each `key`, TAB,
/// `record`, one per line. The callback URL is parsed once; its transaction is taken (whatever comes
/// next, it is used up) and the callback checked against it.
///
/// `popup` says which page this is: 0 the page that started the flow (an opener handing over its popup's
/// callback); 1 a page handling its own address, with the transactions in storage it shares with the
/// page that started them; 2 the same with transactions in memory, which it cannot see. A popup login's
/// callback ([`POPUP_STATE_PREFIX`]) on such a page is handed to the opener when its transaction is here
/// (this client started it), or, with 2, on its state alone.
///
/// Returns the storage operation first, then NUL, then the result:
/// - `p` and the state: hand the URL to the opener; the result is empty.
/// - `r` and a key (`r` alone: nothing to remove): remove that key, then read the result, which is
///   `{ "exchange": request, "appState"?: … }` (send it, then [`exchanged`]), the finished
///   `{ type: 'admin_consent' }`, or the error form.
pub fn callback(settings: &str, url: &str, stored: &str, popup: u8, now_ms: u64) -> String {
    let mut op = String::from("r");
    let result = (|| {
        let (config, options) = session(settings)?;
        let params = callback_params(url)?;
        let prefix = nylas_pkce::transaction::prefix_for(&config);
        let key = flow::key_of(&prefix, &params)?;
        let records = stored.lines().filter_map(|l| l.split_once('\t'));
        let taken = records.clone().find(|(k, _)| *k == key).map(|(_, r)| r);
        if let Some(state) = nylas_pkce::callback::get(&params, "state")
            .filter(|s| s.starts_with(POPUP_STATE_PREFIX) && (popup == 2 || (popup == 1 && taken.is_some())))
        {
            op = String::from("p");
            op.push_str(state);
            return Ok(String::new());
        }
        if taken.is_some() {
            op.push_str(&key);
        }
        let ttl = options.transaction_ttl_ms;
        let others_pending = taken.is_none() && flow::any_pending(records.map(|(_, r)| r), now_ms, ttl);
        Ok(match flow::complete(&config, &params, taken, others_pending, now_ms, ttl)? {
            CallbackStep::Exchange { request, app_state } => {
                let mut w = ObjectWriter::default();
                w.value_text("exchange", &shapes::http_request(&request));
                if let Some(state) = app_state {
                    w.value_text("appState", &state);
                }
                w.finish()
            }
            CallbackStep::Done(outcome) => shapes::outcome(&outcome),
        })
    })();
    op.push('\0');
    op.push_str(&crate::out(result));
    op
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

fn read_tokens(record: &str) -> Option<TokenSet> {
    json::parse(record).as_ref().and_then(TokenSet::from_json)
}

/// How to get a valid access token from the stored record: `{ token }`, `{ refresh: request }` (send it,
/// then [`exchanged`] with this record as `previous`), or `{ expired: true }` (forget the tokens; the user
/// must log in again).
///
/// # Errors
/// `login_required` when there is no readable record.
pub fn access(settings: &str, record: &str, now_ms: u64) -> Result<String, Error> {
    let (config, options) = session(settings)?;
    let tokens = read_tokens(record);
    let mut w = ObjectWriter::default();
    match flow::access(&config, tokens.as_ref(), now_ms, &options)? {
        Access::Valid(token) => w.str("token", token.secret()),
        Access::Refresh(req) => w.value_text("refresh", &shapes::http_request(&req)),
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
pub fn request(settings: &str, call: Call, record: &str) -> Result<String, Error> {
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
    Ok(shapes::http_request(&req))
}

/// `detectProvider(email)`: the provider-detection request; answer it with [`api_result`], whose `data` is
/// `{ provider, type, email, detected }`.
///
/// # Errors
/// `invalid_option` (`email`), `invalid_config` when the server has no detection endpoint.
pub fn detect(settings: &str, email: &str) -> Result<String, Error> {
    let (config, _) = session(settings)?;
    Ok(shapes::http_request(&token::provider_detect_request(&config, email)?))
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
