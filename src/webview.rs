//! Embedded webviews, which Google refuses to sign in (`403 disallowed_useragent`, its "Use secure
//! browsers" policy): Android WebView, iOS `WKWebView`, and the in-app browsers of social and messaging apps.
//! An app running in one must open the authorization URL in the system browser (RFC 8252 §8.12) and take
//! the redirect back through a custom scheme or a claimed https link.

/// Markers of in-app browsers in a user agent: Facebook, Instagram, LinkedIn, LINE, WeChat, X/Twitter,
/// TikTok, Snapchat.
const IN_APP: &[&[u8]] = &[
    b"FBAN/",
    b"FBAV/",
    b"FB_IAB/",
    b"Instagram",
    b"LinkedInApp",
    b" Line/",
    b"MicroMessenger/",
    b"Twitter",
    b"BytedanceWebview",
    b"musical_ly",
    b"Snapchat",
];

fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether `user_agent` is an embedded webview: an in-app browser (Facebook, Instagram, LinkedIn, LINE,
/// WeChat, X/Twitter, TikTok, Snapchat), Android WebView (`; wv)`),
/// or an iOS webview (an iPhone, iPad or iPod WebKit without the `Safari/` token that Safari and the iOS
/// browsers built on it send).
pub fn is_embedded_webview(user_agent: &str) -> bool {
    let ua = user_agent.as_bytes();
    let ios = [b"iPhone".as_slice(), b"iPad", b"iPod"].iter().any(|d| has(ua, d));
    IN_APP.iter().any(|m| has(ua, m)) || has(ua, b"; wv)") || (ios && has(ua, b"AppleWebKit") && !has(ua, b"Safari/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Real user agents and whether each is an embedded webview: one table for this test and the package's
    /// (`tests/node/package.test.mjs`).
    #[test]
    fn real_user_agents() {
        let table: serde_json::Value = serde_json::from_str(include_str!("../tests/support/user-agents.json")).unwrap();
        let rows = table.as_array().unwrap();
        assert!(rows.len() >= 18);
        for row in rows {
            let (name, ua) = (row["name"].as_str().unwrap(), row["userAgent"].as_str().unwrap());
            assert_eq!(is_embedded_webview(ua), row["embedded"].as_bool().unwrap(), "{name}");
        }
        assert!(!is_embedded_webview(""));
    }
}
