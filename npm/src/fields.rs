//! The option objects of the JavaScript API: their names and kinds (the one home of each list), and the
//! typed reader through which their values cross into the wasm.
//!
//! The package's JavaScript (`js/fields.js`, generated from the lists here: see the test at the end) walks
//! an options object against one of these lists. It refuses a name the list does not have and a value of
//! the wrong JavaScript type (a number where a string belongs, a lone surrogate, a nested object where a
//! list belongs), naming the option, and packs the rest into one string: one field per entry, in list
//! order, separated by NUL. A field is empty when the option is absent (`undefined` or `null`), else `+`
//! and its value:
//!
//! | kind | value |
//! |---|---|
//! | `s` string | the text (no NUL, well-formed UTF-16) |
//! | `b` boolean | `1` or `0` |
//! | `u` whole number | decimal digits (a safe integer ≥ 0) |
//! | `l` list | `s` and the text (one string, split here by the option's rule), or `a` and each item after a U+0001 |
//! | `m` map of strings | key, U+0001, value, U+0001, … |
//! | `j` JSON | `JSON.stringify` of the value |
//! | `o` object | empty: its members follow as the next fields (see [`Field::members`]) |
//! | `p` page option | never packed: the JavaScript uses it (storage, popup, …) |
//!
//! Every rule about the *values* (an enum's names, ranges, URLs, scopes) is checked here in Rust.

use alloc::string::String;
use alloc::vec::Vec;

use nylas_pkce::json::Json;
use nylas_pkce::Error;

/// One option: its JavaScript name, its kind (see the module docs), and for an object its members.
#[derive(Debug, Clone, Copy)]
pub struct Field(pub &'static str, pub u8, pub &'static [Field]);

impl Field {
    /// The members of an object option (empty for the other kinds).
    pub fn members(&self) -> &'static [Field] {
        self.2
    }
}

const fn f(name: &'static str, kind: u8) -> Field {
    Field(name, kind, &[])
}

/// The members of `endpoints` (a generic OAuth server).
pub const ENDPOINTS: &[Field] = &[
    f("authorizationEndpoint", b's'),
    f("tokenEndpoint", b's'),
    f("revocationEndpoint", b's'),
    f("tokenInfoEndpoint", b's'),
    f("grantInfoEndpoint", b's'),
    f("providerDetectEndpoint", b's'),
    f("issuer", b's'),
];

/// The client configuration.
pub const CONFIG: &[Field] = &[
    f("clientId", b's'),
    f("redirectUri", b's'),
    f("region", b's'),
    f("apiBase", b's'),
    Field("endpoints", b'o', ENDPOINTS),
    f("issuer", b's'),
    f("requireIss", b'b'),
    f("challengeEncoding", b's'),
    f("tokenBody", b's'),
];

/// `NylasAuth`'s tunables.
pub const CLIENT: &[Field] =
    &[f("transactionTtlMs", b'u'), f("clockSkewMs", b'u'), f("fetchTimeoutMs", b'u'), f("publicRefresh", b'b')];

/// `NylasAuth`'s options that the page itself uses (storage, navigation, popup windows).
pub const PAGE: &[Field] = &[
    f("storage", b'p'),
    f("tokenStorage", b'p'),
    f("openUrl", b'p'),
    f("popup", b'p'),
    f("cleanUrl", b'p'),
    f("allowEmbeddedWebview", b'p'),
    f("accounts", b'p'),
    f("codeExchange", b'p'),
    f("refresh", b'p'),
];

/// One authorization's options (`scope` is an alias of `scopes`).
pub const AUTHORIZATION: &[Field] = &[
    f("responseType", b's'),
    f("credentialId", b's'),
    f("provider", b's'),
    f("scopes", b'l'),
    f("scope", b'l'),
    f("state", b's'),
    f("loginHint", b's'),
    f("accessType", b's'),
    f("prompt", b'l'),
    f("includeGrantScopes", b'b'),
    f("codeVerifier", b's'),
    f("verifierLength", b'u'),
    f("challengeMethod", b's'),
    f("extraParams", b'm'),
    f("allowScopeConflicts", b'b'),
    f("appState", b'j'),
    f("smtpRequired", b'b'),
];

/// The authorization options `NylasAuth` takes once, as defaults for every login. The others are per call
/// (a `state` or `codeVerifier` given to the constructor would be reused by every login, so it is refused).
pub const LOGIN_DEFAULTS: &[&str] = &[
    "provider",
    "scopes",
    "scope",
    "prompt",
    "accessType",
    "includeGrantScopes",
    "extraParams",
    "challengeMethod",
    "verifierLength",
    "allowScopeConflicts",
    "smtpRequired",
];

/// `tokenRequest`'s own options (beside the configuration's).
pub const TOKEN_REQUEST: &[Field] =
    &[f("code", b's'), f("codeVerifier", b's'), f("redirectUri", b's'), f("refreshToken", b's'), f("scope", b's')];

/// `parseCallback`'s expectations.
pub const EXPECTATIONS: &[Field] = &[f("state", b's'), f("issuer", b's'), f("requireIss", b'b')];

/// The `state` of a popup login starts with this, so that the popup's callback page knows to hand the
/// callback to its opener rather than complete it.
pub const POPUP_STATE_PREFIX: &str = "popup.";

/// The configuration a client cannot be made without: `new NylasAuth` refuses a missing one at once, as
/// [`crate::options::config`] does (`invalid_config`, `is required`; the test `required_config` ties the two).
pub const REQUIRED_CONFIG: &[&str] = &["clientId", "redirectUri"];

/// The errors the page finds itself (a blocked popup, a time-out, a failed fetch, …), in the order the
/// package's JavaScript numbers them (`pageError(n)` in `js/error.js`): their codes and messages are the
/// core's, generated into `js/fields.js` as `PAGE_ERRORS`.
pub const PAGE_ERRORS: [Error; 10] = [
    Error::PopupBlocked,
    Error::PopupClosed,
    Error::Timeout,
    Error::Network("fetch failed (offline, CORS, refused, or a redirect)"),
    Error::StorageUnavailable,
    Error::LoginRequired,
    Error::SessionEnded,
    Error::NoOpener,
    // A refresh answer naming another grant ([`nylas_pkce::flow::refreshed`]); the page adds its status.
    Error::InvalidResponse { status: 0, reason: nylas_pkce::flow::FOREIGN_GRANT },
    // The app's backend hook (`codeExchange`, `refresh`) threw or rejected; its error is the `cause`.
    Error::Network("the app's backend (its codeExchange or refresh hook) failed"),
];

/// A packed options string, read field by field in its list's order.
#[derive(Debug)]
pub struct Fields<'a>(core::str::Split<'a, char>);

/// The error for a packed string that does not have the shape its list gives: only a caller that bypasses
/// the package's JavaScript can cause it.
fn unreadable(config: bool) -> Error {
    let (field, reason) = ("options", "could not be read");
    if config {
        Error::InvalidConfig { field, reason }
    } else {
        Error::InvalidOption { field, reason }
    }
}

impl<'a> Fields<'a> {
    /// Reads `packed`.
    pub fn new(packed: &'a str) -> Self {
        Fields(packed.split('\0'))
    }

    /// The next field's value, `None` when the option is absent (an exhausted reader reads as absent: an
    /// empty string is "no options").
    pub fn raw(&mut self) -> Option<&'a str> {
        self.0.next().and_then(|v| v.strip_prefix('+'))
    }

    /// A string option.
    pub fn string(&mut self) -> Option<String> {
        self.raw().map(String::from)
    }

    /// A boolean option.
    pub fn boolean(&mut self) -> Option<bool> {
        self.raw().map(|v| v == "1")
    }

    /// A whole-number option.
    ///
    /// # Errors
    /// `config`'s code (`invalid_config`, else `invalid_option`) when the field is not digits.
    pub fn uint(&mut self, config: bool) -> Result<Option<u64>, Error> {
        match self.raw() {
            None => Ok(None),
            Some(v) => parse_u64(v).map(Some).ok_or(unreadable(config)),
        }
    }

    /// A list option: one string split on `sep` (empty parts dropped), or the items of an array as given.
    ///
    /// # Errors
    /// `invalid_option` when the field is not a packed list.
    pub fn list(&mut self, sep: char) -> Result<Option<Vec<String>>, Error> {
        Ok(match self.raw() {
            None => None,
            Some(v) => Some(match (v.strip_prefix('s'), v.strip_prefix('a')) {
                (Some(s), _) => s.split(sep).filter(|p| !p.is_empty()).map(String::from).collect(),
                (_, Some(items)) => items.split('\u{1}').skip(1).map(String::from).collect(),
                _ => return Err(unreadable(false)),
            }),
        })
    }

    /// A map-of-strings option, as pairs in the caller's order.
    ///
    /// # Errors
    /// `invalid_option` when the field is not a packed map.
    pub fn map(&mut self) -> Result<Vec<(String, String)>, Error> {
        let Some(v) = self.raw().filter(|v| !v.is_empty()) else { return Ok(Vec::new()) };
        let mut parts = v.split('\u{1}');
        let mut out = Vec::new();
        while let Some(k) = parts.next() {
            out.push((k.into(), parts.next().ok_or(unreadable(false))?.into()));
        }
        Ok(out)
    }

    /// Whether an object option is present (its members follow either way).
    pub fn object(&mut self) -> bool {
        self.raw().is_some()
    }
}

/// Decimal digits as a `u64` (`None` for anything else, or an overflow).
pub fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |n, b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

/// Values packed for JavaScript: joined by NUL (no value of ours contains one).
#[derive(Debug, Default)]
pub struct Packed(String);

impl Packed {
    /// Appends one value.
    pub fn push(&mut self, v: &str) -> &mut Self {
        if !self.0.is_empty() {
            self.0.push('\0');
        }
        self.0.push_str(v);
        self
    }

    /// Appends a number.
    pub fn num(&mut self, n: u64) -> &mut Self {
        self.push(&nylas_pkce::json::u64_to_string(n))
    }

    /// The packed text; an empty first value is kept as such.
    pub fn finish(&mut self) -> String {
        core::mem::take(&mut self.0)
    }
}

/// What the package's JavaScript does (`js/options.js`), in Rust, for options given as JSON: refuses a name
/// none of `lists` has, then packs `list`'s options. For the native tests and the fuzzers, which drive the
/// binding with the same inputs as the package's; the wasm does not link it.
///
/// # Errors
/// `invalid_config` (`config`) or `invalid_option`, naming the option, for an unknown name or a value of
/// the wrong JSON type.
pub fn pack_json(list: &[Field], o: &Json, known: &[&[Field]], config: bool) -> Result<String, Error> {
    let wrong = |field: &'static str, reason: &'static str| {
        if config {
            Error::InvalidConfig { field, reason }
        } else {
            Error::InvalidOption { field, reason }
        }
    };
    let members = match o {
        Json::Null => &[][..],
        Json::Object(m) => m.as_slice(),
        _ => return Err(wrong("options", "must be an object")),
    };
    check_names(members, known, config)?;
    let mut out: Vec<String> = Vec::new();
    for Field(name, kind, inner) in list {
        if *kind == b'p' {
            continue;
        }
        let v = o.get(name).filter(|v| !matches!(v, Json::Null));
        out.push(match v {
            None => String::new(),
            Some(v) => pack_value(name, *kind, v).ok_or_else(|| wrong(name, "has the wrong type"))?,
        });
        if !inner.is_empty() {
            let empty = Json::Object(Vec::new());
            let v = v.unwrap_or(&empty);
            if let Json::Object(m) = v {
                check_names(m, &[inner], config)?;
            }
            for Field(m, k, _) in *inner {
                let x = v.get(m).filter(|x| !matches!(x, Json::Null));
                out.push(match x {
                    None => String::new(),
                    Some(x) => pack_value(m, *k, x).ok_or_else(|| wrong(m, "has the wrong type"))?,
                });
            }
        }
    }
    Ok(out.join("\0"))
}

fn check_names(members: &[(String, Json)], known: &[&[Field]], config: bool) -> Result<(), Error> {
    match members.iter().find(|(k, _)| !known.iter().any(|l| l.iter().any(|f| f.0 == k))) {
        Some((k, _)) => Err(Error::UnknownOption { field: k.clone(), config }),
        None => Ok(()),
    }
}

fn text(s: &str) -> Option<&str> {
    (!s.contains(['\0', '\u{1}'])).then_some(s)
}

fn pack_value(_name: &str, kind: u8, v: &Json) -> Option<String> {
    let mut out = String::from("+");
    match (kind, v) {
        (b's', Json::String(s)) => out.push_str(text(s)?),
        (b'b', Json::Bool(b)) => out.push(if *b { '1' } else { '0' }),
        (b'u', Json::Number(n)) if *n >= 0.0 && *n <= 9_007_199_254_740_991.0 && (*n as u64) as f64 == *n => {
            out.push_str(&nylas_pkce::json::u64_to_string(*n as u64))
        }
        (b'l', Json::String(s)) => {
            out.push('s');
            out.push_str(text(s)?);
        }
        (b'l', Json::Array(items)) => {
            out.push('a');
            for i in items {
                out.push('\u{1}');
                out.push_str(i.as_str().and_then(text)?);
            }
        }
        (b'm', Json::Object(m)) => {
            let mut parts = Vec::new();
            for (k, x) in m {
                parts.push(text(k)?);
                parts.push(text(x.as_str()?)?);
            }
            out.push_str(&parts.join("\u{1}"));
        }
        (b'j', v) => nylas_pkce::json::write_value(&mut out, v),
        (b'o', Json::Object(_)) => {}
        _ => return None,
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(list: &[Field]) -> String {
        let mut out = String::from("[");
        for (i, Field(name, kind, members)) in list.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&format!("['{name}', '{}'", *kind as char));
            if !members.is_empty() {
                out.push_str(&format!(", {}", kinds(members)));
            }
            out.push(']');
        }
        out.push(']');
        out
    }

    fn names(list: &[&str]) -> String {
        let quoted: Vec<String> = list.iter().map(|n| format!("'{n}'")).collect();
        format!("[{}]", quoted.join(", "))
    }

    /// `js/fields.js` as the lists here make it.
    fn fields_js() -> String {
        let mut js = String::from(
            "// Generated from npm/src/fields.rs (the one home of these lists) by its test; do not edit.\n\
             // Regenerate: BLESS=1 cargo test -p nylas-pkce-npm fields_js\n\
             // A list entry is [name, kind, members?]; the kinds are documented in npm/src/fields.rs.\n",
        );
        for (name, list) in [
            ("CONFIG", CONFIG),
            ("CLIENT", CLIENT),
            ("PAGE", PAGE),
            ("AUTHORIZATION", AUTHORIZATION),
            ("TOKEN_REQUEST", TOKEN_REQUEST),
            ("EXPECTATIONS", EXPECTATIONS),
        ] {
            js.push_str(&format!("export const {name} = {};\n", kinds(list)));
        }
        js.push_str(&format!("export const LOGIN_DEFAULTS = {};\n", names(LOGIN_DEFAULTS)));
        js.push_str(&format!("export const REQUIRED_CONFIG = {};\n", names(REQUIRED_CONFIG)));
        js.push_str(&format!("export const CALLBACK_PARAMS = {};\n", names(nylas_pkce::callback::CALLBACK_PARAMS)));
        js.push_str(&format!("export const RESULT_PARAMS = {};\n", names(nylas_pkce::callback::RESULT_PARAMS)));
        js.push_str(&format!("export const POPUP_STATE_PREFIX = '{POPUP_STATE_PREFIX}';\n"));
        js.push_str(&format!("export const TRANSACTION_KEY_PREFIX = '{}';\n", nylas_pkce::transaction::KEY_PREFIX));
        // What a page needs to find its client's stored tokens without the protocol (js/keys.js): the
        // namespace's inputs, and the checks of a stored token set (`flow::restored`).
        js.push_str(&format!("export const TOKEN_KEY_PREFIX = '{}';\n", nylas_pkce::accounts::TOKEN_KEY_PREFIX));
        js.push_str(&format!("export const NAMESPACE_TAG = '{}';\n", nylas_pkce::transaction::NAMESPACE_TAG));
        let regions: Vec<String> =
            nylas_pkce::config::Region::ALL.iter().map(|(name, r)| format!("{name}: '{}'", r.base_url())).collect();
        js.push_str(&format!("export const REGIONS = {{ {} }};\n", regions.join(", ")));
        js.push_str(&format!("export const TOKEN_PATH = '{}';\n", nylas_pkce::config::TOKEN_PATH));
        let skew = nylas_pkce::flow::ClientOptions::default().clock_skew_ms;
        js.push_str(&format!("export const CLOCK_SKEW_MS = {skew};\n"));
        let class = |r: core::ops::RangeInclusive<u8>| format!("/^[\\x{:02x}-\\x{:02x}]+$/", r.start(), r.end());
        js.push_str(&format!("export const BEARER = {};\n", class(nylas_pkce::token::BEARER_BYTES)));
        js.push_str(&format!("export const VSCHAR = {};\n", class(nylas_pkce::token::VSCHAR_BYTES)));
        let errors: Vec<String> =
            PAGE_ERRORS.iter().map(|e| format!("['{}', '{}']", e.code(), e.message().replace('\'', "\\'"))).collect();
        js.push_str(&format!("export const PAGE_ERRORS = [{}];\n", errors.join(", ")));
        js
    }

    #[test]
    fn fields_js_is_generated_from_these_lists() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../js/fields.js");
        let want = fields_js();
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(have == want, "js/fields.js is out of date: run BLESS=1 cargo test -p nylas-pkce-npm fields_js");
    }

    #[test]
    fn required_config() {
        // Each required option missing, the others given: the reader refuses it by name, as `is required`.
        for (i, name) in REQUIRED_CONFIG.iter().enumerate() {
            let packed: Vec<&str> =
                REQUIRED_CONFIG.iter().enumerate().map(|(j, _)| if i == j { "" } else { "+x" }).collect();
            let e = crate::options::config(&packed.join("\0")).unwrap_err();
            assert_eq!((e.code(), e.field()), ("invalid_config", Some(*name)));
            assert!(e.message().ends_with("is required"), "{}", e.message());
        }
        assert_eq!(&CONFIG.iter().take(REQUIRED_CONFIG.len()).map(|f| f.0).collect::<Vec<_>>(), REQUIRED_CONFIG);
    }

    #[test]
    fn login_defaults_are_authorization_options() {
        for name in LOGIN_DEFAULTS {
            assert!(AUTHORIZATION.iter().any(|f| f.0 == *name), "{name}");
        }
    }

    #[test]
    fn reads_each_kind() {
        let mut r = Fields::new("+text\0\0+1\0+0\0+42\0+sa b  c\0+a\u{1}x\u{1}y z\0+k\u{1}v\u{1}k2\u{1}\0+");
        assert_eq!(r.string().as_deref(), Some("text"));
        assert_eq!(r.string(), None);
        assert_eq!((r.boolean(), r.boolean()), (Some(true), Some(false)));
        assert_eq!(r.uint(false).unwrap(), Some(42));
        assert_eq!(r.list(' ').unwrap().unwrap(), ["a", "b", "c"]);
        assert_eq!(r.list(' ').unwrap().unwrap(), ["x", "y z"]);
        // An empty list and a list of one empty item are not the same.
        assert_eq!(Fields::new("+a").list(' ').unwrap().unwrap(), Vec::<String>::new());
        assert_eq!(Fields::new("+a\u{1}").list(' ').unwrap().unwrap(), [""]);
        assert_eq!(r.map().unwrap(), [("k".into(), "v".into()), ("k2".into(), String::new())]);
        assert!(r.object());
        assert_eq!(r.string(), None, "past the end is absent");
        assert_eq!(Fields::new("+12x").uint(true).unwrap_err().code(), "invalid_config");
        assert_eq!(Fields::new("+k").map().unwrap_err().code(), "invalid_option");
        assert_eq!(Fields::new("+x").list(' ').unwrap_err().code(), "invalid_option");
        assert_eq!(parse_u64("18446744073709551616"), None);
    }
}
