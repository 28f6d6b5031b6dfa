//! The JS-facing API in a real headless browser (wasm-bindgen-test + Chromium): real
//! `crypto.getRandomValues`, errors that are `Error`s with `code`, and real `fetch` calls (gloo-net) to the
//! local mock Nylas server, whose URL the test script passes at compile time as `NYLAS_PKCE_MOCK_URL`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect, JSON};
use nylas_pkce::wasm::{self as api, auth::NylasAuthCore, browser::StorageAdapter};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "
class NylasPkceError extends Error { constructor(m) { super(m); this.name = 'NylasPkceError'; } }
export function errorClass() { return NylasPkceError; }
export function memoryStorage() {
  const m = new Map();
  return { get: (k) => m.has(k) ? m.get(k) : null, set: (k, v) => { m.set(k, v); }, remove: (k) => { m.delete(k); },
           keys: (p) => [...m.keys()].filter((k) => k.startsWith(p)).join('\\n') };
}
export function throwingStorage() {
  const no = () => { throw new DOMException('denied', 'SecurityError'); };
  return { get: no, set: no, remove: no, keys: no };
}
export async function follow(url) { const r = await fetch(url); return r.url; }
export async function mock(path, body) {
  const r = await fetch(MOCK() + path, { method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return r.json();
}
let base = '';
export function setMock(u) { base = u; }
function MOCK() { return base; }
")]
extern "C" {
    #[wasm_bindgen(js_name = errorClass)]
    fn error_class() -> JsValue;
    #[wasm_bindgen(js_name = memoryStorage)]
    fn memory_storage() -> JsValue;
    #[wasm_bindgen(js_name = throwingStorage)]
    fn throwing_storage() -> JsValue;
    #[wasm_bindgen(js_name = follow)]
    fn follow(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = mock)]
    fn mock_call(path: &str, body: JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = setMock)]
    fn set_mock(url: &str);
}

fn mock_url() -> &'static str {
    match option_env!("NYLAS_PKCE_MOCK_URL") {
        Some(url) => url,
        None => panic!("run through scripts/test.sh: NYLAS_PKCE_MOCK_URL names the mock server"),
    }
}

fn js(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn s(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

fn setup() {
    api::set_error_class(error_class());
}

/// The thrown value must be a NylasPkceError (an Error subclass) with the given code.
fn assert_code<T: core::fmt::Debug>(r: Result<T, api::error::JsError>, code: &str) -> JsValue {
    let err = r.expect_err("expected an error").0;
    assert!(err.is_instance_of::<js_sys::Error>(), "not an Error");
    assert_eq!(s(&err, "name"), "NylasPkceError");
    assert_eq!(s(&err, "code"), code, "message: {:?}", s(&err, "message"));
    err
}

const CONFIG: &str = r#"{"clientId":"cid","redirectUri":"https://myapp.com/callback-handler"}"#;

fn with(base: &str, extra: &str) -> JsValue {
    let mut t = base.trim_end_matches('}').to_string();
    if !extra.is_empty() {
        t.push(',');
        t.push_str(extra);
    }
    t.push('}');
    js(&t)
}

#[wasm_bindgen_test]
fn verifiers_come_from_the_browser_csprng() {
    setup();
    let a = api::generate_code_verifier(None).unwrap();
    let b = api::generate_code_verifier(None).unwrap();
    assert_eq!(a.len(), 43);
    assert_ne!(a, b);
    assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    let long = api::generate_code_verifier(Some(128)).unwrap();
    assert_eq!(long.len(), 128);
    assert!(long.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c)));
    assert_code(api::generate_code_verifier(Some(42)), "invalid_verifier");
    assert_code(api::generate_code_verifier(Some(129)), "invalid_verifier");
}

#[wasm_bindgen_test]
fn challenge_vectors() {
    setup();
    assert_eq!(
        api::js_code_challenge("nylas", 0, 0).unwrap(),
        "ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg"
    );
    assert_eq!(
        api::js_code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 0, 1).unwrap(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert_eq!(api::js_code_challenge("abc", 1, 0).unwrap(), "abc");
    assert_code(api::js_code_challenge("abc", 255, 0), "invalid_option");
    assert_code(api::js_code_challenge("abc", 0, 255), "invalid_option");
    let pair = api::pkce_pair(0, 0, 1).unwrap();
    let (v, c) = pair.split_once(' ').unwrap();
    assert_eq!(v.len(), 43);
    assert_eq!(api::js_code_challenge(v, 0, 1).unwrap(), c);
    assert_code(api::pkce_pair(7, 0, 0), "invalid_verifier");
    assert_code(api::pkce_pair(0, 9, 0), "invalid_option");
    assert_code(api::pkce_pair(0, 0, 255), "invalid_option");
}

#[wasm_bindgen_test]
fn authorization_url_through_js() {
    setup();
    let r = api::build_authorization_url(with(
        CONFIG,
        r#""provider":"google","scopes":["https://www.googleapis.com/auth/gmail.readonly","profile"],"state":"sQ6vFQN","prompt":["select_provider","detect"],"extraParams":{"hd":"example.com"}"#,
    ))
    .unwrap();
    let url = s(&r, "url");
    assert!(url.starts_with("https://api.us.nylas.com/v3/connect/auth?client_id=cid&redirect_uri=https%3A%2F%2Fmyapp.com%2Fcallback-handler&response_type=code&provider=google&scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fgmail.readonly%20profile&access_type=online&state=sQ6vFQN&prompt=select_provider%2Cdetect&code_challenge="), "{url}");
    assert!(url.ends_with("&code_challenge_method=S256&hd=example.com"));
    let verifier = s(&r, "codeVerifier");
    assert_eq!(s(&r, "codeChallenge"), api::js_code_challenge(&verifier, 0, 0).unwrap());
    assert!(!url.contains(&verifier));
    let eu = api::build_authorization_url(with(CONFIG, r#""region":"eu""#)).unwrap();
    assert!(s(&eu, "url").starts_with("https://api.eu.nylas.com/v3/connect/auth?"));
    assert_eq!(s(&eu, "state").len(), 43);
}

#[wasm_bindgen_test]
fn invalid_configs_and_options_name_the_field() {
    setup();
    let cases = [
        (r#"{"redirectUri":"https://a.com/cb"}"#, "invalid_config", "clientId"),
        (r#"{"clientId":42,"redirectUri":"https://a.com/cb"}"#, "invalid_config", "clientId"),
        (r#"{"clientId":"c","redirectUri":"http://a.com/cb"}"#, "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"https://a.com/cb#x"}"#, "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"cb.html"}"#, "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"https://a.com/cb","region":"ap"}"#, "invalid_config", "region"),
        (
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","region":"us","apiBase":"https://x.com"}"#,
            "invalid_config",
            "region",
        ),
        (
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","apiBase":"http://x.com"}"#,
            "invalid_config",
            "authorizationEndpoint",
        ),
        (
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","endpoints":{"authorizationEndpoint":"https://i/a"}}"#,
            "invalid_config",
            "tokenEndpoint",
        ),
        (r#"{"clientId":"c","redirectUri":"https://a.com/cb","tokenBody":"xml"}"#, "invalid_config", "tokenBody"),
        (r#"{"clientId":"c","redirectUri":"https://a.com/cb","state":""}"#, "invalid_option", "state"),
        (r#"{"clientId":"c","redirectUri":"https://a.com/cb","scopes":[1]}"#, "invalid_option", "scopes"),
        (
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","responseType":"adminconsent"}"#,
            "invalid_option",
            "credentialId",
        ),
        (
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","responseType":"token"}"#,
            "invalid_option",
            "responseType",
        ),
        (r#"{"clientId":"c","redirectUri":"https://a.com/cb","accessType":"forever"}"#, "invalid_option", "accessType"),
        (
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","extraParams":{"state":"x"}}"#,
            "invalid_option",
            "extraParams",
        ),
        (
            r#"{"clientId":"c","redirectUri":"https://a.com/cb","includeGrantScopes":"yes"}"#,
            "invalid_option",
            "includeGrantScopes",
        ),
    ];
    for (input, code, field) in cases {
        let err = assert_code(api::build_authorization_url(js(input)), code);
        assert_eq!(s(&err, "field"), field, "{input}");
    }
    assert_code(api::build_authorization_url(JsValue::from_str("nope")), "invalid_config");
    assert_code(api::build_authorization_url(with(CONFIG, r#""codeVerifier":"nylas""#)), "invalid_verifier");
}

#[wasm_bindgen_test]
fn callbacks_through_js() {
    setup();
    let exp = js(r#"{"state":"st"}"#);
    let r = api::js_parse_callback("https://myapp.com/cb?code=abc&state=st&scope=x", exp.clone()).unwrap();
    assert_eq!((s(&r, "type"), s(&r, "code")), ("code".into(), "abc".into()));
    assert_eq!(s(&get(&r, "extras"), "scope"), "x");
    let r = api::js_parse_callback("#admin_consent=true&state=st", exp.clone()).unwrap();
    assert_eq!(s(&r, "type"), "admin_consent");
    let r =
        api::js_parse_callback("?success=true&grant_id=g&email=a%40b&provider=google&state=st", exp.clone()).unwrap();
    assert_eq!((s(&r, "type"), s(&r, "grantId"), s(&r, "email")), ("hosted".into(), "g".into(), "a@b".into()));
    let err = assert_code(
        api::js_parse_callback(
            "?error=access_denied&error_description=no&error_uri=https%3A%2F%2Fx%2F%2345002&state=st",
            exp.clone(),
        ),
        "authorization_error",
    );
    assert_eq!((s(&err, "error"), s(&err, "errorDescription")), ("access_denied".into(), "no".into()));
    assert_eq!(get(&err, "eventCode").as_f64(), Some(45002.0));
    for (input, code) in [
        ("?code=a", "missing_state"),
        ("?code=a&state=other", "state_mismatch"),
        ("?state=st", "missing_code"),
        ("?code=a&code=b&state=st", "invalid_callback"),
        ("?code=a&error=x&state=st", "invalid_callback"),
        ("https://myapp.com/cb", "invalid_callback"),
    ] {
        let err = assert_code(api::js_parse_callback(input, exp.clone()), code);
        let msg = s(&err, "message");
        assert!(!msg.contains("st&") && !msg.contains("=a"), "secret in message: {msg}");
    }
    assert_code(
        api::js_parse_callback(
            "?code=a&state=st&iss=https%3A%2F%2Fevil",
            js(r#"{"state":"st","issuer":"https://good"}"#),
        ),
        "issuer_mismatch",
    );
    assert_code(api::js_parse_callback("?code=a&state=st", JsValue::UNDEFINED), "invalid_option");
}

#[wasm_bindgen_test]
fn token_requests_and_responses_through_js() {
    setup();
    let verifier = api::generate_code_verifier(None).unwrap();
    let mut opts = String::from(r#""code":"the-code","codeVerifier":""#);
    opts.push_str(&verifier);
    opts.push('"');
    let req = api::token_request(with(CONFIG, &opts)).unwrap();
    assert_eq!(
        (s(&req, "method"), s(&req, "url")),
        ("POST".into(), "https://api.us.nylas.com/v3/connect/token".into())
    );
    assert_eq!(s(&get(&req, "headers"), "Content-Type"), "application/json");
    let body = JSON::parse(&s(&req, "body")).unwrap();
    assert_eq!(s(&body, "code_verifier"), verifier);
    assert_eq!(s(&body, "grant_type"), "authorization_code");
    assert!(get(&body, "client_secret").is_undefined());
    let form = api::token_request(with(CONFIG, &(opts.clone() + r#","tokenBody":"form""#))).unwrap();
    assert!(s(&form, "body")
        .starts_with("client_id=cid&grant_type=authorization_code&code=the-code&redirect_uri=https%3A%2F%2Fmyapp.com"));
    assert_code(api::token_request(with(CONFIG, r#""code":"c","codeVerifier":"short""#)), "invalid_verifier");

    let t = api::parse_token_response(
        200,
        JsValue::from_str(
            r#"{"access_token":"at","token_type":"bearer","expires_in":60,"scope":"a b","grant_id":"g"}"#,
        ),
        Some(1000.0),
    )
    .unwrap();
    assert_eq!(
        (s(&t, "accessToken"), s(&t, "tokenType"), s(&t, "grantId")),
        ("at".into(), "Bearer".into(), "g".into())
    );
    assert_eq!(get(&t, "expiresAt").as_f64(), Some(61_000.0));
    assert_eq!(Array::from(&get(&t, "scope")).length(), 2);
    let obj_body = js(r#"{"access_token":"at","token_type":"Bearer"}"#);
    assert!(api::parse_token_response(200, obj_body, None).is_ok());
    let err = assert_code(
        api::parse_token_response(
            403,
            JsValue::from_str(
                r#"{"message":"You provided a token which has the following scopes ['email.read_only']. You would need a token with at least one of the following scopes: ['email.modify']","type":"api_error"}"#,
            ),
            None,
        ),
        "insufficient_scope",
    );
    assert_eq!(Array::from(&get(&err, "requiredScopes")).get(0).as_string().unwrap(), "email.modify");
    let err = assert_code(
        api::parse_token_response(
            400,
            JsValue::from_str(r#"{"error":"invalid_grant","error_code":45004,"request_id":"r"}"#),
            None,
        ),
        "invalid_grant",
    );
    assert_eq!(
        (get(&err, "status").as_f64(), get(&err, "eventCode").as_f64(), s(&err, "requestId")),
        (Some(400.0), Some(45004.0), "r".into())
    );
    let err = assert_code(
        api::parse_token_response(502, JsValue::from_str("<html><body>502 Bad Gateway</body></html>"), None),
        "invalid_response",
    );
    assert_eq!(get(&err, "status").as_f64(), Some(502.0));
    assert_code(
        api::parse_token_response(200, JsValue::from_str(r#"{"token_type":"Bearer"}"#), None),
        "invalid_response",
    );
}

async fn await_js(p: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

async fn mock(path: &str, body: &str) -> JsValue {
    set_mock(mock_url());
    let body = if body.is_empty() { JsValue::UNDEFINED } else { js(body) };
    await_js(mock_call(path, body)).await.expect("mock control call")
}

fn core(extra: &str) -> NylasAuthCore {
    let mut cfg = String::from(r#"{"clientId":"demo-client","redirectUri":""#);
    cfg.push_str(mock_url());
    cfg.push_str(r#"/callback-echo","apiBase":""#);
    cfg.push_str(mock_url());
    cfg.push_str(r#"/v3""#);
    if !extra.is_empty() {
        cfg.push(',');
        cfg.push_str(extra);
    }
    cfg.push('}');
    NylasAuthCore::new(js(&cfg), memory_storage().unchecked_into::<StorageAdapter>(), None).expect("config")
}

/// Starts a flow and lets the mock (autoApprove) redirect back: returns the callback URL.
async fn callback_url(c: &NylasAuthCore) -> String {
    let start = c.authorize(js(r#"{"provider":"google","scopes":["email"]}"#), false).unwrap();
    await_js(follow(&s(&start, "url"))).await.unwrap().as_string().unwrap()
}

async fn code_of(p: js_sys::Promise) -> String {
    let err = await_js(p).await.expect_err("expected a rejection");
    assert!(err.is_instance_of::<js_sys::Error>());
    s(&err, "code")
}

#[wasm_bindgen_test]
async fn full_flow_against_the_mock_with_real_fetch() {
    setup();
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    let c = core("");
    let cb = callback_url(&c).await;
    assert!(cb.contains("code=") && cb.contains("state="), "{cb}");
    let tokens = await_js(c.handle_callback(cb.clone())).await.unwrap();
    assert_eq!(s(&tokens, "type"), "tokens");
    assert_eq!(s(&tokens, "tokenType"), "Bearer");
    assert!(!s(&tokens, "accessToken").is_empty());
    assert!(get(&tokens, "idTokenClaims").is_object());
    assert!(c.is_authenticated());
    // A replayed callback never reaches the token endpoint.
    assert_eq!(code_of(c.handle_callback(cb)).await, "no_transaction");
    let stats = mock("/__mock/stats", "").await;
    assert_eq!(get(&get(&stats, "requests"), "token").as_f64(), Some(1.0));
    assert_eq!(get(&stats, "clientSecretSeen").as_bool(), Some(false));
    let grant = await_js(c.grant_info()).await.unwrap();
    assert!(!s(&grant, "id").is_empty());
    let info = await_js(c.token_info()).await.unwrap();
    assert_eq!(s(&info, "aud"), "demo-client");
    await_js(c.revoke()).await.unwrap();
    assert_eq!(code_of(c.token_info()).await, "invalid_token");
    await_js(c.logout()).await.unwrap();
    assert!(!c.is_authenticated());
    assert_eq!(code_of(c.get_access_token()).await, "login_required");
    assert_eq!(c.take_events(), "tokens,logout");
}

#[wasm_bindgen_test]
async fn token_endpoint_faults_become_typed_errors() {
    setup();
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    for (fault, code) in
        [("500", "server_error"), ("html502", "invalid_response"), ("drop", "network_error"), ("slow", "timeout")]
    {
        let c = core(r#""fetchTimeoutMs":400"#);
        let cb = callback_url(&c).await;
        let mut cfg = String::from(r#"{"faults":{"token":""#);
        cfg.push_str(fault);
        cfg.push_str(r#"","slowMs":3000}}"#);
        mock("/__mock/config", &cfg).await;
        let err = await_js(c.handle_callback(cb)).await.expect_err(fault);
        assert_eq!(s(&err, "code"), code, "fault {fault}");
        if fault == "html502" {
            assert_eq!(get(&err, "status").as_f64(), Some(502.0));
        }
        mock("/__mock/config", r#"{"faults":{"token":null}}"#).await;
    }
}

#[wasm_bindgen_test]
async fn consent_denied_and_tampered_state() {
    setup();
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    let c = core("");
    let cb = callback_url(&c).await;
    let tampered = cb.replace("state=", "state=x");
    assert_eq!(code_of(c.handle_callback(tampered)).await, "state_mismatch");
    assert!(await_js(c.handle_callback(cb)).await.is_ok(), "the real callback still completes");
}

#[wasm_bindgen_test]
async fn storage_that_throws_is_storage_unavailable() {
    setup();
    let c = NylasAuthCore::new(js(CONFIG), throwing_storage().unchecked_into::<StorageAdapter>(), None).unwrap();
    let err = c.authorize(Object::new().into(), false).expect_err("storage throws").0;
    assert_eq!(s(&err, "code"), "storage_unavailable");
    assert!(err.dyn_ref::<js_sys::Error>().is_some());
}
