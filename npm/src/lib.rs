//! The npm package's WebAssembly: the binding between the package's JavaScript and the `nylas-pkce` core.
//! It owns every JavaScript shape: option names and kinds ([`fields`]), how options are read
//! ([`options`]), result values and the error form. `no_std`, a small allocator, our own panic handler,
//! wasm-bindgen without default features, and synchronous exports only: the package's JavaScript does
//! every I/O (fetch, storage, popup, timers) and calls these exports for every decision.
//!
//! The package builds it once, as the protocol module: a page loads it when a step needs it (a login, a
//! callback, a refresh, a server's answer), never on import. [`login`] holds the steps that start a login,
//! [`session`] those that finish one and use its tokens.
//!
//! Across the boundary:
//! - **In**: options as a packed string of typed fields ([`fields`]); plain strings and numbers.
//! - **Out**: plain strings, numbers and booleans; several values packed with NUL between them; a few
//!   results (token sets, requests, API data) as JSON text.
//! - **Errors**: `!`, then the code, field and message separated by NUL, then the details as
//!   JSON (where there are any): see [`error`]. The package throws them as `NylasPkceError`. No success value can
//!   start with `!`.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

use alloc::string::String;

use nylas_pkce::Error;
use wasm_bindgen::prelude::*;

pub mod fields;
pub mod options;
pub mod record;

pub mod engine;
pub mod login;
pub mod session;
pub mod shapes;

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // Library code has no panics (clippy denies them); this is for the impossible.
    core::arch::wasm32::unreachable()
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without atomics is single-threaded.
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Appends `s` with any NUL replaced (the error form separates its parts with NUL).
fn push_clean(out: &mut String, s: &str) {
    for c in s.chars() {
        out.push(if c == '\0' { '\u{fffd}' } else { c });
    }
}

/// The error form the package reads: `!code␀field␀message`, and in the second half `␀` and the details as
/// JSON (`{ status, error, errorDescription, errorUri, eventCode, type, requestId, providedScopes,
/// requiredScopes }`, absent members left out) where the error has any. No secret is ever part of an
/// error.
pub fn error(e: &Error) -> String {
    let mut out = String::from("!");
    out.push_str(e.code());
    out.push('\0');
    push_clean(&mut out, e.field().unwrap_or_default());
    out.push('\0');
    push_clean(&mut out, &e.message());
    if let Some(details) = shapes::error_details(e) {
        out.push('\0');
        out.push_str(&details);
    }
    out
}

/// A result as the package reads it: the value, or the error form.
pub(crate) fn out(r: Result<String, Error>) -> String {
    r.unwrap_or_else(|e| error(&e))
}

/// Milliseconds from JavaScript (`Date.now()`, or a caller's `now`) as a whole number; negative and NaN → 0.
pub(crate) fn ms(v: f64) -> u64 {
    if v > 0.0 {
        v as u64
    } else {
        0
    }
}

/// The size of this module's linear memory in bytes (diagnostics, benchmarks).
#[wasm_bindgen(js_name = "memoryBytes")]
pub fn memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) as f64) * 65536.0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}
