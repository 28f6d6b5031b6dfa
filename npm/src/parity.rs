//! What the package's entry computes without the wasm (`js/keys.js`: the storage keys, a stored token
//! set's check), as the core computes it. The inputs are `tests/support/parity-corpus.json` (written by
//! `scripts/parity-corpus.mjs`); the test `parity_json_is_generated_from_the_core` writes the core's answers
//! to `tests/support/core-parity.json` (and fails on drift; `BLESS=1` regenerates), and
//! `tests/node/keys.test.mjs` checks the entry's answers against them. So the rules stay in the core, and
//! their copy in JavaScript is checked against it. Both sides expand the corpus in the same order:
//! - configurations: `{ ...base, ...server, ...issuer, ...client, ...other }` for each server, issuer, client
//!   and other, nested in that order; the answer is the namespace, or `null` where the package refuses the
//!   configuration (a JavaScript type, or a value);
//! - token records, for each run (`now`, `skew`): the valid record (`good`, expiring `valid` ms after `now`)
//!   with its `accessToken`, then `refreshToken`, then `tokenType` replaced by each of those lists, its
//!   `expiresAt` by each of the run's, then each whole record of `records`; the answers are one digit each
//!   (0 not a token set, 1 expired, 2 valid), one string per run.
#![cfg(test)]

extern crate std;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use nylas_pkce::accounts::{token_key, TOKEN_KEY_PREFIX};
use nylas_pkce::flow::restored;
use nylas_pkce::json::{parse, Json};
use nylas_pkce::transaction::{namespace, prefix_for, KEY_PREFIX};

use crate::fields::{pack_json, CLIENT, CONFIG, PAGE};

const MAX_SAFE: f64 = 9_007_199_254_740_992.0;

/// `{ ...a, ...b }`: `b`'s members over `a`'s (a member `b` repeats keeps its place in `a`).
fn merge(a: &Json, b: &Json) -> Json {
    let (Json::Object(a), Json::Object(b)) = (a, b) else { panic!("objects") };
    let mut out = a.clone();
    for (k, v) in b {
        match out.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v.clone(),
            None => out.push((k.clone(), v.clone())),
        }
    }
    Json::Object(out)
}

fn list<'a>(o: &'a Json, key: &str) -> &'a [Json] {
    match o.get(key) {
        Some(Json::Array(items)) => items,
        _ => panic!("{key}: a list"),
    }
}

/// The namespace of a configuration as the package would use it, or `None` where it refuses it.
fn keys_of(o: &Json) -> Option<String> {
    let known: &[&[crate::fields::Field]] = &[CONFIG, CLIENT, PAGE];
    let config = crate::options::config(&pack_json(CONFIG, o, known, true).ok()?).ok()?;
    crate::options::client(&pack_json(CLIENT, o, known, true).ok()?).ok()?;
    let ns = namespace(&config);
    // The keys are the prefixes and the namespace, as js/keys.js composes them.
    assert_eq!(token_key(&config, None), format!("{TOKEN_KEY_PREFIX}{ns}"));
    assert_eq!(token_key(&config, Some("")), format!("{TOKEN_KEY_PREFIX}{ns}:"));
    assert_eq!(prefix_for(&config), format!("{KEY_PREFIX}{ns}:"));
    Some(ns)
}

/// `flow::restored` on a stored record, its fields read as the entry reads them after `JSON.parse`: a text
/// field that is not a string is absent, and `expiresAt` counts only as a whole number from 0 to 2^53 − 1.
fn verdict(record: &Json, now: u64, skew: u64) -> u8 {
    if !matches!(record, Json::Object(_)) {
        return 0;
    }
    let s = |k| record.get(k).and_then(Json::as_str);
    let at = record.get("expiresAt").and_then(Json::as_f64).filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < MAX_SAFE);
    match restored(
        s("accessToken").unwrap_or(""),
        s("tokenType").unwrap_or(""),
        at.map(|n| n as u64),
        s("refreshToken"),
        now,
        skew,
    ) {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

fn parity_json(corpus: &Json) -> String {
    let c = corpus.get("configs").unwrap();
    let base = c.get("base").unwrap();
    let mut configs = Vec::new();
    for server in list(c, "servers") {
        for issuer in list(c, "issuers") {
            for client in list(c, "clients") {
                for other in list(c, "others") {
                    let o = merge(&merge(&merge(&merge(base, server), issuer), client), other);
                    configs.push(keys_of(&o).map_or("null".into(), |ns| format!("\"{ns}\"")));
                }
            }
        }
    }
    let t = corpus.get("tokens").unwrap();
    let good = t.get("good").unwrap();
    let valid = t.get("valid").and_then(Json::as_f64).unwrap();
    let mut runs = Vec::new();
    for run in list(t, "runs") {
        let now = run.get("now").and_then(Json::as_f64).unwrap();
        let skew = run.get("skew").and_then(Json::as_f64).unwrap();
        let with = |k: &str, v: &Json| merge(good, &Json::Object(alloc::vec![(k.into(), v.clone())]));
        let good = with("expiresAt", &Json::Number(now + valid));
        let mut records: Vec<Json> = Vec::new();
        for field in ["accessToken", "refreshToken", "tokenType"] {
            records.extend(
                list(t, field).iter().map(|v| merge(&good, &Json::Object(alloc::vec![(field.into(), v.clone())]))),
            );
        }
        records.extend(list(run, "expiresAt").iter().map(|v| with("expiresAt", v)));
        records.extend(list(t, "records").iter().cloned());
        let digits: String = records.iter().map(|r| char::from(b'0' + verdict(r, now as u64, skew as u64))).collect();
        runs.push(format!("\"{digits}\""));
    }
    format!(
        "{{\n\"generatedBy\": \"npm/src/parity.rs from tests/support/parity-corpus.json (BLESS=1 cargo test -p nylas-pkce-npm parity)\",\n\"configs\": [{}],\n\"tokens\": [\n{}\n]\n}}\n",
        configs.join(","),
        runs.join(",\n")
    )
}

#[test]
fn parity_json_is_generated_from_the_core() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/support/");
    let corpus = parse(&std::fs::read_to_string(format!("{dir}parity-corpus.json")).unwrap()).unwrap();
    let want = parity_json(&corpus);
    let path = format!("{dir}core-parity.json");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "tests/support/core-parity.json is out of date: run BLESS=1 cargo test -p nylas-pkce-npm parity"
    );
}
