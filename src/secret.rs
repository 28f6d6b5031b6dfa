//! Secret values of the flow: code verifier, state, authorization code and tokens.
//!
//! # Security
//! Each type wraps a `String` that is zeroized on drop. `Debug` prints `Name([redacted])` and there is no
//! `Display`, so a secret cannot reach a log line or an error message by accident. The raw value is reached
//! only through [`secret()`](CodeVerifier::secret), which is the one place to audit.

use crate::prelude::*;

use zeroize::Zeroize;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// The raw value.
            ///
            /// # Security
            /// Never log it, never put it in an error message or a URL other than the one the protocol needs.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }
    };
}

secret_type!(
    /// A PKCE code verifier (RFC 7636 §4.1). Build one with [`CodeVerifier::generate`],
    /// [`CodeVerifier::from_random_bytes`] or [`CodeVerifier::parse`].
    CodeVerifier
);
secret_type!(
    /// The `state` value that binds a callback to the browser that started the flow (RFC 6749 §10.12).
    State
);
secret_type!(
    /// An authorization code. Only [`crate::callback::parse_callback`] produces one, from a callback whose
    /// state was checked.
    AuthorizationCode
);
secret_type!(
    /// An OAuth access token (Bearer).
    AccessToken
);
secret_type!(
    /// An OAuth refresh token.
    RefreshToken
);
secret_type!(
    /// An OpenID Connect ID token (a JWT).
    IdToken
);

impl State {
    /// Wraps a state value. Validation (1–256 characters) happens where a state enters the flow.
    pub fn new(value: String) -> Self {
        State(value)
    }

    /// Compares with `other` in time that depends only on the lengths, not on where the values differ.
    pub fn ct_eq(&self, other: &str) -> bool {
        ct_eq(self.0.as_bytes(), other.as_bytes())
    }
}

impl AuthorizationCode {
    pub(crate) fn new(value: String) -> Self {
        AuthorizationCode(value)
    }

    /// Wraps a code that did not come from [`crate::parse_callback`], for callers that check callbacks
    /// themselves (the package's stateless `tokenRequest`, a server that received the code).
    ///
    /// # Security
    /// Nothing is checked: only send a code whose callback was checked against its `state` and issuer.
    pub fn unchecked(value: String) -> Self {
        AuthorizationCode(value)
    }
}

impl AccessToken {
    /// Wraps an access token (e.g. one restored from storage).
    pub fn new(value: String) -> Self {
        AccessToken(value)
    }
}

impl RefreshToken {
    /// Wraps a refresh token (e.g. one restored from storage).
    pub fn new(value: String) -> Self {
        RefreshToken(value)
    }
}

impl IdToken {
    /// Wraps an ID token.
    pub fn new(value: String) -> Self {
        IdToken(value)
    }
}

impl CodeVerifier {
    pub(crate) fn from_string_unchecked(value: String) -> Self {
        CodeVerifier(value)
    }
}

/// Constant-time equality of two byte strings (the length is not hidden).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b.iter()) {
        diff |= x ^ y;
    }
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let v = CodeVerifier::from_string_unchecked("super-secret-verifier".into());
        let s = State::new("state-value".into());
        let c = AuthorizationCode::new("the-code".into());
        let t = AccessToken::new("tok".into());
        assert_eq!(format!("{v:?}"), "CodeVerifier([redacted])");
        assert_eq!(format!("{s:?}"), "State([redacted])");
        assert_eq!(format!("{c:?}"), "AuthorizationCode([redacted])");
        assert_eq!(format!("{t:?}"), "AccessToken([redacted])");
        assert_eq!(format!("{:?}", Some(RefreshToken::new("r".into()))), "Some(RefreshToken([redacted]))");
    }

    #[test]
    fn constant_time_compare() {
        let s = State::new("abc".into());
        assert!(s.ct_eq("abc"));
        assert!(!s.ct_eq("abd"));
        assert!(!s.ct_eq("ab"));
        assert!(!s.ct_eq(""));
    }
}
