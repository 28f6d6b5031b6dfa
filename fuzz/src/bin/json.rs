//! The JSON reader and writer: parse anything; whatever parses is written back and must parse to the same
//! value (round trip), and nothing panics or recurses without bound.
use nylas_pkce::json::{self, Json};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let text = nylas_pkce_fuzz::text(data);
        if let Some(v) = json::parse(&text) {
            let mut out = String::new();
            json::write_value(&mut out, &v);
            let back = json::parse(&out).expect("what the writer writes, the reader reads");
            // Numbers the writer cannot write exactly become null; everything else survives.
            if !has_inexact_number(&v) {
                assert_eq!(back, v, "round trip of {out}");
            }
        }
    });
}

fn has_inexact_number(v: &Json) -> bool {
    match v {
        Json::Number(n) => !(n.fract() == 0.0 && n.abs() < 9.0e15),
        Json::Array(a) => a.iter().any(has_inexact_number),
        Json::Object(m) => m.iter().any(|(_, x)| has_inexact_number(x)),
        _ => false,
    }
}
