#![doc = include_str!("../README.md")]
//!
//! ## Cargo features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `std` | yes | nothing the core needs ([`Error`] implements `core::error::Error` either way): it is there so that `default-features = false` builds the crate `#![no_std]` + `alloc` |
//! | `browser` | no | the `browser` module, on `wasm32` only: the async browser client for Rust web apps (Leptos, Yew, Dioxus, plain wasm-bindgen), [`Client`] over gloo-net `fetch`, web-sys `sessionStorage` / `localStorage`, `crypto.getRandomValues` and `Date.now`. Implies `std` |
//! | `native-loopback` | no | the `native` module, off `wasm32` only: the loopback login of native apps (RFC 8252 §7.3: `native::Loopback`, `native::login`, `native::open_browser`), `SystemClock`, `OsRng` (getrandom) and `block_on`; bring your own [`Http`]. Implies `std` |
//! | `native` | no | `native-loopback` plus `native::NativeHttp` (ureq 3, rustls with webpki roots, no redirects, a time-out) and `native::client()` |
//!
//! Everything else is in every build: the flow as steps ([`flow`]), the [`Client`] over the [`Storage`],
//! [`Http`], [`Clock`] and [`RandomSource`] traits, and the protocol pieces under them.
//!
//! On docs.rs every feature is enabled and items that need one are marked with it. The `native` module
//! exists off `wasm32` only (<https://docs.rs/nylas-pkce/latest/nylas_pkce/native/>). The `browser` module
//! exists on `wasm32` only: its documentation is that of the `wasm32-unknown-unknown` target
//! (<https://docs.rs/nylas-pkce/latest/wasm32-unknown-unknown/nylas_pkce/browser/>).
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;

mod prelude;

pub mod accounts;
pub mod authorize;
pub mod callback;
pub mod client;
pub mod config;
pub mod encode;
pub mod error;
pub mod events;
pub mod flow;
pub mod http;
pub mod json;
pub mod pkce;
pub mod scopes;
pub mod secret;
pub mod token;
pub mod transaction;
pub mod webview;

#[cfg(all(feature = "browser", target_arch = "wasm32"))]
pub mod browser;

#[cfg(all(feature = "native-loopback", not(target_arch = "wasm32")))]
pub mod native;

pub use accounts::{Account, Accounts};
pub use authorize::{build_authorization_request, AccessType, AuthorizationOptions, AuthorizationRequest};
pub use callback::{parse_callback, Callback};
pub use client::{Client, Clock};
pub use config::{Config, Endpoints, Flavor, Region, TokenBody};
pub use error::{Error, ErrorDetails, ScopeError};
pub use flow::{CallbackOutcome, ClientOptions};
pub use http::{Http, HttpRequest, HttpResponse, Method};
pub use pkce::{code_challenge, ChallengeEncoding, ChallengeMethod, RandomSource};
pub use secret::{AccessToken, AuthorizationCode, CodeVerifier, IdToken, RefreshToken, State};
pub use token::TokenSet;
pub use transaction::{MemoryStorage, ResponseType, Storage, Transaction, TransactionStore};
