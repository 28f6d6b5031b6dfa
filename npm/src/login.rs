//! The first half: what every page of an app needs in steady state. PKCE verifiers and challenges, the
//! authorization URL and its transaction record (with the purge of expired ones), configuration checks,
//! and stored tokens: whether they are still valid, so that a logged-in page gets its access token
//! without the second half.

use alloc::string::String;
use core::cell::UnsafeCell;

use alloc::vec::Vec;

use nylas_pkce::authorize::build_authorization_request;
use nylas_pkce::json::ObjectWriter;
use nylas_pkce::pkce::{code_challenge, random_token, ChallengeEncoding, ChallengeMethod, RandomSource};
use nylas_pkce::scopes::{provider_scopes, ScopeProvider};
use nylas_pkce::secret::CodeVerifier;
use nylas_pkce::transaction::{expired, key_for, prefix_for};
use nylas_pkce::webview::is_embedded_webview;
use nylas_pkce::Error;
use wasm_bindgen::prelude::*;

use crate::fields::{Fields, Packed, POPUP_STATE_PREFIX};
use crate::{ms, options, out};

// `crypto.getRandomValues` behind a function that reports failure as `false`: cheaper in the wasm than
// `catch` (which brings the externref table for the thrown value), and the error is ours anyway.
#[wasm_bindgen(
    inline_js = "export function fill(bytes) { try { crypto.getRandomValues(bytes); return true; } catch { return false; } }"
)]
extern "C" {
    fn fill(bytes: &mut [u8]) -> bool;
}

/// `crypto.getRandomValues`, drawn 1 KiB at a time: one call into JavaScript serves ~30 verifiers. Each
/// byte is handed out once and zeroed as it leaves the pool.
#[derive(Debug, Clone, Copy)]
pub struct CryptoRng;

struct Pool(UnsafeCell<([u8; 1024], usize)>);

// SAFETY: wasm32-unknown-unknown without atomics is single-threaded, and `fill` does not re-enter itself
// (crypto.getRandomValues does not call back into the wasm).
unsafe impl Sync for Pool {}

static POOL: Pool = Pool(UnsafeCell::new(([0; 1024], 1024)));

impl RandomSource for CryptoRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        // SAFETY: see `Pool`: this is the only reference to the pool while it lives.
        let (bytes, next) = unsafe { &mut *POOL.0.get() };
        let mut filled = 0;
        while filled < dest.len() {
            if *next >= bytes.len() {
                if !fill(bytes) {
                    return Err(Error::CryptoUnavailable);
                }
                *next = 0;
            }
            let n = (dest.len() - filled).min(bytes.len() - *next);
            let (Some(src), Some(to)) = (bytes.get_mut(*next..*next + n), dest.get_mut(filled..filled + n)) else {
                return Err(Error::CryptoUnavailable);
            };
            to.copy_from_slice(src);
            src.fill(0);
            *next += n;
            filled += n;
        }
        Ok(())
    }
}

/// `method`: 0 `S256`, 1 `plain`; `encoding`: 0 `nylas`, 1 `rfc7636` (the package maps the names, and an
/// unknown name arrives as 255).
fn challenge_codes(method: u8, encoding: u8) -> Result<(ChallengeMethod, ChallengeEncoding), Error> {
    let method = match method {
        0 => ChallengeMethod::S256,
        1 => ChallengeMethod::Plain,
        _ => return Err(Error::InvalidOption { field: "method", reason: "must be S256 or plain" }),
    };
    let encoding = match encoding {
        0 => ChallengeEncoding::Nylas,
        1 => ChallengeEncoding::Rfc7636,
        _ => return Err(Error::InvalidOption { field: "encoding", reason: "must be nylas or rfc7636" }),
    };
    Ok((method, encoding))
}

fn new_verifier(length: u32) -> Result<CodeVerifier, Error> {
    match length {
        0 | 43 => {
            let mut bytes = [0u8; 32];
            CryptoRng.fill(&mut bytes)?;
            let v = CodeVerifier::from_random_bytes(&bytes);
            bytes.fill(0);
            Ok(v)
        }
        n => CodeVerifier::generate(n as usize, &mut CryptoRng),
    }
}

/// `generateCodeVerifier(length)`: a verifier from `crypto.getRandomValues`, 43 characters (`length` 0) or
/// `length` (43–128).
#[wasm_bindgen]
pub fn verifier(length: u32) -> String {
    out(new_verifier(length).map(|v| v.secret().into()))
}

/// `codeChallenge(verifier, { method, encoding })`.
#[wasm_bindgen]
pub fn challenge(verifier: &str, method: u8, encoding: u8) -> String {
    out(challenge_codes(method, encoding).and_then(|(m, e)| {
        // `plain` hands the verifier back as the challenge: it must be one (RFC 7636 §4.1).
        if m == ChallengeMethod::Plain {
            CodeVerifier::parse(verifier)?;
        }
        Ok(code_challenge(verifier, m, e))
    }))
}

/// `generatePkcePair()`: `"verifier challenge"`, one crossing of the boundary per pair.
#[wasm_bindgen]
pub fn pair(length: u32, method: u8, encoding: u8) -> String {
    out(challenge_codes(method, encoding).and_then(|(m, e)| {
        let v = new_verifier(length)?;
        let c = code_challenge(v.secret(), m, e);
        let mut s = String::with_capacity(v.secret().len() + 1 + c.len());
        s.push_str(v.secret());
        s.push(' ');
        s.push_str(&c);
        Ok(s)
    }))
}

/// `new NylasAuth(options)` and `resolveConfig`: checks the configuration (`config`, packed
/// [`crate::fields::CONFIG`]), the tunables (`client`, packed [`crate::fields::CLIENT`]) and the login
/// defaults (`defaults`, packed [`crate::fields::AUTHORIZATION`]) once, and returns the settings as JSON:
/// `{ config, transactionTtlMs, clockSkewMs, fetchTimeoutMs, publicRefresh }`, where `config` is the
/// resolved configuration record that the protocol's steps take. The storage keys are the entry's
/// (`js/keys.js`, checked against the core by the test module `parity`).
#[wasm_bindgen]
pub fn configure(config: &str, client: &str, defaults: &str) -> String {
    out(defaults_ok(defaults).and_then(|()| settings(config, client)))
}

/// Login defaults are checked when `NylasAuth` is made, as part of its configuration: `invalid_config`.
/// `challengeMethod: 'plain'` is refused as a default: a login that sends the verifier itself as the
/// challenge must ask for it, call by call.
fn defaults_ok(defaults: &str) -> Result<(), Error> {
    // A scope given as `scope` (the alias) is named so.
    let alias = defaults.split('\0').nth(options::SCOPES + 1).is_some_and(|f| !f.is_empty());
    let as_config = |e| match e {
        Error::InvalidOption { field: "scopes", reason } if alias => Error::InvalidConfig { field: "scope", reason },
        Error::InvalidOption { field, reason } => Error::InvalidConfig { field, reason },
        Error::InvalidVerifier(reason) => Error::InvalidConfig { field: "verifierLength", reason },
        e => e,
    };
    let d = options::authorization(defaults).map_err(as_config)?;
    if d.challenge_method == ChallengeMethod::Plain {
        return Err(Error::InvalidConfig {
            field: "challengeMethod",
            reason: "plain is a per-call choice, not a default",
        });
    }
    // Every value, as a login would check it, now: `ready()` reports it naming the option.
    nylas_pkce::authorize::validate(&d).map_err(as_config)
}

/// [`configure`] as a Rust result.
///
/// # Errors
/// `invalid_config` naming the field.
pub fn settings(config: &str, client: &str) -> Result<String, Error> {
    let config = options::config(config)?;
    let (options, timeout) = options::client(client)?;
    Ok(ObjectWriter::default()
        .value_text("config", &crate::record::write(&config))
        .num("transactionTtlMs", options.transaction_ttl_ms)
        .num("clockSkewMs", options.clock_skew_ms)
        .num("fetchTimeoutMs", timeout)
        .bool("publicRefresh", options.public_refresh)
        .finish())
}

/// Starts an authorization, in one crossing: `buildAuthorizationUrl` and every `NylasAuth` login.
///
/// - `config`: the packed configuration; `defaults` and `call`: packed authorization options (`NylasAuth`'s
///   login defaults and the call's; see [`options::merge`]).
/// - `popup`: a popup login: the state carries [`POPUP_STATE_PREFIX`].
/// - `stored` / `ttl`: the creation times of this client's stored transactions (NaN where a record could
///   not be read) and their time to live, to purge the expired ones in the same crossing.
/// - `email` / `provider`: re-authentication of the current grant: `login_hint` and `provider` default to
///   them.
/// - `user_agent`: for a login that sends this browser to the URL itself (no `openUrl` hook, no
///   `allowEmbeddedWebview`): a login for Google in an embedded webview is refused (`embedded_webview`),
///   as Google would refuse it.
///
/// Returns, packed: the storage key, the transaction record to keep under it, `url`, `state`,
/// `codeVerifier`, `codeChallenge`, `codeChallengeMethod`, `redirectUri`, `createdAt`, `issuer`, and one `1` (remove) or `0` (keep) per `stored` entry. Absent values are empty.
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen]
pub fn authorize(
    config: &str,
    defaults: &str,
    call: &str,
    popup: bool,
    now: f64,
    stored: &[f64],
    ttl: f64,
    email: Option<String>,
    provider: Option<String>,
    user_agent: Option<String>,
) -> String {
    let r = start(config, defaults, call, popup, ms(now), stored, ms(ttl), email, provider, &mut CryptoRng);
    out(r.and_then(|(text, google)| match user_agent {
        Some(ua) if google && is_embedded_webview(&ua) => Err(Error::EmbeddedWebview),
        _ => Ok(text),
    }))
}

/// [`authorize`] as a Rust result, and whether the login is for Google.
///
/// # Errors
/// `invalid_config`, `invalid_option`, `invalid_verifier`, `crypto_unavailable`.
#[allow(clippy::too_many_arguments)]
pub fn start(
    config: &str,
    defaults: &str,
    call: &str,
    popup: bool,
    now: u64,
    stored: &[f64],
    ttl: u64,
    email: Option<String>,
    provider: Option<String>,
    rng: &mut impl RandomSource,
) -> Result<(String, bool), Error> {
    let config = options::config(config)?;
    let mut o = options::authorization(&options::merge(defaults, call))?;
    if o.login_hint.is_none() && email.is_some() {
        o.login_hint = email;
        if o.provider.is_none() {
            o.provider = provider;
        }
    }
    if popup {
        let mut state = String::from(POPUP_STATE_PREFIX);
        match &o.state {
            Some(s) => {
                nylas_pkce::authorize::check_state(s)?;
                state.push_str(s);
            }
            None => state.push_str(&random_token(rng)?),
        }
        o.state = Some(state);
    }
    let req = build_authorization_request(&config, &o, rng, now)?;
    let google = o.provider.as_deref() == Some("google");
    let tx = &req.transaction;
    let stale: String =
        stored.iter().map(|c| if *c >= 0.0 && !expired(*c as u64, now, ttl) { '0' } else { '1' }).collect();
    let packed = Packed::default()
        .push(&key_for(&prefix_for(&config), tx.state.secret()))
        .push(&tx.to_json())
        .push(&req.url)
        .push(tx.state.secret())
        .push(tx.code_verifier.as_ref().map(|v| v.secret()).unwrap_or_default())
        .push(req.code_challenge.as_deref().unwrap_or_default())
        .push(if req.code_challenge.is_some() { req.challenge_method.as_str() } else { "" })
        .push(&tx.redirect_uri)
        .num(tx.created_at)
        .push(tx.issuer.as_deref().unwrap_or_default())
        .push(&stale)
        .finish();
    Ok((packed, google))
}

/// `providerScopes(provider, names, { required })`: Nylas scope names (and provider scopes, passed
/// through) as the provider's scope strings; `names` is a packed list field. Returns them joined by NUL.
#[wasm_bindgen]
pub fn scopes(provider: &str, names: &str, required: bool) -> String {
    out((|| {
        let provider = ScopeProvider::parse(provider)
            .ok_or(Error::InvalidOption { field: "provider", reason: "must be google or microsoft" })?;
        let names = Fields::new(names).list(' ')?.unwrap_or_default();
        let list: Vec<String> = provider_scopes(provider, &names, required)?;
        let mut p = Packed::default();
        for s in &list {
            p.push(s);
        }
        Ok(p.finish())
    })())
}

/// `isEmbeddedWebview(userAgent)`: see [`nylas_pkce::webview::is_embedded_webview`].
#[wasm_bindgen]
pub fn embedded(user_agent: &str) -> bool {
    is_embedded_webview(user_agent)
}
