//! Client configuration: who the client is, where it is sent back to, and where the server is.
//!
//! Presets for Nylas v3 (`us`, `eu`), a custom Nylas base URL (white-label, or the legacy
//! `https://{app}.us.nylas.com`), or a generic OAuth 2.0 server with explicit endpoints. Base URLs are
//! configuration; nothing else in the crate knows a host name.

use crate::prelude::*;

use crate::encode::{is_loopback, url_parts};
use crate::pkce::ChallengeEncoding;
use crate::Error;

/// Nylas data-centre region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    /// `https://api.us.nylas.com/v3`
    #[default]
    Us,
    /// `https://api.eu.nylas.com/v3`
    Eu,
}

/// The path of the token endpoint under a Nylas base URL (`{base}/connect/token`).
pub const TOKEN_PATH: &str = "/connect/token";

impl Region {
    /// Every region, with the name [`Region::parse`] takes (case-insensitively).
    pub const ALL: [(&'static str, Region); 2] = [("us", Region::Us), ("eu", Region::Eu)];

    /// The v3 API base URL of the region.
    pub fn base_url(self) -> &'static str {
        match self {
            Region::Us => "https://api.us.nylas.com/v3",
            Region::Eu => "https://api.eu.nylas.com/v3",
        }
    }

    /// Parses `us` / `eu` (case-insensitive).
    pub fn parse(s: &str) -> Option<Region> {
        Region::ALL.iter().find(|(name, _)| s.eq_ignore_ascii_case(name)).map(|(_, r)| *r)
    }
}

/// Which kind of server the client talks to; sets the defaults for challenge encoding and token body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Nylas: S256 challenges in Nylas's hex encoding, JSON token bodies.
    Nylas,
    /// A generic OAuth 2.0 server: RFC 7636 challenges, form-encoded token bodies (RFC 6749 §4.1.3).
    Generic,
}

/// How the token request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenBody {
    /// `application/json` (Nylas's documented format).
    Json,
    /// `application/x-www-form-urlencoded` (RFC 6749).
    Form,
}

impl TokenBody {
    /// `json` / `form`.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenBody::Json => "json",
            TokenBody::Form => "form",
        }
    }

    /// Parses `json` / `form`.
    pub fn parse(s: &str) -> Option<TokenBody> {
        match s {
            "json" => Some(TokenBody::Json),
            "form" => Some(TokenBody::Form),
            _ => None,
        }
    }
}

/// The server's endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// Authorization endpoint (`…/connect/auth`).
    pub authorization: String,
    /// Token endpoint (`…/connect/token`).
    pub token: String,
    /// Revocation endpoint (`…/connect/revoke`), if the server has one.
    pub revocation: Option<String>,
    /// Token-info endpoint (`…/connect/tokeninfo`), Nylas only.
    pub token_info: Option<String>,
    /// Grant-info endpoint (`…/grants/me`), Nylas only.
    pub grant_info: Option<String>,
    /// Provider detection (`…/providers/detect` in v3, `…/connect/providers/detect` before), Nylas only.
    pub provider_detect: Option<String>,
    /// The expected issuer (`iss`, RFC 9207), if known.
    pub issuer: Option<String>,
}

impl Endpoints {
    /// Nylas v3 endpoints of a region.
    pub fn nylas(region: Region) -> Endpoints {
        Endpoints::nylas_base(region.base_url())
    }

    /// Nylas endpoints under a base URL. A base ending in `/v3` gets the v3 layout (`/grants/me`);
    /// any other (legacy `https://{app}.us.nylas.com`) gets `/connect/grants/me`.
    pub fn nylas_base(base: &str) -> Endpoints {
        let base = base.trim_end_matches('/');
        let join = |path: &str| {
            let mut s = String::with_capacity(base.len() + path.len());
            s.push_str(base);
            s.push_str(path);
            s
        };
        let v3 = base.ends_with("/v3");
        let grants = if v3 { "/grants/me" } else { "/connect/grants/me" };
        let detect = if v3 { "/providers/detect" } else { "/connect/providers/detect" };
        Endpoints {
            authorization: join("/connect/auth"),
            token: join(TOKEN_PATH),
            revocation: Some(join("/connect/revoke")),
            token_info: Some(join("/connect/tokeninfo")),
            grant_info: Some(join(grants)),
            provider_detect: Some(join(detect)),
            issuer: None,
        }
    }
}

/// A validated client configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The Nylas application's client id.
    pub client_id: String,
    /// Where the server sends the user back.
    pub redirect_uri: String,
    /// The server's endpoints.
    pub endpoints: Endpoints,
    /// Nylas or generic server.
    pub flavor: Flavor,
    /// S256 encoding used for challenges.
    pub challenge_encoding: ChallengeEncoding,
    /// Token request body format.
    pub token_body: TokenBody,
    /// Reject callbacks without `iss` (RFC 9207 §2.4); needs an `issuer`.
    pub require_iss: bool,
}

impl Config {
    /// Validates and builds a configuration; encoding and body format default from `flavor`.
    ///
    /// # Errors
    /// `invalid_config` naming the field: empty `clientId`; `redirectUri` not absolute, with a fragment, or
    /// `http:` on a non-loopback host; an endpoint that is not `https:` (loopback `http:` is allowed).
    pub fn new(client_id: &str, redirect_uri: &str, endpoints: Endpoints, flavor: Flavor) -> Result<Config, Error> {
        if client_id.trim().is_empty() {
            return Err(Error::InvalidConfig { field: "clientId", reason: "is required" });
        }
        validate_redirect_uri(redirect_uri)?;
        validate_endpoint("authorizationEndpoint", &endpoints.authorization)?;
        validate_endpoint("tokenEndpoint", &endpoints.token)?;
        for (field, url) in [
            ("revocationEndpoint", &endpoints.revocation),
            ("tokenInfoEndpoint", &endpoints.token_info),
            ("grantInfoEndpoint", &endpoints.grant_info),
            ("providerDetectEndpoint", &endpoints.provider_detect),
        ] {
            if let Some(url) = url {
                validate_endpoint(field, url)?;
            }
        }
        if let Some(iss) = &endpoints.issuer {
            validate_endpoint("issuer", iss)?;
        }
        let (challenge_encoding, token_body) = match flavor {
            Flavor::Nylas => (ChallengeEncoding::Nylas, TokenBody::Json),
            Flavor::Generic => (ChallengeEncoding::Rfc7636, TokenBody::Form),
        };
        Ok(Config {
            client_id: client_id.into(),
            redirect_uri: redirect_uri.into(),
            endpoints,
            flavor,
            challenge_encoding,
            token_body,
            require_iss: false,
        })
    }

    /// A Nylas v3 configuration for a region.
    pub fn nylas(client_id: &str, redirect_uri: &str, region: Region) -> Result<Config, Error> {
        Config::new(client_id, redirect_uri, Endpoints::nylas(region), Flavor::Nylas)
    }
}

/// A redirect URI must be absolute, without fragment (RFC 6749 §3.1.2); `https:`, loopback `http:`
/// (RFC 8252 §7.3), or a private-use scheme with a dot, such as `com.example.app:/cb` (RFC 8252 §7.1).
pub fn validate_redirect_uri(uri: &str) -> Result<(), Error> {
    const F: &str = "redirectUri";
    if uri.is_empty() {
        return Err(Error::InvalidConfig { field: F, reason: "is required" });
    }
    let p = url_parts(uri).ok_or(Error::InvalidConfig { field: F, reason: "must be an absolute URL" })?;
    if p.has_fragment {
        return Err(Error::InvalidConfig { field: F, reason: "must not contain a fragment" });
    }
    match p.scheme.as_str() {
        "https" if !p.host.is_empty() => Ok(()),
        "http" if is_loopback(p.host) => Ok(()),
        "http" => {
            Err(Error::InvalidConfig { field: F, reason: "must use https (http only for localhost, 127.0.0.1, [::1])" })
        }
        "https" => Err(Error::InvalidConfig { field: F, reason: "must be an absolute URL" }),
        s if crate::encode::has_byte(s, b'.') => Ok(()),
        _ => Err(Error::InvalidConfig {
            field: F,
            reason: "must be https, loopback http, or a private-use scheme like com.example.app:/callback",
        }),
    }
}

fn validate_endpoint(field: &'static str, url: &str) -> Result<(), Error> {
    let p = url_parts(url).ok_or(Error::InvalidConfig { field, reason: "must be an absolute URL" })?;
    if p.has_fragment {
        return Err(Error::InvalidConfig { field, reason: "must not contain a fragment" });
    }
    match p.scheme.as_str() {
        "https" if !p.host.is_empty() => Ok(()),
        "http" if is_loopback(p.host) => Ok(()),
        _ => Err(Error::InvalidConfig { field, reason: "must use https (http only for loopback testing)" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err_field(r: Result<Config, Error>) -> (&'static str, &'static str) {
        let e = r.unwrap_err();
        (e.code(), Box::leak(e.field().unwrap().to_string().into_boxed_str()))
    }

    #[test]
    fn nylas_presets() {
        let c = Config::nylas("id", "https://app.example.com/cb", Region::Us).unwrap();
        assert_eq!(c.endpoints.authorization, "https://api.us.nylas.com/v3/connect/auth");
        assert_eq!(c.endpoints.token, "https://api.us.nylas.com/v3/connect/token");
        assert_eq!(c.endpoints.revocation.as_deref(), Some("https://api.us.nylas.com/v3/connect/revoke"));
        assert_eq!(c.endpoints.token_info.as_deref(), Some("https://api.us.nylas.com/v3/connect/tokeninfo"));
        assert_eq!(c.endpoints.grant_info.as_deref(), Some("https://api.us.nylas.com/v3/grants/me"));
        assert_eq!((c.challenge_encoding, c.token_body), (ChallengeEncoding::Nylas, TokenBody::Json));
        let eu = Endpoints::nylas(Region::Eu);
        assert_eq!(eu.token, "https://api.eu.nylas.com/v3/connect/token");
    }

    #[test]
    fn legacy_and_custom_base() {
        let e = Endpoints::nylas_base("https://myapp.us.nylas.com/");
        assert_eq!(e.authorization, "https://myapp.us.nylas.com/connect/auth");
        assert_eq!(e.grant_info.as_deref(), Some("https://myapp.us.nylas.com/connect/grants/me"));
        let e = Endpoints::nylas_base("http://127.0.0.1:4010/v3");
        assert_eq!(e.grant_info.as_deref(), Some("http://127.0.0.1:4010/v3/grants/me"));
        assert_eq!(e.provider_detect.as_deref(), Some("http://127.0.0.1:4010/v3/providers/detect"));
        let legacy = Endpoints::nylas_base("https://myapp.us.nylas.com");
        assert_eq!(legacy.provider_detect.as_deref(), Some("https://myapp.us.nylas.com/connect/providers/detect"));
    }

    #[test]
    fn generic_defaults() {
        let ep = Endpoints {
            authorization: "https://idp.example/authorize".into(),
            token: "https://idp.example/token".into(),
            revocation: None,
            token_info: None,
            grant_info: None,
            provider_detect: None,
            issuer: Some("https://idp.example".into()),
        };
        let c = Config::new("id", "http://localhost:3000/cb", ep, Flavor::Generic).unwrap();
        assert_eq!((c.challenge_encoding, c.token_body), (ChallengeEncoding::Rfc7636, TokenBody::Form));
    }

    #[test]
    fn accepted_redirect_uris() {
        for ok in [
            "https://app.example.com/callback",
            "http://localhost:5173/cb",
            "http://127.0.0.1/cb",
            "http://[::1]:8080/",
            "com.example.app:/oauth/callback",
            "com.example.app://callback",
            "https://app.example.com/cb?tenant=a",
        ] {
            assert!(validate_redirect_uri(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejected_configs_name_the_field() {
        let us = || Endpoints::nylas(Region::Us);
        assert_eq!(err_field(Config::new("", "https://a.com/cb", us(), Flavor::Nylas)), ("invalid_config", "clientId"));
        assert_eq!(
            err_field(Config::new("  ", "https://a.com/cb", us(), Flavor::Nylas)),
            ("invalid_config", "clientId")
        );
        for bad in [
            "",
            "/callback",
            "callback.html",
            "https://a.com/cb#frag",
            "http://a.com/cb",
            "http://localhost.evil.com/cb",
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "https://user@a.com/cb",
            "myapp:/cb",
        ] {
            assert_eq!(
                err_field(Config::new("id", bad, us(), Flavor::Nylas)),
                ("invalid_config", "redirectUri"),
                "{bad}"
            );
        }
        let mut ep = us();
        ep.token = "http://api.example.com/token".into();
        assert_eq!(
            err_field(Config::new("id", "https://a.com/cb", ep, Flavor::Nylas)),
            ("invalid_config", "tokenEndpoint")
        );
        let mut ep = us();
        ep.authorization = "ftp://x/auth".into();
        assert_eq!(
            err_field(Config::new("id", "https://a.com/cb", ep, Flavor::Nylas)),
            ("invalid_config", "authorizationEndpoint")
        );
        let mut ep = us();
        ep.revocation = Some("not a url".into());
        assert_eq!(
            err_field(Config::new("id", "https://a.com/cb", ep, Flavor::Nylas)),
            ("invalid_config", "revocationEndpoint")
        );
        let mut ep = us();
        ep.issuer = Some("http://evil.com".into());
        assert_eq!(err_field(Config::new("id", "https://a.com/cb", ep, Flavor::Nylas)), ("invalid_config", "issuer"));
        let ep = Endpoints::nylas_base("http://127.0.0.1:4010/v3");
        assert!(Config::new("id", "https://a.com/cb", ep, Flavor::Nylas).is_ok());
    }
}
