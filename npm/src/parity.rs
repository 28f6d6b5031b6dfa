//! What the package's entry computes without the wasm (`js/keys.js`: the storage keys, a stored token
//! set's check), as the core computes it, over a corpus: the test `parity_json_is_generated_from_the_core`
//! writes `tests/support/core-parity.json` (and fails on drift; `BLESS=1` regenerates), and
//! `tests/node/keys.test.mjs` checks the entry against it. So the rules stay in the core, and the copy in
//! JavaScript is checked against them.
#![cfg(test)]

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use nylas_pkce::accounts::token_key;
use nylas_pkce::flow::restored;
use nylas_pkce::json::{parse, Json, ObjectWriter};
use nylas_pkce::transaction::prefix_for;

use crate::fields::{pack_json, CLIENT, CONFIG, PAGE};

/// Configurations the protocol accepts, written as a page writes them.
const CONFIGS: &[&str] = &[
    r#"{"clientId":"demo-client","redirectUri":"http://127.0.0.1:5173/callback.html"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","region":"us"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","region":"eu"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","region":"EU"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","region":"Us"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","apiBase":"https://api.us.nylas.com/v3"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","apiBase":"https://api.us.nylas.com/v3/"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","apiBase":"https://myapp.us.nylas.com"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","apiBase":"https://myapp.us.nylas.com///"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","apiBase":"http://127.0.0.1:4010/v3"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","region":"us","issuer":"https://api.us.nylas.com"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","apiBase":"https://x.example","issuer":"https://x.example","requireIss":true}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","endpoints":{"authorizationEndpoint":"https://i.example/a","tokenEndpoint":"https://i.example/t"}}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","endpoints":{"authorizationEndpoint":"https://i.example/a","tokenEndpoint":"https://i.example/t/","issuer":"https://i.example"}}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","endpoints":{"authorizationEndpoint":"https://i.example/a","tokenEndpoint":"https://i.example/t","issuer":"https://i.example"},"issuer":"https://other.example"}"#,
    r#"{"clientId":"ç€😀 client","redirectUri":"com.example.app:/cb","region":"eu"}"#,
    r#"{"clientId":"c","redirectUri":"https://a.example/cb","clockSkewMs":0,"accounts":"multiple","storage":"local"}"#,
];

/// `[accessToken, tokenType, expiresAt, refreshToken]` as a stored record has them (any JSON), at
/// `NOW` with `SKEW`.
const NOW: u64 = 1_000_000_000;
const SKEW: u64 = 30_000;

fn token_cases() -> Vec<String> {
    let valid = NOW + SKEW + 1;
    let mut cases: Vec<String> = Vec::new();
    let record = |access: &str, kind: &str, at: &str, refresh: &str| {
        format!(r#"{{"accessToken":{access},"tokenType":{kind},"expiresAt":{at},"refreshToken":{refresh}}}"#)
    };
    let q = |s: &str| {
        let mut out = String::new();
        nylas_pkce::json::write_str(&mut out, s);
        out
    };
    for at in [valid, NOW + SKEW, NOW + SKEW - 1, NOW, 0] {
        cases.push(record(&q("tok"), &q("Bearer"), &at.to_string(), "null"));
    }
    for at in ["-1", "1.5e9", "\"1000000000000\"", "null", "9007199254740993", "1e400"] {
        cases.push(record(&q("tok"), &q("Bearer"), at, "null"));
    }
    // Every ASCII byte, and some others, in the access token and in the refresh token.
    for b in 0u32..0x80 {
        if let Some(c) = char::from_u32(b) {
            let s = format!("a{c}b");
            cases.push(record(&q(&s), &q("Bearer"), &valid.to_string(), "null"));
            cases.push(record(&q("tok"), &q("Bearer"), &valid.to_string(), &q(&s)));
        }
    }
    for s in ["é", "€", "😀", "", " ", "abc=", "a.b-c_d~e+f/g=="] {
        cases.push(record(&q(s), &q("Bearer"), &valid.to_string(), "null"));
        cases.push(record(&q("tok"), &q("Bearer"), &valid.to_string(), &q(s)));
    }
    for kind in ["\"bearer\"", "\"BEARER\"", "\"Bearer \"", "\"MAC\"", "null", "1"] {
        cases.push(record(&q("tok"), kind, &valid.to_string(), "null"));
    }
    for access in ["null", "5", "[\"tok\"]", "{}"] {
        cases.push(record(access, &q("Bearer"), &valid.to_string(), "null"));
    }
    cases.push(record(&q("tok"), &q("Bearer"), &valid.to_string(), "5"));
    cases.push(format!(r#"{{"accessToken":"tok","tokenType":"Bearer","expiresAt":{valid}}}"#));
    cases.push("[]".into());
    cases.push("\"tok\"".into());
    cases.push("null".into());
    cases
}

/// The verdict of `flow::restored` on a record, its fields read as the entry reads them with `JSON.parse`:
/// a string field that is not a string is absent (empty), `expiresAt` counts only as a whole number from 0
/// to 2^53 − 1.
fn verdict(record: &Json) -> u8 {
    if !matches!(record, Json::Object(_)) {
        return 0;
    }
    let s = |k| record.get(k).and_then(Json::as_str);
    let at = record
        .get("expiresAt")
        .and_then(Json::as_f64)
        .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < 9_007_199_254_740_992.0);
    match restored(
        s("accessToken").unwrap_or(""),
        s("tokenType").unwrap_or(""),
        at.map(|n| n as u64),
        s("refreshToken"),
        NOW,
        SKEW,
    ) {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

fn parity_json() -> String {
    let mut keys = Vec::new();
    for text in CONFIGS {
        let o = parse(text).unwrap();
        let known: &[&[crate::fields::Field]] = &[CONFIG, CLIENT, PAGE];
        let config = crate::options::config(&pack_json(CONFIG, &o, known, true).unwrap()).unwrap();
        keys.push(
            ObjectWriter::default()
                .value_text("options", text)
                .str("transactionPrefix", &prefix_for(&config))
                .str("tokenKey", &token_key(&config, None))
                .str("accountKey", &token_key(&config, Some("")))
                .finish(),
        );
    }
    let mut tokens = Vec::new();
    for text in token_cases() {
        let record = parse(&text).unwrap();
        tokens.push(format!(r#"{{"record":{text},"state":{}}}"#, verdict(&record)));
    }
    format!(
        "{{\n\"generatedBy\": \"npm/src/parity.rs (BLESS=1 cargo test -p nylas-pkce-npm parity)\",\n\"keys\": [\n{}\n],\n\"tokens\": {{ \"now\": {NOW}, \"skew\": {SKEW}, \"cases\": [\n{}\n] }}\n}}\n",
        keys.join(",\n"),
        tokens.join(",\n")
    )
}

#[test]
fn parity_json_is_generated_from_the_core() {
    extern crate std;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/support/core-parity.json");
    let want = parity_json();
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        have == want,
        "tests/support/core-parity.json is out of date: run BLESS=1 cargo test -p nylas-pkce-npm parity"
    );
}
