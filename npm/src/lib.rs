//! The npm package's WebAssembly: a thin binding over the `nylas-pkce` core. `no_std`, a small allocator,
//! our own panic handler, wasm-bindgen without default features, and synchronous exports only: the
//! package's JavaScript does every I/O (fetch, storage, popup, timers) and calls these exports for every
//! decision.
//!
//! The package is built twice from this crate ([`login`] and [`session`] are cargo features), so that what
//! a page loads before login is only the first half.
//!
//! Across the boundary: options and records go in as JSON text (`JSON.stringify`); results come out as JSON
//! text (`JSON.parse`), or as plain strings where that is all they are. A failure comes out as `!` followed
//! by the error's JSON (see [`nylas_pkce::api::engine::error`]), which the package throws as a
//! `NylasPkceError`. No result can start with `!`: JSON text, verifiers and challenges never do.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::todo)
)]

extern crate alloc;

use alloc::string::String;

use nylas_pkce::api::engine;
use nylas_pkce::json::{self, Json};
use nylas_pkce::Error;
use wasm_bindgen::prelude::*;

#[cfg(feature = "login")]
pub mod login;
#[cfg(feature = "session")]
pub mod session;

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

/// A result as the package reads it: the text, or `!` and the error's JSON.
pub(crate) fn out(r: Result<String, Error>) -> String {
    r.unwrap_or_else(|e| {
        let mut s = String::from("!");
        s.push_str(&engine::error(&e));
        s
    })
}

/// JSON text from the package (`JSON.stringify` of an options object); anything unreadable is `null`.
pub(crate) fn input(text: &str) -> Json {
    json::parse(text).unwrap_or(Json::Null)
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
