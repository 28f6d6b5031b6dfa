#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]

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
