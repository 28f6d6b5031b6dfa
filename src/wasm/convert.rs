//! Reading option objects and writing result objects with `Reflect` (no serde in the hot path: it would
//! cost ~20 KB of wasm), and converting between `JsValue` and the core's [`Json`].

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::authorize::{AccessType, AuthorizationOptions, AuthorizationRequest};
use crate::config::{Config, Endpoints, Flavor, Region, TokenBody};
use crate::json::Json;
use crate::pkce::{ChallengeEncoding, ChallengeMethod};
use crate::token::{id_token_payload, HttpRequest, TokenSet};
use crate::transaction::ResponseType;
use crate::Error;

pub fn obj() -> Object {
    Object::new()
}

pub fn set(target: &JsValue, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

pub fn set_opt(target: &JsValue, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        set(target, key, v);
    }
}

pub fn get(source: &JsValue, key: &str) -> JsValue {
    if !source.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(source, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn wrong(field: &'static str, config: bool, reason: &'static str) -> Error {
    if config {
        Error::InvalidConfig { field, reason }
    } else {
        Error::InvalidOption { field, reason }
    }
}

/// An optional string member; wrong types are an error naming the field.
pub fn opt_str(source: &JsValue, key: &str, field: &'static str, config: bool) -> Result<Option<String>, Error> {
    let v = get(source, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or(wrong(field, config, "must be a string"))
}

/// A required string member.
pub fn req_str(source: &JsValue, key: &str, field: &'static str, config: bool) -> Result<String, Error> {
    opt_str(source, key, field, config)?.ok_or(wrong(field, config, "is required"))
}

fn opt_bool(source: &JsValue, key: &str, field: &'static str) -> Result<Option<bool>, Error> {
    let v = get(source, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_bool().map(Some).ok_or(wrong(field, false, "must be a boolean"))
}

/// A list of strings: an array, or one string (split on `sep`).
fn str_list(source: &JsValue, key: &str, field: &'static str, sep: char) -> Result<Vec<String>, Error> {
    let v = get(source, key);
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    if let Some(s) = v.as_string() {
        return Ok(s.split(sep).filter(|p| !p.is_empty()).map(Into::into).collect());
    }
    let arr: Array = v.dyn_into().map_err(|_| wrong(field, false, "must be an array of strings"))?;
    arr.iter().map(|item| item.as_string().ok_or(wrong(field, false, "must be an array of strings"))).collect()
}

fn parsed<T>(
    value: Option<String>,
    parse: fn(&str) -> Option<T>,
    field: &'static str,
    config: bool,
    reason: &'static str,
) -> Result<Option<T>, Error> {
    match value {
        None => Ok(None),
        Some(s) => parse(&s).map(Some).ok_or(wrong(field, config, reason)),
    }
}

/// `options.method` for `codeChallenge`.
pub fn method(options: &JsValue) -> Result<Option<ChallengeMethod>, Error> {
    parsed(
        opt_str(options, "method", "method", false)?,
        ChallengeMethod::parse,
        "method",
        false,
        "must be S256 or plain",
    )
}

/// `options.encoding` for `codeChallenge`.
pub fn encoding(options: &JsValue) -> Result<Option<ChallengeEncoding>, Error> {
    parsed(
        opt_str(options, "encoding", "encoding", false)?,
        ChallengeEncoding::parse,
        "encoding",
        false,
        "must be nylas or rfc7636",
    )
}

/// The client configuration: `clientId`, `redirectUri`, and one of `region` / `apiBase` / `endpoints`;
/// optional `issuer`, `challengeEncoding`, `tokenBody`.
pub fn config(o: &JsValue) -> Result<Config, Error> {
    if !o.is_object() {
        return Err(Error::InvalidConfig { field: "options", reason: "must be an object" });
    }
    let client_id = req_str(o, "clientId", "clientId", true)?;
    let redirect_uri = req_str(o, "redirectUri", "redirectUri", true)?;
    let region = opt_str(o, "region", "region", true)?;
    let api_base = opt_str(o, "apiBase", "apiBase", true)?;
    let endpoints = get(o, "endpoints");
    let chosen = [region.is_some(), api_base.is_some(), endpoints.is_object()].iter().filter(|b| **b).count();
    if chosen > 1 {
        return Err(Error::InvalidConfig { field: "region", reason: "give only one of region, apiBase, endpoints" });
    }
    let (mut ep, flavor) = if endpoints.is_object() {
        let e = &endpoints;
        let ep = Endpoints {
            authorization: req_str(e, "authorizationEndpoint", "authorizationEndpoint", true)?,
            token: req_str(e, "tokenEndpoint", "tokenEndpoint", true)?,
            revocation: opt_str(e, "revocationEndpoint", "revocationEndpoint", true)?,
            token_info: opt_str(e, "tokenInfoEndpoint", "tokenInfoEndpoint", true)?,
            grant_info: opt_str(e, "grantInfoEndpoint", "grantInfoEndpoint", true)?,
            issuer: opt_str(e, "issuer", "issuer", true)?,
        };
        (ep, Flavor::Generic)
    } else if let Some(base) = api_base {
        (Endpoints::nylas_base(&base), Flavor::Nylas)
    } else {
        let region = parsed(region, Region::parse, "region", true, "must be us or eu")?.unwrap_or_default();
        (Endpoints::nylas(region), Flavor::Nylas)
    };
    if let Some(iss) = opt_str(o, "issuer", "issuer", true)? {
        ep.issuer = Some(iss);
    }
    let mut config = Config::new(&client_id, &redirect_uri, ep, flavor)?;
    let enc = opt_str(o, "challengeEncoding", "challengeEncoding", true)?;
    if let Some(e) = parsed(enc, ChallengeEncoding::parse, "challengeEncoding", true, "must be nylas or rfc7636")? {
        config.challenge_encoding = e;
    }
    let body = opt_str(o, "tokenBody", "tokenBody", true)?;
    if let Some(b) = parsed(body, TokenBody::parse, "tokenBody", true, "must be json or form")? {
        config.token_body = b;
    }
    Ok(config)
}

/// Per-request options of the authorization URL.
pub fn authorization_options(o: &JsValue) -> Result<AuthorizationOptions, Error> {
    let verifier_length = match get(o, "verifierLength").as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=4096.0).contains(&n) => Some(n as usize),
        Some(_) => return Err(wrong("verifierLength", false, "must be a whole number")),
        None => None,
    };
    let mut extra_params = Vec::new();
    let extra = get(o, "extraParams");
    if extra.is_object() {
        for entry in Object::entries(extra.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            let (k, v) = (pair.get(0).as_string(), pair.get(1).as_string());
            match (k, v) {
                (Some(k), Some(v)) => extra_params.push((k, v)),
                _ => return Err(wrong("extraParams", false, "values must be strings")),
            }
        }
    }
    Ok(AuthorizationOptions {
        response_type: parsed(
            opt_str(o, "responseType", "responseType", false)?,
            ResponseType::parse,
            "responseType",
            false,
            "must be code or adminconsent",
        )?
        .unwrap_or_default(),
        credential_id: opt_str(o, "credentialId", "credentialId", false)?,
        provider: opt_str(o, "provider", "provider", false)?,
        scopes: str_list(o, "scopes", "scopes", ' ')?,
        state: opt_str(o, "state", "state", false)?,
        login_hint: opt_str(o, "loginHint", "loginHint", false)?,
        access_type: parsed(
            opt_str(o, "accessType", "accessType", false)?,
            AccessType::parse,
            "accessType",
            false,
            "must be online or offline",
        )?
        .unwrap_or_default(),
        prompt: str_list(o, "prompt", "prompt", ',')?,
        include_grant_scopes: opt_bool(o, "includeGrantScopes", "includeGrantScopes")?,
        code_verifier: opt_str(o, "codeVerifier", "codeVerifier", false)?,
        verifier_length,
        challenge_method: parsed(
            opt_str(o, "challengeMethod", "challengeMethod", false)?,
            ChallengeMethod::parse,
            "challengeMethod",
            false,
            "must be S256 or plain",
        )?
        .unwrap_or_default(),
        challenge_encoding: None,
        extra_params,
    })
}

pub fn authorization_result(req: &AuthorizationRequest) -> JsValue {
    let out: JsValue = obj().into();
    let tx = &req.transaction;
    set(&out, "url", req.url.as_str());
    set(&out, "state", tx.state.secret());
    set_opt(&out, "codeVerifier", tx.code_verifier.as_ref().map(|v| v.secret()));
    set_opt(&out, "codeChallenge", req.code_challenge.as_deref());
    if req.code_challenge.is_some() {
        set(&out, "codeChallengeMethod", req.challenge_method.as_str());
    }
    set(&out, "redirectUri", tx.redirect_uri.as_str());
    set(&out, "createdAt", tx.created_at as f64);
    set_opt(&out, "issuer", tx.issuer.as_deref());
    set(&out, "transaction", tx.to_json());
    out
}

pub fn http_request(req: &HttpRequest) -> JsValue {
    let out: JsValue = obj().into();
    set(&out, "url", req.url.as_str());
    set(&out, "method", req.method.as_str());
    let headers: JsValue = obj().into();
    for (k, v) in &req.headers {
        set(&headers, k, v.as_str());
    }
    set(&out, "headers", headers);
    set_opt(&out, "body", req.body.as_deref());
    out
}

pub fn str_array(items: &[String]) -> Array {
    items.iter().map(|s| JsValue::from_str(s)).collect()
}

pub fn token_set(t: &TokenSet) -> JsValue {
    let out: JsValue = obj().into();
    set(&out, "accessToken", t.access_token.secret());
    set(&out, "tokenType", t.token_type.as_str());
    if let Some(n) = t.expires_in {
        set(&out, "expiresIn", n as f64);
    }
    if let Some(at) = t.expires_at {
        set(&out, "expiresAt", at as f64);
    }
    set_opt(&out, "refreshToken", t.refresh_token.as_ref().map(|r| r.secret()));
    set(&out, "scope", str_array(&t.scope));
    set_opt(&out, "grantId", t.grant_id.as_deref());
    set_opt(&out, "email", t.email.as_deref());
    set_opt(&out, "provider", t.provider.as_deref());
    if let Some(id) = &t.id_token {
        set(&out, "idToken", id.secret());
        if let Some(claims) = id_token_payload(id).and_then(|p| JSON::parse(&p).ok()).filter(JsValue::is_object) {
            set(&out, "idTokenClaims", claims);
        }
    }
    out
}

/// A body given as text (parsed with `JSON.parse`) or as an object.
pub fn body_json(body: &JsValue) -> Option<Json> {
    match body.as_string() {
        Some(text) => JSON::parse(&text).ok().map(|v| to_json(&v)),
        None if body.is_object() => Some(to_json(body)),
        None => None,
    }
}

/// `JsValue` → [`Json`] (functions and symbols become null; depth is bounded).
pub fn to_json(v: &JsValue) -> Json {
    to_json_depth(v, 0)
}

fn to_json_depth(v: &JsValue, depth: u8) -> Json {
    if let Some(s) = v.as_string() {
        Json::String(s)
    } else if let Some(n) = v.as_f64() {
        Json::Number(n)
    } else if let Some(b) = v.as_bool() {
        Json::Bool(b)
    } else if depth > 32 {
        Json::Null
    } else if Array::is_array(v) {
        Json::Array(Array::from(v).iter().map(|x| to_json_depth(&x, depth + 1)).collect())
    } else if v.is_object() {
        let mut members = Vec::new();
        for entry in Object::entries(v.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            if let Some(k) = pair.get(0).as_string() {
                members.push((k, to_json_depth(&pair.get(1), depth + 1)));
            }
        }
        Json::Object(members)
    } else {
        Json::Null
    }
}

/// [`Json`] → `JsValue`.
pub fn from_json(j: &Json) -> JsValue {
    match j {
        Json::Null => JsValue::NULL,
        Json::Bool(b) => JsValue::from_bool(*b),
        Json::Number(n) => JsValue::from_f64(*n),
        Json::String(s) => JsValue::from_str(s),
        Json::Array(a) => a.iter().map(from_json).collect::<Array>().into(),
        Json::Object(m) => {
            let out: JsValue = obj().into();
            for (k, v) in m {
                set(&out, k, from_json(v));
            }
            out
        }
    }
}
