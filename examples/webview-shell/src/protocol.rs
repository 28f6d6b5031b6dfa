//! What the app page and the shell say to each other, and which URLs go where.
//!
//! Page to shell, through wry's IPC (`window.ipc.postMessage(text)`): a verb, then a space and its argument.
//!
//! | message | meaning |
//! |---|---|
//! | `ready` | the page has set up `window.app` and takes calls |
//! | `open <url>` | the package's `openUrl` hook: open this authorization URL in the browser |
//! | `success <json>`, `failure <json>` | the page's end state; the shell prints `RESULT <json>` |
//!
//! Shell to page, through `evaluate_script`: `window.app.login()`, `window.app.callback("<url>")` with the
//! redirect the browser window caught, and `window.app.cancelled()` when the user closed that window.

use url::Url;

/// The custom scheme this app claims (RFC 8252 §7.1: a reverse domain name the app controls). On a phone the
/// OS routes every URL of this scheme to the app; here the browser window's navigation handler does. The
/// page's `redirectUri` (`com.example.shell:/callback`, in `page/app.js`) uses it.
pub const REDIRECT_SCHEME: &str = "com.example.shell";

/// A message from the app page.
#[derive(Debug, PartialEq, Eq)]
pub enum PageMessage {
    /// The page is ready for `window.app.login()`.
    Ready,
    /// Open this URL in the browser window.
    Open(Url),
    /// The page's end state: whether it succeeded, and its JSON (one line) to print.
    Result {
        /// `success` or `failure`.
        ok: bool,
        /// The page's JSON, printed as it is.
        json: String,
    },
}

/// Reads one IPC message. The error says what was wrong, for the shell's log.
pub fn parse_message(text: &str) -> Result<PageMessage, String> {
    let (verb, argument) = text.split_once(' ').unwrap_or((text, ""));
    match verb {
        "ready" if argument.is_empty() => Ok(PageMessage::Ready),
        "open" => browser_url(argument).map(PageMessage::Open),
        "success" | "failure" => {
            // The JSON is printed as one line of output: a line break would let the page forge another line.
            if !argument.starts_with('{') || argument.contains(['\n', '\r']) {
                return Err(format!("{verb} needs a JSON object on one line"));
            }
            Ok(PageMessage::Result { ok: verb == "success", json: argument.to_owned() })
        }
        _ => Err(format!("unknown message {:?}", truncate(text, 40))),
    }
}

/// The URL the page asks the browser to open: only a web page. A system browser would open anything, an
/// app's own scheme included; the shell takes only what an authorization request can be.
fn browser_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("open: not a URL ({e})"))?;
    match url.scheme() {
        "https" | "http" => Ok(url),
        other => Err(format!("open: only http and https URLs go to the browser, not {other}:")),
    }
}

/// Whether a navigation in the browser window goes to the app's redirect URI, i.e. to its scheme. Like the
/// OS, the shell routes on the scheme alone; the package checks the rest (state, code, issuer).
pub fn is_redirect(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.scheme() == REDIRECT_SCHEME)
}

/// Whether `url` is on `page`'s origin (scheme, host and port). Opaque origins (`about:`, `data:`, a custom
/// scheme) are never the same.
pub fn same_origin(page: &Url, url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| u.origin() == page.origin())
}

/// The script that starts the login in the app page.
pub const LOGIN_SCRIPT: &str = "window.app.login()";

/// The script that tells the app page its browser window was closed before the redirect.
pub const CANCELLED_SCRIPT: &str = "window.app.cancelled()";

/// The script that hands the caught redirect to the app page.
pub fn callback_script(redirect: &str) -> String {
    format!("window.app.callback({})", js_string(redirect))
}

/// An initialization script for the browser window that clicks `selector` once a page's DOM is loaded, as the
/// user would (`--click`).
pub fn click_script(selector: &str) -> String {
    format!("addEventListener('DOMContentLoaded', () => document.querySelector({})?.click());", js_string(selector))
}

/// `text` as a JavaScript string literal: a JSON string (RFC 8259 §7), with U+2028 and U+2029 escaped too
/// (older engines end a line at them). Nothing in it can end the literal or the statement around it.
pub fn js_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' || c == '\u{2028}' || c == '\u{2029}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// At most `max` characters of `text`, for messages.
fn truncate(text: &str, max: usize) -> &str {
    text.char_indices().nth(max).map_or(text, |(end, _)| &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages() {
        assert_eq!(parse_message("ready"), Ok(PageMessage::Ready));
        let open = parse_message("open http://127.0.0.1:4010/v3/connect/auth?client_id=x&state=y");
        assert!(matches!(open, Ok(PageMessage::Open(u)) if u.path() == "/v3/connect/auth"));
        assert!(matches!(parse_message("open https://api.us.nylas.com/v3/connect/auth"), Ok(PageMessage::Open(_))));
        assert_eq!(
            parse_message(r#"success {"ok":true}"#),
            Ok(PageMessage::Result { ok: true, json: r#"{"ok":true}"#.into() })
        );
        assert_eq!(
            parse_message(r#"failure {"ok":false,"code":"access_denied"}"#),
            Ok(PageMessage::Result { ok: false, json: r#"{"ok":false,"code":"access_denied"}"#.into() })
        );
    }

    #[test]
    fn bad_messages_are_refused() {
        for text in [
            "",
            "ready now",
            "open",
            "open /v3/connect/auth",
            "open javascript:alert(1)",
            "open file:///etc/passwd",
            "open com.example.shell:/callback?code=x",
            "success",
            "success true",
            "success {\"ok\":true}\nRESULT {\"ok\":true}",
            "failure {\r}",
            "RESULT {}",
        ] {
            assert!(parse_message(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn redirects_are_the_apps_scheme_only() {
        assert!(is_redirect("com.example.shell:/callback?code=abc&state=xyz"));
        assert!(is_redirect("COM.EXAMPLE.SHELL:/callback?error=access_denied"));
        assert!(!is_redirect("com.example.app:/callback?code=abc"));
        assert!(!is_redirect("com.example.shell.evil:/callback"));
        assert!(!is_redirect("http://127.0.0.1:4010/v3/connect/auth"));
        assert!(!is_redirect("/callback"));
    }

    #[test]
    fn same_origin_is_scheme_host_and_port() {
        let Ok(page) = Url::parse("http://127.0.0.1:5173/examples/webview-shell/page/index.html") else {
            panic!("test URL")
        };
        assert!(same_origin(&page, "http://127.0.0.1:5173/pkg/index.js"));
        assert!(!same_origin(&page, "http://127.0.0.1:4010/v3/connect/auth"));
        assert!(!same_origin(&page, "http://localhost:5173/"));
        assert!(!same_origin(&page, "https://127.0.0.1:5173/"));
        assert!(!same_origin(&page, "about:blank"));
        assert!(!same_origin(&page, "not a url"));
    }

    #[test]
    fn js_strings_cannot_break_out() {
        assert_eq!(
            js_string("com.example.shell:/callback?code=a&state=b"),
            r#""com.example.shell:/callback?code=a&state=b""#
        );
        assert_eq!(js_string("\");alert(1);(\""), r#""\");alert(1);(\"""#);
        assert_eq!(js_string("a\\b\nc\r\t\u{0}\u{1f}"), r#""a\\b\nc\r\t\u0000\u001f""#);
        assert_eq!(js_string("\u{2028}\u{2029}é"), "\"\\u2028\\u2029é\"");
        assert_eq!(callback_script("x\"y"), r#"window.app.callback("x\"y")"#);
        assert_eq!(
            click_script("#deny"),
            r##"addEventListener('DOMContentLoaded', () => document.querySelector("#deny")?.click());"##
        );
    }

    #[test]
    fn truncate_counts_characters() {
        assert_eq!(truncate("héllo", 2), "hé");
        assert_eq!(truncate("hi", 40), "hi");
    }
}
