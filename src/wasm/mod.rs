//! The JavaScript binding layer: moves options and results across as JSON, turns errors into
//! `NylasPkceError`s, and plugs browser I/O (fetch, storage, clock, `crypto.getRandomValues`) into the
//! core's traits. No protocol logic lives here: validation and result shapes are in [`crate::api`].

pub mod auth;
pub mod browser;
pub mod convert;
pub mod error;

use wasm_bindgen::prelude::*;

use crate::api;
use crate::authorize::build_authorization_request;
use crate::callback::parse_callback;
use crate::json::{self, Json};
use crate::pkce::{code_challenge, RandomSource};
use crate::secret::CodeVerifier;
use crate::token;
use convert::{input, output};
use error::JsResult;

#[cfg(not(test))]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without atomics is single-threaded.
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Registers the `NylasPkceError` class the package wrapper defines; every error thrown is one.
#[wasm_bindgen(js_name = "__setErrorClass")]
pub fn set_error_class(class: JsValue) {
    error::set_class(class);
}

/// A `NylasPkceError` for a failure the package wrapper detects itself (`popup_blocked`, `popup_closed`,
/// `timeout`, `invalid_config`), so that every message comes from one place.
#[wasm_bindgen(js_name = "__error")]
pub fn error_for(code: &str) -> JsValue {
    let e = match code {
        "popup_blocked" => crate::Error::PopupBlocked,
        "popup_closed" => crate::Error::PopupClosed,
        "timeout" => crate::Error::Timeout,
        _ => crate::Error::InvalidConfig { field: "options", reason: "must be an object" },
    };
    error::to_js(&e)
}

/// A code verifier from `crypto.getRandomValues`: 43 characters by default, or `length` (43–128).
#[wasm_bindgen(js_name = "generateCodeVerifier")]
pub fn generate_code_verifier(length: Option<u32>) -> JsResult<String> {
    let mut rng = browser::CryptoRng;
    let v = match length {
        None | Some(43) => {
            let mut bytes = [0u8; 32];
            rng.fill(&mut bytes)?;
            CodeVerifier::from_random_bytes(&bytes)
        }
        Some(n) => CodeVerifier::generate(n as usize, &mut rng)?,
    };
    Ok(v.secret().into())
}

/// `method`: 0 `S256`, 1 `plain`; `encoding`: 0 `nylas`, 1 `rfc7636` (the package maps the names; an
/// unknown name arrives as 255 and is `invalid_option`).
fn challenge_codes(
    method: u8,
    encoding: u8,
) -> Result<(crate::ChallengeMethod, crate::ChallengeEncoding), crate::Error> {
    let method = match method {
        0 => crate::ChallengeMethod::S256,
        1 => crate::ChallengeMethod::Plain,
        _ => return Err(crate::Error::InvalidOption { field: "method", reason: "must be S256 or plain" }),
    };
    let encoding = match encoding {
        0 => crate::ChallengeEncoding::Nylas,
        1 => crate::ChallengeEncoding::Rfc7636,
        _ => return Err(crate::Error::InvalidOption { field: "encoding", reason: "must be nylas or rfc7636" }),
    };
    Ok((method, encoding))
}

/// The `code_challenge` of `verifier` (see [`challenge_codes`]). The package's
/// `codeChallenge(verifier, { method, encoding })` maps the option names.
#[wasm_bindgen(js_name = "__codeChallenge")]
pub fn js_code_challenge(verifier: &str, method: u8, encoding: u8) -> JsResult<String> {
    let (method, encoding) = challenge_codes(method, encoding)?;
    Ok(code_challenge(verifier, method, encoding))
}

/// A verifier (43 characters, or `length`) and its challenge in one call, as `"verifier challenge"`
/// (the package's `generatePkcePair()` splits it): one crossing of the wasm boundary per pair.
#[wasm_bindgen(js_name = "__pkcePair")]
pub fn pkce_pair(length: u32, method: u8, encoding: u8) -> JsResult<String> {
    let (method, encoding) = challenge_codes(method, encoding)?;
    let verifier = generate_code_verifier((length != 0).then_some(length))?;
    let challenge = code_challenge(&verifier, method, encoding);
    let mut out = String::with_capacity(verifier.len() + 1 + challenge.len());
    out.push_str(&verifier);
    out.push(' ');
    out.push_str(&challenge);
    Ok(out)
}

/// Builds a `/connect/auth` URL: `{ url, state, codeVerifier, codeChallenge, codeChallengeMethod,
/// redirectUri, createdAt, transaction }` (`transaction` is a JSON string to keep until the callback).
#[wasm_bindgen(js_name = "buildAuthorizationUrl")]
pub fn build_authorization_url(options: JsValue) -> JsResult<JsValue> {
    let o = input(&options);
    let config = api::config(&o)?;
    let auth = api::authorization_options(&o)?;
    let req = build_authorization_request(&config, &auth, &mut browser::CryptoRng, browser::now_ms())?;
    Ok(output(&api::authorization_result(&req)))
}

/// Parses and validates a callback (full URL, `?query` or `#fragment`) against `expected.state` (and
/// `expected.issuer`): `{ type: 'code' | 'admin_consent' | 'hosted', … }`, or throws.
#[wasm_bindgen(js_name = "parseCallback")]
pub fn js_parse_callback(input_url: &str, expected: JsValue) -> JsResult<JsValue> {
    let (state, issuer) = api::expectations(&input(&expected))?;
    let cb = parse_callback(input_url, &state, issuer.as_deref())?;
    Ok(output(&api::callback_result(&cb)))
}

/// The token request as data: `{ url, method, headers, body }`; never a `client_secret`.
#[wasm_bindgen(js_name = "tokenRequest")]
pub fn token_request(options: JsValue) -> JsResult<JsValue> {
    Ok(output(&api::http_request(&api::token_request(&input(&options))?)))
}

/// Parses a token-endpoint answer (`body`: text or parsed object) into a token set; `now` (ms) defaults
/// to `Date.now()`. Throws the typed error for error answers.
#[wasm_bindgen(js_name = "parseTokenResponse")]
pub fn parse_token_response(status: u16, body: JsValue, now: Option<f64>) -> JsResult<JsValue> {
    let parsed: Option<Json> = match body.as_string() {
        Some(text) => json::parse(&text),
        None => Some(input(&body)).filter(|j| *j != Json::Null),
    };
    let now = now.map(|n| n.max(0.0) as u64).unwrap_or_else(browser::now_ms);
    let tokens = token::parse_token_response(status, parsed.as_ref(), now)?;
    Ok(output(&api::token_set(&tokens)))
}

/// The size of the wasm linear memory in bytes (diagnostics, benchmarks).
#[wasm_bindgen(js_name = "wasmMemoryBytes")]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) as f64) * 65536.0
}
