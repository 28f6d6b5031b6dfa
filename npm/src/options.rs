//! Options as the core's typed values, read from packed fields ([`crate::fields`]) in the order of their
//! lists. The JavaScript has checked the names and the JavaScript types; every rule about the values is
//! here or in the core.

use alloc::string::String;
use alloc::vec::Vec;

use nylas_pkce::authorize::{AccessType, AuthorizationOptions};
use nylas_pkce::config::{Config, Endpoints, Flavor, Region, TokenBody};
use nylas_pkce::flow::ClientOptions;
use nylas_pkce::pkce::{ChallengeEncoding, ChallengeMethod};
use nylas_pkce::transaction::ResponseType;
use nylas_pkce::Error;

use crate::fields::{Fields, AUTHORIZATION};

fn cfg(field: &'static str, reason: &'static str) -> Error {
    Error::InvalidConfig { field, reason }
}

fn opt(field: &'static str, reason: &'static str) -> Error {
    Error::InvalidOption { field, reason }
}

/// An enum option: `parse`d, or `err`.
fn one_of<T>(v: Option<&str>, parse: fn(&str) -> Option<T>, err: Error) -> Result<Option<T>, Error> {
    v.map(|v| parse(v).ok_or(err)).transpose()
}

/// The client configuration ([`crate::fields::CONFIG`]): `clientId`, `redirectUri`, and one of `region` /
/// `apiBase` / `endpoints`; optional `issuer`, `requireIss`, `challengeEncoding`, `tokenBody`.
///
/// # Errors
/// `invalid_config` naming the field.
pub fn config(packed: &str) -> Result<Config, Error> {
    let r = &mut Fields::new(packed);
    let client_id = r.string().ok_or(cfg("clientId", "is required"))?;
    let redirect_uri = r.string().ok_or(cfg("redirectUri", "is required"))?;
    let region = one_of(r.raw(), Region::parse, cfg("region", "must be us or eu"))?;
    let api_base = r.string();
    let has_endpoints = r.object();
    let mut e = [(); 7].map(|()| r.string());
    if [region.is_some(), api_base.is_some(), has_endpoints].iter().filter(|b| **b).count() > 1 {
        return Err(cfg("region", "give only one of region, apiBase, endpoints"));
    }
    let (mut endpoints, flavor) = match (has_endpoints, api_base) {
        (true, _) => {
            let [authorization, token, revocation, token_info, grant_info, provider_detect, issuer] = &mut e;
            let endpoints = Endpoints {
                authorization: authorization.take().ok_or(cfg("authorizationEndpoint", "is required"))?,
                token: token.take().ok_or(cfg("tokenEndpoint", "is required"))?,
                revocation: revocation.take(),
                token_info: token_info.take(),
                grant_info: grant_info.take(),
                provider_detect: provider_detect.take(),
                issuer: issuer.take(),
            };
            (endpoints, Flavor::Generic)
        }
        (false, Some(base)) => (Endpoints::nylas_base(&base), Flavor::Nylas),
        (false, None) => (Endpoints::nylas(region.unwrap_or_default()), Flavor::Nylas),
    };
    if let Some(iss) = r.string() {
        endpoints.issuer = Some(iss);
    }
    let require_iss = r.boolean().unwrap_or(false);
    let mut config = Config::new(&client_id, &redirect_uri, endpoints, flavor)?;
    let encoding = one_of(r.raw(), ChallengeEncoding::parse, cfg("challengeEncoding", "must be nylas or rfc7636"))?;
    if let Some(e) = encoding {
        config.challenge_encoding = e;
    }
    if let Some(b) = one_of(r.raw(), TokenBody::parse, cfg("tokenBody", "must be json or form"))? {
        config.token_body = b;
    }
    config.require_iss = require_iss;
    if require_iss && config.endpoints.issuer.is_none() {
        return Err(cfg("requireIss", "needs issuer"));
    }
    Ok(config)
}

/// `NylasAuth`'s tunables ([`crate::fields::CLIENT`]) and the fetch time-out (`fetchTimeoutMs`, 30 s by
/// default).
///
/// # Errors
/// `invalid_config` naming the field.
pub fn client(packed: &str) -> Result<(ClientOptions, u64), Error> {
    let r = &mut Fields::new(packed);
    let d = ClientOptions::default();
    let mut within = |field, range: core::ops::RangeInclusive<u64>, default, reason| match r.uint(true)? {
        None => Ok(default),
        Some(n) if range.contains(&n) => Ok(n),
        Some(_) => Err(cfg(field, reason)),
    };
    let options = ClientOptions {
        transaction_ttl_ms: within(
            "transactionTtlMs",
            1..=86_400_000,
            d.transaction_ttl_ms,
            "must be 1 ms to 24 hours",
        )?,
        clock_skew_ms: within("clockSkewMs", 0..=3_600_000, d.clock_skew_ms, "must be 0 to 1 hour in ms")?,
        public_refresh: false,
        accounts: d.accounts,
    };
    // A browser's timers and AbortSignal.timeout take at most 2^31 - 1 ms; more would time out at once.
    let timeout = within("fetchTimeoutMs", 1..=2_147_483_647, 30_000, "must be 1 to 2147483647 ms")?;
    Ok((ClientOptions { public_refresh: r.boolean().unwrap_or(false), ..options }, timeout))
}

/// The index of `scopes` in [`AUTHORIZATION`] (`scope`, its alias, follows it).
pub(crate) const SCOPES: usize = 3;

/// A login's options: the call's, over `NylasAuth`'s defaults. A call that gives `scopes` or its alias
/// `scope` replaces the default given as either.
pub fn merge(defaults: &str, call: &str) -> String {
    let (d, c): (Vec<&str>, Vec<&str>) = (defaults.split('\0').collect(), call.split('\0').collect());
    let given = |i: usize| c.get(i).is_some_and(|v| !v.is_empty());
    let own_scopes = given(SCOPES) || given(SCOPES + 1);
    let mut out = String::new();
    for i in 0..AUTHORIZATION.len() {
        if i > 0 {
            out.push('\0');
        }
        let from_call = given(i) || (own_scopes && (i == SCOPES || i == SCOPES + 1));
        out.push_str(if from_call { c.get(i) } else { d.get(i) }.copied().unwrap_or_default());
    }
    out
}

/// One authorization's options ([`AUTHORIZATION`]).
///
/// # Errors
/// `invalid_option` naming the option.
pub fn authorization(packed: &str) -> Result<AuthorizationOptions, Error> {
    let r = &mut Fields::new(packed);
    let response_type = one_of(r.raw(), ResponseType::parse, opt("responseType", "must be code or adminconsent"))?;
    let credential_id = r.string();
    let provider = r.string();
    let scopes = match (r.list(' ')?, r.list(' ')?) {
        (Some(a), _) | (_, Some(a)) if a.is_empty() => {
            return Err(opt("scopes", "must not be empty (leave it out for the connector's default scopes)"))
        }
        (Some(_), Some(_)) => return Err(opt("scope", "give scopes or its alias scope, not both")),
        (a, b) => a.or(b).unwrap_or_default(),
    };
    let state = r.string();
    let login_hint = r.string();
    let access_type = one_of(r.raw(), AccessType::parse, opt("accessType", "must be online or offline"))?;
    let prompt = r.list(',')?.unwrap_or_default();
    let include_grant_scopes = r.boolean();
    let code_verifier = r.string();
    let verifier_length = r.uint(false)?.map(|n| n.min(4096) as usize);
    let challenge_method = one_of(r.raw(), ChallengeMethod::parse, opt("challengeMethod", "must be S256 or plain"))?;
    Ok(AuthorizationOptions {
        response_type: response_type.unwrap_or_default(),
        credential_id,
        provider,
        scopes,
        state,
        login_hint,
        access_type: access_type.unwrap_or_default(),
        prompt,
        include_grant_scopes,
        code_verifier,
        verifier_length,
        challenge_method: challenge_method.unwrap_or_default(),
        challenge_encoding: None,
        extra_params: r.map()?,
        allow_scope_conflicts: r.boolean().unwrap_or(false),
        app_state: r.string(),
        smtp_required: r.boolean().unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{CLIENT, CONFIG};

    /// Packs `(name, value)` pairs (values already in field form) in `list`'s order, as the JavaScript does.
    fn pack(list: &[crate::fields::Field], given: &[(&str, &str)]) -> String {
        let mut out: Vec<String> = Vec::new();
        for f in list {
            let v = given.iter().find(|(n, _)| *n == f.0).map(|(_, v)| format!("+{v}")).unwrap_or_default();
            out.push(v);
            for m in f.members() {
                out.push(given.iter().find(|(n, _)| *n == m.0).map(|(_, v)| format!("+{v}")).unwrap_or_default());
            }
        }
        out.join("\0")
    }

    fn fails<T: core::fmt::Debug>(r: Result<T, Error>) -> (&'static str, String) {
        let e = r.unwrap_err();
        (e.code(), e.field().unwrap_or_default().into())
    }

    #[test]
    fn config_shapes() {
        let c = config(&pack(
            CONFIG,
            &[("clientId", "c"), ("redirectUri", "https://a.com/cb"), ("region", "eu"), ("tokenBody", "form")],
        ))
        .unwrap();
        assert_eq!(c.endpoints.token, "https://api.eu.nylas.com/v3/connect/token");
        assert_eq!(c.token_body, TokenBody::Form);
        let c = config(&pack(
            CONFIG,
            &[
                ("clientId", "c"),
                ("redirectUri", "https://a.com/cb"),
                ("apiBase", "http://127.0.0.1:4010/v3"),
                ("issuer", "http://127.0.0.1:4010/v3"),
                ("requireIss", "1"),
            ],
        ))
        .unwrap();
        assert_eq!(c.endpoints.issuer.as_deref(), Some("http://127.0.0.1:4010/v3"));
        assert!(c.require_iss);
        let c = config(&pack(
            CONFIG,
            &[
                ("clientId", "c"),
                ("redirectUri", "https://a.com/cb"),
                ("endpoints", ""),
                ("authorizationEndpoint", "https://i/a"),
                ("tokenEndpoint", "https://i/t"),
                ("revocationEndpoint", "https://i/r"),
            ],
        ))
        .unwrap();
        assert_eq!(
            (c.flavor, c.challenge_encoding, c.token_body, c.endpoints.revocation.as_deref()),
            (Flavor::Generic, ChallengeEncoding::Rfc7636, TokenBody::Form, Some("https://i/r"))
        );
    }

    #[test]
    fn config_errors_name_the_field() {
        let base = [("clientId", "c"), ("redirectUri", "https://a.com/cb")];
        let with = |more: &[(&'static str, &'static str)]| {
            let mut all = base.to_vec();
            all.extend_from_slice(more);
            pack(CONFIG, &all)
        };
        for (packed, field) in [
            (pack(CONFIG, &[("redirectUri", "https://a.com/cb")]), "clientId"),
            (pack(CONFIG, &[("clientId", "c")]), "redirectUri"),
            (with(&[("region", "ap")]), "region"),
            (with(&[("region", "us"), ("apiBase", "https://x")]), "region"),
            (with(&[("endpoints", ""), ("tokenEndpoint", "https://i/t")]), "authorizationEndpoint"),
            (with(&[("tokenBody", "xml")]), "tokenBody"),
            (with(&[("challengeEncoding", "hex")]), "challengeEncoding"),
            (with(&[("requireIss", "1")]), "requireIss"),
            (with(&[("apiBase", "ftp://x")]), "authorizationEndpoint"),
        ] {
            assert_eq!(fails(config(&packed)), ("invalid_config", field.into()), "{packed:?}");
        }
        let (o, timeout) =
            client(&pack(CLIENT, &[("transactionTtlMs", "1000"), ("fetchTimeoutMs", "500"), ("publicRefresh", "1")]))
                .unwrap();
        assert_eq!((o.transaction_ttl_ms, o.clock_skew_ms, o.public_refresh, timeout), (1000, 30_000, true, 500));
    }

    #[test]
    fn authorization_option_shapes() {
        let o = authorization(&pack(
            AUTHORIZATION,
            &[
                ("provider", "google"),
                ("scopes", "sa b"),
                ("prompt", "a\u{1}select_provider\u{1}detect"),
                ("accessType", "offline"),
                ("includeGrantScopes", "0"),
                ("extraParams", "hd\u{1}x"),
                ("verifierLength", "64"),
                ("challengeMethod", "plain"),
                ("loginHint", "a@b"),
                ("appState", "[1]"),
            ],
        ))
        .unwrap();
        assert_eq!(o.scopes, ["a", "b"]);
        assert_eq!(o.prompt, ["select_provider", "detect"]);
        assert_eq!(
            (o.access_type, o.include_grant_scopes, o.verifier_length),
            (AccessType::Offline, Some(false), Some(64))
        );
        assert_eq!(o.extra_params, [("hd".into(), "x".into())]);
        assert_eq!((o.challenge_method, o.app_state.as_deref()), (ChallengeMethod::Plain, Some("[1]")));
        assert_eq!(authorization("").unwrap(), AuthorizationOptions::default());
        for (given, field) in [
            (&[("scopes", "a")][..], "scopes"),
            (&[("scope", "a")][..], "scopes"),
            (&[("scopes", "sa"), ("scope", "sb")][..], "scope"),
            (&[("responseType", "token")][..], "responseType"),
            (&[("accessType", "forever")][..], "accessType"),
            (&[("challengeMethod", "S512")][..], "challengeMethod"),
            (&[("state", "")][..], "state"),
        ] {
            let r = authorization(&pack(AUTHORIZATION, given)).and_then(|o| {
                nylas_pkce::authorize::build_authorization_request(
                    &Config::nylas("c", "https://a.com/cb", Region::Us).unwrap(),
                    &o,
                    &mut Counter(0),
                    0,
                )
            });
            assert_eq!(fails(r), ("invalid_option", field.into()), "{given:?}");
        }
    }

    #[test]
    fn a_call_replaces_each_default_it_gives() {
        let defaults = pack(AUTHORIZATION, &[("provider", "google"), ("scope", "sa"), ("prompt", "sdetect")]);
        let merged = merge(&defaults, &pack(AUTHORIZATION, &[("provider", "microsoft"), ("scopes", "sb")]));
        let o = authorization(&merged).unwrap();
        assert_eq!(
            (o.provider.as_deref(), o.scopes, o.prompt),
            (Some("microsoft"), vec!["b".into()], vec!["detect".into()])
        );
        let o = authorization(&merge(&defaults, "")).unwrap();
        assert_eq!((o.provider.as_deref(), o.scopes), (Some("google"), vec!["a".into()]));
    }

    /// Not random: for tests.
    struct Counter(u8);
    impl nylas_pkce::RandomSource for Counter {
        fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
            for b in dest {
                self.0 = self.0.wrapping_add(1);
                *b = self.0;
            }
            Ok(())
        }
    }
}
