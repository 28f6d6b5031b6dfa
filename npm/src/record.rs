//! The resolved configuration as a record (JSON): what the first half writes once, in `NylasAuth`'s
//! settings and in `resolveConfig`'s result, and the second half reads back instead of validating the
//! options again.

use alloc::string::String;

use nylas_pkce::config::{Config, Endpoints, Flavor, TokenBody};
use nylas_pkce::json::{Json, ObjectWriter};
use nylas_pkce::pkce::ChallengeEncoding;

/// `{ clientId, redirectUri, endpoints: { authorizationEndpoint, tokenEndpoint, revocationEndpoint,
/// tokenInfoEndpoint, grantInfoEndpoint, providerDetectEndpoint, issuer }, flavor, challengeEncoding,
/// tokenBody, requireIss }`, every endpoint resolved.
pub fn write(config: &Config) -> String {
    let e = &config.endpoints;
    let mut endpoints = ObjectWriter::default();
    endpoints
        .str("authorizationEndpoint", &e.authorization)
        .str("tokenEndpoint", &e.token)
        .opt_str("revocationEndpoint", e.revocation.as_deref())
        .opt_str("tokenInfoEndpoint", e.token_info.as_deref())
        .opt_str("grantInfoEndpoint", e.grant_info.as_deref())
        .opt_str("providerDetectEndpoint", e.provider_detect.as_deref())
        .opt_str("issuer", e.issuer.as_deref());
    ObjectWriter::default()
        .str("clientId", &config.client_id)
        .str("redirectUri", &config.redirect_uri)
        .value_text("endpoints", &endpoints.finish())
        .str("flavor", if config.flavor == Flavor::Nylas { "nylas" } else { "generic" })
        .str("challengeEncoding", config.challenge_encoding.as_str())
        .str("tokenBody", config.token_body.as_str())
        .bool("requireIss", config.require_iss)
        .finish()
}

/// Reads what [`write()`] wrote. It is not validated again: only a record this crate wrote (kept in memory
/// by the package, never in storage) may come here.
pub fn read(j: &Json) -> Option<Config> {
    let e = j.get("endpoints")?;
    let text = |o: &Json, k: &str| o.str_of(k).map(String::from);
    Some(Config {
        client_id: text(j, "clientId")?,
        redirect_uri: text(j, "redirectUri")?,
        endpoints: Endpoints {
            authorization: text(e, "authorizationEndpoint")?,
            token: text(e, "tokenEndpoint")?,
            revocation: text(e, "revocationEndpoint"),
            token_info: text(e, "tokenInfoEndpoint"),
            grant_info: text(e, "grantInfoEndpoint"),
            provider_detect: text(e, "providerDetectEndpoint"),
            issuer: text(e, "issuer"),
        },
        flavor: if j.str_of("flavor")? == "nylas" { Flavor::Nylas } else { Flavor::Generic },
        challenge_encoding: ChallengeEncoding::parse(j.str_of("challengeEncoding")?)?,
        token_body: TokenBody::parse(j.str_of("tokenBody")?)?,
        require_iss: matches!(j.get("requireIss"), Some(Json::Bool(true))),
    })
}
