//! The second half, loaded when a callback arrives or a token is used: callback checks, token and error
//! bodies (with the Nylas event catalogue), and the token lifecycle; also the stateless `parseCallback`,
//! `tokenRequest` and `parseTokenResponse` of `nylas-pkce/callback`.

use alloc::string::String;

use nylas_pkce::api::{self, engine, engine::Call};
use nylas_pkce::callback::parse_callback;
use nylas_pkce::token;
use wasm_bindgen::prelude::*;

use crate::{input, ms, out};

/// `parseCallback(url, { state, issuer })`.
#[wasm_bindgen(js_name = "parseCallback")]
pub fn js_parse_callback(url: &str, expected: &str) -> String {
    out(api::expectations(&input(expected))
        .and_then(|(state, issuer, require_iss)| parse_callback(url, &state, issuer.as_deref(), require_iss))
        .map(|cb| api::callback_result(&cb)))
}

/// `tokenRequest(options)`: `{ url, method, headers, body }`, for the configuration the first half resolved
/// (`settings`); see [`engine::token_request`].
#[wasm_bindgen(js_name = "tokenRequest")]
pub fn token_request(settings: &str, options: &str) -> String {
    out(engine::token_request(&input(settings), &input(options)))
}

/// `parseTokenResponse(status, body, now)`.
#[wasm_bindgen(js_name = "parseTokenResponse")]
pub fn parse_token_response(status: u16, body: &str, now: f64) -> String {
    let parsed = nylas_pkce::json::parse(body);
    out(token::parse_token_response(status, parsed.as_ref(), ms(now)).map(|t| api::token_set(&t)))
}

/// See [`engine::callback_key`].
#[wasm_bindgen(js_name = "callbackKey")]
pub fn callback_key(settings: &str, url: &str) -> String {
    out(engine::callback_key(&input(settings), url))
}

/// See [`engine::callback`].
#[wasm_bindgen]
pub fn callback(settings: &str, url: &str, taken: &str, others: &str, now: f64) -> String {
    out(engine::callback(&input(settings), url, taken, others, ms(now)))
}

/// See [`engine::exchanged`].
#[wasm_bindgen]
pub fn exchanged(status: u16, body: &str, now: f64, previous: &str) -> String {
    out(engine::exchanged(status, body, ms(now), previous))
}

/// See [`engine::access`].
#[wasm_bindgen]
pub fn access(settings: &str, record: &str, now: f64) -> String {
    out(engine::access(&input(settings), record, ms(now)))
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
    out(engine::request(&input(settings), call, record))
}

/// See [`engine::detect`].
#[wasm_bindgen]
pub fn detect(settings: &str, email: &str) -> String {
    out(engine::detect(&input(settings), email))
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
