//! PKCE (RFC 7636): code verifiers and code challenges, including Nylas's S256 encoding.
//!
//! Nylas (its docs and SDKs) computes S256 as `base64(hex(sha256(verifier)))` with the standard base64
//! alphabet and no `=` padding; RFC 7636 §4.2 uses `base64url(sha256(verifier))`. Both are supported:
//! [`ChallengeEncoding::Nylas`] is the default for Nylas endpoints, [`ChallengeEncoding::Rfc7636`] for
//! generic OAuth servers.

use crate::encode::base64_no_pad;
use crate::prelude::*;

use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::secret::CodeVerifier;
use crate::Error;

/// A source of cryptographically secure random bytes. The core has no RNG of its own: the browser layer
/// plugs in `crypto.getRandomValues`, native callers plug in theirs (any
/// `FnMut(&mut [u8]) -> Result<(), Error>` works).
pub trait RandomSource {
    /// Fills `dest` with random bytes.
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error>;
}

impl<F: FnMut(&mut [u8]) -> Result<(), Error>> RandomSource for F {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        self(dest)
    }
}

/// RFC 7636 §4.1 unreserved characters, the alphabet of a code verifier.
const UNRESERVED: &[u8; 66] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// Shortest verifier RFC 7636 allows.
pub const MIN_VERIFIER_LEN: usize = 43;
/// Longest verifier RFC 7636 allows.
pub const MAX_VERIFIER_LEN: usize = 128;

/// `code_challenge_method` (RFC 7636 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChallengeMethod {
    /// `S256`: a SHA-256 digest of the verifier. Always use it unless the server cannot.
    #[default]
    S256,
    /// `plain`: the verifier itself. Offers no protection if the authorization request leaks.
    Plain,
}

impl ChallengeMethod {
    /// The value sent as `code_challenge_method`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeMethod::S256 => "S256",
            ChallengeMethod::Plain => "plain",
        }
    }

    /// Parses `S256` / `plain` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("s256") {
            Some(ChallengeMethod::S256)
        } else if s.eq_ignore_ascii_case("plain") {
            Some(ChallengeMethod::Plain)
        } else {
            None
        }
    }
}

/// How an S256 digest is turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeEncoding {
    /// Nylas: standard base64 of the lower-case hex digest, `=` padding removed.
    Nylas,
    /// RFC 7636 §4.2: base64url of the raw digest, no padding.
    Rfc7636,
}

impl ChallengeEncoding {
    /// `nylas` / `rfc7636`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChallengeEncoding::Nylas => "nylas",
            ChallengeEncoding::Rfc7636 => "rfc7636",
        }
    }

    /// Parses `nylas` / `rfc7636`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "nylas" => Some(ChallengeEncoding::Nylas),
            "rfc7636" => Some(ChallengeEncoding::Rfc7636),
            _ => None,
        }
    }
}

impl CodeVerifier {
    /// The default verifier: 32 random bytes as 43 base64url characters (RFC 7636 §4.1's recommendation).
    pub fn from_random_bytes(bytes: &[u8; 32]) -> CodeVerifier {
        CodeVerifier::from_string_unchecked(base64_no_pad(&URL_SAFE_NO_PAD, bytes))
    }

    /// A verifier of `len` (43–128) characters drawn uniformly from the 66 unreserved characters.
    /// Rejection sampling keeps it free of modulo bias: a byte is used only if it is below 198 (= 3 × 66).
    pub fn generate(len: usize, rng: &mut impl RandomSource) -> Result<CodeVerifier, Error> {
        if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&len) {
            return Err(Error::InvalidVerifier("length must be 43 to 128"));
        }
        let mut out = String::with_capacity(len);
        let mut buf = [0u8; 64];
        while out.len() < len {
            rng.fill(&mut buf)?;
            for b in buf.iter().filter(|b| **b < 198) {
                if out.len() == len {
                    break;
                }
                if let Some(c) = UNRESERVED.get(usize::from(*b) % 66) {
                    out.push(char::from(*c));
                }
            }
        }
        buf.fill(0);
        Ok(CodeVerifier::from_string_unchecked(out))
    }

    /// Validates a verifier supplied by the caller: 43–128 characters of `[A-Za-z0-9-._~]`.
    pub fn parse(value: &str) -> Result<CodeVerifier, Error> {
        if value.len() < MIN_VERIFIER_LEN {
            return Err(Error::InvalidVerifier("shorter than 43 characters"));
        }
        if value.len() > MAX_VERIFIER_LEN {
            return Err(Error::InvalidVerifier("longer than 128 characters"));
        }
        if !value.bytes().all(|b| UNRESERVED.contains(&b)) {
            return Err(Error::InvalidVerifier("only A-Z a-z 0-9 - . _ ~ are allowed"));
        }
        Ok(CodeVerifier::from_string_unchecked(value.into()))
    }

    /// This verifier's challenge.
    pub fn challenge(&self, method: ChallengeMethod, encoding: ChallengeEncoding) -> String {
        code_challenge(self.secret(), method, encoding)
    }
}

/// The `code_challenge` for `verifier`. Accepts any string, so that the Nylas docs' 5-character example
/// (`nylas`) can be reproduced; verifiers this crate generates always follow RFC 7636.
pub fn code_challenge(verifier: &str, method: ChallengeMethod, encoding: ChallengeEncoding) -> String {
    match method {
        ChallengeMethod::Plain => verifier.into(),
        ChallengeMethod::S256 => {
            let digest = Sha256::digest(verifier.as_bytes());
            match encoding {
                ChallengeEncoding::Rfc7636 => base64_no_pad(&URL_SAFE_NO_PAD, &digest),
                ChallengeEncoding::Nylas => {
                    let mut hex = [0u8; 64];
                    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest.iter()) {
                        if let [hi, lo] = pair {
                            *hi = crate::json::hex_digit(byte >> 4);
                            *lo = crate::json::hex_digit(byte & 15);
                        }
                    }
                    base64_no_pad(&STANDARD_NO_PAD, &hex)
                }
            }
        }
    }
}

/// 32 random bytes as 43 base64url characters: the generated `state`.
pub fn random_token(rng: &mut impl RandomSource) -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes)?;
    let s = base64_no_pad(&URL_SAFE_NO_PAD, &bytes);
    bytes.fill(0);
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic byte stream for tests (not random).
    fn counter(start: u8) -> impl FnMut(&mut [u8]) -> Result<(), Error> {
        let mut n = start;
        move |buf: &mut [u8]| {
            for b in buf.iter_mut() {
                *b = n;
                n = n.wrapping_add(1);
            }
            Ok(())
        }
    }

    #[test]
    fn nylas_docs_vector() {
        assert_eq!(
            code_challenge("nylas", ChallengeMethod::S256, ChallengeEncoding::Nylas),
            "ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg"
        );
    }

    #[test]
    fn rfc7636_appendix_b_vector() {
        // RFC 7636 Appendix B: the verifier comes from the octets listed there.
        let octets: [u8; 32] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
            240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let v = CodeVerifier::from_random_bytes(&octets);
        assert_eq!(v.secret(), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            v.challenge(ChallengeMethod::S256, ChallengeEncoding::Rfc7636),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn plain_is_identity() {
        assert_eq!(code_challenge("abc", ChallengeMethod::Plain, ChallengeEncoding::Nylas), "abc");
    }

    #[test]
    fn default_verifier_is_43_url_safe_chars() {
        let v = CodeVerifier::from_random_bytes(&[0xff; 32]);
        assert_eq!(v.secret().len(), 43);
        assert!(CodeVerifier::parse(v.secret()).is_ok());
    }

    #[test]
    fn generated_lengths_and_charset() {
        for len in [43, 64, 100, 128] {
            let v = CodeVerifier::generate(len, &mut counter(0)).unwrap();
            assert_eq!(v.secret().len(), len);
            assert!(CodeVerifier::parse(v.secret()).is_ok());
        }
        assert_eq!(CodeVerifier::generate(42, &mut counter(0)).unwrap_err().code(), "invalid_verifier");
        assert_eq!(CodeVerifier::generate(129, &mut counter(0)).unwrap_err().code(), "invalid_verifier");
    }

    #[test]
    fn rejection_sampling_skips_high_bytes() {
        // Bytes 198..=255 are rejected; 0..=197 map to UNRESERVED[b % 66].
        let all_high = |buf: &mut [u8]| {
            buf.fill(250);
            Ok(())
        };
        let mut calls = 0;
        let mut mixed = |buf: &mut [u8]| {
            calls += 1;
            for (i, b) in buf.iter_mut().enumerate() {
                *b = if i % 2 == 0 { 200 } else { 65 }; // 65 % 66 = 65 -> '~'
            }
            Ok(())
        };
        let v = CodeVerifier::generate(43, &mut mixed).unwrap();
        assert_eq!(v.secret(), "~".repeat(43));
        assert_eq!(calls, 2); // 32 usable bytes per 64-byte draw
                              // A source that only yields rejected bytes never produces output; guard with a failing source.
        let mut n = 0;
        let mut failing = |buf: &mut [u8]| {
            n += 1;
            if n > 3 {
                return Err(Error::CryptoUnavailable);
            }
            all_high(buf)
        };
        assert_eq!(CodeVerifier::generate(43, &mut failing).unwrap_err(), Error::CryptoUnavailable);
    }

    #[test]
    fn uniform_over_alphabet() {
        // Feed every byte value equally often: each of the 66 characters must appear exactly 3 times per cycle.
        let mut counts = [0usize; 66];
        let mut src = counter(0);
        for _ in 0..3 {
            let v = CodeVerifier::generate(66, &mut src).unwrap();
            for b in v.secret().bytes() {
                counts[UNRESERVED.iter().position(|c| *c == b).unwrap()] += 1;
            }
        }
        let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(max - min <= 3, "{counts:?}");
    }

    #[test]
    fn verifier_validation() {
        assert!(CodeVerifier::parse(&"a".repeat(43)).is_ok());
        assert!(CodeVerifier::parse(&"a".repeat(128)).is_ok());
        assert!(CodeVerifier::parse(&"-._~AZaz09".repeat(5)).is_ok());
        for bad in [
            "nylas".to_string(),
            "a".repeat(42),
            "a".repeat(129),
            format!("{}+", "a".repeat(43)),
            format!("{} ", "a".repeat(43)),
            format!("{}é", "a".repeat(43)),
        ] {
            assert_eq!(CodeVerifier::parse(&bad).unwrap_err().code(), "invalid_verifier", "{bad}");
        }
    }

    #[test]
    fn method_and_encoding_names() {
        assert_eq!(ChallengeMethod::S256.as_str(), "S256");
        assert_eq!(ChallengeMethod::parse("s256"), Some(ChallengeMethod::S256));
        assert_eq!(ChallengeMethod::parse("PLAIN"), Some(ChallengeMethod::Plain));
        assert_eq!(ChallengeMethod::parse("S512"), None);
        assert_eq!(ChallengeEncoding::parse("rfc7636"), Some(ChallengeEncoding::Rfc7636));
        assert_eq!(ChallengeEncoding::parse("hex"), None);
    }

    #[test]
    fn random_token_is_43_chars() {
        assert_eq!(random_token(&mut counter(7)).unwrap().len(), 43);
    }
}
