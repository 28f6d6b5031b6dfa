//! A parsed JSON value, the core's view of a response body.
//!
//! The core never parses JSON text itself: in the browser `JSON.parse` does (no serde_json in the `.wasm`),
//! natively `serde_json` does (feature `serde_json`). Both convert into [`Json`], so every parsing rule of
//! the core is tested natively. The module also writes JSON (request bodies, stored transactions).

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, members in document order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// `get(key)` as a non-empty string.
    pub fn str_of(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Json::as_str).filter(|s| !s.is_empty())
    }

    /// `get(key)` as a whole non-negative number: a JSON number, or a string of digits (some servers quote
    /// numbers).
    pub fn uint_of(&self, key: &str) -> Option<u64> {
        match self.get(key)? {
            Json::Number(n) if n.is_finite() && *n >= 0.0 && n.fract() == 0.0 && *n < 9.0e15 => Some(*n as u64),
            Json::String(s) if !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok(),
            _ => None,
        }
    }
}

/// Appends `s` to `out` as a JSON string literal.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(hex_digit(c as u8 >> 4)));
                out.push(char::from(hex_digit(c as u8 & 15)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The lower-case hex digit of a nibble (`n < 16`).
pub(crate) fn hex_digit(n: u8) -> u8 {
    if n < 10 {
        b'0' + n
    } else {
        b'a' + (n & 15) - 10
    }
}

/// Decimal digits of `n` (no `core::fmt`, which would cost kilobytes in the wasm).
pub fn u64_to_string(mut n: u64) -> String {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(slot) = buf.get_mut(i) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.get(i..).map(|d| d.iter().map(|b| char::from(*b)).collect()).unwrap_or_default()
}

/// Writes a flat JSON object of string members, skipping `None`s.
pub fn write_object(pairs: &[(&str, Option<&str>)]) -> String {
    let mut out = String::with_capacity(128);
    out.push('{');
    for (k, v) in pairs {
        if let Some(v) = v {
            if out.len() > 1 {
                out.push(',');
            }
            write_str(&mut out, k);
            out.push(':');
            write_str(&mut out, v);
        }
    }
    out.push('}');
    out
}

#[cfg(any(test, feature = "serde_json"))]
impl From<serde_json::Value> for Json {
    fn from(v: serde_json::Value) -> Self {
        use serde_json::Value as V;
        match v {
            V::Null => Json::Null,
            V::Bool(b) => Json::Bool(b),
            V::Number(n) => Json::Number(n.as_f64().unwrap_or(f64::NAN)),
            V::String(s) => Json::String(s),
            V::Array(a) => Json::Array(a.into_iter().map(Json::from).collect()),
            V::Object(o) => Json::Object(o.into_iter().map(|(k, v)| (k, Json::from(v))).collect()),
        }
    }
}

/// Parses JSON text natively (feature `serde_json`). `None` where the text is not JSON.
#[cfg(any(test, feature = "serde_json"))]
pub fn parse(text: &str) -> Option<Json> {
    serde_json::from_str::<serde_json::Value>(text).ok().map(Json::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_strings() {
        let s = write_object(&[("a", Some("x\"y\\z\n\u{1}é")), ("skip", None), ("b", Some(""))]);
        assert_eq!(s, r#"{"a":"x\"y\\z\n\u0001é","b":""}"#);
        let back = parse(&s).unwrap();
        assert_eq!(back.str_of("a"), Some("x\"y\\z\n\u{1}é"));
        assert_eq!(back.str_of("b"), None);
    }

    #[test]
    fn decimal() {
        for n in [0u64, 7, 10, 1_700_000_000_000, u64::MAX] {
            assert_eq!(u64_to_string(n), n.to_string());
        }
    }

    #[test]
    fn numbers() {
        let j = parse(r#"{"a":3600,"b":"120","c":-1,"d":1.5,"e":"1e3","f":null}"#).unwrap();
        assert_eq!(j.uint_of("a"), Some(3600));
        assert_eq!(j.uint_of("b"), Some(120));
        assert_eq!(j.uint_of("c"), None);
        assert_eq!(j.uint_of("d"), None);
        assert_eq!(j.uint_of("e"), None);
        assert_eq!(j.uint_of("f"), None);
        assert_eq!(j.uint_of("missing"), None);
    }
}
