//! The second half, loaded when a callback arrives or a server answers: callback checks, token and error
//! bodies (with the Nylas event catalogue), refresh, revocation, token and grant info; also the stateless
//! `parseCallback`, `tokenRequest`, `parseTokenResponse` and `parseApiResponse` of `nylas-pkce/callback`.

use alloc::string::String;

use nylas_pkce::callback::parse_callback;
use nylas_pkce::token;
use wasm_bindgen::prelude::*;

use crate::engine::{self, Call};
use crate::fields::Fields;
use crate::{ms, out, shapes};

/// `parseCallback(url, { state, issuer, requireIss })`; `expected` is packed
/// [`crate::fields::EXPECTATIONS`].
#[wasm_bindgen(js_name = "parseCallback")]
pub fn js_parse_callback(url: &str, expected: &str) -> String {
    out((|| {
        let r = &mut Fields::new(expected);
        let (state, issuer, require_iss) = (r.string(), r.string(), r.boolean().unwrap_or(false));
        let state = state.ok_or(nylas_pkce::Error::InvalidOption { field: "state", reason: "is required" })?;
        if require_iss && issuer.is_none() {
            return Err(nylas_pkce::Error::InvalidOption { field: "requireIss", reason: "needs issuer" });
        }
        parse_callback(url, &state, issuer.as_deref(), require_iss).map(|cb| shapes::callback_result(&cb))
    })())
}

/// `tokenRequest(options)`: `{ url, method, headers, body }`; see [`engine::token_request`].
#[wasm_bindgen(js_name = "tokenRequest")]
pub fn token_request(settings: &str, options: &str) -> String {
    out(engine::token_request(settings, options))
}

/// `parseTokenResponse(status, body, now)`.
#[wasm_bindgen(js_name = "parseTokenResponse")]
pub fn parse_token_response(status: u16, body: &str, now: f64) -> String {
    let parsed = nylas_pkce::json::parse(body);
    out(token::parse_token_response(status, parsed.as_ref(), ms(now)).map(|t| t.to_json()))
}

/// See [`engine::callback`].
#[wasm_bindgen]
pub fn callback(settings: &str, url: &str, stored: &str, popup: u8, now: f64) -> String {
    engine::callback(settings, url, stored, popup, ms(now))
}

/// See [`engine::exchanged`].
#[wasm_bindgen]
pub fn exchanged(status: u16, body: &str, now: f64, previous: &str) -> String {
    out(engine::exchanged(status, body, ms(now), previous))
}

/// See [`engine::access`].
#[wasm_bindgen]
pub fn access(settings: &str, record: &str, now: f64) -> String {
    out(engine::access(settings, record, ms(now)))
}

/// See [`engine::request`]; `call`: 0 revoke, 1 token info, 2 grant info, 3 revoke the refresh token at
/// logout (`""` when there is nothing to send).
#[wasm_bindgen]
pub fn request(settings: &str, call: u8, record: &str) -> String {
    let call = match call {
        0 => Call::Revoke,
        1 => Call::TokenInfo,
        3 => Call::RevokeRefresh,
        _ => Call::GrantInfo,
    };
    out(engine::request(settings, call, record))
}

/// See [`engine::detect`].
#[wasm_bindgen]
pub fn detect(settings: &str, email: &str) -> String {
    out(engine::detect(settings, email))
}

/// See [`engine::revoked`].
#[wasm_bindgen]
pub fn revoked(status: u16, body: &str) -> String {
    out(engine::revoked(status, body))
}

/// See [`engine::api_result`].
#[wasm_bindgen(js_name = "apiResult")]
pub fn api_result(status: u16, body: &str) -> String {
    out(engine::api_result(status, body))
}
