//! Shared pieces of the fuzz targets: turning bytes into text, and splitting one input into fields.

/// The input as text (lossy: invalid UTF-8 becomes U+FFFD, which the parsers must refuse or ignore).
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Up to `n` fields separated by a NUL byte, as text.
pub fn fields(data: &[u8], n: usize) -> Vec<String> {
    data.splitn(n, |b| *b == 0).map(text).collect()
}
