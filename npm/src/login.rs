//! The first half: everything a page needs before login. PKCE verifiers and challenges, the authorization
//! URL and its transaction record, configuration checks, and reading stored tokens.

use alloc::string::String;
use core::cell::UnsafeCell;

use nylas_pkce::api::engine;
use nylas_pkce::pkce::{code_challenge, ChallengeEncoding, ChallengeMethod, RandomSource};
use nylas_pkce::secret::CodeVerifier;
use nylas_pkce::Error;
use wasm_bindgen::prelude::*;

use crate::{input, ms, out};

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
    out(challenge_codes(method, encoding).map(|(m, e)| code_challenge(verifier, m, e)))
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

/// `new NylasAuth(options)`: see [`engine::settings`].
#[wasm_bindgen]
pub fn settings(options: &str) -> String {
    out(engine::settings(&input(options)))
}

/// `buildAuthorizationUrl` and `NylasAuth`'s logins: see [`engine::authorize`].
#[wasm_bindgen]
pub fn authorize(config: &str, options: &str, now: f64, reauthenticate: &str) -> String {
    out(engine::authorize(&input(config), &input(options), &mut CryptoRng, ms(now), reauthenticate))
}

/// The error for a failure only the page sees (`popup_blocked`, `popup_closed`, `timeout`,
/// `network_error`, `storage_unavailable`, `login_required`; anything else is `invalid_config` for options
/// that are not an object), as JSON: every message comes from the core.
#[wasm_bindgen]
pub fn error(code: &str) -> String {
    engine::page_error(code)
}

/// `providerScopes(provider, names, { required })`: see [`engine::scopes`].
#[wasm_bindgen]
pub fn scopes(provider: &str, names: &str, required: bool) -> String {
    out(engine::scopes(provider, &input(names), required))
}

/// Whether a stored transaction record is expired or unreadable: see [`engine::stale`].
#[wasm_bindgen]
pub fn stale(record: &str, now: f64, ttl: f64) -> bool {
    engine::stale(record, ms(now), ms(ttl))
}

/// Stored tokens as `{ authenticated, tokens }`, or `""`: see [`engine::restore`].
#[wasm_bindgen]
pub fn restore(record: &str, now: f64, skew: f64) -> String {
    engine::restore(record, ms(now), ms(skew)).unwrap_or_default()
}
