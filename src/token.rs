//! Token-endpoint and API requests as data, and their answers parsed from `(status, body)`.
//! No network here: the browser layer (fetch) or any Rust HTTP client sends an [`HttpRequest`].

use crate::prelude::*;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::config::{Config, Flavor, TokenBody};
use crate::encode::{form_body, push_param, with_query};
use crate::error::{ErrorDetails, ScopeError};
use crate::json::{self, Json, ObjectWriter};
use crate::secret::{AccessToken, AuthorizationCode, CodeVerifier, IdToken, RefreshToken};
use crate::Error;

pub use crate::http::{HttpRequest, Method};

const CT_JSON: &str = "application/json";
const CT_FORM: &str = "application/x-www-form-urlencoded";

fn post(url: &str, format: TokenBody, pairs: &[(&str, Option<&str>)]) -> HttpRequest {
    let (ct, body) = match format {
        TokenBody::Json => (CT_JSON, json::write_object(pairs)),
        TokenBody::Form => (CT_FORM, form_body(pairs)),
    };
    HttpRequest {
        method: Method::Post,
        url: url.into(),
        headers: vec![("Content-Type", ct.into()), ("Accept", CT_JSON.into())],
        body: Some(body),
    }
}

/// The code exchange (RFC 6749 §4.1.3 + RFC 7636 §4.5): `client_id`, `grant_type=authorization_code`,
/// `code`, `redirect_uri`, `code_verifier`. Never a `client_secret`.
pub fn code_exchange_request(
    config: &Config,
    code: &AuthorizationCode,
    verifier: &CodeVerifier,
    redirect_uri: &str,
    format: TokenBody,
) -> HttpRequest {
    post(
        &config.endpoints.token,
        format,
        &[
            ("client_id", Some(&config.client_id)),
            ("grant_type", Some("authorization_code")),
            ("code", Some(code.secret())),
            ("redirect_uri", Some(redirect_uri)),
            ("code_verifier", Some(verifier.secret())),
        ],
    )
}

/// A refresh (RFC 6749 §6), for servers that allow public clients to refresh. Nylas requires a
/// `client_secret` to refresh, so a browser client re-authenticates instead.
pub fn refresh_request(
    config: &Config,
    refresh_token: &RefreshToken,
    scope: Option<&str>,
    format: TokenBody,
) -> HttpRequest {
    post(
        &config.endpoints.token,
        format,
        &[
            ("client_id", Some(&config.client_id)),
            ("grant_type", Some("refresh_token")),
            ("refresh_token", Some(refresh_token.secret())),
            ("scope", scope),
        ],
    )
}

fn endpoint<'a>(url: &'a Option<String>, field: &'static str) -> Result<&'a str, Error> {
    url.as_deref().ok_or(Error::InvalidConfig { field, reason: "is not configured for this server" })
}

/// Which token a revocation names (RFC 7009 §2.1 `token_type_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHint {
    /// `access_token`
    AccessToken,
    /// `refresh_token`
    RefreshToken,
}

/// Revocation. Nylas (reference: `POST /connect/revoke?token=…`) revokes the token, its siblings and its
/// grant's refresh token. A generic server gets RFC 7009 §2.1: a form body with `token`,
/// `token_type_hint` and `client_id` (a public client identifies itself, RFC 7009 §2.1 and RFC 6749
/// §2.3).
pub fn revoke_request(config: &Config, token: &str, hint: TokenHint) -> Result<HttpRequest, Error> {
    let endpoint = endpoint(&config.endpoints.revocation, "revocationEndpoint")?;
    if config.flavor == Flavor::Generic {
        let hint = if hint == TokenHint::AccessToken { "access_token" } else { "refresh_token" };
        let pairs = [("token", Some(token)), ("token_type_hint", Some(hint)), ("client_id", Some(&*config.client_id))];
        return Ok(post(endpoint, TokenBody::Form, &pairs));
    }
    let mut url = with_query(endpoint);
    push_param(&mut url, "token", token);
    Ok(HttpRequest { method: Method::Post, url, headers: vec![("Accept", CT_JSON.into())], body: None })
}

/// Token info (`GET /connect/tokeninfo?access_token=…`).
pub fn token_info_request(config: &Config, access_token: &AccessToken) -> Result<HttpRequest, Error> {
    let mut url = with_query(endpoint(&config.endpoints.token_info, "tokenInfoEndpoint")?);
    push_param(&mut url, "access_token", access_token.secret());
    Ok(HttpRequest { method: Method::Get, url, headers: vec![("Accept", CT_JSON.into())], body: None })
}

/// Provider detection (reference, "Autodetect provider": `GET …/connect/providers/detect?email=…&client_id=…`;
/// v3: `/v3/providers/detect`). With `client_id` the reference needs no Basic auth, so no secret is sent;
/// a server that still wants an API key answers 401, which is a typed error.
///
/// # Errors
/// `invalid_option` (`email`) for an address without `@`; `invalid_config` when the server has no such
/// endpoint.
pub fn provider_detect_request(config: &Config, email: &str) -> Result<HttpRequest, Error> {
    let at = email.bytes().position(|b| b == b'@');
    if !at.is_some_and(|i| i > 0 && i + 1 < email.len()) || email.bytes().any(|b| b <= b' ') {
        return Err(Error::InvalidOption { field: "email", reason: "must be an email address" });
    }
    let mut url = with_query(endpoint(&config.endpoints.provider_detect, "providerDetectEndpoint")?);
    push_param(&mut url, "email", email);
    push_param(&mut url, "client_id", &config.client_id);
    Ok(HttpRequest { method: Method::Get, url, headers: vec![("Accept", CT_JSON.into())], body: None })
}

/// The grant behind an access token (`GET /grants/me`, `Authorization: Bearer`).
pub fn grant_info_request(config: &Config, access_token: &AccessToken) -> Result<HttpRequest, Error> {
    let url = endpoint(&config.endpoints.grant_info, "grantInfoEndpoint")?.into();
    let mut bearer = String::with_capacity(7 + access_token.secret().len());
    bearer.push_str("Bearer ");
    bearer.push_str(access_token.secret());
    Ok(HttpRequest {
        method: Method::Get,
        url,
        headers: vec![("Accept", CT_JSON.into()), ("Authorization", bearer)],
        body: None,
    })
}

/// A successful token answer (RFC 6749 §5.1 plus Nylas's `grant_id`, `email`, `provider`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSet {
    /// The access token.
    pub access_token: AccessToken,
    /// Always `Bearer` (normalised case).
    pub token_type: String,
    /// Lifetime in seconds, as sent.
    pub expires_in: Option<u64>,
    /// Absolute expiry, milliseconds since the Unix epoch (`now + expires_in`).
    pub expires_at: Option<u64>,
    /// The refresh token, if one was issued (`access_type=offline`).
    pub refresh_token: Option<RefreshToken>,
    /// Granted scopes.
    pub scope: Vec<String>,
    /// The ID token (a JWT), if any.
    pub id_token: Option<IdToken>,
    /// The ID token's payload as JSON text (an object), decoded but **not verified**: for display only.
    pub id_token_claims: Option<String>,
    /// Nylas grant id.
    pub grant_id: Option<String>,
    /// The account's email.
    pub email: Option<String>,
    /// The provider, e.g. `google`.
    pub provider: Option<String>,
}

impl TokenSet {
    /// Whether the access token is expired at `now_ms`, counting `skew_ms` early.
    pub fn is_expired(&self, now_ms: u64, skew_ms: u64) -> bool {
        self.expires_at.is_some_and(|at| now_ms.saturating_add(skew_ms) >= at)
    }

    /// The token set as the JavaScript API shows it, which is also the record kept in token storage:
    /// `{ accessToken, tokenType, expiresIn, expiresAt, refreshToken, scope, grantId, email, provider,
    /// idToken, idTokenClaims }` (absent members left out).
    pub fn to_json(&self) -> String {
        let mut w = ObjectWriter::default();
        w.str("accessToken", self.access_token.secret()).str("tokenType", &self.token_type);
        if let Some(n) = self.expires_in {
            w.num("expiresIn", n);
        }
        if let Some(at) = self.expires_at {
            w.num("expiresAt", at);
        }
        w.opt_str("refreshToken", self.refresh_token.as_ref().map(RefreshToken::secret)).strs("scope", &self.scope);
        w.opt_str("grantId", self.grant_id.as_deref())
            .opt_str("email", self.email.as_deref())
            .opt_str("provider", self.provider.as_deref())
            .opt_str("idToken", self.id_token.as_ref().map(IdToken::secret));
        if let Some(claims) = &self.id_token_claims {
            w.value_text("idTokenClaims", claims);
        }
        w.finish()
    }

    /// Reads what [`TokenSet::to_json`] wrote; `None` where it is not a token set (a stored record that
    /// was tampered with: tokens that are not header-safe, no expiry).
    pub fn from_json(j: &Json) -> Option<TokenSet> {
        let text = |k: &str| j.str_of(k).map(String::from);
        let refresh = j.str_of("refreshToken");
        let id = j.str_of("idToken");
        if refresh.is_some_and(|r| !is_vschar(r)) || id.is_some_and(|t| !is_bearer_token(t)) {
            return None;
        }
        j.uint_of("expiresAt")?;
        Some(TokenSet {
            access_token: AccessToken::new(j.str_of("accessToken").filter(|t| is_bearer_token(t))?.into()),
            token_type: j.str_of("tokenType").filter(|t| *t == "Bearer")?.into(),
            expires_in: j.uint_of("expiresIn"),
            expires_at: j.uint_of("expiresAt"),
            refresh_token: refresh.map(|s| RefreshToken::new(s.into())),
            scope: scope_of(j),
            id_token: id.map(|s| IdToken::new(s.into())),
            id_token_claims: j.get("idTokenClaims").filter(|c| matches!(c, Json::Object(_))).map(|c| {
                let mut out = String::new();
                json::write_value(&mut out, c);
                out
            }),
            grant_id: text("grantId"),
            email: text("email"),
            provider: text("provider"),
        })
    }
}

fn split_scope(s: Option<&str>) -> Vec<String> {
    s.map(|s| s.split([' ', ',']).filter(|p| !p.is_empty()).map(Into::into).collect()).unwrap_or_default()
}

/// `scope` as RFC 6749 sends it (space-delimited) or as an array of strings (as Nylas grant objects do).
fn scope_of(j: &Json) -> Vec<String> {
    match j.get("scope") {
        Some(Json::Array(items)) => {
            items.iter().filter_map(Json::as_str).filter(|s| !s.is_empty()).map(Into::into).collect()
        }
        _ => split_scope(j.str_of("scope")),
    }
}

/// Longest `expires_in` accepted: ten years, the most Nylas itself allows (event code 15001).
pub const MAX_EXPIRES_IN: u64 = 10 * 365 * 24 * 3600;
/// The lifetime assumed when a token answer has no `expires_in`: one hour, Nylas's default. A token
/// never lives forever in storage.
pub const DEFAULT_EXPIRES_IN: u64 = 3600;

/// Whether `token` can be sent as `Authorization: Bearer <token>` (RFC 6750 §2.1): printable ASCII
/// without spaces. (RFC 6750's `b64token` is the strict form; any visible ASCII character is accepted, as
/// RFC 6749 §A.12 allows for access tokens.) CR, LF, NUL, spaces and non-ASCII are refused: they would break
/// the header or smuggle another one.
pub fn is_bearer_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| BEARER_BYTES.contains(&b))
}

/// The bytes of a header-safe token ([`is_bearer_token`]): visible ASCII, no space.
pub const BEARER_BYTES: core::ops::RangeInclusive<u8> = 0x21..=0x7e;
/// The bytes of a refresh token (RFC 6749 §A.17 `VSCHAR`): printable ASCII, space included.
pub const VSCHAR_BYTES: core::ops::RangeInclusive<u8> = 0x20..=0x7e;

/// RFC 6749 §A.17: a refresh token is `1*VSCHAR` (printable ASCII, spaces allowed).
pub(crate) fn is_vschar(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| VSCHAR_BYTES.contains(&b))
}

/// Parses a token-endpoint answer. `body` is the parsed JSON, or `None` when it was not JSON.
///
/// # Errors
/// The server's error ([`parse_error`]), or `invalid_response` for a 2xx without `access_token`, a token that
/// is not header-safe ([`is_bearer_token`]; a refresh token that is not `1*VSCHAR`), a non-Bearer
/// `token_type`, or an `expires_in` that is not a whole number of seconds up to [`MAX_EXPIRES_IN`]. A
/// missing `expires_in` counts as [`DEFAULT_EXPIRES_IN`].
pub fn parse_token_response(status: u16, body: Option<&Json>, now_ms: u64) -> Result<TokenSet, Error> {
    if !(200..300).contains(&status) {
        return Err(parse_error(status, body));
    }
    let invalid = |reason| Error::InvalidResponse { status, reason };
    let j = body.filter(|j| matches!(j, Json::Object(_))).ok_or(invalid("the body is not a JSON object"))?;
    let access_token = j.str_of("access_token").ok_or(invalid("no access_token"))?;
    if !is_bearer_token(access_token) {
        return Err(invalid("access_token has characters a Bearer token may not have"));
    }
    let refresh_token = j.str_of("refresh_token");
    if refresh_token.is_some_and(|r| !is_vschar(r)) {
        return Err(invalid("refresh_token has characters a token may not have"));
    }
    let id_token = j.str_of("id_token");
    if id_token.is_some_and(|t| !is_bearer_token(t)) {
        return Err(invalid("id_token has characters a JWT may not have"));
    }
    let token_type = j.str_of("token_type").ok_or(invalid("no token_type"))?;
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(invalid("token_type is not Bearer"));
    }
    let expires_in = match j.get("expires_in") {
        None | Some(Json::Null) => None,
        Some(_) => Some(j.uint_of("expires_in").ok_or(invalid("expires_in is not a whole number of seconds"))?),
    };
    if expires_in.is_some_and(|s| s > MAX_EXPIRES_IN) {
        return Err(invalid("expires_in is longer than 10 years"));
    }
    let lifetime = expires_in.unwrap_or(DEFAULT_EXPIRES_IN);
    let text = |k: &str| j.str_of(k).map(String::from);
    let id_token = id_token.map(|s| IdToken::new(s.into()));
    Ok(TokenSet {
        access_token: AccessToken::new(access_token.into()),
        token_type: "Bearer".into(),
        expires_in,
        expires_at: Some(now_ms.saturating_add(lifetime.saturating_mul(1000))),
        refresh_token: refresh_token.map(|s| RefreshToken::new(s.into())),
        scope: scope_of(j),
        id_token_claims: id_token.as_ref().and_then(id_token_claims),
        id_token,
        grant_id: text("grant_id"),
        email: text("email"),
        provider: text("provider"),
    })
}

/// A revocation's answer: any 2xx is success, whatever its body (RFC 7009 §2.2: "the content of the
/// response body is ignored by the client"; Nylas answers JSON, some servers an empty 200).
///
/// # Errors
/// The server's error for anything else.
pub fn parse_revocation_response(status: u16, body: Option<&Json>) -> Result<(), Error> {
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(parse_error(status, body))
    }
}

/// Parses an answer of an API endpoint (tokeninfo, grants/me): the `data` member of a 2xx JSON body (or
/// the body itself), or the error.
pub fn parse_api_response(status: u16, body: Option<&Json>) -> Result<Json, Error> {
    if !(200..300).contains(&status) {
        return Err(parse_error(status, body));
    }
    match body {
        Some(j @ Json::Object(_)) => Ok(j.get("data").cloned().unwrap_or_else(|| j.clone())),
        None if status == 204 => Ok(Json::Object(Vec::new())),
        _ => Err(Error::InvalidResponse { status, reason: "the body is not a JSON object" }),
    }
}

/// Turns an error answer into a typed error:
/// OAuth `{error, error_description, error_uri, error_code}`; Nylas `{success:false, error:{type, http_code,
/// event_code, message, request_id}}`; the 403 scope message → `insufficient_scope`; anything else (an HTML
/// 502 page) → `invalid_response` with the status.
pub fn parse_error(status: u16, body: Option<&Json>) -> Error {
    let Some(j) = body.filter(|j| matches!(j, Json::Object(_))) else {
        return Error::InvalidResponse { status, reason: "an error status without a JSON body" };
    };
    let (details, message) = match j.get("error") {
        Some(Json::String(error)) => {
            let d = ErrorDetails {
                status: Some(status),
                error: error.clone(),
                description: j.str_of("error_description").map(Into::into),
                uri: j.str_of("error_uri").map(Into::into),
                event_code: event_code(j, "error_code")
                    .or_else(|| j.str_of("error_uri").and_then(crate::events::from_trailing_digits)),
                kind: j.str_of("type").map(Into::into),
                request_id: j.str_of("request_id").map(Into::into),
            };
            let m = d.description.clone();
            (d, m)
        }
        Some(e @ Json::Object(_)) => {
            let kind = e.str_of("type").unwrap_or("api_error");
            let d = ErrorDetails {
                status: Some(status),
                error: kind.into(),
                description: e.str_of("message").map(Into::into),
                uri: None,
                event_code: event_code(e, "event_code"),
                kind: Some(kind.into()),
                request_id: e.str_of("request_id").or(j.str_of("request_id")).map(Into::into),
            };
            let m = d.description.clone();
            (d, m)
        }
        _ => match (j.str_of("message"), j.str_of("type")) {
            (Some(m), t) => (
                ErrorDetails {
                    status: Some(status),
                    error: t.unwrap_or("api_error").into(),
                    description: Some(m.into()),
                    kind: t.map(Into::into),
                    request_id: j.str_of("request_id").map(Into::into),
                    ..Default::default()
                },
                Some(m.into()),
            ),
            _ => return Error::InvalidResponse { status, reason: "an error body without error or message" },
        },
    };
    if let Some(scopes) = message.as_deref().and_then(scope_lists) {
        return Error::InsufficientScope(Box::new(ScopeError {
            status,
            provided: scopes.0,
            required: scopes.1,
            message: message.unwrap_or_default(),
        }));
    }
    Error::Server(Box::new(details.enrich()))
}

fn event_code(j: &Json, key: &str) -> Option<u32> {
    j.uint_of(key).and_then(|n| u32::try_from(n).ok())
}

/// Reads the two scope lists of the reference's 403 message: "…You provided a token which has the
/// following scopes ['a', 'b']. You would need a token with at least one of the following scopes: ['c']".
pub fn scope_lists(message: &str) -> Option<(Vec<String>, Vec<String>)> {
    const MARK: &str = "following scopes";
    let first = crate::encode::find(message, MARK)?;
    let rest = message.get(first + MARK.len()..)?;
    let (provided, rest) = bracket_list(rest)?;
    let second = crate::encode::find(rest, MARK)?;
    let (required, _) = bracket_list(rest.get(second + MARK.len()..)?)?;
    Some((provided, required))
}

fn bracket_list(s: &str) -> Option<(Vec<String>, &str)> {
    let open = s.find('[')?;
    let close = open + s.get(open..)?.find(']')?;
    let inner = s.get(open + 1..close)?;
    let items = inner
        .split(',')
        .map(|i| i.trim().trim_matches(|c| c == '\'' || c == '"').trim())
        .filter(|i| !i.is_empty())
        .map(Into::into)
        .collect();
    Some((items, s.get(close + 1..)?))
}

/// The ID token's payload if it is a JSON object, re-written by this crate's writer.
fn id_token_claims(id_token: &IdToken) -> Option<String> {
    let claims = id_token_payload(id_token).and_then(|p| json::parse(&p)).filter(|c| matches!(c, Json::Object(_)))?;
    let mut out = String::new();
    json::write_value(&mut out, &claims);
    Some(out)
}

/// The payload of an ID token, base64url-decoded, as JSON text. **Not verified**: the signature is not
/// checked, so the claims are for display only, never for authorization decisions.
pub fn id_token_payload(id_token: &IdToken) -> Option<String> {
    let mut parts = id_token.secret().split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Region;
    use crate::encode::parse_query;

    fn config() -> Config {
        Config::nylas("cid", "https://myapp.com/callback-handler", Region::Us).unwrap()
    }

    fn j(s: &str) -> Json {
        json::parse(s).unwrap()
    }

    #[test]
    fn code_exchange_as_json_and_form() {
        let code = AuthorizationCode::new("ljga934gkja834gasbdf93gja8934".into());
        let v = CodeVerifier::parse(&"v".repeat(43)).unwrap();
        let r = code_exchange_request(&config(), &code, &v, "https://myapp.com/callback-handler", TokenBody::Json);
        assert_eq!(r.method, Method::Post);
        assert_eq!(r.url, "https://api.us.nylas.com/v3/connect/token");
        assert!(r.headers.contains(&("Content-Type", "application/json".into())));
        let body = j(r.body.as_deref().unwrap());
        assert_eq!(body.str_of("client_id"), Some("cid"));
        assert_eq!(body.str_of("grant_type"), Some("authorization_code"));
        assert_eq!(body.str_of("code"), Some("ljga934gkja834gasbdf93gja8934"));
        assert_eq!(body.str_of("redirect_uri"), Some("https://myapp.com/callback-handler"));
        assert_eq!(body.str_of("code_verifier"), Some("v".repeat(43).as_str()));
        assert!(body.get("client_secret").is_none());
        assert_eq!(format!("{r:?}"), "HttpRequest([redacted])");

        let r = code_exchange_request(&config(), &code, &v, "https://myapp.com/callback-handler", TokenBody::Form);
        assert!(r.headers.contains(&("Content-Type", "application/x-www-form-urlencoded".into())));
        let form = parse_query(r.body.as_deref().unwrap()).unwrap();
        let keys: Vec<&str> = form.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["client_id", "grant_type", "code", "redirect_uri", "code_verifier"]);
        assert!(r.body.unwrap().contains("redirect_uri=https%3A%2F%2Fmyapp.com%2Fcallback-handler"));
    }

    #[test]
    fn refresh_revoke_info_requests() {
        let r = refresh_request(&config(), &RefreshToken::new("rt".into()), None, TokenBody::Form);
        assert_eq!(r.body.as_deref(), Some("client_id=cid&grant_type=refresh_token&refresh_token=rt"));
        let r = revoke_request(&config(), "a b+c", TokenHint::AccessToken).unwrap();
        assert_eq!(
            (r.method, r.url.as_str()),
            (Method::Post, "https://api.us.nylas.com/v3/connect/revoke?token=a%20b%2Bc")
        );
        assert!(r.body.is_none());
        let r = token_info_request(&config(), &AccessToken::new("at".into())).unwrap();
        assert_eq!(
            (r.method, r.url.as_str()),
            (Method::Get, "https://api.us.nylas.com/v3/connect/tokeninfo?access_token=at")
        );
        let r = grant_info_request(&config(), &AccessToken::new("at".into())).unwrap();
        assert_eq!(r.url, "https://api.us.nylas.com/v3/grants/me");
        assert!(r.headers.contains(&("Authorization", "Bearer at".into())));
        let mut c = config();
        c.endpoints.revocation = None;
        assert_eq!(revoke_request(&c, "t", TokenHint::AccessToken).unwrap_err().field(), Some("revocationEndpoint"));
    }

    #[test]
    fn parses_the_reference_token_answer() {
        let body = j(
            r#"{"access_token":"<access_token>","expires_in":3600,"id_token":"<jwt_id_token>","refresh_token":"<refresh_token>","scope":"https://www.googleapis.com/auth/gmail.readonly profile","token_type":"Bearer","grant_id":"<grant_id>"}"#,
        );
        let t = parse_token_response(200, Some(&body), 1_000_000).unwrap();
        assert_eq!(t.access_token.secret(), "<access_token>");
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.expires_at, Some(1_000_000 + 3_600_000));
        assert_eq!(t.refresh_token.as_ref().unwrap().secret(), "<refresh_token>");
        assert_eq!(t.scope, ["https://www.googleapis.com/auth/gmail.readonly", "profile"]);
        assert_eq!(t.grant_id.as_deref(), Some("<grant_id>"));
        assert!(!t.is_expired(1_000_000 + 3_500_000, 30_000));
        assert!(t.is_expired(1_000_000 + 3_580_000, 30_000));
        let back = TokenSet::from_json(&j(&t.to_json())).unwrap();
        assert_eq!(
            (back.access_token, back.expires_at, back.scope),
            (t.access_token.clone(), t.expires_at, t.scope.clone())
        );
    }

    #[test]
    fn scope_as_string_or_array() {
        let t = parse_token_response(
            200,
            Some(&j(r#"{"access_token":"a","token_type":"Bearer","scope":["Mail.Read","","User.Read"]}"#)),
            0,
        )
        .unwrap();
        assert_eq!(t.scope, ["Mail.Read", "User.Read"]);
        let t = parse_token_response(200, Some(&j(r#"{"access_token":"a","token_type":"Bearer","scope":"a  b"}"#)), 0)
            .unwrap();
        assert_eq!(t.scope, ["a", "b"]);
    }

    #[test]
    fn token_type_any_case_and_optional_fields() {
        let t = parse_token_response(
            200,
            Some(&j(r#"{"access_token":"a","token_type":"bEaReR","email":"x@y","provider":"google"}"#)),
            0,
        )
        .unwrap();
        assert_eq!(t.token_type, "Bearer");
        // No expires_in: one hour (Nylas's default), never "forever".
        assert_eq!((t.expires_in, t.expires_at), (None, Some(DEFAULT_EXPIRES_IN * 1000)));
        assert_eq!((t.email.as_deref(), t.provider.as_deref()), (Some("x@y"), Some("google")));
        assert!(t.is_expired(DEFAULT_EXPIRES_IN * 1000, 0));
    }

    #[test]
    fn lifetimes_are_bounded_and_tokens_header_safe() {
        let ok = |body: &str| parse_token_response(200, Some(&j(body)), 1_000).map(|t| t.expires_at);
        let ten_years = MAX_EXPIRES_IN.to_string();
        let body = [r#"{"access_token":"a","token_type":"Bearer","expires_in":"#, &ten_years, "}"].concat();
        assert_eq!(ok(&body).unwrap(), Some(1_000 + MAX_EXPIRES_IN * 1000));
        for (body, why) in [
            (r#"{"access_token":"a","token_type":"Bearer","expires_in":9e12}"#, "9e12 seconds"),
            (r#"{"access_token":"a","token_type":"Bearer","expires_in":315360001}"#, "ten years and a second"),
            ("{\"access_token\":\"a\\r\\nX-Evil: 1\",\"token_type\":\"Bearer\"}", "CR LF in the access token"),
            ("{\"access_token\":\"a\\u0000\",\"token_type\":\"Bearer\"}", "NUL in the access token"),
            (r#"{"access_token":"a b","token_type":"Bearer"}"#, "space in the access token"),
            (r#"{"access_token":"é","token_type":"Bearer"}"#, "non-ASCII access token"),
            (
                "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"refresh_token\":\"r\\n\"}",
                "LF in the refresh token",
            ),
            ("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"id_token\":\"h.p\\u0000.s\"}", "NUL in the id token"),
        ] {
            assert_eq!(ok(body).unwrap_err().code(), "invalid_response", "{why}");
        }
        // A stored record that was tampered with is not a token set.
        let t = parse_token_response(200, Some(&j(r#"{"access_token":"a","token_type":"Bearer"}"#)), 0).unwrap();
        let record = t.to_json();
        assert!(TokenSet::from_json(&j(&record)).is_some());
        for tampered in [record.replace("\"a\"", "\"a\\r\\n\""), record.replace("\"expiresAt\"", "\"x\"")] {
            assert!(TokenSet::from_json(&j(&tampered)).is_none(), "{tampered}");
        }
    }

    #[test]
    fn malformed_token_answers() {
        let cases: [(u16, Option<&str>, &str); 10] = [
            (200, Some(r#"{"token_type":"Bearer"}"#), "invalid_response"),
            (200, Some(r#"{"access_token":"","token_type":"Bearer"}"#), "invalid_response"),
            (200, Some(r#"{"access_token":"a"}"#), "invalid_response"),
            (200, Some(r#"{"access_token":"a","token_type":"mac"}"#), "invalid_response"),
            (200, Some(r#"{"access_token":"a","token_type":"Bearer","expires_in":-5}"#), "invalid_response"),
            (200, Some(r#"{"access_token":"a","token_type":"Bearer","expires_in":"soon"}"#), "invalid_response"),
            (200, Some(r#"{"access_token":"a","token_type":"Bearer","expires_in":1.5}"#), "invalid_response"),
            (200, Some(r#"["access_token"]"#), "invalid_response"),
            (200, None, "invalid_response"),
            (502, None, "invalid_response"),
        ];
        for (status, body, code) in cases {
            let parsed = body.map(j);
            let e = parse_token_response(status, parsed.as_ref(), 0).unwrap_err();
            assert_eq!((e.code(), e.status()), (code, Some(status)), "{body:?}");
        }
    }

    #[test]
    fn oauth_error_body() {
        let body = j(
            r#"{"error":"invalid_grant","error_description":"code expired","error_uri":"https://x/#45004","error_code":45004,"request_id":"r1"}"#,
        );
        let e = parse_token_response(400, Some(&body), 0).unwrap_err();
        assert_eq!(e.code(), "invalid_grant");
        let d = e.details().unwrap();
        assert_eq!((d.status, d.event_code, d.request_id.as_deref()), (Some(400), Some(45004), Some("r1")));
        assert_eq!(d.kind.as_deref(), Some("invalid_grant"));
        assert_eq!(d.description.as_deref(), Some("code expired"));
    }

    #[test]
    fn nylas_error_body() {
        let body = j(
            r#"{"success":false,"error":{"type":"app_id_not_allowed","http_code":400,"event_code":702,"message":"Application ID not allowed","request_id":"e19f8e1a"}}"#,
        );
        let e = parse_error(400, Some(&body));
        assert_eq!(e.code(), "api_error");
        let d = e.details().unwrap();
        assert_eq!(
            (d.error.as_str(), d.event_code, d.request_id.as_deref()),
            ("app_id_not_allowed", Some(702), Some("e19f8e1a"))
        );
        let revoked = j(
            r#"{"success":false,"error":{"type":"invalid_token","http_code":400,"event_code":45008,"message":"Token expired or revoked"}}"#,
        );
        assert_eq!(parse_api_response(400, Some(&revoked)).unwrap_err().code(), "invalid_token");
        let internal = j(r#"{"success":false,"error":{"type":"internal_error","http_code":500,"event_code":500}}"#);
        let e = parse_error(500, Some(&internal));
        assert_eq!(e.code(), "server_error");
        assert_eq!(e.details().unwrap().description.as_deref(), Some("Internal error, contact administrator"));
    }

    #[test]
    fn reference_scope_messages() {
        for msg in [
            "You do not have access to the required scopes. You provided a token which has the following scopes ['email.read_only', 'email.send']. You would need a token with at least one of the following scopes: ['email.modify']",
            "You do not have access to the required scopes. You provided a token which has the following scopes: ['email.read_only', 'email.send']. You would need a token with at least one of the following scopes: ['email.modify']",
        ] {
            let mut body = String::from(r#"{"message":"#);
            json::write_str(&mut body, msg);
            body.push_str(r#","type":"api_error"}"#);
            let e = parse_error(403, Some(&j(&body)));
            assert_eq!((e.code(), e.status()), ("insufficient_scope", Some(403)));
            match e {
                Error::InsufficientScope(s) => {
                    assert_eq!(s.provided, ["email.read_only", "email.send"]);
                    assert_eq!(s.required, ["email.modify"]);
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(scope_lists("no lists here").is_none());
    }

    #[test]
    fn malformed_error_bodies() {
        assert_eq!(parse_error(400, Some(&j("{}"))).code(), "invalid_response");
        assert_eq!(parse_error(400, Some(&j("[]"))).code(), "invalid_response");
        assert_eq!(parse_error(400, Some(&j(r#"{"error":42}"#))).code(), "invalid_response");
        assert_eq!(parse_error(401, Some(&j(r#"{"error":"invalid_client"}"#))).code(), "invalid_client");
        assert_eq!(parse_error(418, Some(&j(r#"{"error":"teapot"}"#))).code(), "api_error");
        assert_eq!(parse_error(503, Some(&j(r#"{"error":"unavailable"}"#))).code(), "server_error");
        assert_eq!(parse_api_response(200, None).unwrap_err().code(), "invalid_response");
        assert_eq!(parse_api_response(204, None).unwrap(), Json::Object(vec![]));
        assert_eq!(parse_api_response(200, Some(&j(r#"{"data":{"id":"g"}}"#))).unwrap().str_of("id"), Some("g"));
    }

    #[test]
    fn id_token_payload_is_decoded_unverified() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"sub":"g1","email":"a@b.c"}"#);
        let tok = IdToken::new(["eyJhbGciOiJIUzI1NiJ9", payload.as_str(), "sig"].join("."));
        assert_eq!(id_token_payload(&tok).as_deref(), Some(r#"{"sub":"g1","email":"a@b.c"}"#));
        assert!(id_token_payload(&IdToken::new("not-a-jwt".into())).is_none());
        assert!(id_token_payload(&IdToken::new("a.!!!.c".into())).is_none());
    }
}
