//! The client flow end to end, natively: memory storage, a scripted HTTP fake, a settable clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

mod common;

use std::cell::Cell;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use common::{block_on, poll_once, rng, FakeClock, FakeHttp};
use nylas_pkce::client::{CallbackOutcome, Client, ClientOptions, Event, TOKEN_KEY_PREFIX};
use nylas_pkce::json;
use nylas_pkce::{AuthorizationOptions, Config, Error, MemoryStorage, Method, Storage};

type TestClient = Client<FakeHttp, FakeClock, Box<dyn FnMut(&mut [u8]) -> Result<(), Error>>>;

fn client_with(
    opts: ClientOptions,
    token_storage: Option<Box<dyn nylas_pkce::Storage>>,
) -> (TestClient, FakeHttp, Rc<Cell<u64>>) {
    let config = Config::new(
        "cid",
        "https://app.example.com/cb",
        nylas_pkce::Endpoints::nylas_base("http://127.0.0.1:4010/v3"),
        nylas_pkce::Flavor::Nylas,
    )
    .unwrap();
    let http = FakeHttp::default();
    let now = Rc::new(Cell::new(1_700_000_000_000));
    let client = Client::new(
        config,
        Box::new(MemoryStorage::default()),
        token_storage,
        http.clone(),
        FakeClock(now.clone()),
        Box::new(rng()) as Box<dyn FnMut(&mut [u8]) -> Result<(), Error>>,
        opts,
    );
    (client, http, now)
}

fn client() -> (TestClient, FakeHttp, Rc<Cell<u64>>) {
    client_with(ClientOptions::default(), None)
}

const TOKENS: &str = r#"{"access_token":"at1","token_type":"Bearer","expires_in":3600,"scope":"email calendar","grant_id":"g1","email":"a@b.c","provider":"google","id_token":"h.eyJzdWIiOiJnMSJ9.s"}"#;

fn state_of(url: &str) -> String {
    let q = url.split_once('?').unwrap().1;
    nylas_pkce::encode::parse_query(q).unwrap().into_iter().find(|(k, _)| k == "state").unwrap().1
}

#[test]
fn full_redirect_flow() {
    let (c, http, _) = client();
    let req = c.authorize(&AuthorizationOptions { provider: Some("google".into()), ..Default::default() }).unwrap();
    let state = state_of(&req.url);
    assert!(c.is_pending(&state).unwrap());
    http.answer(200, TOKENS);
    let out = block_on(c.handle_callback(&format!("https://app.example.com/cb?code=the-code&state={state}"))).unwrap();
    let CallbackOutcome::Tokens { tokens: t, .. } = out else { panic!("{out:?}") };
    assert_eq!(t.access_token.secret(), "at1");
    assert!(c.is_authenticated());
    assert_eq!(c.take_events(), [Event::Tokens(Some("g1".into()))]);

    let sent = http.sent.borrow();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].method, sent[0].url.as_str()), (Method::Post, "http://127.0.0.1:4010/v3/connect/token"));
    let body = json::parse(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body.str_of("code"), Some("the-code"));
    assert_eq!(body.str_of("redirect_uri"), Some("https://app.example.com/cb"));
    assert_eq!(body.str_of("code_verifier"), req.transaction.code_verifier.as_ref().map(|v| v.secret()));
    assert!(body.get("client_secret").is_none());
}

#[test]
fn replayed_callback_never_reaches_the_token_endpoint() {
    let (c, http, _) = client();
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let cb = format!("https://app.example.com/cb?code=c1&state={state}");
    http.answer(200, TOKENS);
    assert!(block_on(c.handle_callback(&cb)).is_ok());
    assert_eq!(block_on(c.handle_callback(&cb)).unwrap_err().code(), "no_transaction");
    assert_eq!(http.sent.borrow().len(), 1);
}

#[test]
fn tampered_state_is_a_mismatch_and_keeps_the_real_flow() {
    let (c, http, _) = client();
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let e = block_on(c.handle_callback("https://app.example.com/cb?code=c1&state=tampered")).unwrap_err();
    assert_eq!(e.code(), "state_mismatch");
    assert!(http.sent.borrow().is_empty());
    http.answer(200, TOKENS);
    assert!(block_on(c.handle_callback(&format!("https://app.example.com/cb?code=c1&state={state}"))).is_ok());
}

#[test]
fn two_flows_at_once() {
    let (c, http, _) = client();
    let a = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let b = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    assert_ne!(a, b);
    http.answer(200, TOKENS);
    http.answer(200, &TOKENS.replace("at1", "at2"));
    assert!(block_on(c.handle_callback(&format!("?code=x&state={b}"))).is_ok());
    assert!(block_on(c.handle_callback(&format!("?code=y&state={a}"))).is_ok());
    assert_eq!(c.tokens().unwrap().access_token.secret(), "at2");
}

#[test]
fn denied_consent_consumes_the_transaction() {
    let (c, http, _) = client();
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let cb = format!("https://app.example.com/cb?error=access_denied&error_description=no&state={state}");
    let e = block_on(c.handle_callback(&cb)).unwrap_err();
    assert_eq!((e.code(), e.details().unwrap().error.as_str()), ("authorization_error", "access_denied"));
    assert_eq!(block_on(c.handle_callback(&cb)).unwrap_err().code(), "no_transaction");
    assert!(http.sent.borrow().is_empty());
}

#[test]
fn expired_transaction() {
    let (c, _, now) = client();
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    now.set(now.get() + 11 * 60 * 1000);
    let e = block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap_err();
    assert!(matches!(e.code(), "transaction_expired" | "no_transaction"), "{e:?}");
}

#[test]
fn callback_without_state_or_result() {
    let (c, _, _) = client();
    assert_eq!(block_on(c.handle_callback("https://app.example.com/cb?code=c")).unwrap_err().code(), "missing_state");
    assert_eq!(block_on(c.handle_callback("https://app.example.com/cb")).unwrap_err().code(), "invalid_callback");
}

#[test]
fn admin_consent_and_hosted_results() {
    let (c, http, _) = client();
    let req = c
        .authorize(&AuthorizationOptions {
            response_type: nylas_pkce::ResponseType::AdminConsent,
            credential_id: Some("cred".into()),
            provider: Some("microsoft".into()),
            ..Default::default()
        })
        .unwrap();
    let state = state_of(&req.url);
    let out = block_on(c.handle_callback(&format!("?admin_consent=true&state={state}"))).unwrap();
    assert_eq!(out, CallbackOutcome::AdminConsent { app_state: None });
    // Grant substitution: a code-flow login never accepts a hosted-auth shaped callback (its grant_id
    // is whatever the user typed), and the transaction is gone afterwards.
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let forged = format!("?success=true&grant_id=VICTIM&provider=google&email=x%40y&state={state}");
    assert_eq!(block_on(c.handle_callback(&forged)).unwrap_err().code(), "missing_code");
    assert_eq!(block_on(c.handle_callback(&forged)).unwrap_err().code(), "no_transaction");
    // Nor does an admin-consent request accept a code, or a code flow an admin_consent=true.
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let consent = format!("?admin_consent=true&state={state}");
    assert_eq!(block_on(c.handle_callback(&consent)).unwrap_err().code(), "missing_code");
    assert!(http.sent.borrow().is_empty());
}

#[test]
fn token_endpoint_errors_are_typed() {
    let (c, http, _) = client();
    for (status, body, code) in [
        (400, r#"{"error":"invalid_grant","error_code":45004}"#, "invalid_grant"),
        (500, r#"{"success":false,"error":{"type":"internal_error","event_code":500}}"#, "server_error"),
        (502, "<html>502 Bad Gateway</html>", "invalid_response"),
    ] {
        let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
        http.answer(status, body);
        let e = block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap_err();
        assert_eq!((e.code(), e.status()), (code, Some(status)));
        assert!(!c.is_authenticated());
    }
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    http.answers.borrow_mut().push(Err(Error::Timeout));
    assert_eq!(block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap_err().code(), "timeout");
}

fn logged_in(opts: ClientOptions, tokens: &str) -> (TestClient, FakeHttp, Rc<Cell<u64>>) {
    let (c, http, now) = client_with(opts, None);
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    http.answer(200, tokens);
    block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap();
    http.sent.borrow_mut().clear();
    c.take_events();
    (c, http, now)
}

#[test]
fn access_token_expiry_without_refresh_requires_login() {
    let (c, http, now) = logged_in(ClientOptions::default(), TOKENS);
    assert_eq!(block_on(c.access_token()).unwrap().secret(), "at1");
    now.set(now.get() + 3_571_000); // within the 30 s skew of expiry
    assert!(!c.is_authenticated());
    assert_eq!(block_on(c.access_token()).unwrap_err().code(), "login_required");
    assert_eq!(c.take_events(), [Event::Expired(Some("g1".into()))]);
    assert!(http.sent.borrow().is_empty());
}

#[test]
fn refresh_when_allowed() {
    let with_refresh = TOKENS.replace("\"scope\"", "\"refresh_token\":\"rt1\",\"scope\"");
    let (c, http, now) = logged_in(ClientOptions { public_refresh: true, ..Default::default() }, &with_refresh);
    now.set(now.get() + 3_600_000);
    http.answer(200, r#"{"access_token":"at2","token_type":"Bearer","expires_in":3600}"#);
    assert_eq!(block_on(c.access_token()).unwrap().secret(), "at2");
    let t = c.tokens().unwrap();
    assert_eq!((t.refresh_token.unwrap().secret(), t.email.as_deref()), ("rt1", Some("a@b.c")));
    let body = json::parse(http.sent.borrow()[0].body.as_deref().unwrap()).unwrap();
    assert_eq!((body.str_of("grant_type"), body.str_of("refresh_token")), (Some("refresh_token"), Some("rt1")));
    assert!(body.get("client_secret").is_none());
    assert_eq!(c.take_events(), [Event::Tokens(Some("g1".into()))]);
    // A refresh token alone is not enough when the server does not allow public refresh.
    let (c2, _, now2) = logged_in(ClientOptions::default(), &with_refresh);
    now2.set(now2.get() + 3_600_000);
    assert_eq!(block_on(c2.access_token()).unwrap_err().code(), "login_required");
}

#[test]
fn revoke_info_logout() {
    let (c, http, _) = logged_in(ClientOptions::default(), TOKENS);
    http.answer(200, "{}");
    block_on(c.revoke()).unwrap();
    assert_eq!(http.sent.borrow()[0].url, "http://127.0.0.1:4010/v3/connect/revoke?token=at1");
    http.answer(400, r#"{"success":false,"error":{"type":"invalid_token","http_code":400,"event_code":45008,"message":"Token expired or revoked"}}"#);
    let e = block_on(c.token_info()).unwrap_err();
    assert_eq!((e.code(), e.details().unwrap().event_code), ("invalid_token", Some(45008)));
    http.answer(200, r#"{"request_id":"r","data":{"id":"g1","email":"a@b.c","grant_status":"valid"}}"#);
    let g = block_on(c.grant_info()).unwrap();
    assert_eq!(g.str_of("id"), Some("g1"));
    let sent = http.sent.borrow().clone();
    assert_eq!(sent[1].url, "http://127.0.0.1:4010/v3/connect/tokeninfo?access_token=at1");
    assert!(sent[2].headers.contains(&("Authorization", "Bearer at1".into())));
    http.answer(200, "{}");
    block_on(c.logout()).unwrap();
    assert!(c.tokens().is_none());
    assert_eq!(c.take_events(), [Event::Logout(Some("g1".into()))]);
    assert_eq!(block_on(c.token_info()).unwrap_err().code(), "login_required");
    assert_eq!(block_on(c.revoke()).unwrap_err().code(), "login_required");
}

#[test]
fn logout_at_a_generic_server_revokes_both_tokens_per_rfc_7009_and_forgets_pending_logins() {
    let endpoints = nylas_pkce::Endpoints {
        authorization: "https://idp.example/authorize".into(),
        token: "https://idp.example/token".into(),
        revocation: Some("https://idp.example/revoke".into()),
        token_info: None,
        grant_info: None,
        provider_detect: None,
        issuer: None,
    };
    let config = Config::new("cid", "https://app.example.com/cb", endpoints, nylas_pkce::Flavor::Generic).unwrap();
    let transactions = common::Shared::default();
    let http = FakeHttp::default();
    let c = Client::new(
        config,
        Box::new(transactions.clone()),
        None,
        http.clone(),
        FakeClock(Rc::new(Cell::new(1_700_000_000_000))),
        Box::new(rng()) as Box<dyn FnMut(&mut [u8]) -> Result<(), Error>>,
        ClientOptions::default(),
    );
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    http.answer(200, r#"{"access_token":"at1","token_type":"Bearer","expires_in":60,"refresh_token":"rt1"}"#);
    block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap();
    c.authorize(&AuthorizationOptions::default()).unwrap(); // a login still pending at logout
    assert_eq!(transactions.keys(nylas_pkce::transaction::KEY_PREFIX).unwrap().len(), 1);
    http.answer(200, "");
    http.answer(200, "");
    block_on(c.logout()).unwrap();
    let sent = http.sent.borrow();
    let forms: Vec<Vec<(String, String)>> =
        sent[1..].iter().map(|r| nylas_pkce::encode::parse_query(r.body.as_deref().unwrap()).unwrap()).collect();
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(sent[1].url, "https://idp.example/revoke");
    assert!(sent[1].headers.contains(&("Content-Type", "application/x-www-form-urlencoded".into())));
    assert_eq!(forms[0], [pair("token", "at1"), pair("token_type_hint", "access_token"), pair("client_id", "cid")]);
    assert_eq!(forms[1], [pair("token", "rt1"), pair("token_type_hint", "refresh_token"), pair("client_id", "cid")]);
    assert!(transactions.keys(nylas_pkce::transaction::KEY_PREFIX).unwrap().is_empty(), "pending logins forgotten");
}

#[test]
fn logout_reports_token_storage_that_cannot_forget() {
    struct Stubborn;
    impl Storage for Stubborn {
        fn get(&self, _: &str) -> Result<Option<String>, Error> {
            Ok(None)
        }
        fn set(&self, _: &str, _: &str) -> Result<(), Error> {
            Ok(())
        }
        fn remove(&self, _: &str) -> Result<(), Error> {
            Err(Error::StorageUnavailable)
        }
        fn keys(&self, _: &str) -> Result<Vec<String>, Error> {
            Ok(vec![])
        }
    }
    let (c, http, _) = client_with(ClientOptions::default(), Some(Box::new(Stubborn)));
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    http.answer(200, TOKENS);
    block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap();
    http.answer(200, "{}");
    assert_eq!(block_on(c.logout()).unwrap_err().code(), "storage_unavailable");
    assert!(c.tokens().is_none(), "memory forgot them anyway");
    assert_eq!(http.sent.borrow().len(), 2, "and the token was still revoked");
}

#[test]
fn logout_clears_even_when_revocation_fails() {
    let (c, http, _) = logged_in(ClientOptions::default(), TOKENS);
    http.answers.borrow_mut().push(Err(Error::Network("offline")));
    assert_eq!(block_on(c.logout()).unwrap_err().code(), "network_error");
    assert!(c.tokens().is_none());
}

#[test]
fn reauthorize_uses_the_grant_email() {
    let (c, _, _) = logged_in(ClientOptions::default(), TOKENS);
    let req = c.reauthorize(&AuthorizationOptions::default()).unwrap();
    assert!(req.url.contains("login_hint=a%40b.c"));
    assert!(req.url.contains("provider=google"));
}

#[test]
fn incremental_consent_asks_for_exactly_the_missing_scopes() {
    let (c, http, _) = logged_in(ClientOptions::default(), TOKENS);
    let missing = vec!["https://www.googleapis.com/auth/gmail.readonly".to_string()];
    let req = c.request_scopes(&missing, &AuthorizationOptions::default()).unwrap();
    let q = nylas_pkce::encode::parse_query(req.url.split_once('?').unwrap().1).unwrap();
    let get = |k: &str| q.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    assert_eq!(get("scope"), Some("https://www.googleapis.com/auth/gmail.readonly"));
    assert_eq!(get("include_grant_scopes"), Some("true"));
    assert_eq!(get("login_hint"), Some("a@b.c"));
    assert_eq!(c.request_scopes(&[], &AuthorizationOptions::default()).unwrap_err().code(), "invalid_option");
    // The new token's scope covers both.
    http.answer(
        200,
        &TOKENS.replace("email calendar", "email calendar https://www.googleapis.com/auth/gmail.readonly"),
    );
    let out = block_on(c.handle_callback(&format!("?code=c2&state={}", get("state").unwrap()))).unwrap();
    let CallbackOutcome::Tokens { tokens, .. } = out else { panic!("{out:?}") };
    assert!(tokens.scope.contains(&missing[0]) && tokens.scope.contains(&"calendar".to_string()));
}

#[test]
fn app_state_comes_back_with_the_result_and_is_never_sent() {
    let (c, http, _) = client();
    let opts = AuthorizationOptions { app_state: Some(r#"{"returnTo":"/inbox"}"#.into()), ..Default::default() };
    let req = c.authorize(&opts).unwrap();
    assert!(!req.url.contains("inbox") && !req.url.contains("returnTo"), "never sent");
    http.answer(200, TOKENS);
    let out = block_on(c.handle_callback(&format!("?code=c&state={}", state_of(&req.url)))).unwrap();
    let CallbackOutcome::Tokens { app_state, .. } = out else { panic!("{out:?}") };
    assert_eq!(app_state.as_deref(), Some(r#"{"returnTo":"/inbox"}"#));
    assert!(!http.sent.borrow()[0].body.as_deref().unwrap().contains("inbox"));
}

#[test]
fn provider_detection_sends_the_email_and_client_id_and_no_secret() {
    let (c, http, _) = client();
    http.answer(
        200,
        r#"{"request_id":"r","data":{"provider":"google","type":"google","email":"a@gmail.com","detected":true}}"#,
    );
    let found = block_on(c.detect_provider("a@gmail.com")).unwrap();
    assert_eq!((found.str_of("provider"), found.get("detected")), (Some("google"), Some(&json::Json::Bool(true))));
    let sent = http.sent.borrow();
    assert_eq!(sent[0].method, Method::Get);
    assert_eq!(sent[0].url, "http://127.0.0.1:4010/v3/providers/detect?email=a%40gmail.com&client_id=cid");
    assert!(sent[0].headers.iter().all(|(k, _)| *k != "Authorization"), "no Basic auth, no secret");
    drop(sent);
    // A server that wants an API key: a typed error with the status.
    http.answer(401, r#"{"success":false,"error":{"type":"invalid_request_error","http_code":401,"event_code":401}}"#);
    let e = block_on(c.detect_provider("a@gmail.com")).unwrap_err();
    assert_eq!((e.code(), e.status()), ("api_error", Some(401)));
    for bad in ["", "nobody", "@x", "a@", "a b@c.d"] {
        assert_eq!(block_on(c.detect_provider(bad)).unwrap_err().field(), Some("email"), "{bad:?}");
    }
}

#[test]
fn google_scope_conflicts_are_refused_before_the_redirect() {
    let (c, _, _) = client();
    let scopes = vec![
        "https://www.googleapis.com/auth/gmail.metadata".to_string(),
        "https://www.googleapis.com/auth/gmail.readonly".to_string(),
    ];
    let opts = AuthorizationOptions { scopes: scopes.clone(), provider: Some("google".into()), ..Default::default() };
    assert_eq!(c.authorize(&opts).unwrap_err().field(), Some("scopes"));
    assert!(c.authorize(&AuthorizationOptions { allow_scope_conflicts: true, ..opts }).is_ok());
}

#[test]
fn tokens_persist_only_in_opt_in_storage() {
    #[derive(Clone, Default)]
    struct Shared(Rc<MemoryStorage>);
    impl nylas_pkce::Storage for Shared {
        fn get(&self, k: &str) -> Result<Option<String>, Error> {
            self.0.get(k)
        }
        fn set(&self, k: &str, v: &str) -> Result<(), Error> {
            self.0.set(k, v)
        }
        fn remove(&self, k: &str) -> Result<(), Error> {
            self.0.remove(k)
        }
        fn keys(&self, p: &str) -> Result<Vec<String>, Error> {
            self.0.keys(p)
        }
    }
    let store = Shared::default();
    let (c, http, _) = client_with(ClientOptions::default(), Some(Box::new(store.clone())));
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    http.answer(200, TOKENS);
    block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap();
    let (again, _, _) = client_with(ClientOptions::default(), Some(Box::new(store.clone())));
    assert_eq!(again.tokens().unwrap().access_token.secret(), "at1");
    again.clear().unwrap();
    assert!(store.0.keys("nylas-pkce:tokens:").unwrap().is_empty());
}

/// The token answer of another grant (`g2`, a work mailbox) with its own access token.
fn tokens_of(grant: &str, token: &str, email: &str) -> String {
    TOKENS.replace("\"g1\"", &format!("\"{grant}\"")).replace("at1", token).replace("a@b.c", email)
}

fn login(c: &TestClient, http: &FakeHttp, answer: &str) {
    let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    http.answer(200, answer);
    block_on(c.handle_callback(&format!("?code=c&state={state}"))).unwrap();
}

fn query_of(url: &str) -> Vec<(String, String)> {
    nylas_pkce::encode::parse_query(url.split_once('?').unwrap().1).unwrap()
}

#[test]
fn several_accounts_each_with_its_own_tokens_storage_key_and_logout() {
    use nylas_pkce::Accounts;
    let multiple = ClientOptions { accounts: Accounts::Multiple, ..Default::default() };
    let storage = common::Shared::default();
    let (c, http, _) = client_with(multiple, Some(Box::new(storage.clone())));
    login(&c, &http, TOKENS);
    login(&c, &http, &tokens_of("g2", "at2", "work@example.com"));
    let accounts = c.accounts();
    let listed: Vec<_> = accounts.iter().map(|a| (a.grant_id.as_deref(), a.email.as_deref())).collect();
    assert_eq!(listed, [(Some("g1"), Some("a@b.c")), (Some("g2"), Some("work@example.com"))]);
    assert!(accounts.iter().all(|a| a.provider.as_deref() == Some("google") && a.expires_at.is_some()));
    assert_eq!(c.take_events(), [Event::Tokens(Some("g1".into())), Event::Tokens(Some("g2".into()))]);

    // Each token by its grant; none without one while two are connected; none for a grant not connected.
    assert_eq!(block_on(c.access_token_for("g1")).unwrap().secret(), "at1");
    assert_eq!(block_on(c.access_token_for("g2")).unwrap().secret(), "at2");
    assert_eq!(block_on(c.access_token_for("g3")).unwrap_err().code(), "login_required");
    let e = block_on(c.access_token()).unwrap_err();
    assert_eq!((e.code(), e.field()), ("invalid_option", Some("grantId")));
    assert!(c.tokens().is_none());
    assert_eq!(c.tokens_for("g2").unwrap().email.as_deref(), Some("work@example.com"));

    // One key per grant inside the client's namespace; a second client on the same storage restores both.
    let prefix = nylas_pkce::accounts::token_key(c.config(), Some(""));
    let mut keys = storage.keys(&prefix).unwrap();
    keys.sort();
    assert_eq!(keys, [format!("{prefix}g1"), format!("{prefix}g2")]);
    assert_eq!(storage.get(&nylas_pkce::accounts::token_key(c.config(), None)).unwrap(), None);
    let (restored, _, _) = client_with(multiple, Some(Box::new(storage.clone())));
    assert_eq!(restored.accounts(), c.accounts());

    // A new login of g1 replaces g1's tokens, not g2's.
    login(&c, &http, &TOKENS.replace("at1", "at3"));
    assert_eq!(c.accounts().len(), 2);
    assert_eq!(block_on(c.access_token_for("g1")).unwrap().secret(), "at3");

    // Re-authentication and incremental consent use that grant's login_hint.
    let again = c.reauthorize_for("g2", &AuthorizationOptions::default()).unwrap();
    assert!(query_of(&again.url).contains(&("login_hint".into(), "work@example.com".into())));
    let more = c.request_scopes_for("g1", &["calendar".into()], &AuthorizationOptions::default()).unwrap();
    let q = query_of(&more.url);
    assert!(q.contains(&("login_hint".into(), "a@b.c".into())));
    assert!(q.contains(&("include_grant_scopes".into(), "true".into())));
    assert_eq!(c.reauthorize(&AuthorizationOptions::default()).unwrap_err().field(), Some("grantId"));
    assert_eq!(c.reauthorize_for("g3", &AuthorizationOptions::default()).unwrap_err().code(), "login_required");

    // Logging one account out revokes its token only and keeps the other.
    c.take_events();
    http.sent.borrow_mut().clear();
    http.answer(200, "{}");
    block_on(c.logout_account("g1")).unwrap();
    let sent: Vec<_> = http.sent.borrow().iter().map(|r| r.url.clone()).collect();
    assert_eq!(sent, ["http://127.0.0.1:4010/v3/connect/revoke?token=at3"]);
    assert_eq!(c.take_events(), [Event::Logout(Some("g1".into()))]);
    assert_eq!(storage.keys(&prefix).unwrap(), [format!("{prefix}g2")]);
    assert_eq!(block_on(c.access_token()).unwrap().secret(), "at2", "the only account left needs no grant id");
    assert_eq!(block_on(c.logout_account("g1")).unwrap_err().code(), "login_required");

    // Logout without a grant logs every account out.
    login(&c, &http, TOKENS);
    c.take_events();
    http.answer(200, "{}");
    http.answer(200, "{}");
    block_on(c.logout()).unwrap();
    assert!(c.accounts().is_empty() && storage.keys(&prefix).unwrap().is_empty());
    assert_eq!(c.take_events(), [Event::Logout(Some("g2".into())), Event::Logout(Some("g1".into()))]);
}

#[test]
fn one_account_by_default_a_login_replaces_another_grant() {
    let storage = common::Shared::default();
    let (c, http, _) = client_with(ClientOptions::default(), Some(Box::new(storage.clone())));
    login(&c, &http, TOKENS);
    login(&c, &http, &tokens_of("g2", "at2", "work@example.com"));
    let grants: Vec<_> = c.accounts().into_iter().map(|a| a.grant_id).collect();
    assert_eq!(grants, [Some("g2".to_string())]);
    assert_eq!(block_on(c.access_token()).unwrap().secret(), "at2");
    let key = nylas_pkce::accounts::token_key(c.config(), None);
    assert!(storage.get(&key).unwrap().unwrap().contains("g2"));
    assert_eq!(storage.keys(&format!("{key}:")).unwrap(), Vec::<String>::new());
}

// Sessions: answers that come after their session ended, refreshes shared by concurrent callers. The token
// requests are held open (FakeHttp answers them when the test releases them) while the test logs out or
// logs in.

/// The output of a future polled to completion by the last poll.
fn ready<T>(p: Poll<T>) -> T {
    match p {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("still pending"),
    }
}

/// A token answer with a refresh token.
fn with_refresh(answer: &str, refresh: &str) -> String {
    answer.replace("\"scope\"", &format!("\"refresh_token\":\"{refresh}\",\"scope\""))
}

fn public_refresh(accounts: nylas_pkce::Accounts) -> ClientOptions {
    ClientOptions { public_refresh: true, accounts, ..Default::default() }
}

/// What token storage holds: every key and value, sorted.
fn stored(storage: &common::Shared) -> Vec<(String, String)> {
    let mut keys = storage.keys(TOKEN_KEY_PREFIX).unwrap();
    keys.sort();
    keys.into_iter().map(|k| (k.clone(), storage.get(&k).unwrap().unwrap())).collect()
}

const HOUR: u64 = 3_600_000;

#[test]
fn an_exchange_answered_after_logout_stores_nothing_and_fails_with_session_ended() {
    for persisted in [false, true] {
        let storage = common::Shared::default();
        let token_storage = persisted.then(|| Box::new(storage.clone()) as Box<dyn Storage>);
        let (c, http, _) = client_with(ClientOptions::default(), token_storage);
        let state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
        let callback = format!("?code=c&state={state}");
        let mut exchange = pin!(c.handle_callback(&callback));
        assert!(poll_once(exchange.as_mut()).is_pending());
        assert_eq!(http.sent.borrow().len(), 1, "the code exchange is in flight");

        block_on(c.logout()).unwrap(); // nothing connected yet: nothing to revoke
        http.release(0, 200, TOKENS);
        assert_eq!(ready(poll_once(exchange.as_mut())).unwrap_err(), Error::SessionEnded, "persisted: {persisted}");
        assert!(!c.is_authenticated() && c.tokens().is_none() && c.accounts().is_empty());
        assert_eq!(c.take_events(), [Event::Logout(None)], "no tokens event");
        assert_eq!(stored(&storage), []);
        let (reloaded, _, _) = client_with(ClientOptions::default(), Some(Box::new(storage.clone())));
        assert!(reloaded.tokens().is_none(), "a reload is logged out too");

        // A login started after the logout is a new session.
        login(&c, &http, TOKENS);
        assert!(c.is_authenticated());
        assert_eq!(stored(&storage).len(), usize::from(persisted));
    }
}

#[test]
fn a_refresh_answered_after_logout_and_another_login_keeps_the_new_account() {
    let storage = common::Shared::default();
    let opts = public_refresh(nylas_pkce::Accounts::Single);
    let (c, http, now) = client_with(opts, Some(Box::new(storage.clone())));
    login(&c, &http, &with_refresh(TOKENS, "alice-rt")); // Alice: g1
    now.set(now.get() + HOUR);
    let mut alice = pin!(c.access_token());
    assert!(poll_once(alice.as_mut()).is_pending(), "Alice's refresh is in flight");

    http.answer(200, "{}"); // the revocation of Alice's token
    block_on(c.logout()).unwrap();
    login(&c, &http, &tokens_of("g2", "bob-at", "bob@example.com")); // Bob: g2
    c.take_events();
    let bob = stored(&storage);

    http.release(
        0,
        200,
        r#"{"access_token":"alice-at2","token_type":"Bearer","expires_in":3600,"refresh_token":"alice-rt2","grant_id":"g1"}"#,
    );
    assert_eq!(ready(poll_once(alice.as_mut())).unwrap_err(), Error::SessionEnded);
    let grants: Vec<_> = c.accounts().into_iter().map(|a| a.grant_id).collect();
    assert_eq!(grants, [Some("g2".to_string())]);
    assert_eq!(block_on(c.access_token()).unwrap().secret(), "bob-at");
    assert_eq!(stored(&storage), bob, "token storage still holds Bob's tokens");
    assert!(!bob[0].1.contains("alice"));
    assert_eq!(c.take_events(), [], "no tokens event for Alice");
}

#[test]
fn concurrent_access_token_calls_share_one_refresh() {
    let opts = public_refresh(nylas_pkce::Accounts::Single);
    let (c, http, now) = logged_in(opts, &with_refresh(TOKENS, "rt1"));
    now.set(now.get() + HOUR);
    let mut a = pin!(c.access_token());
    let mut b = pin!(c.access_token());
    assert!(poll_once(a.as_mut()).is_pending() && poll_once(b.as_mut()).is_pending());
    assert_eq!(http.sent.borrow().len(), 1, "one refresh request");
    http.release(0, 200, r#"{"access_token":"at2","token_type":"Bearer","expires_in":3600,"refresh_token":"rt2"}"#);
    assert!(poll_once(b.as_mut()).is_pending(), "the second caller waits for the first's answer");
    assert_eq!(ready(poll_once(a.as_mut())).unwrap().secret(), "at2");
    assert_eq!(ready(poll_once(b.as_mut())).unwrap().secret(), "at2");
    assert_eq!(c.tokens().unwrap().refresh_token.unwrap().secret(), "rt2");
    assert_eq!(c.take_events(), [Event::Tokens(Some("g1".into()))]);
    assert_eq!(block_on(c.access_token()).unwrap().secret(), "at2", "no request for a valid token");
    assert_eq!(http.sent.borrow().len(), 1);

    // A failed refresh fails for both, with one request too.
    now.set(now.get() + HOUR);
    let mut a = pin!(c.access_token());
    let mut b = pin!(c.access_token());
    assert!(poll_once(a.as_mut()).is_pending() && poll_once(b.as_mut()).is_pending());
    http.release(1, 400, r#"{"error":"invalid_grant","error_description":"refresh token reused"}"#);
    assert_eq!(ready(poll_once(a.as_mut())).unwrap_err().code(), "invalid_grant");
    assert_eq!(ready(poll_once(b.as_mut())).unwrap_err().code(), "invalid_grant");
    assert_eq!(http.sent.borrow().len(), 2);
}

#[test]
fn a_refresh_whose_caller_gave_up_is_sent_again_by_the_caller_waiting_on_it() {
    let opts = public_refresh(nylas_pkce::Accounts::Single);
    let (c, http, now) = logged_in(opts, &with_refresh(TOKENS, "rt1"));
    now.set(now.get() + HOUR);
    let mut waiting = Box::pin(c.access_token());
    {
        let mut first = Box::pin(c.access_token());
        assert!(poll_once(first.as_mut()).is_pending() && poll_once(waiting.as_mut()).is_pending());
        assert_eq!(http.sent.borrow().len(), 1);
    } // dropped with its request unanswered (a component unmounted)
    assert!(poll_once(waiting.as_mut()).is_pending());
    assert_eq!(http.sent.borrow().len(), 2, "the waiting caller sends its own refresh");
    http.release(1, 200, r#"{"access_token":"at2","token_type":"Bearer","expires_in":3600}"#);
    assert_eq!(ready(poll_once(waiting.as_mut())).unwrap().secret(), "at2");
}

#[test]
fn a_refresh_answer_naming_another_grant_is_invalid_and_changes_no_account() {
    let storage = common::Shared::default();
    let (c, http, now) = client_with(public_refresh(nylas_pkce::Accounts::Multiple), Some(Box::new(storage.clone())));
    login(&c, &http, &with_refresh(TOKENS, "alice-rt"));
    login(&c, &http, &with_refresh(&tokens_of("g2", "bob-at", "bob@example.com"), "bob-rt"));
    now.set(now.get() + HOUR);
    c.take_events();
    let (accounts, before) = (c.accounts(), stored(&storage));

    // Alice's refresh answered with Bob's grant (a confused or hostile server).
    http.answer(
        200,
        r#"{"access_token":"evil-at","token_type":"Bearer","expires_in":3600,"refresh_token":"evil-rt","grant_id":"g2"}"#,
    );
    let e = block_on(c.access_token_for("g1")).unwrap_err();
    assert_eq!((e.code(), e.status()), ("invalid_response", Some(200)));
    assert_eq!(c.accounts(), accounts);
    assert_eq!(c.tokens_for("g1").unwrap().access_token.secret(), "at1");
    assert_eq!(c.tokens_for("g2").unwrap().access_token.secret(), "bob-at");
    assert_eq!(c.tokens_for("g2").unwrap().refresh_token.unwrap().secret(), "bob-rt");
    assert_eq!(stored(&storage), before);
    assert_eq!(c.take_events(), []);
}

#[test]
fn logout_account_ends_only_that_accounts_session() {
    let storage = common::Shared::default();
    let (c, http, now) = client_with(public_refresh(nylas_pkce::Accounts::Multiple), Some(Box::new(storage.clone())));
    login(&c, &http, &with_refresh(TOKENS, "alice-rt"));
    login(&c, &http, &with_refresh(&tokens_of("g2", "bob-at", "bob@example.com"), "bob-rt"));
    now.set(now.get() + HOUR);
    c.take_events();

    // In flight: a refresh for each account, Bob logging in again (a popup) and Carol's first login.
    let mut alice = pin!(c.access_token_for("g1"));
    let mut bob = pin!(c.access_token_for("g2"));
    let bob_state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let carol_state = state_of(&c.authorize(&AuthorizationOptions::default()).unwrap().url);
    let (bob_callback, carol_callback) = (format!("?code=b&state={bob_state}"), format!("?code=c&state={carol_state}"));
    let mut bob_again = pin!(c.handle_callback(&bob_callback));
    let mut carol = pin!(c.handle_callback(&carol_callback));
    assert!(poll_once(alice.as_mut()).is_pending() && poll_once(bob.as_mut()).is_pending());
    assert!(poll_once(bob_again.as_mut()).is_pending() && poll_once(carol.as_mut()).is_pending());
    assert_eq!(http.held.borrow().len(), 4);

    http.answer(200, "{}"); // the revocation of Bob's token
    block_on(c.logout_account("g2")).unwrap();
    http.release(0, 200, r#"{"access_token":"alice-at2","token_type":"Bearer","expires_in":3600,"grant_id":"g1"}"#);
    http.release(1, 200, r#"{"access_token":"bob-at2","token_type":"Bearer","expires_in":3600,"grant_id":"g2"}"#);
    http.release(2, 200, &tokens_of("g2", "bob-at3", "bob@example.com"));
    http.release(3, 200, &tokens_of("g3", "carol-at", "carol@example.com"));

    assert_eq!(ready(poll_once(alice.as_mut())).unwrap().secret(), "alice-at2", "Alice's session goes on");
    assert_eq!(ready(poll_once(bob.as_mut())).unwrap_err(), Error::SessionEnded);
    assert_eq!(ready(poll_once(bob_again.as_mut())).unwrap_err(), Error::SessionEnded);
    assert!(ready(poll_once(carol.as_mut())).is_ok(), "another account's login is not Bob's session");
    let grants: Vec<_> = c.accounts().into_iter().map(|a| a.grant_id.unwrap()).collect();
    assert_eq!(grants, ["g1", "g3"]);
    assert_eq!(c.tokens_for("g1").unwrap().refresh_token.unwrap().secret(), "alice-rt");
    let keys: Vec<_> = stored(&storage).into_iter().map(|(k, _)| k).collect();
    let prefix = nylas_pkce::accounts::token_key(c.config(), Some(""));
    assert_eq!(keys, [format!("{prefix}g1"), format!("{prefix}g3")]);
    assert!(stored(&storage).iter().all(|(_, v)| !v.contains("bob")));
    assert_eq!(
        c.take_events(),
        [Event::Logout(Some("g2".into())), Event::Tokens(Some("g1".into())), Event::Tokens(Some("g3".into()))]
    );
}
