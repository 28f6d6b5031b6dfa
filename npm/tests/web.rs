//! The npm binding's exports in a real headless browser (wasm-bindgen-test + Chromium): the browser's
//! `crypto.getRandomValues`, results and the error form as the package reads them, and a whole login
//! driven step by step the way the package's JavaScript drives it (options packed by the same rules as
//! `js/options.js`), with real `fetch` calls to the mock Nylas server (`NYLAS_PKCE_MOCK_URL`, set by
//! scripts/test.sh).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
#![cfg(target_arch = "wasm32")]

use js_sys::{Reflect, JSON};
use nylas_pkce::json;
use nylas_pkce_npm::fields::{pack_json, Field, AUTHORIZATION, CLIENT, CONFIG};
use nylas_pkce_npm::{login, session};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = "
export async function follow(url) { const r = await fetch(url); return r.url; }
export async function send(requestJson) {
  const q = JSON.parse(requestJson);
  const r = await fetch(q.url, { method: q.method, headers: q.headers, body: q.body, credentials: 'omit', redirect: 'error' });
  return [r.status, await r.text()];
}
export async function control(base, path, body) {
  const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return r.json();
}
")]
extern "C" {
    fn follow(url: &str) -> js_sys::Promise;
    fn send(request_json: &str) -> js_sys::Promise;
    fn control(base: &str, path: &str, body: &str) -> js_sys::Promise;
}

fn mock_url() -> &'static str {
    match option_env!("NYLAS_PKCE_MOCK_URL") {
        Some(url) => url,
        None => panic!("run through scripts/test.sh: NYLAS_PKCE_MOCK_URL names the mock server"),
    }
}

fn parse(text: &str) -> JsValue {
    assert!(!text.starts_with('!'), "unexpected error: {text}");
    JSON::parse(text).expect("JSON result")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn s(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

/// The code and field of an error-form result (what the package throws as a NylasPkceError).
fn error_of(text: &str) -> (String, String) {
    let form = text.strip_prefix('!').unwrap_or_else(|| panic!("not an error: {text}"));
    let mut parts = form.split('\0');
    (parts.next().unwrap().into(), parts.next().unwrap().into())
}

fn code(text: &str) -> String {
    error_of(text).0
}

/// Options as the package's JavaScript packs them.
fn pack(list: &[Field], options: &str, config: bool) -> String {
    pack_json(list, &json::parse(options).unwrap(), &[list], config).unwrap()
}

fn configure(options: &str) -> String {
    let o = json::parse(options).unwrap();
    let known: &[&[Field]] = &[CONFIG, CLIENT];
    login::configure(&pack_json(CONFIG, &o, known, true).unwrap(), &pack_json(CLIENT, &o, known, true).unwrap(), "")
}

#[wasm_bindgen_test]
fn verifiers_come_from_the_browser_csprng() {
    let (a, b) = (login::verifier(0), login::verifier(0));
    assert_eq!(a.len(), 43);
    assert_ne!(a, b);
    assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    let long = login::verifier(128);
    assert_eq!(long.len(), 128);
    assert!(long.bytes().all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c)));
    assert_eq!(code(&login::verifier(42)), "invalid_verifier");
    assert_eq!(code(&login::verifier(129)), "invalid_verifier");
    // More than the 1 KiB pool holds: the pool refills from the browser.
    let many: Vec<String> = (0..100).map(|_| login::verifier(0)).collect();
    assert_eq!(many.iter().collect::<std::collections::BTreeSet<_>>().len(), 100);
}

#[wasm_bindgen_test]
fn challenge_vectors_and_pairs() {
    let nylas = "ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg";
    assert_eq!(login::challenge("nylas", 0, 0), nylas);
    assert_eq!(
        login::challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", 0, 1),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    let v = "a".repeat(43);
    assert_eq!(login::challenge(&v, 1, 0), v);
    // `plain` returns the verifier itself: anything that is not one is refused (it could start with `!`).
    assert_eq!(code(&login::challenge("!abc", 1, 0)), "invalid_verifier");
    assert_eq!(code(&login::challenge("abc", 255, 0)), "invalid_option");
    assert_eq!(code(&login::challenge("abc", 0, 255)), "invalid_option");
    let pair = login::pair(0, 0, 1);
    let (v, c) = pair.split_once(' ').unwrap();
    assert_eq!(v.len(), 43);
    assert_eq!(login::challenge(v, 0, 1), c);
    assert_eq!(code(&login::pair(7, 0, 0)), "invalid_verifier");
}

#[wasm_bindgen_test]
fn configuration_errors_name_the_field() {
    let e = configure(r#"{"clientId":"c"}"#);
    assert_eq!(error_of(&e), ("invalid_config".into(), "redirectUri".into()));
    assert_eq!(code(&login::configure("+c\0+not a url", "", "")), "invalid_config");
    let ok = parse(&configure(r#"{"clientId":"c","redirectUri":"https://a.example/cb","transactionTtlMs":5000}"#));
    let key = s(&ok, "tokenKey");
    assert!(key.starts_with("nylas-pkce:tokens:"), "{key}");
    // Keys are namespaced by server and client: another region's client never shares them.
    let eu = parse(&configure(r#"{"clientId":"c","redirectUri":"https://a.example/cb","region":"eu"}"#));
    assert_ne!(s(&eu, "tokenKey"), key);
    assert_ne!(s(&eu, "transactionPrefix"), s(&ok, "transactionPrefix"));
    assert_eq!(get(&ok, "transactionTtlMs").as_f64(), Some(5000.0));
}

#[wasm_bindgen_test]
async fn a_whole_login_step_by_step_against_the_mock() {
    let base = mock_url();
    JsFuture::from(control(base, "/__mock/reset", "{}")).await.unwrap();
    JsFuture::from(control(base, "/__mock/config", r#"{"autoApprove":true}"#)).await.unwrap();
    let options =
        [r#"{"clientId":"demo-client","redirectUri":""#, base, r#"/callback-echo","apiBase":""#, base, r#"/v3"}"#]
            .concat();
    let config = pack(CONFIG, &options, true);
    let settings = configure(&options);
    assert!(!settings.starts_with('!'), "{settings}");
    let now = js_sys::Date::now();
    // Before login (first half): the URL and the record to keep, with the purge of what is expired in the
    // same crossing (an old record, one that could not be read, and one still pending).
    let call = pack(AUTHORIZATION, r#"{"provider":"google","scopes":["email"]}"#, false);
    let started = login::authorize(
        &config,
        "",
        &call,
        false,
        now,
        &[now - 700_000.0, f64::NAN, now],
        600_000.0,
        None,
        None,
        None,
    );
    assert!(!started.starts_with('!'), "{started}");
    // In an embedded webview, a login for Google that navigates this page is refused (Google would 403).
    let webview = "Mozilla/5.0 (Linux; Android 13; Pixel 7; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0 Mobile Safari/537.36";
    assert!(login::embedded(webview));
    let refused = login::authorize(&config, "", &call, false, now, &[], 600_000.0, None, None, Some(webview.into()));
    assert_eq!(code(&refused), "embedded_webview");
    let parts: Vec<&str> = started.split('\0').collect();
    let (key, record, url) = (parts[0], parts[1], parts[2]);
    assert!(key.starts_with("nylas-pkce:tx:"));
    assert_eq!(parts[10], "110", "remove the expired and the unreadable record, keep the pending one");
    let callback = JsFuture::from(follow(url)).await.unwrap().as_string().unwrap();
    // The callback (second half), one crossing: which record to take, then the check against it.
    let stored =
        |records: &[(&str, &str)]| records.iter().map(|(k, r)| [*k, "\t", r].concat()).collect::<Vec<_>>().join("\n");
    let nothing = session::callback(&settings, &callback, "", 1, now);
    assert_eq!(code(nothing.split_once('\0').unwrap().1), "no_transaction");
    let other = session::callback(&settings, &callback, &stored(&[("nylas-pkce:tx:other", record)]), 0, now);
    assert_eq!(other.split_once('\0').unwrap().0, "r", "another state's record is not taken");
    assert_eq!(code(other.split_once('\0').unwrap().1), "state_mismatch");
    let step =
        session::callback(&settings, &callback, &stored(&[("nylas-pkce:tx:other", "{}"), (key, record)]), 1, now);
    let (op, step) = step.split_once('\0').unwrap();
    assert_eq!(op, ["r", key].concat(), "take the callback's own record");
    let step = parse(step);
    let request = JSON::stringify(&get(&step, "exchange")).unwrap().as_string().unwrap();
    assert!(!request.contains("client_secret"));
    let answer = JsFuture::from(send(&request)).await.unwrap();
    let (status, body) = (js_sys::Array::from(&answer).get(0), js_sys::Array::from(&answer).get(1));
    let tokens = session::exchanged(status.as_f64().unwrap() as u16, &body.as_string().unwrap(), now, "");
    let set = parse(&tokens);
    assert_eq!(s(&set, "tokenType"), "Bearer");
    assert!(get(&set, "idTokenClaims").is_object());
    // The token record's fields restore in the first half, and the record drives the second.
    let at = get(&set, "expiresAt").as_f64().unwrap();
    assert_eq!(login::restore(&s(&set, "accessToken"), "Bearer", at, None, now, 30_000.0), 2);
    assert_eq!(login::restore(&s(&set, "accessToken"), "Bearer", at, None, at, 0.0), 1);
    assert_eq!(login::restore("", "Bearer", at, None, now, 0.0), 0);
    let access = parse(&session::access(&settings, &tokens, now));
    assert_eq!(s(&access, "token"), s(&set, "accessToken"));
    let grant = parse(&session::request(&settings, 2, &tokens));
    let answer = JsFuture::from(send(&JSON::stringify(&grant).unwrap().as_string().unwrap())).await.unwrap();
    let body = js_sys::Array::from(&answer).get(1).as_string().unwrap();
    assert!(get(&parse(&session::api_result(200, &body)), "id").is_string());
    assert_eq!(code(&session::access(&settings, "", now)), "login_required");
    assert_eq!(code(&session::api_result(401, r#"{"error":"invalid_token"}"#)), "invalid_token");
}
