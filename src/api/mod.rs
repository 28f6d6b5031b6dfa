//! The JSON shapes of the JavaScript API: option objects in, result objects out. Pure Rust, so every
//! validation rule of the JS API is tested natively; the wasm layer only moves the JSON text across
//! (`JSON.stringify` in, `JSON.parse` out).

pub mod engine;

use crate::prelude::*;

use crate::authorize::{AccessType, AuthorizationOptions, AuthorizationRequest};
use crate::callback::Callback;
use crate::client::{CallbackOutcome, ClientOptions};
use crate::config::{Config, Endpoints, Flavor, Region, TokenBody};
use crate::json::{self, Json, ObjectWriter};
use crate::pkce::{ChallengeEncoding, ChallengeMethod};
use crate::secret::{AuthorizationCode, CodeVerifier, RefreshToken};
use crate::token::{self, HttpRequest, TokenSet};
use crate::transaction::ResponseType;
use crate::Error;

fn wrong(field: &'static str, config: bool, reason: &'static str) -> Error {
    if config {
        Error::InvalidConfig { field, reason }
    } else {
        Error::InvalidOption { field, reason }
    }
}

/// The client configuration's options.
pub const CONFIG_OPTIONS: &[&str] = &[
    "clientId",
    "redirectUri",
    "region",
    "apiBase",
    "endpoints",
    "issuer",
    "requireIss",
    "challengeEncoding",
    "tokenBody",
];
/// `NylasAuth`'s tunables.
pub const CLIENT_OPTIONS: &[&str] = &["transactionTtlMs", "clockSkewMs", "fetchTimeoutMs", "publicRefresh"];
/// An authorization's options (`scope` is an alias of `scopes`).
pub const AUTHORIZATION_OPTIONS: &[&str] = &[
    "responseType",
    "credentialId",
    "provider",
    "scopes",
    "scope",
    "state",
    "loginHint",
    "accessType",
    "prompt",
    "includeGrantScopes",
    "codeVerifier",
    "verifierLength",
    "challengeMethod",
    "extraParams",
    "allowScopeConflicts",
    "appState",
];
/// The authorization options `NylasAuth` takes once, as defaults for every login (the rest are per call:
/// a `state` or `codeVerifier` given to the constructor would be dropped, so it is refused).
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
];
/// The members of `endpoints`.
pub const ENDPOINT_OPTIONS: &[&str] = &[
    "authorizationEndpoint",
    "tokenEndpoint",
    "revocationEndpoint",
    "tokenInfoEndpoint",
    "grantInfoEndpoint",
    "providerDetectEndpoint",
    "issuer",
];
/// `tokenRequest`'s own options (beside the configuration's).
pub const TOKEN_REQUEST_OPTIONS: &[&str] = &["code", "codeVerifier", "redirectUri", "refreshToken", "scope"];
/// `parseCallback`'s expectations.
pub const EXPECTATIONS: &[&str] = &["state", "issuer", "requireIss"];

/// Refuses an option no list in `known` names: a misspelled option must not be dropped silently.
///
/// # Errors
/// `invalid_config` (`config`) or `invalid_option`, naming the first unknown option.
pub fn known_options(o: &Json, known: &[&[&str]], config: bool) -> Result<(), Error> {
    if let Json::Object(members) = o {
        for (k, _) in members {
            if !known.iter().any(|list| list.contains(&k.as_str())) {
                return Err(Error::UnknownOption { field: k.clone(), config });
            }
        }
    }
    Ok(())
}

fn member<'a>(o: &'a Json, key: &str) -> Option<&'a Json> {
    o.get(key).filter(|v| !matches!(v, Json::Null))
}

/// An optional string member (`null`/absent → `None`; any other type is an error naming `key`).
fn opt_str(o: &Json, key: &'static str, config: bool) -> Result<Option<String>, Error> {
    match member(o, key) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(wrong(key, config, "must be a string")),
    }
}

fn req_str(o: &Json, key: &'static str, config: bool) -> Result<String, Error> {
    opt_str(o, key, config)?.ok_or(wrong(key, config, "is required"))
}

fn opt_enum<T>(
    o: &Json,
    key: &'static str,
    config: bool,
    parse: fn(&str) -> Option<T>,
    reason: &'static str,
) -> Result<Option<T>, Error> {
    match opt_str(o, key, config)? {
        None => Ok(None),
        Some(s) => parse(&s).map(Some).ok_or(wrong(key, config, reason)),
    }
}

/// A list of strings: an array, or one string split on `sep`.
fn str_list(o: &Json, key: &'static str, sep: char) -> Result<Vec<String>, Error> {
    match member(o, key) {
        None => Ok(Vec::new()),
        Some(Json::String(s)) => Ok(s.split(sep).filter(|p| !p.is_empty()).map(Into::into).collect()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(String::from).ok_or(wrong(key, false, "must be an array of strings")))
            .collect(),
        Some(_) => Err(wrong(key, false, "must be an array of strings")),
    }
}

fn opt_bool(o: &Json, key: &'static str, config: bool) -> Result<Option<bool>, Error> {
    match member(o, key) {
        None => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(wrong(key, config, "must be a boolean")),
    }
}

/// An optional whole, non-negative JS number (strings are not accepted here, unlike in server bodies).
fn opt_uint(o: &Json, key: &'static str, config: bool, reason: &'static str) -> Result<Option<u64>, Error> {
    match member(o, key) {
        None => Ok(None),
        Some(Json::Number(_)) => o.uint_of(key).map(Some).ok_or(wrong(key, config, reason)),
        Some(_) => Err(wrong(key, config, reason)),
    }
}

fn opt_ms(o: &Json, key: &'static str) -> Result<Option<u64>, Error> {
    opt_uint(o, key, true, "must be a whole number of milliseconds")
}

/// The client configuration: `clientId`, `redirectUri`, and one of `region` / `apiBase` / `endpoints`;
/// optional `issuer`, `challengeEncoding`, `tokenBody`.
pub fn config(o: &Json) -> Result<Config, Error> {
    if !matches!(o, Json::Object(_)) {
        return Err(Error::InvalidConfig { field: "options", reason: "must be an object" });
    }
    let client_id = req_str(o, "clientId", true)?;
    let redirect_uri = req_str(o, "redirectUri", true)?;
    let region = opt_enum(o, "region", true, Region::parse, "must be us or eu")?;
    let api_base = opt_str(o, "apiBase", true)?;
    let endpoints = member(o, "endpoints");
    if [region.is_some(), api_base.is_some(), endpoints.is_some()].iter().filter(|b| **b).count() > 1 {
        return Err(Error::InvalidConfig { field: "region", reason: "give only one of region, apiBase, endpoints" });
    }
    let (mut ep, flavor) = match (endpoints, api_base) {
        (Some(e @ Json::Object(_)), _) => {
            known_options(e, &[ENDPOINT_OPTIONS], true)?;
            (
                Endpoints {
                    authorization: req_str(e, "authorizationEndpoint", true)?,
                    token: req_str(e, "tokenEndpoint", true)?,
                    revocation: opt_str(e, "revocationEndpoint", true)?,
                    token_info: opt_str(e, "tokenInfoEndpoint", true)?,
                    grant_info: opt_str(e, "grantInfoEndpoint", true)?,
                    provider_detect: opt_str(e, "providerDetectEndpoint", true)?,
                    issuer: opt_str(e, "issuer", true)?,
                },
                Flavor::Generic,
            )
        }
        (Some(_), _) => return Err(Error::InvalidConfig { field: "endpoints", reason: "must be an object" }),
        (None, Some(base)) => (Endpoints::nylas_base(&base), Flavor::Nylas),
        (None, None) => (Endpoints::nylas(region.unwrap_or_default()), Flavor::Nylas),
    };
    if let Some(iss) = opt_str(o, "issuer", true)? {
        ep.issuer = Some(iss);
    }
    let mut config = Config::new(&client_id, &redirect_uri, ep, flavor)?;
    if let Some(e) = opt_enum(o, "challengeEncoding", true, ChallengeEncoding::parse, "must be nylas or rfc7636")? {
        config.challenge_encoding = e;
    }
    if let Some(b) = opt_enum(o, "tokenBody", true, TokenBody::parse, "must be json or form")? {
        config.token_body = b;
    }
    config.require_iss = opt_bool(o, "requireIss", true)?.unwrap_or(false);
    if config.require_iss && config.endpoints.issuer.is_none() {
        return Err(Error::InvalidConfig { field: "requireIss", reason: "needs issuer" });
    }
    Ok(config)
}

/// `NylasAuth`'s tunables, and the fetch time-out (`fetchTimeoutMs`, default 30 s).
pub fn client_options(o: &Json) -> Result<(ClientOptions, u64), Error> {
    let d = ClientOptions::default();
    let public_refresh = opt_bool(o, "publicRefresh", true)?.unwrap_or(false);
    Ok((
        ClientOptions {
            transaction_ttl_ms: opt_ms(o, "transactionTtlMs")?.unwrap_or(d.transaction_ttl_ms),
            clock_skew_ms: opt_ms(o, "clockSkewMs")?.unwrap_or(d.clock_skew_ms),
            public_refresh,
        },
        opt_ms(o, "fetchTimeoutMs")?.unwrap_or(30_000),
    ))
}

/// The query parameters of one authorization request (see [`AuthorizationOptions`]).
pub fn authorization_options(o: &Json) -> Result<AuthorizationOptions, Error> {
    let verifier_length = opt_uint(o, "verifierLength", false, "must be a whole number")?.map(|n| n.min(4096) as usize);
    let include_grant_scopes = opt_bool(o, "includeGrantScopes", false)?;
    let extra_params = match member(o, "extraParams") {
        None => Vec::new(),
        Some(Json::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                v.as_str().map(|v| (k.clone(), v.into())).ok_or(wrong("extraParams", false, "values must be strings"))
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err(wrong("extraParams", false, "must be an object of strings")),
    };
    Ok(AuthorizationOptions {
        response_type: opt_enum(o, "responseType", false, ResponseType::parse, "must be code or adminconsent")?
            .unwrap_or_default(),
        credential_id: opt_str(o, "credentialId", false)?,
        provider: opt_str(o, "provider", false)?,
        scopes: match (member(o, "scopes"), member(o, "scope")) {
            (Some(Json::Array(a)), _) | (_, Some(Json::Array(a))) if a.is_empty() => {
                return Err(wrong(
                    "scopes",
                    false,
                    "must not be empty (leave it out for the connector's default scopes)",
                ))
            }
            (Some(_), Some(_)) => return Err(wrong("scope", false, "give scopes or its alias scope, not both")),
            (None, Some(_)) => str_list(o, "scope", ' ')?,
            _ => str_list(o, "scopes", ' ')?,
        },
        state: opt_str(o, "state", false)?,
        login_hint: opt_str(o, "loginHint", false)?,
        access_type: opt_enum(o, "accessType", false, AccessType::parse, "must be online or offline")?
            .unwrap_or_default(),
        prompt: str_list(o, "prompt", ',')?,
        include_grant_scopes,
        code_verifier: opt_str(o, "codeVerifier", false)?,
        verifier_length,
        challenge_method: opt_enum(o, "challengeMethod", false, ChallengeMethod::parse, "must be S256 or plain")?
            .unwrap_or_default(),
        challenge_encoding: None,
        extra_params,
        allow_scope_conflicts: opt_bool(o, "allowScopeConflicts", false)?.unwrap_or(false),
        app_state: o.get("appState").map(|v| {
            let mut text = String::new();
            json::write_value(&mut text, v);
            text
        }),
    })
}

/// `parseCallback`'s expectations: `state` (required), `issuer`, `requireIss`.
pub fn expectations(o: &Json) -> Result<(String, Option<String>, bool), Error> {
    known_options(o, &[EXPECTATIONS], false)?;
    let issuer = opt_str(o, "issuer", false)?;
    let require_iss = opt_bool(o, "requireIss", false)?.unwrap_or(false);
    if require_iss && issuer.is_none() {
        return Err(wrong("requireIss", false, "needs issuer"));
    }
    Ok((req_str(o, "state", false)?, issuer, require_iss))
}

/// `tokenRequest`: the code exchange (`code` + `codeVerifier`, optional `redirectUri`) or, with
/// `refreshToken`, a refresh.
pub fn token_request(o: &Json) -> Result<HttpRequest, Error> {
    known_options(o, &[CONFIG_OPTIONS, TOKEN_REQUEST_OPTIONS], false)?;
    token_request_for(&config(o)?, o)
}

/// [`token_request`] for a configuration already checked: `code` + `codeVerifier` (optional
/// `redirectUri`), or `refreshToken` (optional `scope`).
pub fn token_request_for(config: &Config, o: &Json) -> Result<HttpRequest, Error> {
    if let Some(refresh) = opt_str(o, "refreshToken", false)? {
        let scope = opt_str(o, "scope", false)?;
        return Ok(token::refresh_request(config, &RefreshToken::new(refresh), scope.as_deref(), config.token_body));
    }
    let code = AuthorizationCode::new(req_str(o, "code", false)?);
    let verifier = CodeVerifier::parse(&req_str(o, "codeVerifier", false)?)?;
    let redirect = opt_str(o, "redirectUri", false)?.unwrap_or_else(|| config.redirect_uri.clone());
    Ok(token::code_exchange_request(config, &code, &verifier, &redirect, config.token_body))
}

/// `{ url, state, codeVerifier, codeChallenge, codeChallengeMethod, redirectUri, createdAt, issuer,
/// transaction }`, and `key` (where to store `transaction`) when given.
pub fn authorization_result(req: &AuthorizationRequest, key: Option<&str>) -> String {
    let tx = &req.transaction;
    let mut w = ObjectWriter::default();
    w.str("url", &req.url).str("state", tx.state.secret());
    w.opt_str("codeVerifier", tx.code_verifier.as_ref().map(|v| v.secret()));
    if let Some(c) = &req.code_challenge {
        w.str("codeChallenge", c).str("codeChallengeMethod", req.challenge_method.as_str());
    }
    w.str("redirectUri", &tx.redirect_uri).num("createdAt", tx.created_at).opt_str("issuer", tx.issuer.as_deref());
    w.str("transaction", &tx.to_json()).opt_str("key", key).finish()
}

fn extras(w: &mut ObjectWriter, extras: &[(String, String)]) {
    let m = extras.iter().map(|(k, v)| (k.clone(), Json::String(v.clone()))).collect();
    w.value("extras", &Json::Object(m));
}

/// `{ type: 'code' | 'admin_consent' | 'hosted', state, extras, … }`.
pub fn callback_result(cb: &Callback) -> String {
    let mut w = ObjectWriter::default();
    match cb {
        Callback::Code { code, state, extras: ex } => {
            w.str("type", "code").str("code", code.secret()).str("state", state.secret());
            extras(&mut w, ex);
        }
        Callback::AdminConsent { state, extras: ex } => {
            w.str("type", "admin_consent").bool("adminConsent", true).str("state", state.secret());
            extras(&mut w, ex);
        }
        Callback::Hosted { grant_id, provider, email, state, extras: ex } => {
            w.str("type", "hosted").str("grantId", grant_id).opt_str("provider", provider.as_deref());
            w.opt_str("email", email.as_deref()).str("state", state.secret());
            extras(&mut w, ex);
        }
    }
    w.finish()
}

/// The token set: `{ accessToken, tokenType, expiresIn, expiresAt, refreshToken, scope, grantId, email,
/// provider, idToken, idTokenClaims }` (see [`TokenSet::to_json`]).
pub fn token_set(t: &TokenSet) -> String {
    t.to_json()
}

/// `handleRedirectCallback`'s result: `{ type: 'tokens', …token set }` or `{ type: 'admin_consent' }`.
pub fn outcome(o: &CallbackOutcome) -> String {
    let mut w = ObjectWriter::default();
    match o {
        CallbackOutcome::Tokens { tokens, app_state } => {
            let set = tokens.to_json();
            let members = set.strip_prefix('{').and_then(|m| m.strip_suffix('}')).unwrap_or_default();
            let mut out = String::from("{\"type\":\"tokens\"");
            if !members.is_empty() {
                out.push(',');
                out.push_str(members);
            }
            if let Some(state) = app_state {
                out.push_str(",\"appState\":");
                out.push_str(state);
            }
            out.push('}');
            return out;
        }
        CallbackOutcome::AdminConsent { app_state } => {
            w.str("type", "admin_consent");
            if let Some(state) = app_state {
                w.value_text("appState", state);
            }
        }
    }
    w.finish()
}

/// `{ url, method, headers, body }`.
pub fn http_request(req: &HttpRequest) -> String {
    let headers = req.headers.iter().map(|(k, v)| (String::from(*k), Json::String(v.clone()))).collect();
    let mut w = ObjectWriter::default();
    w.str("url", &req.url).str("method", req.method.as_str()).value("headers", &Json::Object(headers));
    w.opt_str("body", req.body.as_deref()).finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn j(s: &str) -> Json {
        json::parse(s).unwrap()
    }

    fn fails(r: Result<impl core::fmt::Debug, Error>) -> (&'static str, Option<&'static str>) {
        let e = r.unwrap_err();
        // Leaked: a test's few bytes, so that the asserts can compare with string literals.
        (e.code(), e.field().map(|f| &*Box::leak(f.to_string().into_boxed_str())))
    }

    #[test]
    fn config_shapes() {
        let c = config(&j(r#"{"clientId":"c","redirectUri":"https://a.com/cb","region":"eu","tokenBody":"form"}"#))
            .unwrap();
        assert_eq!(c.endpoints.token, "https://api.eu.nylas.com/v3/connect/token");
        assert_eq!(c.token_body, TokenBody::Form);
        let c = config(&j(r#"{"clientId":"c","redirectUri":"https://a.com/cb","apiBase":"http://127.0.0.1:4010/v3","issuer":"http://127.0.0.1:4010/v3"}"#)).unwrap();
        assert_eq!(c.endpoints.issuer.as_deref(), Some("http://127.0.0.1:4010/v3"));
        let c = config(&j(r#"{"clientId":"c","redirectUri":"https://a.com/cb","endpoints":{"authorizationEndpoint":"https://i/a","tokenEndpoint":"https://i/t","issuer":"https://i"}}"#)).unwrap();
        assert_eq!(
            (c.flavor, c.challenge_encoding, c.token_body),
            (Flavor::Generic, ChallengeEncoding::Rfc7636, TokenBody::Form)
        );
        let c = config(&j(
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","region":null,"challengeEncoding":"rfc7636"}"#,
        ))
        .unwrap();
        assert_eq!(
            (c.endpoints.authorization.as_str(), c.challenge_encoding),
            ("https://api.us.nylas.com/v3/connect/auth", ChallengeEncoding::Rfc7636)
        );
    }

    #[test]
    fn config_errors_name_the_field() {
        for (input, field) in [
            ("null", "options"),
            ("[]", "options"),
            (r#"{"redirectUri":"https://a.com/cb"}"#, "clientId"),
            (r#"{"clientId":7,"redirectUri":"https://a.com/cb"}"#, "clientId"),
            (r#"{"clientId":"c"}"#, "redirectUri"),
            (r#"{"clientId":"c","redirectUri":"https://a.com/cb","region":"ap"}"#, "region"),
            (r#"{"clientId":"c","redirectUri":"https://a.com/cb","region":"us","apiBase":"https://x"}"#, "region"),
            (r#"{"clientId":"c","redirectUri":"https://a.com/cb","endpoints":"https://x"}"#, "endpoints"),
            (
                r#"{"clientId":"c","redirectUri":"https://a.com/cb","endpoints":{"tokenEndpoint":"https://i/t"}}"#,
                "authorizationEndpoint",
            ),
            (r#"{"clientId":"c","redirectUri":"https://a.com/cb","tokenBody":"xml"}"#, "tokenBody"),
            (r#"{"clientId":"c","redirectUri":"https://a.com/cb","challengeEncoding":"hex"}"#, "challengeEncoding"),
        ] {
            assert_eq!(fails(config(&j(input))), ("invalid_config", Some(field)), "{input}");
        }
        assert_eq!(fails(client_options(&j(r#"{"fetchTimeoutMs":-1}"#))), ("invalid_config", Some("fetchTimeoutMs")));
        assert_eq!(fails(client_options(&j(r#"{"publicRefresh":"yes"}"#))), ("invalid_config", Some("publicRefresh")));
        let (o, timeout) =
            client_options(&j(r#"{"transactionTtlMs":1000,"fetchTimeoutMs":500,"publicRefresh":true}"#)).unwrap();
        assert_eq!((o.transaction_ttl_ms, o.clock_skew_ms, o.public_refresh, timeout), (1000, 30_000, true, 500));
    }

    #[test]
    fn authorization_option_shapes() {
        let o = authorization_options(&j(r#"{"provider":"google","scopes":"a b","prompt":"select_provider,detect","accessType":"offline","includeGrantScopes":false,"extraParams":{"hd":"x"},"verifierLength":64,"challengeMethod":"plain","loginHint":"a@b"}"#)).unwrap();
        assert_eq!(o.scopes, ["a", "b"]);
        assert_eq!(o.prompt, ["select_provider", "detect"]);
        assert_eq!(
            (o.access_type, o.include_grant_scopes, o.verifier_length),
            (AccessType::Offline, Some(false), Some(64))
        );
        assert_eq!(o.extra_params, [("hd".to_string(), "x".to_string())]);
        assert_eq!(o.challenge_method, ChallengeMethod::Plain);
        assert_eq!(authorization_options(&Json::Null).unwrap(), AuthorizationOptions::default());
        for (input, field) in [
            (r#"{"scopes":[1]}"#, "scopes"),
            (r#"{"scopes":{}}"#, "scopes"),
            (r#"{"responseType":"token"}"#, "responseType"),
            (r#"{"accessType":"forever"}"#, "accessType"),
            (r#"{"includeGrantScopes":"yes"}"#, "includeGrantScopes"),
            (r#"{"extraParams":{"a":1}}"#, "extraParams"),
            (r#"{"extraParams":"a=1"}"#, "extraParams"),
            (r#"{"verifierLength":"64"}"#, "verifierLength"),
            (r#"{"challengeMethod":"S512"}"#, "challengeMethod"),
            (r#"{"state":5}"#, "state"),
        ] {
            assert_eq!(fails(authorization_options(&j(input))), ("invalid_option", Some(field)), "{input}");
        }
    }

    #[test]
    fn results_are_json() {
        let t = token::parse_token_response(
            200,
            Some(&j(r#"{"access_token":"at","token_type":"Bearer","expires_in":10,"scope":"a b","id_token":"h.eyJzdWIiOiJnMSIsImVtYWlsIjoiYUBiLmMifQ.s"}"#)),
            1000,
        )
        .unwrap();
        let out = j(&token_set(&t));
        assert_eq!((out.str_of("accessToken"), out.uint_of("expiresAt")), (Some("at"), Some(11_000)));
        assert_eq!(out.get("idTokenClaims").and_then(|c| c.str_of("email")), Some("a@b.c"));
        let bad_id = token::parse_token_response(
            200,
            Some(&j(r#"{"access_token":"at","token_type":"Bearer","id_token":"x.bm90IGpzb24.y"}"#)),
            0,
        )
        .unwrap();
        assert!(j(&token_set(&bad_id)).get("idTokenClaims").is_none(), "claims that are not JSON are left out");
        let o = j(&outcome(&CallbackOutcome::Tokens { tokens: Box::new(t), app_state: Some("[1]".into()) }));
        assert_eq!(o.get("appState"), Some(&Json::Array(vec![Json::Number(1.0)])));
        assert_eq!((o.str_of("type"), o.str_of("tokenType")), (Some("tokens"), Some("Bearer")));
        let cb = crate::callback::parse_callback("?code=c&state=s&x=1", "s", None, false).unwrap();
        let r = j(&callback_result(&cb));
        assert_eq!(
            (r.str_of("type"), r.str_of("code"), r.get("extras").and_then(|e| e.str_of("x"))),
            (Some("code"), Some("c"), Some("1"))
        );
        let req = token_request(&j(r#"{"clientId":"c","redirectUri":"https://a.com/cb","code":"k","codeVerifier":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}"#)).unwrap();
        let h = j(&http_request(&req));
        assert_eq!(h.get("headers").and_then(|x| x.str_of("Content-Type")), Some("application/json"));
        assert_eq!(
            fails(token_request(&j(r#"{"clientId":"c","redirectUri":"https://a.com/cb","code":"k"}"#))),
            ("invalid_option", Some("codeVerifier"))
        );
        assert_eq!(fails(expectations(&Json::Null)), ("invalid_option", Some("state")));
    }
}
