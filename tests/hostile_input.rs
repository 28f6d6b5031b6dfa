//! Untrusted input never panics (a panic would kill the wasm module): random and mutated callbacks, JSON
//! bodies, URLs and options go through every parser, deterministically (xorshift, fixed seed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

use nylas_pkce::{callback, encode, json, token};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "?",
    "#",
    "&",
    "=",
    "%",
    "%2",
    "%FF",
    "%C3%A9",
    "+",
    "code",
    "state",
    "error",
    "iss",
    "success",
    "true",
    "false",
    "admin_consent",
    "grant_id",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    ":",
    ",",
    "0",
    "-",
    "1e9",
    ".",
    "é",
    "😀",
    " ",
    "\n",
    "\u{0}",
    "https://",
    "http://[::1]",
    "com.example.app:/",
    "@",
    "access_token",
    "token_type",
    "Bearer",
    "expires_in",
    "null",
    "error_description",
    "following scopes",
    "['a'",
    "]",
    "message",
    "type",
];

fn random_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(24) {
        s.push_str(PIECES[rng.below(PIECES.len())]);
    }
    s
}

/// Mutates a valid input: delete, duplicate or insert a random piece at a random char boundary.
fn mutate(rng: &mut Rng, base: &str) -> String {
    let mut s = base.to_string();
    for _ in 0..1 + rng.below(4) {
        let bounds: Vec<usize> = s.char_indices().map(|(i, _)| i).chain([s.len()]).collect();
        let at = bounds[rng.below(bounds.len())];
        match rng.below(3) {
            0 => s.insert_str(at, PIECES[rng.below(PIECES.len())]),
            1 => {
                let end = bounds[rng.below(bounds.len())].max(at);
                s.replace_range(at..end, "");
            }
            _ => {
                let end = bounds[rng.below(bounds.len())].max(at);
                let dup = s[at..end].to_string();
                s.insert_str(end, &dup);
            }
        }
    }
    s
}

#[test]
fn parsers_survive_random_and_mutated_input() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let seeds = [
        "https://myapp.com/cb?code=abc&state=st&scope=a%20b",
        "#error=access_denied&error_description=no&error_uri=45002&state=st",
        "?success=true&grant_id=g&email=a%40b&state=st&iss=https%3A%2F%2Fi",
        r#"{"access_token":"a","token_type":"Bearer","expires_in":3600,"scope":"x y","id_token":"h.eyJhIjoxfQ.s"}"#,
        r#"{"success":false,"error":{"type":"invalid_token","http_code":400,"event_code":45008,"message":"m"}}"#,
        r#"{"message":"You provided a token which has the following scopes ['a']. You would need a token with at least one of the following scopes: ['b']"}"#,
        r#"{"clientId":"c","redirectUri":"https://a.com/cb","scopes":["a"],"extraParams":{"x":"y"},"endpoints":{"authorizationEndpoint":"https://i/a","tokenEndpoint":"https://i/t"}}"#,
    ];
    for i in 0..40_000 {
        let input = if i % 2 == 0 {
            random_text(&mut rng)
        } else {
            let seed = seeds[rng.below(seeds.len())];
            mutate(&mut rng, seed)
        };
        let _ = callback::parse_callback(&input, "st", Some("https://i"), false);
        let _ = callback::callback_params(&input);
        let _ = encode::url_parts(&input);
        let _ = encode::parse_query(&input);
        let _ = nylas_pkce::config::validate_redirect_uri(&input);
        let parsed = json::parse(&input);
        for status in [200u16, 400, 403, 502] {
            let _ = token::parse_token_response(status, parsed.as_ref(), u64::MAX - 5);
            let _ = token::parse_api_response(status, parsed.as_ref());
        }
        let _ = token::scope_lists(&input);
        let _ = token::id_token_payload(&nylas_pkce::IdToken::new(input.clone()));
        if let Some(j) = &parsed {
            let mut out = String::new();
            json::write_value(&mut out, j);
            assert!(json::parse(&out).is_some(), "written JSON parses again");
        }
    }
}
