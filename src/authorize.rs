//! The authorization request (`GET /connect/auth`): the URL to send the user to, and the pending
//! transaction to keep until the callback.

use crate::prelude::*;

use crate::config::Config;
use crate::encode::{push_param, with_query};
use crate::pkce::{random_token, ChallengeEncoding, ChallengeMethod, RandomSource};
use crate::secret::{CodeVerifier, State};
use crate::transaction::{ResponseType, Transaction};
use crate::Error;

/// `access_type`: whether the token answer should include a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessType {
    /// No refresh token (the default: a browser should not hold a long-lived refresh token).
    #[default]
    Online,
    /// Ask for a refresh token too.
    Offline,
}

impl AccessType {
    /// `online` / `offline`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessType::Online => "online",
            AccessType::Offline => "offline",
        }
    }

    /// Parses `online` / `offline`.
    pub fn parse(s: &str) -> Option<AccessType> {
        match s {
            "online" => Some(AccessType::Online),
            "offline" => Some(AccessType::Offline),
            _ => None,
        }
    }
}

/// Options of one authorization request; every query parameter of the reference's `GET /connect/auth`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizationOptions {
    /// `response_type`: `code` (default) or `adminconsent` (needs `credential_id`).
    pub response_type: ResponseType,
    /// `credential_id`: the credential of a multi-credential connector for a code flow (Nylas, March 2026),
    /// or the admin-consent credential (required with [`ResponseType::AdminConsent`]).
    pub credential_id: Option<String>,
    /// `provider`: `google`, `microsoft`, `imap`, `icloud`, `yahoo`, `ews`, `virtual-calendar`, or any string.
    pub provider: Option<String>,
    /// `scope`, sent space-delimited.
    pub scopes: Vec<String>,
    /// `state`; generated from 32 random bytes when `None`. 1–256 characters.
    pub state: Option<String>,
    /// `login_hint`: prefills the email; re-authenticates an existing grant for that email.
    pub login_hint: Option<String>,
    /// `access_type`, `online` by default.
    pub access_type: AccessType,
    /// `prompt`, sent comma-joined, e.g. `select_provider,detect`.
    pub prompt: Vec<String>,
    /// `include_grant_scopes`.
    pub include_grant_scopes: Option<bool>,
    /// A verifier of the caller's (validated); generated when `None`.
    pub code_verifier: Option<String>,
    /// Length of a generated verifier, 43–128 (43 by default: 32 random bytes in base64url).
    pub verifier_length: Option<usize>,
    /// `code_challenge_method`, `S256` by default.
    pub challenge_method: ChallengeMethod,
    /// S256 encoding; the configuration's default when `None`.
    pub challenge_encoding: Option<ChallengeEncoding>,
    /// More query parameters; none may repeat a parameter above.
    pub extra_params: Vec<(String, String)>,
    /// Send `gmail.metadata` with a broader Gmail scope anyway (see [`crate::scopes::check`]).
    pub allow_scope_conflicts: bool,
    /// The app's own state (JSON text): kept in the transaction, never sent, handed back with the callback's
    /// result, so `state` stays the SDK's random value.
    pub app_state: Option<String>,
    /// `options=smtp_required`: the hosted login asks an IMAP user for SMTP settings too, so the grant can send
    /// (the Node SDK's `smtpRequired`, February 2026).
    pub smtp_required: bool,
}

/// Parameters the builder owns; `extra_params` may not set them.
pub const RESERVED_PARAMS: &[&str] = &[
    "client_id",
    "redirect_uri",
    "response_type",
    "provider",
    "scope",
    "state",
    "login_hint",
    "access_type",
    "prompt",
    "code_challenge",
    "code_challenge_method",
    "credential_id",
    "include_grant_scopes",
    "options",
    // They would change where and how the code is delivered (OAuth 2.0 Multiple Response Types; RFC 9101).
    "response_mode",
    "request",
    "request_uri",
];

/// The URL to open and what to keep until the callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// The full authorization URL.
    pub url: String,
    /// The `code_challenge` sent (`None` for admin consent).
    pub code_challenge: Option<String>,
    /// `S256` or `plain`.
    pub challenge_method: ChallengeMethod,
    /// The pending transaction (holds the verifier): store it, keyed by its state.
    pub transaction: Transaction,
}

/// Builds the authorization URL and its pending transaction.
///
/// Parameters are percent-encoded (space as `%20`) in a stable order: `client_id`, `redirect_uri`,
/// `response_type`, `provider`, `scope`, `access_type`, `state`, `login_hint`, `prompt`, `code_challenge`,
/// `code_challenge_method`, `credential_id`, `include_grant_scopes`, `options`, then the extras in their
/// order.
///
/// # Errors
/// `invalid_option` naming the option, `invalid_verifier`, or `crypto_unavailable` from `rng`.
pub fn build_authorization_request(
    config: &Config,
    options: &AuthorizationOptions,
    rng: &mut impl RandomSource,
    now_ms: u64,
) -> Result<AuthorizationRequest, Error> {
    validate(options)?;
    let admin = options.response_type == ResponseType::AdminConsent;
    let state = match &options.state {
        Some(s) => s.clone(),
        None => random_token(rng)?,
    };
    let verifier = if admin {
        None
    } else {
        Some(match (&options.code_verifier, options.verifier_length) {
            (Some(v), _) => CodeVerifier::parse(v)?,
            (None, Some(len)) if len != 43 => CodeVerifier::generate(len, rng)?,
            (None, _) => {
                let mut bytes = [0u8; 32];
                rng.fill(&mut bytes)?;
                let v = CodeVerifier::from_random_bytes(&bytes);
                bytes.fill(0);
                v
            }
        })
    };
    let encoding = options.challenge_encoding.unwrap_or(config.challenge_encoding);
    let challenge = verifier.as_ref().map(|v| v.challenge(options.challenge_method, encoding));

    let mut url = with_query(&config.endpoints.authorization);
    let mut param = |k: &str, v: Option<&str>| {
        if let Some(v) = v {
            push_param(&mut url, k, v);
        }
    };
    let scope = join(&options.scopes, ' ');
    let prompt = join(&options.prompt, ',');
    param("client_id", Some(&config.client_id));
    param("redirect_uri", Some(&config.redirect_uri));
    param("response_type", Some(options.response_type.as_str()));
    param("provider", options.provider.as_deref());
    param("scope", scope.as_deref());
    param("access_type", (!admin).then(|| options.access_type.as_str()));
    param("state", Some(&state));
    param("login_hint", options.login_hint.as_deref().filter(|s| !s.is_empty()));
    param("prompt", prompt.as_deref());
    param("code_challenge", challenge.as_deref());
    param("code_challenge_method", challenge.as_ref().map(|_| options.challenge_method.as_str()));
    param("credential_id", options.credential_id.as_deref());
    param("include_grant_scopes", options.include_grant_scopes.map(|b| if b { "true" } else { "false" }));
    param("options", options.smtp_required.then_some("smtp_required"));
    for (k, v) in &options.extra_params {
        param(k, Some(v));
    }

    Ok(AuthorizationRequest {
        url,
        code_challenge: challenge,
        challenge_method: options.challenge_method,
        transaction: Transaction {
            state: State::new(state),
            code_verifier: verifier,
            redirect_uri: config.redirect_uri.clone(),
            created_at: now_ms,
            issuer: config.endpoints.issuer.clone(),
            response_type: options.response_type,
            client_id: config.client_id.clone(),
            token_endpoint: config.endpoints.token.clone(),
            app_state: options.app_state.clone(),
        },
    })
}

fn join(items: &[String], sep: char) -> Option<String> {
    let (first, rest) = items.split_first()?;
    let mut out = first.clone();
    for item in rest {
        out.push(sep);
        out.push_str(item);
    }
    Some(out)
}

fn bad(field: &'static str, reason: &'static str) -> Error {
    Error::InvalidOption { field, reason }
}

/// The shortest `state` a caller may give: 22 characters, the length of 128 random bits in base64url (RFC
/// 6749 §10.10 wants a guess to be infeasible). App data belongs in `app_state`, which is never sent.
pub const MIN_STATE_CHARS: usize = 22;

/// Checks a caller's `state`: 22 to 256 characters.
///
/// # Errors
/// `invalid_option` (`state`).
pub fn check_state(state: &str) -> Result<(), Error> {
    // Characters, not bytes: count the bytes that start one (a plain loop; `chars().count()` links an
    // unrolled counter into the wasm).
    let n = state.bytes().filter(|b| b & 0xC0 != 0x80).count();
    if !(MIN_STATE_CHARS..=256).contains(&n) {
        return Err(bad("state", "must be 22 to 256 characters (at least 128 bits; put app data in appState)"));
    }
    Ok(())
}

/// The most `app_state` may hold: 4 KiB of JSON text (it is kept in the transaction record, in storage).
pub const MAX_APP_STATE_BYTES: usize = 4096;

/// Checks one authorization's options as [`build_authorization_request`] does, without building anything
/// (the npm package checks its login defaults with it when it is configured).
///
/// # Errors
/// `invalid_option` naming the option, `invalid_verifier` for a `verifierLength` out of 43–128.
pub fn validate(o: &AuthorizationOptions) -> Result<(), Error> {
    if let Some(s) = &o.state {
        check_state(s)?;
    }
    if o.app_state.as_ref().is_some_and(|a| a.len() > MAX_APP_STATE_BYTES) {
        return Err(bad("appState", "must be at most 4 KiB as JSON"));
    }
    if o.app_state.as_deref().is_some_and(|a| crate::json::nesting(a) > crate::json::MAX_DEPTH) {
        return Err(bad("appState", "must nest at most 32 arrays or objects deep"));
    }
    if o.provider.as_deref().is_some_and(|p| p.trim().is_empty()) {
        return Err(bad("provider", "must not be empty"));
    }
    if o.scopes.iter().any(|s| s.is_empty() || s.contains(char::is_whitespace)) {
        return Err(bad("scopes", "each scope must be non-empty and contain no spaces"));
    }
    crate::scopes::check(&o.scopes, o.provider.as_deref(), o.allow_scope_conflicts)?;
    if o.prompt.iter().any(|p| p.is_empty() || p.contains(',') || p.contains(char::is_whitespace)) {
        return Err(bad("prompt", "each prompt must be non-empty, without commas or spaces"));
    }
    match o.response_type {
        ResponseType::AdminConsent if o.credential_id.as_deref().is_none_or(str::is_empty) => {
            return Err(bad("credentialId", "is required when responseType is adminconsent"));
        }
        ResponseType::Code if o.credential_id.as_deref().is_some_and(str::is_empty) => {
            return Err(bad("credentialId", "must not be empty"));
        }
        _ => {}
    }
    if let Some(len) = o.verifier_length {
        if o.code_verifier.is_some() {
            return Err(bad("verifierLength", "cannot be combined with codeVerifier"));
        }
        if !(43..=128).contains(&len) {
            return Err(Error::InvalidVerifier("length must be 43 to 128"));
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in &o.extra_params {
        if k.is_empty() {
            return Err(bad("extraParams", "parameter names must not be empty"));
        }
        if RESERVED_PARAMS.contains(&k.as_str()) {
            return Err(bad("extraParams", "may not override a parameter the SDK sets"));
        }
        if seen.contains(&k.as_str()) {
            return Err(bad("extraParams", "a parameter may appear only once"));
        }
        seen.push(k);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Endpoints, Flavor, Region};
    use crate::encode::parse_query;

    fn rng() -> impl FnMut(&mut [u8]) -> Result<(), Error> {
        let mut n = 0u8;
        move |b: &mut [u8]| {
            for x in b.iter_mut() {
                *x = n;
                n = n.wrapping_add(37);
            }
            Ok(())
        }
    }

    fn params(url: &str) -> Vec<(String, String)> {
        parse_query(url.split_once('?').unwrap().1).unwrap()
    }

    fn names(url: &str) -> Vec<String> {
        params(url).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn reproduces_the_reference_pkce_example() {
        // Reference, "Authentication OAuth 2.0 + PKCE": the authorization request for provider google,
        // two scopes, state sQ6vFQN (padded to the 22 characters a caller's state needs), verifier "nylas" (a docs example, too short for RFC 7636: its challenge
        // comes from code_challenge(), which accepts any string).
        let ep = Endpoints::nylas_base("https://myapp.us.nylas.com");
        let config =
            Config::new("<your_nylas_app_client_id>", "https://myapp.com/callback-handler", ep, Flavor::Nylas).unwrap();
        let req = build_authorization_request(
            &config,
            &AuthorizationOptions {
                provider: Some("google".into()),
                scopes: vec!["https://www.googleapis.com/auth/gmail.readonly".into(), "profile".into()],
                state: Some("sQ6vFQN-sQ6vFQN-sQ6vFQN".into()),
                ..Default::default()
            },
            &mut rng(),
            0,
        )
        .unwrap();
        assert!(req.url.starts_with("https://myapp.us.nylas.com/connect/auth?client_id=%3Cyour_nylas_app_client_id%3E&redirect_uri=https%3A%2F%2Fmyapp.com%2Fcallback-handler&response_type=code&provider=google&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fgmail.readonly%20profile&access_type=online&state=sQ6vFQN-sQ6vFQN-sQ6vFQN&code_challenge="), "{}", req.url);
        assert!(req.url.ends_with("&code_challenge_method=S256"));
        let expected_challenge = crate::pkce::code_challenge(
            req.transaction.code_verifier.as_ref().unwrap().secret(),
            ChallengeMethod::S256,
            ChallengeEncoding::Nylas,
        );
        assert_eq!(req.code_challenge.as_deref(), Some(expected_challenge.as_str()));
        let p = params(&req.url);
        assert!(p.contains(&("code_challenge".into(), expected_challenge)));
        assert_eq!(
            crate::pkce::code_challenge("nylas", ChallengeMethod::S256, ChallengeEncoding::Nylas),
            "ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg"
        );
    }

    #[test]
    fn every_parameter_in_stable_order() {
        let config = Config::nylas("cid", "https://a.com/cb", Region::Eu).unwrap();
        let req = build_authorization_request(
            &config,
            &AuthorizationOptions {
                provider: Some("microsoft".into()),
                scopes: vec!["Mail.Read".into(), "offline_access".into()],
                state: Some("a b&c=d/é and 128 bits of it".into()),
                login_hint: Some("a+b@example.com".into()),
                access_type: AccessType::Offline,
                prompt: vec!["select_provider".into(), "detect".into()],
                include_grant_scopes: Some(true),
                credential_id: Some("cred-1".into()),
                smtp_required: true,
                extra_params: vec![("hd".into(), "example.com".into())],
                ..Default::default()
            },
            &mut rng(),
            5,
        )
        .unwrap();
        assert!(req.url.starts_with("https://api.eu.nylas.com/v3/connect/auth?"));
        assert_eq!(
            names(&req.url),
            [
                "client_id",
                "redirect_uri",
                "response_type",
                "provider",
                "scope",
                "access_type",
                "state",
                "login_hint",
                "prompt",
                "code_challenge",
                "code_challenge_method",
                "credential_id",
                "include_grant_scopes",
                "options",
                "hd"
            ]
        );
        // A code flow of a multi-credential connector names its credential; smtpRequired is options=smtp_required.
        assert!(req.url.contains("&credential_id=cred-1&"));
        assert!(req.url.contains("&options=smtp_required&"));
        let p = params(&req.url);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).unwrap().1.clone();
        assert_eq!(get("scope"), "Mail.Read offline_access");
        assert_eq!(get("prompt"), "select_provider,detect");
        assert_eq!(get("state"), "a b&c=d/é and 128 bits of it");
        assert_eq!(get("login_hint"), "a+b@example.com");
        assert_eq!(get("access_type"), "offline");
        assert!(req.url.contains("state=a%20b%26c%3Dd%2F%C3%A9%20and%20128%20bits%20of%20it&"));
        assert!(req.url.contains("login_hint=a%2Bb%40example.com"));
        assert!(req.url.contains("prompt=select_provider%2Cdetect"));
        assert_eq!(req.transaction.created_at, 5);
        assert_eq!(req.transaction.state.secret(), "a b&c=d/é and 128 bits of it");
    }

    #[test]
    fn generated_state_and_verifier() {
        let config = Config::nylas("cid", "https://a.com/cb", Region::Us).unwrap();
        let req = build_authorization_request(&config, &AuthorizationOptions::default(), &mut rng(), 0).unwrap();
        assert_eq!(req.transaction.state.secret().len(), 43);
        let v = req.transaction.code_verifier.as_ref().unwrap();
        assert_eq!(v.secret().len(), 43);
        assert_ne!(v.secret(), req.transaction.state.secret());
        let long = build_authorization_request(
            &config,
            &AuthorizationOptions { verifier_length: Some(128), ..Default::default() },
            &mut rng(),
            0,
        )
        .unwrap();
        assert_eq!(long.transaction.code_verifier.unwrap().secret().len(), 128);
        assert!(!req.url.contains(v.secret()), "the verifier never goes into the URL");
    }

    #[test]
    fn rfc_encoding_and_plain() {
        let config = Config::nylas("cid", "https://a.com/cb", Region::Us).unwrap();
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let req = build_authorization_request(
            &config,
            &AuthorizationOptions {
                code_verifier: Some(verifier.into()),
                challenge_encoding: Some(ChallengeEncoding::Rfc7636),
                ..Default::default()
            },
            &mut rng(),
            0,
        )
        .unwrap();
        assert!(req
            .url
            .contains("code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"));
        let plain = build_authorization_request(
            &config,
            &AuthorizationOptions {
                code_verifier: Some(verifier.into()),
                challenge_method: ChallengeMethod::Plain,
                ..Default::default()
            },
            &mut rng(),
            0,
        )
        .unwrap();
        assert!(plain
            .url
            .ends_with("code_challenge=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&code_challenge_method=plain"));
    }

    #[test]
    fn admin_consent() {
        let config = Config::nylas("71dd22z6os123fgev42xnxbq", "http://localhost:5000/callback", Region::Us).unwrap();
        let req = build_authorization_request(
            &config,
            &AuthorizationOptions {
                response_type: ResponseType::AdminConsent,
                provider: Some("microsoft".into()),
                credential_id: Some("e19f8e1a-eb1c-41c0-b6a6-d2e59daf7f47".into()),
                state: Some("state1234-state1234-state1234".into()),
                ..Default::default()
            },
            &mut rng(),
            0,
        )
        .unwrap();
        assert_eq!(
            names(&req.url),
            ["client_id", "redirect_uri", "response_type", "provider", "state", "credential_id"]
        );
        assert!(req.url.contains("response_type=adminconsent"));
        assert!(req.transaction.code_verifier.is_none());
    }

    #[test]
    fn existing_query_in_endpoint() {
        let mut ep = Endpoints::nylas(Region::Us);
        ep.authorization = "https://idp.example/authorize?tenant=x".into();
        let config = Config::new("cid", "https://a.com/cb", ep, Flavor::Generic).unwrap();
        let req = build_authorization_request(&config, &AuthorizationOptions::default(), &mut rng(), 0).unwrap();
        assert!(req.url.starts_with("https://idp.example/authorize?tenant=x&client_id=cid&"));
    }

    #[test]
    fn invalid_options() {
        let config = Config::nylas("cid", "https://a.com/cb", Region::Us).unwrap();
        let cases: Vec<(AuthorizationOptions, &str, Option<&str>)> = vec![
            (
                AuthorizationOptions { state: Some(String::new()), ..Default::default() },
                "invalid_option",
                Some("state"),
            ),
            (
                AuthorizationOptions { state: Some("x".repeat(257)), ..Default::default() },
                "invalid_option",
                Some("state"),
            ),
            (
                AuthorizationOptions { provider: Some(" ".into()), ..Default::default() },
                "invalid_option",
                Some("provider"),
            ),
            (
                AuthorizationOptions { scopes: vec!["a b".into()], ..Default::default() },
                "invalid_option",
                Some("scopes"),
            ),
            (
                AuthorizationOptions { scopes: vec![String::new()], ..Default::default() },
                "invalid_option",
                Some("scopes"),
            ),
            (
                AuthorizationOptions { prompt: vec!["a,b".into()], ..Default::default() },
                "invalid_option",
                Some("prompt"),
            ),
            (
                AuthorizationOptions { response_type: ResponseType::AdminConsent, ..Default::default() },
                "invalid_option",
                Some("credentialId"),
            ),
            (
                AuthorizationOptions { credential_id: Some(String::new()), ..Default::default() },
                "invalid_option",
                Some("credentialId"),
            ),
            (
                AuthorizationOptions { extra_params: vec![("state".into(), "x".into())], ..Default::default() },
                "invalid_option",
                Some("extraParams"),
            ),
            (
                AuthorizationOptions {
                    extra_params: vec![("code_challenge".into(), "x".into())],
                    ..Default::default()
                },
                "invalid_option",
                Some("extraParams"),
            ),
            (
                AuthorizationOptions {
                    extra_params: vec![("a".into(), "1".into()), ("a".into(), "2".into())],
                    ..Default::default()
                },
                "invalid_option",
                Some("extraParams"),
            ),
            (
                AuthorizationOptions { extra_params: vec![(String::new(), "1".into())], ..Default::default() },
                "invalid_option",
                Some("extraParams"),
            ),
            (
                AuthorizationOptions { code_verifier: Some("nylas".into()), ..Default::default() },
                "invalid_verifier",
                None,
            ),
            (AuthorizationOptions { verifier_length: Some(200), ..Default::default() }, "invalid_verifier", None),
        ];
        for (opts, code, field) in cases {
            let e = build_authorization_request(&config, &opts, &mut rng(), 0).unwrap_err();
            assert_eq!((e.code(), e.field()), (code, field), "{opts:?}");
        }
        let mut failing = |_: &mut [u8]| Err(Error::CryptoUnavailable);
        assert_eq!(
            build_authorization_request(&config, &AuthorizationOptions::default(), &mut failing, 0).unwrap_err().code(),
            "crypto_unavailable"
        );
    }
}
