//! Callback URLs: the parameter parser, the full check against a state and issuer, the core's flow step
//! that checks a callback against a stored transaction, and the npm binding's one-crossing callback step.
//! Nothing may panic; any code returned is a known one.
use nylas_pkce::callback::{callback_params, parse_callback};
use nylas_pkce::flow;
use nylas_pkce::json;
use nylas_pkce_npm::fields::{pack_json, CLIENT, CONFIG};
use nylas_pkce_npm::{engine, login};

fn main() {
    let options =
        json::parse(r#"{"clientId":"c","redirectUri":"https://a.example/cb","issuer":"https://i.example"}"#).unwrap();
    let known: &[&[nylas_pkce_npm::fields::Field]] = &[CONFIG, CLIENT];
    let settings = login::settings(
        &pack_json(CONFIG, &options, known, true).unwrap(),
        &pack_json(CLIENT, &options, known, true).unwrap(),
    )
    .unwrap();
    let (config, _) = engine::session(&settings).unwrap();
    afl::fuzz!(|data: &[u8]| {
        let f = nylas_pkce_fuzz::fields(data, 3);
        let url = f.first().map(String::as_str).unwrap_or("");
        let state = f.get(1).map(String::as_str).unwrap_or("st");
        let record = f.get(2).map(String::as_str).unwrap_or("");
        let _ = callback_params(url);
        for require in [false, true] {
            if let Err(e) = parse_callback(url, state, Some("https://i.example"), require) {
                assert!(!e.code().is_empty());
            }
        }
        let _ = flow::callback_key("p:", url);
        let _ = flow::complete_callback(&config, url, Some(record), false, 1_000, 600_000);
        // As the package hands them over: `key<TAB>record` lines, the callback's own key first.
        let prefix = nylas_pkce::transaction::prefix_for(&config);
        let stored = format!("{}\t{record}\nother\t{record}", flow::callback_key(&prefix, url).unwrap_or_default());
        for popup in [0, 1, 2] {
            let out = engine::callback(&settings, url, &stored, popup, 1_000);
            assert!(out.starts_with('r') || out.starts_with('p'), "a storage operation comes first");
        }
    });
}
