//! The JavaScript binding layer: converts options, results and errors, and plugs browser I/O (fetch,
//! storage, clock, `crypto.getRandomValues`) into the core's traits. No protocol logic lives here.

pub mod auth;
pub mod browser;
pub mod convert;
pub mod error;

use wasm_bindgen::prelude::*;

use crate::authorize::build_authorization_request;
use crate::callback::{parse_callback, Callback};
use crate::pkce::code_challenge;
use crate::secret::{AuthorizationCode, CodeVerifier, RefreshToken};
use crate::token;
use convert::{obj, opt_str, req_str, set, set_opt};
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
/// `timeout`, `storage_unavailable`, `invalid_config`), so that every message comes from one place.
#[wasm_bindgen(js_name = "__error")]
pub fn error_for(code: &str) -> JsValue {
    let e = match code {
        "popup_blocked" => crate::Error::PopupBlocked,
        "popup_closed" => crate::Error::PopupClosed,
        "timeout" => crate::Error::Timeout,
        "storage_unavailable" => crate::Error::StorageUnavailable,
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
            crate::pkce::RandomSource::fill(&mut rng, &mut bytes)?;
            CodeVerifier::from_random_bytes(&bytes)
        }
        Some(n) => CodeVerifier::generate(n as usize, &mut rng)?,
    };
    Ok(v.secret().into())
}

/// The `code_challenge` of `verifier`. `options.method`: `S256` (default) or `plain`;
/// `options.encoding`: `nylas` (default) or `rfc7636`.
#[wasm_bindgen(js_name = "codeChallenge")]
pub fn js_code_challenge(verifier: &str, options: JsValue) -> JsResult<String> {
    let method = convert::method(&options)?.unwrap_or_default();
    let encoding = convert::encoding(&options)?.unwrap_or(crate::ChallengeEncoding::Nylas);
    Ok(code_challenge(verifier, method, encoding))
}

/// Builds a `/connect/auth` URL: `{ url, state, codeVerifier, codeChallenge, codeChallengeMethod,
/// redirectUri, createdAt, transaction }` (`transaction` is a JSON string to keep until the callback).
#[wasm_bindgen(js_name = "buildAuthorizationUrl")]
pub fn build_authorization_url(options: JsValue) -> JsResult<JsValue> {
    let config = convert::config(&options)?;
    let auth = convert::authorization_options(&options)?;
    let req = build_authorization_request(&config, &auth, &mut browser::CryptoRng, browser::now_ms())?;
    Ok(convert::authorization_result(&req))
}

/// Parses and validates a callback (full URL, `?query` or `#fragment`) against `expected.state` (and
/// `expected.issuer`). Returns `{ type: 'code', code, state, extras }`, `{ type: 'admin_consent', … }` or
/// `{ type: 'hosted', grantId, provider, email, … }`; throws `NylasPkceError` otherwise.
#[wasm_bindgen(js_name = "parseCallback")]
pub fn js_parse_callback(input: &str, expected: JsValue) -> JsResult<JsValue> {
    let state = req_str(&expected, "state", "state", false)?;
    let issuer = opt_str(&expected, "issuer", "issuer", false)?;
    let out = obj();
    let (kind, state, extras) = match parse_callback(input, &state, issuer.as_deref())? {
        Callback::Code { code, state, extras } => {
            set(&out, "code", code.secret());
            ("code", state, extras)
        }
        Callback::AdminConsent { state, extras } => {
            set(&out, "adminConsent", true);
            ("admin_consent", state, extras)
        }
        Callback::Hosted { grant_id, provider, email, state, extras } => {
            set(&out, "grantId", grant_id.as_str());
            set_opt(&out, "provider", provider.as_deref());
            set_opt(&out, "email", email.as_deref());
            ("hosted", state, extras)
        }
    };
    set(&out, "type", kind);
    set(&out, "state", state.secret());
    let ex = obj();
    for (k, v) in &extras {
        set(&ex, k, v.as_str());
    }
    set(&out, "extras", ex);
    Ok(out.into())
}

/// The token request as data: `{ url, method, headers, body }`. With `code` + `codeVerifier`: the code
/// exchange (no `client_secret`, ever); with `refreshToken`: a refresh. `tokenBody`: `json` (Nylas default)
/// or `form`.
#[wasm_bindgen(js_name = "tokenRequest")]
pub fn token_request(options: JsValue) -> JsResult<JsValue> {
    let config = convert::config(&options)?;
    let req = if let Some(refresh) = opt_str(&options, "refreshToken", "refreshToken", false)? {
        let scope = opt_str(&options, "scope", "scope", false)?;
        token::refresh_request(&config, &RefreshToken::new(refresh), scope.as_deref(), config.token_body)
    } else {
        let code = AuthorizationCode::new(req_str(&options, "code", "code", false)?);
        let verifier = CodeVerifier::parse(&req_str(&options, "codeVerifier", "codeVerifier", false)?)?;
        let redirect =
            opt_str(&options, "redirectUri", "redirectUri", false)?.unwrap_or_else(|| config.redirect_uri.clone());
        token::code_exchange_request(&config, &code, &verifier, &redirect, config.token_body)
    };
    Ok(convert::http_request(&req))
}

/// Parses a token-endpoint answer (`body`: the text, or an already parsed object) into a token set
/// `{ accessToken, tokenType, expiresIn, expiresAt, refreshToken, scope, idToken, grantId, email,
/// provider }`; `now` (ms) defaults to `Date.now()`. Throws the typed error for error answers.
#[wasm_bindgen(js_name = "parseTokenResponse")]
pub fn parse_token_response(status: u16, body: JsValue, now: Option<f64>) -> JsResult<JsValue> {
    let json = convert::body_json(&body);
    let now = now.map(|n| n.max(0.0) as u64).unwrap_or_else(browser::now_ms);
    let tokens = token::parse_token_response(status, json.as_ref(), now)?;
    Ok(convert::token_set(&tokens))
}

/// The size of the wasm linear memory in bytes (diagnostics, benchmarks).
#[wasm_bindgen(js_name = "wasmMemoryBytes")]
pub fn wasm_memory_bytes() -> f64 {
    (core::arch::wasm32::memory_size(0) as f64) * 65536.0
}
