//! The crate's one error type. Every failure has a stable [`Error::code`] string; the JS layer turns it
//! into a `NylasPkceError` with the same `code`.
//!
//! # Security
//! Messages are static text plus field names. No verifier, state, code or token is ever part of an error.

use crate::prelude::*;

use crate::events;

/// Details of an OAuth / Nylas error answer: from a callback (`error`, `error_description`, `error_uri`)
/// or from an endpoint's body (OAuth `{error, …}` or Nylas `{success:false, error:{type, …}}`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorDetails {
    /// HTTP status of the answer (endpoint errors only).
    pub status: Option<u16>,
    /// OAuth `error` code, or the Nylas error `type`.
    pub error: String,
    /// OAuth `error_description`, or the Nylas `message`.
    pub description: Option<String>,
    /// OAuth `error_uri`.
    pub uri: Option<String>,
    /// Nylas event code (`error_code`, `event_code`, or the digits that end `error_uri`).
    pub event_code: Option<u32>,
    /// Nylas event type from the event-code catalogue or the body's `type`.
    pub kind: Option<String>,
    /// Nylas `request_id`, useful in a support ticket.
    pub request_id: Option<String>,
}

impl ErrorDetails {
    /// Fills `kind` (and `description`, if absent) from the event-code catalogue.
    pub(crate) fn enrich(mut self) -> Self {
        if let Some(ev) = self.event_code.and_then(events::lookup) {
            if self.kind.is_none() {
                self.kind = Some(ev.kind.into());
            }
            if self.description.is_none() {
                self.description = Some(ev.message.into());
            }
        }
        self
    }
}

/// The scopes of a 403 "insufficient scopes" answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScopeError {
    /// HTTP status (403 in the reference).
    pub status: u16,
    /// Scopes the token has.
    pub provided: Vec<String>,
    /// Scopes of which the request needs at least one.
    pub required: Vec<String>,
    /// The server's message.
    pub message: String,
}

/// Everything that can go wrong. See [`Error::code`] for the stable codes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// A code verifier is not 43–128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
    InvalidVerifier(&'static str),
    /// The client configuration is invalid; `field` names the option.
    InvalidConfig {
        /// The option's JS name, e.g. `redirectUri`.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// A per-call option is invalid; `field` names the option.
    InvalidOption {
        /// The option's JS name, e.g. `state`.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// An option this SDK does not know (a typo, or another SDK's name): `invalid_config` in a client
    /// configuration, `invalid_option` in a call's options. `field` names it.
    UnknownOption {
        /// The option's name as given.
        field: String,
        /// Whether it was in a client configuration.
        config: bool,
    },
    /// A scope list that cannot be sent: unknown names, repeats, or scopes that conflict at the provider.
    /// Code `invalid_option`, field `scopes`; the message names the scopes (scope names are not secrets).
    InvalidScopes {
        /// The scopes at fault.
        scopes: Vec<String>,
        /// Why, ending in a colon (the scopes follow).
        reason: &'static str,
    },
    /// The callback is malformed: duplicate parameters, both `code` and `error`, nothing recognisable.
    InvalidCallback(&'static str),
    /// The callback has no `state` but one was expected.
    MissingState,
    /// The callback's `state` is not the expected one (possible CSRF or a stale tab).
    StateMismatch,
    /// The callback has a valid state but no `code`.
    MissingCode,
    /// The callback's `iss` (RFC 9207) differs from the expected issuer (possible mix-up attack).
    IssuerMismatch,
    /// The callback has no `iss` although the client requires one (`requireIss`, RFC 9207 §2.4).
    MissingIssuer,
    /// The callback belongs to an authorization another client started (another client id or token
    /// endpoint): refused before any request, so one server's code never reaches another (mix-up).
    ClientMismatch,
    /// The authorization server sent the user back with an error (`error`, `error_description`,
    /// `error_uri`), or a hosted-auth `success=false`.
    Authorization(Box<ErrorDetails>),
    /// An endpoint (token, revoke, tokeninfo, grants) answered with an error body.
    Server(Box<ErrorDetails>),
    /// A 403 naming the scopes the token has and the scopes it would need.
    InsufficientScope(Box<ScopeError>),
    /// The answer is not what the protocol allows (not JSON, no `access_token`, not Bearer, …).
    InvalidResponse {
        /// HTTP status of the answer.
        status: u16,
        /// What is wrong.
        reason: &'static str,
    },
    /// No pending transaction for this callback's state (never started here, already used, or purged).
    NoTransaction,
    /// The pending transaction is older than its time to live.
    TransactionExpired,
    /// The request did not reach the server or its answer could not be read (offline, CORS, refused).
    Network(&'static str),
    /// The request, popup or flow took longer than allowed.
    Timeout,
    /// Storage threw (private mode, disabled, quota).
    StorageUnavailable,
    /// The browser blocked the popup (`window.open` returned null).
    PopupBlocked,
    /// The user closed the popup before it finished.
    PopupClosed,
    /// No valid token and no way to refresh: the user must log in again.
    LoginRequired,
    /// The platform's cryptographic random generator is not available.
    CryptoUnavailable,
    /// The session a request belonged to ended before its answer came (a logout, or another tab's login or
    /// logout): the answer was dropped, nothing was stored.
    SessionEnded,
    /// A login would send an embedded webview (an in-app browser, Android WebView, iOS `WKWebView`) to
    /// Google's sign-in, which refuses it (`403 disallowed_useragent`).
    EmbeddedWebview,
    /// A popup's callback page handed its callback on, and no page of this origin took it: the page that
    /// started the login was closed, reloaded, or started another login.
    NoOpener,
    /// The loopback listener of a native login could not listen on `127.0.0.1` at the port asked for (in use,
    /// or not allowed). Only with the `native-loopback` feature.
    #[cfg(feature = "native-loopback")]
    LoopbackUnavailable,
    /// The system browser could not be started (no `xdg-open`/`open`/`rundll32`, or it failed): open the
    /// authorization URL another way. Only with the `native-loopback` feature.
    #[cfg(feature = "native-loopback")]
    BrowserUnavailable,
}

/// OAuth/Nylas error strings that have a code of their own (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1).
const SERVER_CODES: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_token",
    "insufficient_scope",
    "access_denied",
    "temporarily_unavailable",
    "redirect_uri_mismatch",
];

impl Error {
    /// The stable machine-readable code, e.g. `state_mismatch`.
    ///
    /// For [`Error::Server`] it is the server's OAuth error (`invalid_grant`, `invalid_token`, …) when that is
    /// one of the standard codes, `server_error` for a 5xx and `api_error` otherwise; the raw value is always
    /// in [`ErrorDetails::error`].
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidVerifier(_) => "invalid_verifier",
            Error::InvalidConfig { .. } => "invalid_config",
            Error::InvalidOption { .. } => "invalid_option",
            Error::UnknownOption { config: true, .. } => "invalid_config",
            Error::UnknownOption { config: false, .. } => "invalid_option",
            Error::InvalidScopes { .. } => "invalid_option",
            Error::InvalidCallback(_) => "invalid_callback",
            Error::MissingState => "missing_state",
            Error::StateMismatch => "state_mismatch",
            Error::MissingCode => "missing_code",
            Error::IssuerMismatch => "issuer_mismatch",
            Error::MissingIssuer => "missing_issuer",
            Error::ClientMismatch => "client_mismatch",
            Error::Authorization(_) => "authorization_error",
            Error::Server(d) => server_code(d),
            Error::InsufficientScope(_) => "insufficient_scope",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::NoTransaction => "no_transaction",
            Error::TransactionExpired => "transaction_expired",
            Error::Network(_) => "network_error",
            Error::Timeout => "timeout",
            Error::StorageUnavailable => "storage_unavailable",
            Error::PopupBlocked => "popup_blocked",
            Error::PopupClosed => "popup_closed",
            Error::LoginRequired => "login_required",
            Error::CryptoUnavailable => "crypto_unavailable",
            Error::SessionEnded => "session_ended",
            Error::EmbeddedWebview => "embedded_webview",
            Error::NoOpener => "no_opener",
            #[cfg(feature = "native-loopback")]
            Error::LoopbackUnavailable => "loopback_unavailable",
            #[cfg(feature = "native-loopback")]
            Error::BrowserUnavailable => "browser_unavailable",
        }
    }

    /// A human-readable message with no secret in it.
    pub fn message(&self) -> String {
        let (head, tail): (&str, &str) = match self {
            Error::InvalidVerifier(r) => ("invalid code verifier: ", r),
            Error::InvalidConfig { field, reason } => return join3("invalid configuration: ", field, reason),
            Error::InvalidOption { field, reason } => return join3("invalid option: ", field, reason),
            Error::InvalidScopes { scopes, reason } => {
                let mut s = join3("invalid option: ", "scopes", reason);
                for (i, scope) in scopes.iter().enumerate() {
                    s.push_str(if i == 0 { " " } else { ", " });
                    s.push_str(scope);
                }
                return s;
            }
            Error::UnknownOption { field, config } => {
                let head = if *config { "invalid configuration: " } else { "invalid option: " };
                return join3(head, field, "is not an option of this SDK");
            }
            Error::InvalidCallback(r) => ("invalid callback: ", r),
            Error::MissingState => ("the callback has no state parameter", ""),
            Error::StateMismatch => ("the callback's state does not match the pending authorization", ""),
            Error::MissingCode => ("the callback has no authorization code", ""),
            Error::IssuerMismatch => ("the callback's issuer (iss) is not the expected authorization server", ""),
            Error::MissingIssuer => ("the callback has no issuer (iss), and requireIss is set", ""),
            Error::ClientMismatch => ("the callback belongs to an authorization another client started", ""),
            Error::Authorization(d) => ("authorization failed: ", d.description.as_deref().unwrap_or(&d.error)),
            Error::Server(d) => ("the server answered with an error: ", d.description.as_deref().unwrap_or(&d.error)),
            Error::InsufficientScope(_) => ("the token lacks the scopes this request needs", ""),
            Error::InvalidResponse { reason, .. } => ("invalid response from the server: ", reason),
            Error::NoTransaction => {
                ("no pending authorization for this callback (already used, expired, or from another browser)", "")
            }
            Error::TransactionExpired => ("the pending authorization has expired; start again", ""),
            Error::Network(r) => ("network error: ", r),
            Error::Timeout => ("the operation timed out", ""),
            Error::StorageUnavailable => ("storage is unavailable", ""),
            Error::PopupBlocked => ("the browser blocked the popup; call from a click handler", ""),
            Error::PopupClosed => ("the popup was closed before the authorization finished", ""),
            Error::LoginRequired => ("login required: no valid token and no way to refresh it", ""),
            Error::CryptoUnavailable => ("no cryptographic random number generator is available", ""),
            Error::SessionEnded => {
                ("the session ended (logout, or another tab) before the answer came; nothing was stored", "")
            }
            Error::EmbeddedWebview => {
                ("Google refuses sign-in in embedded webviews: open the URL in the system browser (openUrl)", "")
            }
            Error::NoOpener => ("no page is waiting for this popup's login any more: start the login again", ""),
            #[cfg(feature = "native-loopback")]
            Error::LoopbackUnavailable => ("could not listen on 127.0.0.1 at that port (in use, or not allowed)", ""),
            #[cfg(feature = "native-loopback")]
            Error::BrowserUnavailable => ("the system browser could not be started: open the URL yourself", ""),
        };
        let mut s = String::with_capacity(head.len() + tail.len());
        s.push_str(head);
        s.push_str(tail);
        s
    }

    /// The OAuth/Nylas details, for [`Error::Authorization`] and [`Error::Server`].
    pub fn details(&self) -> Option<&ErrorDetails> {
        match self {
            Error::Authorization(d) | Error::Server(d) => Some(d),
            _ => None,
        }
    }

    /// The HTTP status, where the error came from an HTTP answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Server(d) => d.status,
            Error::InsufficientScope(s) => Some(s.status),
            Error::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The option or config field at fault, for `invalid_config` / `invalid_option`.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidConfig { field, .. } | Error::InvalidOption { field, .. } => Some(field),
            Error::UnknownOption { field, .. } => Some(field),
            Error::InvalidScopes { .. } => Some("scopes"),
            _ => None,
        }
    }
}

fn server_code(d: &ErrorDetails) -> &'static str {
    let named = [Some(d.error.as_str()), d.kind.as_deref()];
    for name in named.into_iter().flatten() {
        if let Some(c) = SERVER_CODES.iter().find(|c| **c == name) {
            return c;
        }
    }
    match d.status {
        Some(s) if s >= 500 => "server_error",
        _ if d.error == "server_error" || d.error == "internal_error" => "server_error",
        _ => "api_error",
    }
}

fn join3(a: &str, b: &str, c: &str) -> String {
    let mut s = String::with_capacity(a.len() + b.len() + c.len() + 1);
    s.push_str(a);
    s.push_str(b);
    s.push(' ');
    s.push_str(c);
    s
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(error: &str, kind: Option<&str>, status: u16) -> Error {
        Error::Server(Box::new(ErrorDetails {
            status: Some(status),
            error: error.into(),
            kind: kind.map(Into::into),
            ..Default::default()
        }))
    }

    #[test]
    fn server_codes_map_to_standard_names() {
        assert_eq!(server("invalid_grant", None, 400).code(), "invalid_grant");
        assert_eq!(server("", Some("invalid_token"), 401).code(), "invalid_token");
        assert_eq!(server("weird", None, 400).code(), "api_error");
        assert_eq!(server("internal_error", None, 502).code(), "server_error");
        assert_eq!(server("weird", None, 503).code(), "server_error");
    }

    #[test]
    fn messages_name_fields_and_no_values() {
        let e = Error::InvalidConfig { field: "redirectUri", reason: "must be absolute" };
        assert_eq!(e.message(), "invalid configuration: redirectUri must be absolute");
        assert_eq!(e.field(), Some("redirectUri"));
        assert_eq!(e.code(), "invalid_config");
        assert_eq!(e.to_string(), e.message());
    }

    #[test]
    fn enrich_from_catalogue() {
        let d = ErrorDetails { error: "access_denied".into(), event_code: Some(45002), ..Default::default() }.enrich();
        assert_eq!(d.kind.as_deref(), Some("oauth_failed"));
        assert!(d.description.unwrap().starts_with("Hosted OAuth failed"));
    }
}
