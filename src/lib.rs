#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs, missing_debug_implementations)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::todo,
        clippy::unimplemented
    )
)]

extern crate alloc;

/// What `std`'s prelude would give every module; the core is `no_std` + `alloc`.
mod prelude {
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::string::String;
    pub(crate) use alloc::vec;
    pub(crate) use alloc::vec::Vec;
}

pub mod api;
pub mod authorize;
pub mod callback;
pub mod client;
pub mod config;
pub mod encode;
pub mod error;
pub mod events;
pub mod flow;
pub mod json;
pub mod pkce;
pub mod scopes;
pub mod secret;
pub mod token;
pub mod transaction;

#[cfg(all(feature = "browser", target_arch = "wasm32"))]
pub mod browser;

pub use authorize::{build_authorization_request, AccessType, AuthorizationOptions, AuthorizationRequest};
pub use callback::{parse_callback, Callback};
pub use client::{CallbackOutcome, Client, ClientOptions, Clock, Http, HttpResponse};
pub use config::{Config, Endpoints, Flavor, Region, TokenBody};
pub use error::{Error, ErrorDetails, ScopeError};
pub use pkce::{code_challenge, ChallengeEncoding, ChallengeMethod, RandomSource};
pub use secret::{AccessToken, AuthorizationCode, CodeVerifier, IdToken, RefreshToken, State};
pub use token::{HttpRequest, Method, TokenSet};
pub use transaction::{MemoryStorage, ResponseType, Storage, Transaction, TransactionStore};
