//! Token and error bodies: a status and a body through the token-answer parser, the API-answer parser,
//! and the npm binding's steps that read them (with and without a previous token record to merge).
use nylas_pkce::json;
use nylas_pkce::token::{parse_api_response, parse_revocation_response, parse_token_response, TokenSet};
use nylas_pkce_npm::engine;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let (status, rest) = match data.split_first_chunk::<2>() {
            Some((s, rest)) => (u16::from_be_bytes(*s) % 700, rest),
            None => (200, data),
        };
        let f = nylas_pkce_fuzz::fields(rest, 2);
        let body = f.first().map(String::as_str).unwrap_or("");
        let previous = f.get(1).map(String::as_str).unwrap_or("");
        let parsed = json::parse(body);
        if let Ok(t) = parse_token_response(status, parsed.as_ref(), 1_000) {
            // A token set that parsed is header-safe and round-trips through its record.
            assert!(t.access_token.secret().bytes().all(|b| (0x21..=0x7e).contains(&b)));
            let record = t.to_json();
            let back = TokenSet::from_json(&json::parse(&record).expect("record is JSON")).expect("record reads");
            assert_eq!(back.access_token, t.access_token);
        }
        let _ = parse_api_response(status, parsed.as_ref());
        let _ = parse_revocation_response(status, parsed.as_ref());
        let _ = engine::exchanged(status, body, 1_000, previous);
        let _ = engine::api_result(status, body);
        if let Some(t) = &parsed {
            let at = t.get("expiresAt").and_then(json::Json::as_f64).filter(|n| *n >= 0.0).map(|n| n as u64);
            let (access, kind) = (t.str_of("accessToken").unwrap_or(""), t.str_of("tokenType").unwrap_or(""));
            let _ = nylas_pkce::flow::restored(access, kind, at, t.str_of("refreshToken"), 1_000, 30_000);
        }
    });
}
