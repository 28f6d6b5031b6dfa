//! The authorization callback: the redirect back to the app with `code` + `state`, an OAuth error,
//! a Nylas hosted-auth result, or an admin-consent result.
//!
//! Checks follow RFC 6749 §4.1.2 / §10.12 and RFC 9207: each problem has its own error code.

use crate::prelude::*;

use crate::encode::{has_byte, parse_query};
use crate::error::ErrorDetails;
use crate::events;
use crate::secret::{AuthorizationCode, State};
use crate::Error;

/// What a callback may carry besides the parameters below, e.g. `scope` or a provider's extras.
pub type Extras = Vec<(String, String)>;

/// A validated callback.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Callback {
    /// `code` + `state`: exchange the code at the token endpoint.
    Code {
        /// The authorization code.
        code: AuthorizationCode,
        /// The (checked) state.
        state: State,
        /// Other parameters of the callback.
        extras: Extras,
    },
    /// `admin_consent=true` + `state`: Microsoft admin consent granted; no code.
    AdminConsent {
        /// The (checked) state.
        state: State,
        /// Other parameters of the callback.
        extras: Extras,
    },
    /// A Nylas hosted-auth result: `success=true`, `grant_id`, `provider`, `email`.
    Hosted {
        /// The new grant's id.
        grant_id: String,
        /// The provider, e.g. `google`.
        provider: Option<String>,
        /// The account's email, when the provider and scopes give it.
        email: Option<String>,
        /// The (checked) state.
        state: State,
        /// Other parameters of the callback.
        extras: Extras,
    },
}

/// The parameters an authorization response puts in the redirect URI (OAuth, RFC 9207, Nylas hosted auth
/// and admin consent): what a callback page removes from its address bar once handled. `session_state`
/// stays last (see `KNOWN`).
pub const CALLBACK_PARAMS: &[&str] = &[
    "code",
    "state",
    "error",
    "error_description",
    "error_uri",
    "iss",
    "admin_consent",
    "success",
    "grant_id",
    "provider",
    "email",
    "session_state",
];

/// The parameters a callback's result is read from (all of [`CALLBACK_PARAMS`] but `session_state`, the
/// last); any other is handed back as an extra.
const KNOWN: &[&str] = match CALLBACK_PARAMS.split_last() {
    Some((_, known)) => known,
    None => &[],
};

/// Longest callback URL accepted (bytes). A real one is a few hundred.
pub const MAX_CALLBACK_LEN: usize = 16 * 1024;
/// Most parameters a callback may have. A real one has fewer than ten.
pub const MAX_CALLBACK_PARAMS: usize = 64;

/// The callback's parameters, from a full URL, a `?query`, a `#fragment` or a bare `a=b&c=d`.
/// The query is used when it holds a result; otherwise the fragment.
///
/// # Errors
/// `invalid_callback` when a parameter appears twice (RFC 6749 §3.1) or is not valid percent-encoding.
pub fn callback_params(input: &str) -> Result<Vec<(String, String)>, Error> {
    let input = input.trim();
    if input.len() > MAX_CALLBACK_LEN {
        return Err(Error::InvalidCallback("longer than 16 KiB"));
    }
    let (query, fragment) = if let Some(f) = input.strip_prefix('#') {
        ("", f)
    } else {
        let (before, fragment) = input.split_once('#').unwrap_or((input, ""));
        let query = match before.split_once('?') {
            Some((_, q)) => q,
            None if has_byte(before, b'=') && !has_byte(before, b'/') => before,
            None => "",
        };
        (query, fragment)
    };
    let parse =
        |s: &str| parse_query(s).ok_or(Error::InvalidCallback("parameters are not valid percent-encoded UTF-8"));
    let mut params = parse(query)?;
    if !has_result(&params) {
        let from_fragment = parse(fragment)?;
        if has_result(&from_fragment) || params.is_empty() {
            params = from_fragment;
        }
    }
    if params.len() > MAX_CALLBACK_PARAMS {
        return Err(Error::InvalidCallback("more than 64 parameters"));
    }
    let mut keys: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    if crate::json::has_repeats(&mut keys) {
        return Err(Error::InvalidCallback("a parameter appears more than once"));
    }
    Ok(params)
}

/// Whether `input` (a page URL) is an authorization callback: it carries `code`, `error`, `state`,
/// `admin_consent` or `success`. A malformed one still counts (handling it reports what is wrong).
pub fn is_callback(input: &str) -> bool {
    match callback_params(input) {
        Ok(params) => has_result(&params),
        Err(_) => true,
    }
}

/// The parameters that make a URL an authorization callback (any one of them): see [`is_callback`].
pub const RESULT_PARAMS: &[&str] = &["code", "error", "state", "admin_consent", "success"];

fn has_result(params: &[(String, String)]) -> bool {
    params.iter().any(|(k, _)| RESULT_PARAMS.contains(&k.as_str()))
}

/// A parameter's value.
pub fn get<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The raw `state` of a callback (unchecked), to find its pending transaction.
pub fn callback_state(input: &str) -> Result<Option<String>, Error> {
    Ok(get(&callback_params(input)?, "state").map(Into::into))
}

/// Parses and validates a callback against the expected `state` (and issuer, if known). With
/// `require_iss`, a callback without `iss` is `missing_issuer` (RFC 9207 §2.4).
///
/// A hosted-auth result (`success=true&grant_id=…`) is returned as [`Callback::Hosted`], but nothing in
/// it is authenticated: the user controls the callback URL. Never hand its `grant_id` or `email` to a
/// backend as proof of anything.
///
/// Order of checks: malformed (`invalid_callback`), issuer (`issuer_mismatch`, `missing_issuer`), state (`missing_state`,
/// `state_mismatch`, constant-time), then an error answer (`authorization_error`), then the result
/// (`missing_code` when a valid callback has no code).
///
/// # Security
/// The only way to get an [`AuthorizationCode`]: a code is handed out only after its state was checked.
pub fn parse_callback(
    input: &str,
    expected_state: &str,
    expected_issuer: Option<&str>,
    require_iss: bool,
) -> Result<Callback, Error> {
    check_callback(&callback_params(input)?, expected_state, expected_issuer, require_iss)
}

/// [`parse_callback`] for parameters already read by [`callback_params`] (a callback is parsed once).
///
/// # Errors
/// As [`parse_callback`], except the percent-encoding and size errors [`callback_params`] reports.
pub fn check_callback(
    params: &[(String, String)],
    expected_state: &str,
    expected_issuer: Option<&str>,
    require_iss: bool,
) -> Result<Callback, Error> {
    let code = get(params, "code");
    let error = get(params, "error");
    let success = get(params, "success");
    if code.is_some() && error.is_some() {
        return Err(Error::InvalidCallback("has both code and error"));
    }
    if !has_result(params) {
        return Err(Error::InvalidCallback("no code, error or state: not an authorization callback"));
    }
    match (get(params, "iss"), expected_issuer) {
        (Some(iss), Some(expected)) if iss != expected => return Err(Error::IssuerMismatch),
        (None, Some(_)) if require_iss => return Err(Error::MissingIssuer),
        _ => {}
    }
    let state = get(params, "state").ok_or(Error::MissingState)?;
    let checked = State::new(state.into());
    if !checked.ct_eq(expected_state) {
        return Err(Error::StateMismatch);
    }
    let extras = || -> Extras { params.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())).cloned().collect() };
    if error.is_some() || success == Some("false") {
        let uri = get(params, "error_uri").map(String::from);
        let details = ErrorDetails {
            status: None,
            error: error.unwrap_or("authorization_failed").into(),
            description: get(params, "error_description").map(Into::into),
            event_code: uri.as_deref().and_then(events::from_trailing_digits),
            uri,
            kind: None,
            request_id: None,
        };
        return Err(Error::Authorization(Box::new(details.enrich())));
    }
    if get(params, "admin_consent") == Some("true") {
        return Ok(Callback::AdminConsent { state: checked, extras: extras() });
    }
    if success == Some("true") {
        let grant_id = get(params, "grant_id").filter(|g| !g.is_empty());
        let grant_id = grant_id.ok_or(Error::InvalidCallback("success=true without grant_id"))?;
        return Ok(Callback::Hosted {
            grant_id: grant_id.into(),
            provider: get(params, "provider").map(Into::into),
            email: get(params, "email").map(Into::into),
            state: checked,
            extras: extras(),
        });
    }
    match code {
        Some(c) if !c.is_empty() => Ok(Callback::Code {
            code: AuthorizationCode::new(c.into()),
            state: checked,
            extras: params
                .iter()
                .filter(|(k, _)| !KNOWN.contains(&k.as_str()) || k == "provider" || k == "email")
                .cloned()
                .collect(),
        }),
        _ => Err(Error::MissingCode),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "sQ6vFQN";

    fn code_of(cb: Callback) -> String {
        match cb {
            Callback::Code { code, .. } => code.secret().into(),
            other => panic!("not a code callback: {other:?}"),
        }
    }

    #[test]
    fn code_from_url_query_fragment_and_bare() {
        for input in [
            "https://myapp.com/callback-handler?state=sQ6vFQN&code=abc",
            "?code=abc&state=sQ6vFQN",
            "#code=abc&state=sQ6vFQN",
            "code=abc&state=sQ6vFQN",
            "https://myapp.com/cb#state=sQ6vFQN&code=abc",
            "https://myapp.com/cb?code=abc&state=sQ6vFQN#",
            "com.example.app:/oauth/callback?code=abc&state=sQ6vFQN",
            "  https://myapp.com/cb?code=abc&state=sQ6vFQN\n",
        ] {
            assert_eq!(code_of(parse_callback(input, S, None, false).unwrap()), "abc", "{input}");
        }
    }

    #[test]
    fn decodes_values_and_keeps_extras() {
        let cb =
            parse_callback("https://a/cb?code=a%2Fb%2Bc+d&state=s%20t&scope=x%20y&provider=google", "s t", None, false)
                .unwrap();
        match cb {
            Callback::Code { code, state, extras } => {
                assert_eq!(code.secret(), "a/b+c d");
                assert!(state.ct_eq("s t"));
                assert_eq!(
                    extras,
                    vec![("scope".to_string(), "x y".to_string()), ("provider".to_string(), "google".to_string())]
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn oauth_error_callback() {
        let e = parse_callback(
            "https://myapp.com/cb?state=sQ6vFQN&error=access_denied&error_description=User%20said%20no&error_uri=45002",
            S,
            None,
            false,
        )
        .unwrap_err();
        assert_eq!(e.code(), "authorization_error");
        let d = e.details().unwrap();
        assert_eq!(d.error, "access_denied");
        assert_eq!(d.description.as_deref(), Some("User said no"));
        assert_eq!(d.uri.as_deref(), Some("45002"));
        assert_eq!(d.event_code, Some(45002));
        assert_eq!(d.kind.as_deref(), Some("oauth_failed"));
    }

    #[test]
    fn hosted_auth_results() {
        let cb = parse_callback(
            "https://myapp.com/callback-handler?success=true&grant_id=e19f8e1a-eb1c-41c0-b6a6-d2e59daf7f47&state=my-data&provider=google&email=a%40b.com",
            "my-data",
            None, false)
        .unwrap();
        assert_eq!(
            cb,
            Callback::Hosted {
                grant_id: "e19f8e1a-eb1c-41c0-b6a6-d2e59daf7f47".into(),
                provider: Some("google".into()),
                email: Some("a@b.com".into()),
                state: State::new("my-data".into()),
                extras: vec![],
            }
        );
        let e = parse_callback("https://a/cb?success=false&error=auth_limit_reached&state=x", "x", None, false)
            .unwrap_err();
        assert_eq!((e.code(), e.details().unwrap().error.as_str()), ("authorization_error", "auth_limit_reached"));
        let e = parse_callback("https://a/cb?success=false&state=x", "x", None, false).unwrap_err();
        assert_eq!(e.code(), "authorization_error");
    }

    #[test]
    fn admin_consent_result() {
        let cb = parse_callback(
            "http://localhost:5000/callback?admin_consent=true&state=state1234",
            "state1234",
            None,
            false,
        )
        .unwrap();
        assert!(matches!(cb, Callback::AdminConsent { .. }));
    }

    #[test]
    fn callback_pages_are_recognised() {
        for yes in [
            "https://a/cb?code=c&state=s",
            "https://a/?state=s",
            "#error=x",
            "https://a/cb?code=%FF",
            "?admin_consent=true",
        ] {
            assert!(is_callback(yes), "{yes}");
        }
        for no in ["https://a/", "https://a/?tab=2", "https://a/#section", ""] {
            assert!(!is_callback(no), "{no}");
        }
    }

    #[test]
    fn issuer_check() {
        let ok = "https://a/cb?code=c&state=sQ6vFQN&iss=https%3A%2F%2Fidp.example";
        assert!(parse_callback(ok, S, Some("https://idp.example"), false).is_ok());
        assert!(parse_callback(ok, S, None, false).is_ok());
        assert!(parse_callback("https://a/cb?code=c&state=sQ6vFQN", S, Some("https://idp.example"), false).is_ok());
        let e = parse_callback(
            "https://a/cb?code=c&state=sQ6vFQN&iss=https%3A%2F%2Fevil.example",
            S,
            Some("https://idp.example"),
            false,
        );
        assert_eq!(e.unwrap_err().code(), "issuer_mismatch");
        // RFC 9207 §2.4: a client that requires iss rejects a callback without one.
        let bare = "https://a/cb?code=c&state=sQ6vFQN";
        assert_eq!(parse_callback(bare, S, Some("https://idp.example"), true).unwrap_err().code(), "missing_issuer");
        assert!(parse_callback(ok, S, Some("https://idp.example"), true).is_ok());
    }

    #[test]
    fn malformed_callbacks_have_specific_codes() {
        let cases = [
            ("https://a/cb?code=c", "missing_state"),
            ("https://a/cb?code=c&state=", "state_mismatch"),
            ("https://a/cb?code=c&state=other", "state_mismatch"),
            ("https://a/cb?code=c&state=sQ6vFQn", "state_mismatch"),
            ("https://a/cb?state=sQ6vFQN", "missing_code"),
            ("https://a/cb?state=sQ6vFQN&code=", "missing_code"),
            ("https://a/cb?code=c&state=sQ6vFQN&state=sQ6vFQN", "invalid_callback"),
            ("https://a/cb?code=c&code=d&state=sQ6vFQN", "invalid_callback"),
            ("https://a/cb?code=c&error=access_denied&state=sQ6vFQN", "invalid_callback"),
            ("https://a/cb", "invalid_callback"),
            ("https://a/cb?foo=bar", "invalid_callback"),
            ("", "invalid_callback"),
            ("https://a/cb?code=%FF&state=sQ6vFQN", "invalid_callback"),
            ("https://a/cb?success=true&state=sQ6vFQN", "invalid_callback"),
            ("https://a/cb?error=access_denied", "missing_state"),
            ("https://a/cb?error=access_denied&state=evil", "state_mismatch"),
        ];
        for (input, code) in cases {
            assert_eq!(parse_callback(input, S, None, false).unwrap_err().code(), code, "{input}");
        }
    }

    #[test]
    fn state_lookup() {
        assert_eq!(callback_state("https://a/cb?code=c&state=a%20b").unwrap().as_deref(), Some("a b"));
        assert_eq!(callback_state("https://a/cb?code=c").unwrap(), None);
        assert_eq!(callback_state("?state=a&state=b").unwrap_err().code(), "invalid_callback");
    }
}
