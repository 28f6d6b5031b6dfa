//! A catalogue of malformed inputs, table-driven: configurations, per-call options, callbacks, token and
//! error bodies, and stored transactions. Each row gives its specific error code, and the test checks that
//! nothing is left half-done: no token kept, no transaction written by a refused start, and a
//! transaction gone (used up) or intact exactly as the rules say.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "../../tests/common/mod.rs"]
mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{block_on, rng, FakeClock, FakeHttp, Shared};
use nylas_pkce::client::{Client, ClientOptions};
use nylas_pkce::json::{self, Json};
use nylas_pkce::transaction::KEY_PREFIX;
use nylas_pkce::{Config, Error, Storage};
use nylas_pkce_npm::fields::{pack_json, Field, AUTHORIZATION, CLIENT, CONFIG, LOGIN_DEFAULTS, PAGE};
use nylas_pkce_npm::{engine, login, options};

type TestClient = Client<FakeHttp, FakeClock, Box<dyn FnMut(&mut [u8]) -> Result<(), Error>>>;

const NOW: u64 = 1_700_000_000_000;

struct Setup {
    client: TestClient,
    http: FakeHttp,
    transactions: Shared,
    tokens: Shared,
}

fn config(issuer: bool) -> Config {
    let mut cfg =
        r#"{"clientId":"cid","redirectUri":"https://app.example.com/cb","apiBase":"http://127.0.0.1:4010/v3""#
            .to_string();
    if issuer {
        cfg.push_str(r#","issuer":"https://issuer.example","requireIss":true"#);
    }
    cfg.push('}');
    options::config(&pack_json(CONFIG, &json::parse(&cfg).unwrap(), &[CONFIG], true).unwrap()).unwrap()
}

/// `new NylasAuth(options)` as the package does it: names, types, then the wasm's `configure`.
fn nylas_auth(o: &Json) -> Result<String, Error> {
    if !matches!(o, Json::Object(_)) {
        return Err(Error::InvalidConfig { field: "options", reason: "must be an object" });
    }
    let defaults: Vec<Field> = AUTHORIZATION.iter().copied().filter(|f| LOGIN_DEFAULTS.contains(&f.0)).collect();
    let known: &[&[Field]] = &[CONFIG, CLIENT, &defaults, PAGE];
    login::settings(&pack_json(CONFIG, o, known, true)?, &pack_json(CLIENT, o, known, true)?)
}

/// `nylasAuth.authorizationUrl(options)` as the package does it, for a configuration of `clientId` `c`.
fn authorize(o: &Json) -> Result<String, Error> {
    let config = pack_json(
        CONFIG,
        &json::parse(r#"{"clientId":"c","redirectUri":"https://a.example/cb"}"#).unwrap(),
        &[CONFIG],
        true,
    )?;
    login::start(
        &config,
        "",
        &pack_json(AUTHORIZATION, o, &[AUTHORIZATION], false)?,
        false,
        NOW,
        &[],
        0,
        None,
        None,
        &mut rng(),
    )
    .map(|(text, _)| text)
}

fn setup_with(config: Config) -> Setup {
    let (transactions, tokens, http) = (Shared::default(), Shared::default(), FakeHttp::default());
    let client = Client::new(
        config,
        Box::new(transactions.clone()),
        Some(Box::new(tokens.clone())),
        http.clone(),
        FakeClock(Rc::new(Cell::new(NOW))),
        Box::new(rng()) as Box<dyn FnMut(&mut [u8]) -> Result<(), Error>>,
        ClientOptions::default(),
    );
    Setup { client, http, transactions, tokens }
}

fn pending(s: &Setup) -> usize {
    s.transactions.keys(KEY_PREFIX).unwrap().len()
}

fn stored_tokens(s: &Setup) -> usize {
    s.tokens.keys("").unwrap().len()
}

fn state_of(url: &str) -> String {
    let q = url.split_once('?').unwrap().1;
    nylas_pkce::encode::parse_query(q).unwrap().into_iter().find(|(k, _)| k == "state").unwrap().1
}

// ---------------------------------------------------------------------------------------------------------
// Configurations (`new NylasAuth(options)`): invalid_config naming the field; nothing is created.
// ---------------------------------------------------------------------------------------------------------

#[test]
fn configurations() {
    const OK: &str = r#""clientId":"c","redirectUri":"https://a.example/cb""#;
    let with = |extra: &str| ["{", OK, extra, "}"].concat();
    let cases: Vec<(String, &str, &str)> = vec![
        ("null".into(), "invalid_config", "options"),
        ("[]".into(), "invalid_config", "options"),
        (r#""text""#.into(), "invalid_config", "options"),
        (r#"{"redirectUri":"https://a.example/cb"}"#.into(), "invalid_config", "clientId"),
        (r#"{"clientId":7,"redirectUri":"https://a.example/cb"}"#.into(), "invalid_config", "clientId"),
        (r#"{"clientId":"  ","redirectUri":"https://a.example/cb"}"#.into(), "invalid_config", "clientId"),
        (r#"{"clientId":"c"}"#.into(), "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"/cb"}"#.into(), "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"https://a.example/cb#x"}"#.into(), "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"http://evil.example/cb"}"#.into(), "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"javascript:alert(1)"}"#.into(), "invalid_config", "redirectUri"),
        (r#"{"clientId":"c","redirectUri":"https://user@a.example/cb"}"#.into(), "invalid_config", "redirectUri"),
        (with(r#","region":"mars""#), "invalid_config", "region"),
        (with(r#","region":"us","apiBase":"https://x.example""#), "invalid_config", "region"),
        (with(r#","apiBase":"http://api.example.com""#), "invalid_config", "authorizationEndpoint"),
        (with(r#","endpoints":"https://x.example""#), "invalid_config", "endpoints"),
        (with(r#","endpoints":{"tokenEndpoint":"https://i.example/t"}"#), "invalid_config", "authorizationEndpoint"),
        (
            with(
                r#","endpoints":{"authorizationEndpoint":"https://i.example/a","tokenEndpoint":"http://i.example/t"}"#,
            ),
            "invalid_config",
            "tokenEndpoint",
        ),
        (
            with(
                r#","endpoints":{"authorizationEndpoint":"https://i.example/a","tokenEndpoint":"https://i.example/t","tokenUrl":"x"}"#,
            ),
            "invalid_config",
            "tokenUrl",
        ),
        (with(r#","challengeEncoding":"hex""#), "invalid_config", "challengeEncoding"),
        (with(r#","tokenBody":"xml""#), "invalid_config", "tokenBody"),
        (with(r#","requireIss":true"#), "invalid_config", "requireIss"),
        (with(r#","issuer":"ftp://i.example""#), "invalid_config", "issuer"),
        (with(r#","provder":"google""#), "invalid_config", "provder"),
        (with(r#","client_id":"c""#), "invalid_config", "client_id"),
        (with(r#","fetchTimeoutMs":-1"#), "invalid_config", "fetchTimeoutMs"),
        (with(r#","transactionTtlMs":"10m""#), "invalid_config", "transactionTtlMs"),
        (with(r#","publicRefresh":"yes""#), "invalid_config", "publicRefresh"),
    ];
    for (input, code, field) in &cases {
        let e = nylas_auth(&json::parse(input).unwrap()).unwrap_err();
        assert_eq!((e.code(), e.field()), (*code, Some(*field)), "{input}");
    }
    assert!(cases.len() >= 25);
}

// ---------------------------------------------------------------------------------------------------------
// Per-call options (`loginWithRedirect(options)`): invalid_option / invalid_verifier; no transaction stored.
// ---------------------------------------------------------------------------------------------------------

#[test]
fn per_call_options() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (r#"{"state":""}"#, "invalid_option", Some("state")),
        (r#"{"state":5}"#, "invalid_option", Some("state")),
        (r#"{"scopes":["a b"]}"#, "invalid_option", Some("scopes")),
        (r#"{"scopes":[1]}"#, "invalid_option", Some("scopes")),
        (r#"{"scopes":{}}"#, "invalid_option", Some("scopes")),
        (r#"{"scopes":["a"],"scope":["b"]}"#, "invalid_option", Some("scope")),
        (r#"{"prompt":["a,b"]}"#, "invalid_option", Some("prompt")),
        (r#"{"responseType":"token"}"#, "invalid_option", Some("responseType")),
        (r#"{"responseType":"adminconsent"}"#, "invalid_option", Some("credentialId")),
        (r#"{"accessType":"forever"}"#, "invalid_option", Some("accessType")),
        (r#"{"includeGrantScopes":"yes"}"#, "invalid_option", Some("includeGrantScopes")),
        (r#"{"extraParams":{"state":"x"}}"#, "invalid_option", Some("extraParams")),
        (r#"{"extraParams":{"code_challenge":"x"}}"#, "invalid_option", Some("extraParams")),
        (r#"{"extraParams":{"response_mode":"form_post"}}"#, "invalid_option", Some("extraParams")),
        (r#"{"extraParams":{"request":"eyJ"}}"#, "invalid_option", Some("extraParams")),
        (r#"{"extraParams":{"request_uri":"urn:x"}}"#, "invalid_option", Some("extraParams")),
        (r#"{"extraParams":{"a":1}}"#, "invalid_option", Some("extraParams")),
        (r#"{"extraParams":"a=1"}"#, "invalid_option", Some("extraParams")),
        (r#"{"codeVerifier":"too-short"}"#, "invalid_verifier", None),
        (r#"{"codeVerifier":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+"}"#, "invalid_verifier", None),
        (r#"{"verifierLength":200}"#, "invalid_verifier", None),
        (r#"{"verifierLength":"64"}"#, "invalid_option", Some("verifierLength")),
        (r#"{"challengeMethod":"S512"}"#, "invalid_option", Some("challengeMethod")),
        (r#"{"provder":"google"}"#, "invalid_option", Some("provder")),
        (r#"{"clientId":"other"}"#, "invalid_option", Some("clientId")),
    ];
    for (input, code, field) in cases {
        let s = setup_with(config(false));
        let options = json::parse(input).unwrap();
        let e = authorize(&options).unwrap_err();
        assert_eq!((e.code(), e.field()), (*code, *field), "{input}");
        // The same options through the Rust client (names and types are the package's to refuse): refused
        // before anything is stored.
        if let Ok(packed) = pack_json(AUTHORIZATION, &options, &[AUTHORIZATION], false) {
            if let Ok(opts) = options::authorization(&packed) {
                assert_eq!(s.client.authorize(&opts).unwrap_err().code(), *code, "{input}");
            }
        }
        assert_eq!(pending(&s), 0, "a refused start stores nothing: {input}");
    }
}

// ---------------------------------------------------------------------------------------------------------
// Callbacks: the code, and whether the pending transaction is used up (Gone) or still there (Intact).
// ---------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tx {
    /// Refused before the transaction was looked up: it is still pending.
    Intact,
    /// The transaction was taken (single use) before the callback was refused.
    Gone,
}

#[test]
fn callbacks() {
    // `{s}` is the pending state.
    let long = ["https://app.example.com/cb?code=c&state={s}&pad=", &"x".repeat(17_000)].concat();
    let many =
        ["https://app.example.com/cb?code=c&state={s}", &(0..70).map(|i| format!("&p{i}=1")).collect::<String>()]
            .concat();
    let cases: Vec<(String, &str, Tx)> = vec![
        ("https://app.example.com/cb?code=c".into(), "missing_state", Tx::Intact),
        ("https://app.example.com/cb".into(), "invalid_callback", Tx::Intact),
        ("https://app.example.com/cb?foo=bar".into(), "invalid_callback", Tx::Intact),
        ("".into(), "invalid_callback", Tx::Intact),
        ("https://app.example.com/cb?code=c&code=d&state={s}".into(), "invalid_callback", Tx::Intact),
        ("https://app.example.com/cb?code=c&state={s}&state={s}".into(), "invalid_callback", Tx::Intact),
        ("https://app.example.com/cb?code=%E0%A4%A&state={s}".into(), "invalid_callback", Tx::Intact),
        ("https://app.example.com/cb?code=%FF&state={s}".into(), "invalid_callback", Tx::Intact),
        (long, "invalid_callback", Tx::Intact),
        (many, "invalid_callback", Tx::Intact),
        ("https://app.example.com/cb?code=c&state=tampered".into(), "state_mismatch", Tx::Intact),
        ("https://app.example.com/cb?code=c&state={s}x".into(), "state_mismatch", Tx::Intact),
        ("https://app.example.com/cb?code=c&error=e&state={s}".into(), "invalid_callback", Tx::Gone),
        ("https://app.example.com/cb?error=access_denied&state={s}".into(), "authorization_error", Tx::Gone),
        (
            "https://app.example.com/cb?error=server_error&error_uri=x%2345010&state={s}".into(),
            "authorization_error",
            Tx::Gone,
        ),
        (
            "https://app.example.com/cb?success=false&error=auth_limit_reached&state={s}".into(),
            "authorization_error",
            Tx::Gone,
        ),
        (
            "https://app.example.com/cb?success=true&grant_id=VICTIM&email=x%40y&state={s}".into(),
            "missing_code",
            Tx::Gone,
        ),
        ("https://app.example.com/cb?admin_consent=true&state={s}".into(), "missing_code", Tx::Gone),
        ("https://app.example.com/cb?state={s}".into(), "missing_code", Tx::Gone),
        ("https://app.example.com/cb?code=&state={s}".into(), "missing_code", Tx::Gone),
        ("https://app.example.com/cb#code=c&state={s}&state=t".into(), "invalid_callback", Tx::Intact),
    ];
    for (template, code, tx) in &cases {
        let s = setup_with(config(false));
        let state = state_of(&s.client.authorize(&Default::default()).unwrap().url);
        let url = template.replace("{s}", &nylas_pkce::encode::form_body(&[("", Some(&state))])[1..]);
        let e = block_on(s.client.handle_callback(&url)).unwrap_err();
        assert_eq!(e.code(), *code, "{template}");
        assert_eq!(pending(&s), usize::from(*tx == Tx::Intact), "{template}: transaction {tx:?}");
        assert!(s.http.sent.borrow().is_empty(), "{template}: nothing was sent");
        assert_eq!(stored_tokens(&s), 0);
    }
    // RFC 9207 with an issuer configured and requireIss on.
    for (suffix, code) in [("&iss=https%3A%2F%2Fevil.example", "issuer_mismatch"), ("", "missing_issuer")] {
        let s = setup_with(config(true));
        let state = state_of(&s.client.authorize(&Default::default()).unwrap().url);
        let e = block_on(s.client.handle_callback(&format!("?code=c&state={state}{suffix}"))).unwrap_err();
        assert_eq!(e.code(), code);
        assert_eq!(pending(&s), 0, "used up");
    }
    assert!(cases.len() + 2 >= 20);
}

// ---------------------------------------------------------------------------------------------------------
// Token and error bodies of the code exchange: the code; no token kept, the transaction used up.
// ---------------------------------------------------------------------------------------------------------

#[test]
fn token_and_error_bodies() {
    let cases: &[(u16, &str, &str)] = &[
        (200, "not json", "invalid_response"),
        (200, "", "invalid_response"),
        (200, "[]", "invalid_response"),
        (200, r#""a string""#, "invalid_response"),
        (200, r#"{"token_type":"Bearer"}"#, "invalid_response"),
        (200, r#"{"access_token":"","token_type":"Bearer"}"#, "invalid_response"),
        (200, r#"{"access_token":"a"}"#, "invalid_response"),
        (200, r#"{"access_token":"a","token_type":"MAC"}"#, "invalid_response"),
        (200, r#"{"access_token":"a","token_type":"Bearer","expires_in":"later"}"#, "invalid_response"),
        (200, r#"{"access_token":"a","token_type":"Bearer","expires_in":-5}"#, "invalid_response"),
        (200, r#"{"access_token":"a","token_type":"Bearer","expires_in":1.5}"#, "invalid_response"),
        (200, r#"{"access_token":"a","token_type":"Bearer","expires_in":9e12}"#, "invalid_response"),
        (200, "{\"access_token\":\"a\\r\\nSet-Cookie: x\",\"token_type\":\"Bearer\"}", "invalid_response"),
        (200, "{\"access_token\":\"a\\u0000\",\"token_type\":\"Bearer\"}", "invalid_response"),
        (200, r#"{"access_token":"a b","token_type":"Bearer"}"#, "invalid_response"),
        (200, "{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"refresh_token\":\"r\\n\"}", "invalid_response"),
        (200, r#"{"access_token":"a","token_type":"Bearer","access_token":"b"}"#, "invalid_response"),
        (200, r#"{"access_token":"a","token_type":"Bearer""#, "invalid_response"),
        (400, r#"{"error":"invalid_grant","error_description":"bad code"}"#, "invalid_grant"),
        (400, r#"{"error":"invalid_request"}"#, "invalid_request"),
        (401, r#"{"error":"invalid_client","error_code":45003}"#, "invalid_client"),
        (400, r#"{"error":"redirect_uri_mismatch"}"#, "redirect_uri_mismatch"),
        (400, r#"{"success":false,"error":{"type":"invalid_token","event_code":45008}}"#, "invalid_token"),
        (400, r#"{"success":false,"error":{"type":"app_id_not_allowed","event_code":702}}"#, "api_error"),
        (500, r#"{"success":false,"error":{"type":"internal_error","event_code":500}}"#, "server_error"),
        (503, "", "invalid_response"),
        (502, "<html><h1>502 Bad Gateway</h1></html>", "invalid_response"),
        (
            403,
            r#"{"message":"You provided a token which has the following scopes ['email.read_only']. You would need a token with at least one of the following scopes: ['email.modify']","type":"api_error"}"#,
            "insufficient_scope",
        ),
    ];
    for (status, body, code) in cases {
        let s = setup_with(config(false));
        let state = state_of(&s.client.authorize(&Default::default()).unwrap().url);
        s.http
            .answers
            .borrow_mut()
            .push(Ok(nylas_pkce::client::HttpResponse { status: *status, body: json::parse(body) }));
        let e = block_on(s.client.handle_callback(&format!("?code=c&state={state}"))).unwrap_err();
        assert_eq!(e.code(), *code, "{status} {body}");
        assert_eq!(pending(&s), 0, "{body}: the code is used up with its transaction");
        assert_eq!((s.client.tokens(), stored_tokens(&s)), (None, 0), "{body}: no token kept");
        assert!(!e.message().contains('\r') && !e.message().contains("a\\r"), "no body text in the message");
    }
    assert!(cases.len() >= 25);
}

// ---------------------------------------------------------------------------------------------------------
// Stored transactions that were tampered with, came from elsewhere, or are stale: refused and removed.
// ---------------------------------------------------------------------------------------------------------

#[test]
fn stored_transactions() {
    type Edit = fn(&str) -> String;
    let cases: &[(&str, Edit, &str)] = &[
        ("garbage", |_| "{not json".into(), "no_transaction"),
        ("empty", |_| String::new(), "no_transaction"),
        ("an array", |_| "[]".into(), "no_transaction"),
        ("an old version", |r| r.replace(r#""v":"2""#, r#""v":"1""#), "no_transaction"),
        ("another state", |r| r.replace(r#""state":""#, r#""state":"x"#), "no_transaction"),
        ("a verifier with bad characters", |r| r.replace(r#""verifier":""#, r#""verifier":"+"#), "no_transaction"),
        (
            "an unknown response type",
            |r| r.replace(r#""responseType":"code""#, r#""responseType":"token""#),
            "no_transaction",
        ),
        ("no client id", |r| r.replace(r#""clientId""#, r#""client""#), "no_transaction"),
        ("a repeated key", |r| r.replacen('{', r#"{"v":"2","#, 1), "no_transaction"),
        ("another client", |r| r.replace(r#""clientId":"cid""#, r#""clientId":"other""#), "client_mismatch"),
        (
            "another token endpoint",
            |r| r.replace("http://127.0.0.1:4010/v3/connect/token", "https://evil.example/token"),
            "client_mismatch",
        ),
        ("created in the future", |r| future(r), "transaction_expired"),
        ("created long ago", |r| past(r), "transaction_expired"),
        ("no verifier for a code flow", |r| no_verifier(r), "missing_code"),
        // appState is handed back as JSON: text that is not one JSON value would be spliced into the result.
        (
            "an appState that is not JSON",
            |r| r.replacen('{', r#"{"appState":"1},\"accessToken\":\"x","#, 1),
            "no_transaction",
        ),
        ("an appState that is not text", |r| r.replacen('{', r#"{"appState":[1],"#, 1), "no_transaction"),
    ];
    for (what, edit, code) in cases {
        let s = setup_with(config(false));
        let state = state_of(&s.client.authorize(&Default::default()).unwrap().url);
        let key = s.transactions.keys(KEY_PREFIX).unwrap().pop().unwrap();
        let record = s.transactions.get(&key).unwrap().unwrap();
        s.transactions.set(&key, &edit(&record)).unwrap();
        let e = block_on(s.client.handle_callback(&format!("?code=c&state={state}"))).unwrap_err();
        assert_eq!(e.code(), *code, "{what}");
        assert_eq!(pending(&s), 0, "{what}: removed");
        assert!(s.http.sent.borrow().is_empty(), "{what}: nothing sent");
    }
}

fn with_created(record: &str, at: u64) -> String {
    let j = json::parse(record).unwrap();
    let Json::Object(members) = j else { panic!() };
    let members: Vec<(String, Json)> = members
        .into_iter()
        .map(|(k, v)| if k == "createdAt" { (k, Json::String(at.to_string())) } else { (k, v) })
        .collect();
    let mut out = String::new();
    json::write_value(&mut out, &Json::Object(members));
    out
}

fn future(r: &str) -> String {
    with_created(r, NOW + 3_600_000)
}

fn past(r: &str) -> String {
    with_created(r, NOW - 3_600_000)
}

fn no_verifier(r: &str) -> String {
    let Json::Object(members) = json::parse(r).unwrap() else { panic!() };
    let kept = members.into_iter().filter(|(k, _)| k != "verifier").collect();
    let mut out = String::new();
    json::write_value(&mut out, &Json::Object(kept));
    out
}

/// Stored token records that were tampered with are not restored (the user is logged out, not handed a
/// token that would break a request header): the entry's check of the fields the package reads with
/// `JSON.parse`, and the protocol's of the whole record.
#[test]
fn stored_token_records() {
    let good = r#"{"accessToken":"at","tokenType":"Bearer","expiresAt":1800000000000,"scope":[]}"#;
    assert_eq!(restore(good), 2);
    for (bad, first_half) in [
        ("{not json", true),
        (r#"{"accessToken":"at","tokenType":"Bearer","scope":[]}"#, true),
        (r#"{"accessToken":"a\r\nX: 1","tokenType":"Bearer","expiresAt":1800000000000}"#, true),
        (r#"{"accessToken":"a\u0000","tokenType":"Bearer","expiresAt":1800000000000}"#, true),
        (r#"{"accessToken":"at","tokenType":"MAC","expiresAt":1800000000000}"#, true),
        (r#"{"accessToken":"at","tokenType":"Bearer","expiresAt":1800000000000,"refreshToken":"r\n"}"#, true),
        // JSON.parse keeps the last of repeated keys: the entry sees a token set, the protocol refuses it.
        (r#"{"accessToken":"at","accessToken":"bt","tokenType":"Bearer","expiresAt":1800000000000}"#, false),
    ] {
        if first_half {
            assert_eq!(restore(bad), 0, "{bad}");
        }
        assert_eq!(engine::access(&settings(), bad, NOW).unwrap_err().code(), "login_required");
    }
}

/// The core's check of a stored record's fields (`flow::restored`), read as the package's entry reads
/// them (`js/keys.js` `tokenState`, checked against this rule by tests/node/keys.test.mjs).
fn restore(record: &str) -> u8 {
    let Some(t) = json::parse(record) else { return 0 };
    let at = t.get("expiresAt").and_then(Json::as_f64).filter(|n| *n >= 0.0).map(|n| n as u64);
    match nylas_pkce::flow::restored(
        t.str_of("accessToken").unwrap_or_default(),
        t.str_of("tokenType").unwrap_or_default(),
        at,
        t.str_of("refreshToken"),
        NOW,
        0,
    ) {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

fn settings() -> String {
    nylas_auth(&json::parse(r#"{"clientId":"c","redirectUri":"https://a.example/cb"}"#).unwrap()).unwrap()
}
