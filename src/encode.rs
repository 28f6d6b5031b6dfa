//! Query-string encoding and decoding, and the small URL checks the crate needs (no `url` crate: its IDNA
//! tables would triple the wasm size).

use crate::prelude::*;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters is percent-encoded; space becomes `%20`.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Appends `key=value` (both percent-encoded) to a query being built in `out`.
pub fn push_param(out: &mut String, key: &str, value: &str) {
    if !(out.ends_with('?') || out.ends_with('&') || out.is_empty()) {
        out.push('&');
    }
    out.extend(utf8_percent_encode(key, QUERY_VALUE));
    out.push('=');
    out.extend(utf8_percent_encode(value, QUERY_VALUE));
}

/// `base` with `?` or `&` appended, ready for [`push_param`].
pub fn with_query(base: &str) -> String {
    let mut s = String::with_capacity(base.len() + 64);
    s.push_str(base);
    s.push(if has_byte(base, b'?') { '&' } else { '?' });
    s
}

/// `application/x-www-form-urlencoded` body from pairs, skipping `None`s.
pub fn form_body(pairs: &[(&str, Option<&str>)]) -> String {
    let mut out = String::with_capacity(128);
    for (k, v) in pairs {
        if let Some(v) = v {
            push_param(&mut out, k, v);
        }
    }
    out
}

/// Parses `a=1&b=2` into decoded pairs (`+` is a space). Empty pieces are skipped.
/// `None` when a piece is not valid percent-encoded UTF-8.
pub fn parse_query(query: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
        out.push((decode(k)?, decode(v)?));
    }
    Some(out)
}

fn decode(s: &str) -> Option<String> {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8().ok().map(|c| c.into_owned())
}

/// The parts of an absolute URL this crate checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Lower-cased scheme.
    pub scheme: String,
    /// Host (brackets kept for IPv6), empty for URLs without an authority.
    pub host: &'a str,
    /// Whether the URL has a `#fragment`.
    pub has_fragment: bool,
}

/// Splits an absolute URL. `None` where it is not absolute (no `scheme:`) or has a malformed authority.
pub fn url_parts(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    if !first.is_ascii_alphabetic() || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
        return None;
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let has_fragment = has_byte(rest, b'#');
    let mut host = "";
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(after.len());
        let authority = after.get(..end)?;
        if has_byte(authority, b'@') {
            return None; // userinfo in a redirect or endpoint URL is a phishing vector
        }
        host = if authority.starts_with('[') {
            let close = authority.bytes().position(|b| b == b']')?;
            authority.get(..=close)?
        } else {
            authority.split(':').next().unwrap_or("")
        };
        if host.is_empty() {
            return None;
        }
    }
    Some(UrlParts { scheme: scheme.to_ascii_lowercase(), host, has_fragment })
}

/// Whether `s` contains the ASCII byte `b` (a byte loop: `str::contains` links a substring searcher
/// into the wasm).
/// Base64 of `input` without padding (`engine` is one of base64's `*_NO_PAD` engines): `Engine::encode`
/// without its `String::from_utf8(…).expect(…)`, whose error formatting (`Debug` of the bytes, the
/// formatter's padding) alone cost each half of the wasm about 0.4 kB gzipped (docs/size.md).
pub(crate) fn base64_no_pad(engine: &impl base64::Engine, input: &[u8]) -> String {
    let mut out = vec![0; input.len().div_ceil(3) * 4];
    let n = engine.encode_slice(input, &mut out).unwrap_or(0);
    out.truncate(n);
    String::from_utf8(out).unwrap_or_default()
}

/// Where `needle` first occurs in `hay` (a byte index): `str::find` with a `&str` pattern, without the
/// two-way searcher and the panic path it links (about 1 kB gzipped in the second half: docs/size.md).
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes().windows(n.len().max(1)).position(|w| w == n)
}

pub(crate) fn has_byte(s: &str, b: u8) -> bool {
    s.bytes().any(|x| x == b)
}

/// Whether `host` is a loopback host: `localhost`, `127.x.x.x` or `[::1]`.
pub fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h == "[::1]"
        || (h.starts_with("127.") && h.split('.').count() == 4 && h.split('.').all(|p| p.parse::<u8>().is_ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_encode_uri_component_but_stricter() {
        let mut q = String::new();
        push_param(&mut q, "scope", "https://www.googleapis.com/auth/gmail.readonly profile");
        push_param(&mut q, "x", "a+b&c=d~e_f.g-h!*'()é");
        assert_eq!(q, "scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fgmail.readonly%20profile&x=a%2Bb%26c%3Dd~e_f.g-h%21%2A%27%28%29%C3%A9");
    }

    #[test]
    fn parses_queries() {
        let p = parse_query("a=1&b=x+y%20z&&c&d=%C3%A9").unwrap();
        assert_eq!(
            p,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "x y z".into()),
                ("c".into(), "".into()),
                ("d".into(), "é".into())
            ]
        );
        assert!(parse_query("a=%FF").is_none());
    }

    #[test]
    fn splits_urls() {
        let p = url_parts("HTTPS://Example.com:8443/a?b#c").unwrap();
        assert_eq!((p.scheme.as_str(), p.host, p.has_fragment), ("https", "Example.com", true));
        let p = url_parts("http://[::1]:3000/cb").unwrap();
        assert_eq!(p.host, "[::1]");
        let p = url_parts("com.example.app:/oauth/callback").unwrap();
        assert_eq!((p.scheme.as_str(), p.host), ("com.example.app", ""));
        assert!(url_parts("/relative").is_none());
        assert!(url_parts("https://user@evil.com/").is_none());
        assert!(url_parts("https:///nohost").is_none());
        assert!(url_parts("1abc:/x").is_none());
        assert!(url_parts("https://a.com/ b").is_none());
    }

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "LOCALHOST"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["localhost.evil.com", "127.0.0.1.evil.com", "10.0.0.1", "[::2]", "127.0.0.256"] {
            assert!(!is_loopback(h), "{h}");
        }
    }
}
