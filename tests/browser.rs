//! The Rust browser client (cargo feature `browser`) in a real headless browser (wasm-bindgen-test +
//! Chromium): `crypto.getRandomValues`, `sessionStorage`, and real `fetch` calls (gloo-net) to the local
//! mock Nylas server, whose URL the test script passes at compile time as `NYLAS_PKCE_MOCK_URL`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use nylas_pkce::browser::{self, BrowserClient, CryptoRng, Persist, WebStorage};
use nylas_pkce::client::{Client, Event};
use nylas_pkce::{
    AuthorizationOptions, CallbackOutcome, ClientOptions, Config, Endpoints, Flavor, MemoryStorage, RandomSource,
    Storage,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The README's browser-client snippet, compiled here against the real API (`tests/readme.rs` checks that
/// the README shows it as it is).
#[allow(dead_code)]
mod readme {
    include!("readme/browser.rs");
}

#[wasm_bindgen(inline_js = "
export async function follow(url) { const r = await fetch(url); return r.url; }
export async function mock(base, path, body) {
  const r = await fetch(base + path, { method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' }, body });
  return r.json();
}
")]
extern "C" {
    fn follow(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = mock)]
    fn mock_call(base: &str, path: &str, body: Option<String>) -> js_sys::Promise;
}

fn mock_url() -> &'static str {
    match option_env!("NYLAS_PKCE_MOCK_URL") {
        Some(url) => url,
        None => panic!("run through scripts/test.sh: NYLAS_PKCE_MOCK_URL names the mock server"),
    }
}

async fn mock(path: &str, body: &str) -> JsValue {
    let body = (!body.is_empty()).then(|| body.to_string());
    JsFuture::from(mock_call(mock_url(), path, body)).await.expect("mock control call")
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn config() -> Config {
    let base = [mock_url(), "/v3"].concat();
    Config::new("demo-client", &[mock_url(), "/callback-echo"].concat(), Endpoints::nylas_base(&base), Flavor::Nylas)
        .unwrap()
}

fn client(timeout_ms: u32) -> BrowserClient {
    let http = browser::FetchHttp { timeout_ms };
    Client::new(
        config(),
        Box::new(MemoryStorage::default()),
        None,
        http,
        browser::JsClock,
        CryptoRng,
        ClientOptions::default(),
    )
}

/// Starts a flow and lets the mock (autoApprove) redirect back: the callback URL.
async fn callback_url(c: &BrowserClient) -> String {
    let opts =
        AuthorizationOptions { provider: Some("google".into()), scopes: vec!["email".into()], ..Default::default() };
    let start = c.authorize(&opts).unwrap();
    JsFuture::from(follow(&start.url)).await.unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn a_callback_page_is_recognised_and_its_address_bar_cleaned() {
    let window = web_sys::window().unwrap();
    let history = window.history().unwrap();
    let original = browser::current_url().unwrap();
    let base = original.split(['?', '#']).next().unwrap().to_string();
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&[&base, "?keep=1&code=c&state=s&iss=i"].concat()))
        .unwrap();
    assert!(browser::is_callback());
    assert!(browser::clean_address_bar());
    assert_eq!(browser::current_url().unwrap(), [&base, "?keep=1"].concat());
    assert!(!browser::is_callback());
    assert!(!browser::clean_address_bar(), "nothing left to remove");
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&[&base, "#state=s&error=access_denied"].concat()))
        .unwrap();
    assert!(browser::is_callback() && browser::clean_address_bar());
    assert_eq!(browser::current_url().unwrap(), base);
    history.replace_state_with_url(&JsValue::NULL, "", Some(&original)).unwrap();
}

#[wasm_bindgen_test]
fn randomness_comes_from_the_browser_csprng() {
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    CryptoRng.fill(&mut a).unwrap();
    CryptoRng.fill(&mut b).unwrap();
    assert_ne!(a, b);
    assert_ne!(a, [0u8; 32]);
}

#[wasm_bindgen_test]
fn web_storage_round_trips_and_lists_by_prefix() {
    let s = WebStorage::session().expect("sessionStorage works in a test page");
    s.set("nylas-pkce:test:a", "1").unwrap();
    s.set("other:b", "2").unwrap();
    assert_eq!(s.get("nylas-pkce:test:a").unwrap().as_deref(), Some("1"));
    assert_eq!(s.keys("nylas-pkce:test:").unwrap(), ["nylas-pkce:test:a"]);
    s.remove("nylas-pkce:test:a").unwrap();
    s.remove("other:b").unwrap();
    assert_eq!(s.get("nylas-pkce:test:a").unwrap(), None);
}

#[wasm_bindgen_test]
async fn full_flow_against_the_mock_with_real_fetch() {
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    let c = client(30_000);
    let cb = callback_url(&c).await;
    assert!(cb.contains("code=") && cb.contains("state="), "{cb}");
    let CallbackOutcome::Tokens { tokens, .. } = c.handle_callback(&cb).await.unwrap() else { panic!("not tokens") };
    assert_eq!(tokens.token_type, "Bearer");
    assert!(!tokens.access_token.secret().is_empty());
    assert!(tokens.id_token_claims.is_some());
    assert!(c.is_authenticated());
    // A replayed callback never reaches the token endpoint.
    assert_eq!(c.handle_callback(&cb).await.unwrap_err().code(), "no_transaction");
    let stats = mock("/__mock/stats", "").await;
    assert_eq!(get(&get(&stats, "requests"), "token").as_f64(), Some(1.0));
    assert_eq!(get(&stats, "clientSecretSeen").as_bool(), Some(false));
    let grant = c.grant_info().await.unwrap();
    assert!(grant.str_of("id").is_some());
    let info = c.token_info().await.unwrap();
    assert_eq!(info.str_of("aud"), Some("demo-client"));
    c.revoke().await.unwrap();
    assert_eq!(c.token_info().await.unwrap_err().code(), "invalid_token");
    c.logout().await.unwrap();
    assert!(!c.is_authenticated());
    assert_eq!(c.access_token().await.unwrap_err().code(), "login_required");
    let grant = tokens.grant_id.clone();
    assert!(grant.is_some());
    assert_eq!(c.take_events(), [Event::Tokens(grant.clone()), Event::Logout(grant)]);
}

#[wasm_bindgen_test]
async fn token_endpoint_faults_become_typed_errors() {
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    for (fault, code) in
        [("500", "server_error"), ("html502", "invalid_response"), ("drop", "network_error"), ("slow", "timeout")]
    {
        let c = client(400);
        let cb = callback_url(&c).await;
        mock("/__mock/config", &[r#"{"faults":{"token":""#, fault, r#"","slowMs":3000}}"#].concat()).await;
        let err = c.handle_callback(&cb).await.expect_err(fault);
        assert_eq!(err.code(), code, "fault {fault}");
        if fault == "html502" {
            assert_eq!(err.status(), Some(502));
        }
        mock("/__mock/config", r#"{"faults":{"token":null}}"#).await;
    }
}

#[wasm_bindgen_test]
async fn scopes_incremental_consent_app_state_and_detection() {
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    let c = client(30_000);
    // appState: kept with the pending login, never sent, handed back.
    let opts = AuthorizationOptions {
        scopes: vec!["calendar".into()],
        login_hint: Some("rust@example.com".into()),
        app_state: Some(r#"{"returnTo":"/inbox"}"#.into()),
        ..Default::default()
    };
    let start = c.authorize(&opts).unwrap();
    assert!(!start.url.contains("inbox"));
    let cb = JsFuture::from(follow(&start.url)).await.unwrap().as_string().unwrap();
    let CallbackOutcome::Tokens { app_state, .. } = c.handle_callback(&cb).await.unwrap() else { panic!("tokens") };
    assert_eq!(app_state.as_deref(), Some(r#"{"returnTo":"/inbox"}"#));
    // Incremental consent: exactly the missing scope, include_grant_scopes, the grant's email.
    let gmail = nylas_pkce::scopes::provider_scopes(
        nylas_pkce::scopes::ScopeProvider::Google,
        &["email.read_only".to_string()],
        false,
    )
    .unwrap();
    let more = c.request_scopes(&gmail, &AuthorizationOptions::default()).unwrap();
    assert!(more.url.contains("include_grant_scopes=true") && more.url.contains("login_hint=rust%40example.com"));
    let cb = JsFuture::from(follow(&more.url)).await.unwrap().as_string().unwrap();
    let CallbackOutcome::Tokens { tokens, .. } = c.handle_callback(&cb).await.unwrap() else { panic!("tokens") };
    assert!(tokens.scope.contains(&"calendar".to_string()) && tokens.scope.contains(&gmail[0]), "{:?}", tokens.scope);
    // Provider detection, with the client id and no secret.
    let found = c.detect_provider("someone@gmail.com").await.unwrap();
    assert_eq!(
        (found.str_of("provider"), found.get("detected")),
        (Some("google"), Some(&nylas_pkce::json::Json::Bool(true)))
    );
    assert_eq!(c.detect_provider("nobody").await.unwrap_err().code(), "invalid_option");
}

#[wasm_bindgen_test]
async fn tampered_state_then_the_real_callback() {
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    let c = client(30_000);
    let cb = callback_url(&c).await;
    let tampered = cb.replace("state=", "state=x");
    assert_eq!(c.handle_callback(&tampered).await.unwrap_err().code(), "state_mismatch");
    assert!(c.handle_callback(&cb).await.is_ok(), "the real callback still completes");
}

#[wasm_bindgen_test]
async fn the_convenience_client_keeps_transactions_in_session_storage() {
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    assert_eq!(Persist::default(), Persist::Memory, "tokens stay in memory unless asked for");
    let c = browser::client(config(), Persist::Session, ClientOptions::default());
    let cb = callback_url(&c).await;
    let store = WebStorage::session().unwrap();
    assert_eq!(store.keys(nylas_pkce::transaction::KEY_PREFIX).unwrap().len(), 1, "one pending transaction");
    assert!(matches!(c.handle_callback(&cb).await.unwrap(), CallbackOutcome::Tokens { .. }));
    assert!(store.keys(nylas_pkce::transaction::KEY_PREFIX).unwrap().is_empty(), "taken");
    // Tokens persist in sessionStorage: a new client on the same page restores them.
    let again = browser::client(config(), Persist::Session, ClientOptions::default());
    assert!(again.is_authenticated());
    again.logout().await.unwrap();
    assert!(!browser::client(config(), Persist::Session, ClientOptions::default()).is_authenticated());
}

/// Logs in through the mock (autoApprove) as the mailbox `email`: the mock makes one grant per email.
async fn login_as(c: &BrowserClient, email: &str) -> nylas_pkce::TokenSet {
    let opts = AuthorizationOptions {
        provider: Some("google".into()),
        login_hint: Some(email.into()),
        scopes: vec!["email".into()],
        ..Default::default()
    };
    let cb = JsFuture::from(follow(&c.authorize(&opts).unwrap().url)).await.unwrap().as_string().unwrap();
    let CallbackOutcome::Tokens { tokens, .. } = c.handle_callback(&cb).await.unwrap() else { panic!("not tokens") };
    *tokens
}

#[wasm_bindgen_test]
async fn several_accounts_in_local_storage_each_used_one_logged_out() {
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true}"#).await;
    let options = ClientOptions { accounts: nylas_pkce::Accounts::Multiple, ..ClientOptions::default() };
    let c = browser::client(config(), Persist::Local, options);
    c.clear().unwrap();
    let work = login_as(&c, "ada@work.example").await;
    let home = login_as(&c, "ada@home.example").await;
    let (wg, hg) = (work.grant_id.clone().unwrap(), home.grant_id.clone().unwrap());
    assert_ne!(wg, hg);
    let emails: Vec<_> = c.accounts().into_iter().map(|a| a.email.unwrap()).collect();
    assert_eq!(emails, ["ada@work.example", "ada@home.example"]);
    assert_eq!(c.access_token_for(&wg).await.unwrap().secret(), work.access_token.secret());
    assert_eq!(c.access_token_for(&hg).await.unwrap().secret(), home.access_token.secret());
    assert_eq!(c.access_token().await.unwrap_err().field(), Some("grantId"));
    assert_eq!(c.grant_info_for(&wg).await.unwrap().str_of("email"), Some("ada@work.example"));
    assert_eq!(c.grant_info_for(&hg).await.unwrap().str_of("email"), Some("ada@home.example"));

    // One localStorage key per grant; a client made on the next page load has both accounts.
    let local = WebStorage::local().unwrap();
    let prefix = nylas_pkce::accounts::token_key(&config(), Some(""));
    let mut keys = local.keys(&prefix).unwrap();
    keys.sort();
    let mut want = [[prefix.as_str(), &wg].concat(), [prefix.as_str(), &hg].concat()];
    want.sort();
    assert_eq!(keys, want);
    // Restored in grant-id order (storage keeps none of its own).
    let by_grant = |mut a: Vec<nylas_pkce::Account>| {
        a.sort_by(|x, y| x.grant_id.cmp(&y.grant_id));
        a
    };
    assert_eq!(browser::client(config(), Persist::Local, options).accounts(), by_grant(c.accounts()));

    // Log the work mailbox out: its token is revoked at the mock, the personal one keeps working.
    c.logout_account(&wg).await.unwrap();
    assert_eq!(local.keys(&prefix).unwrap(), [[prefix.as_str(), &hg].concat()]);
    assert_eq!(c.access_token().await.unwrap().secret(), home.access_token.secret());
    assert_eq!(c.grant_info().await.unwrap().str_of("email"), Some("ada@home.example"));
    let stats = mock("/__mock/stats", "").await;
    assert_eq!(get(&get(&stats, "requests"), "token").as_f64(), Some(2.0));
    let events = c.take_events();
    assert_eq!(events.last(), Some(&Event::Logout(Some(wg))));
    c.logout().await.unwrap();
    assert!(c.accounts().is_empty() && local.keys(&prefix).unwrap().is_empty());
}

/// Two concurrent `access_token()` calls in separate tasks (the browser's own executor and wakers): one
/// refresh request at the mock, the same token for both; then the tokens forgotten (`clear`, which ends the
/// session) while a refresh is in flight: its answer is dropped. (A logout would revoke the refresh token
/// at the mock, which then refuses the refresh.)
#[wasm_bindgen_test]
async fn concurrent_callers_share_one_refresh_and_an_answer_after_the_session_ended_is_dropped() {
    use std::rc::Rc;
    mock("/__mock/reset", "{}").await;
    mock("/__mock/config", r#"{"autoApprove":true,"publicRefresh":true}"#).await;
    // Every token counts as expired at once (a skew longer than its lifetime): each call needs a refresh.
    let options = ClientOptions { public_refresh: true, clock_skew_ms: 48 * 3_600_000, ..Default::default() };
    let http = browser::FetchHttp { timeout_ms: 30_000 };
    let store = Box::new(MemoryStorage::default());
    let c = Rc::new(Client::new(config(), store, None, http, browser::JsClock, CryptoRng, options));
    let opts = AuthorizationOptions {
        provider: Some("google".into()),
        scopes: vec!["email".into()],
        access_type: nylas_pkce::AccessType::Offline,
        ..Default::default()
    };
    let start = c.authorize(&opts).unwrap();
    let cb = JsFuture::from(follow(&start.url)).await.unwrap().as_string().unwrap();
    c.handle_callback(&cb).await.unwrap();

    // The other caller runs as its own task and hands its result over through a promise.
    let mut resolve = None;
    let other = js_sys::Promise::new(&mut |ok, _| resolve = Some(ok));
    let (resolve, c2) = (resolve.unwrap(), Rc::clone(&c));
    wasm_bindgen_futures::spawn_local(async move {
        let token = c2.access_token().await.map(|t| t.secret().to_string()).unwrap_or_else(|e| e.code().into());
        resolve.call1(&JsValue::NULL, &token.into()).unwrap();
    });
    let mine = c.access_token().await.unwrap();
    let theirs = JsFuture::from(other).await.unwrap().as_string().unwrap();
    assert_eq!(theirs, mine.secret());
    let stats = mock("/__mock/stats", "").await;
    assert_eq!(get(&get(&stats, "requests"), "token").as_f64(), Some(2.0), "the code exchange and one refresh");

    // The session ends while a refresh is on the way: its answer stores nothing.
    mock("/__mock/config", r#"{"faults":{"token":"slow","slowMs":300}}"#).await;
    let mut resolve = None;
    let refreshed = js_sys::Promise::new(&mut |ok, _| resolve = Some(ok));
    let (resolve, c2) = (resolve.unwrap(), Rc::clone(&c));
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = c2.access_token().await.map(|t| t.secret().to_string()).unwrap_or_else(|e| e.code().into());
        resolve.call1(&JsValue::NULL, &outcome.into()).unwrap();
    });
    mock("/__mock/stats", "").await; // a round trip: the task has sent its refresh meanwhile
    c.clear().unwrap();
    assert_eq!(JsFuture::from(refreshed).await.unwrap().as_string().unwrap(), "session_ended");
    assert!(c.tokens().is_none() && !c.is_authenticated());
    let stats = mock("/__mock/stats", "").await;
    assert_eq!(get(&get(&stats, "requests"), "token").as_f64(), Some(3.0), "that refresh was answered");
}
