#![doc = include_str!("../README.md")]
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

pub mod api;
pub mod authorize;
pub mod callback;
pub mod client;
pub mod config;
pub mod encode;
pub mod error;
pub mod events;
pub mod json;
pub mod pkce;
pub mod secret;
pub mod token;
pub mod transaction;

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;

pub use authorize::{build_authorization_request, AccessType, AuthorizationOptions, AuthorizationRequest};
pub use callback::{parse_callback, Callback};
pub use config::{Config, Endpoints, Flavor, Region, TokenBody};
pub use error::{Error, ErrorDetails, ScopeError};
pub use pkce::{code_challenge, ChallengeEncoding, ChallengeMethod, RandomSource};
pub use secret::{AccessToken, AuthorizationCode, CodeVerifier, IdToken, RefreshToken, State};
pub use token::{HttpRequest, Method, TokenSet};
pub use transaction::{MemoryStorage, ResponseType, Storage, Transaction, TransactionStore};
