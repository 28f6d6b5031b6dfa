//! The native loopback login (feature `native-loopback`), natively and without a browser: the listener
//! refuses every request but the callback with its state and keeps waiting, bounds what it reads, times
//! out; `native::login` runs the whole flow through the core client over a recording HTTP fake.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)] // tests may panic

use std::cell::RefCell;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use nylas_pkce::client::{Clock, Http, HttpResponse};
use nylas_pkce::native::{self, Loopback, OsRng, SystemClock, MAX_REQUEST_BYTES};
use nylas_pkce::{
    AuthorizationOptions, CallbackOutcome, Client, ClientOptions, Config, Endpoints, Error, Flavor, HttpRequest,
    MemoryStorage,
};

/// Sends `request` (raw bytes) to the listener and reads the whole answer: `(status, answer)`, status 0
/// when the connection closed without one.
fn raw(port: u16, request: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text)
}

fn get(port: u16, target: &str) -> (u16, String) {
    raw(port, format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: t\r\n\r\n").as_bytes())
}

fn soon(ms: u64) -> Instant {
    Instant::now() + Duration::from_millis(ms)
}

const STATE: &str = "s0123456789abcdefghijk_-~.";

#[test]
fn binds_127_0_0_1_on_an_ephemeral_or_given_port() {
    let a = Loopback::bind(0, "/callback").unwrap();
    assert_ne!(a.port(), 0);
    assert_eq!(a.redirect_uri(), format!("http://127.0.0.1:{}/callback", a.port()));
    // The given port, and a second listener on it is refused with a typed error.
    let taken = a.port();
    drop(a);
    let b = Loopback::bind(taken, "/cb").unwrap();
    assert_eq!(b.redirect_uri(), format!("http://127.0.0.1:{taken}/cb"));
    let e = Loopback::bind(taken, "/cb").unwrap_err();
    assert_eq!(e.code(), "loopback_unavailable");
    for bad in ["", "callback", "/a?b", "/a#b", "/a b", "/%2e"] {
        assert_eq!(Loopback::bind(0, bad).unwrap_err().code(), "invalid_option", "{bad:?}");
    }
    // No state to wait for is refused at once, not a wait that any `state=` would end.
    assert_eq!(b.wait("", soon(5_000)).unwrap_err().field(), Some("state"));
}

#[test]
fn refuses_other_requests_and_keeps_waiting_for_the_callback() {
    let lb = Loopback::bind(0, "/callback").unwrap();
    let port = lb.port();
    let waiter = thread::spawn(move || lb.wait(STATE, soon(20_000)));

    // A silent connection (a browser's preconnect) does not hold up the others.
    let _silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let (status, page) = get(port, "/favicon.ico");
    assert_eq!(status, 404);
    assert!(page.contains("Connection: close"));
    assert_eq!(get(port, &format!("/other?code=c&state={STATE}")).0, 404, "another path");
    assert_eq!(get(port, &format!("/callback/?code=c&state={STATE}")).0, 404, "a near path");
    assert_eq!(get(port, "/callback?code=c&state=wrong").0, 400, "another state");
    assert_eq!(get(port, "/callback?code=c").0, 400, "no state");
    assert_eq!(get(port, &format!("/callback?code=c&state={STATE}&state={STATE}")).0, 400, "a repeated state");
    assert_eq!(get(port, &format!("/callback?code=c&state={}", &STATE[..10])).0, 400, "a prefix of the state");
    let post = format!("POST /callback?code=c&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    assert_eq!(raw(port, post.as_bytes()).0, 405);
    let rebound = format!("GET /callback?code=c&state={STATE} HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n");
    assert_eq!(raw(port, rebound.as_bytes()).0, 400, "another Host (DNS rebinding)");
    let no_host = format!("GET /callback?code=c&state={STATE} HTTP/1.1\r\n\r\n");
    assert_eq!(raw(port, no_host.as_bytes()).0, 400, "no Host");
    assert_eq!(raw(port, b"\xff\xfe garbage\r\n\r\n").0, 400, "not HTTP");
    assert!(!waiter.is_finished(), "none of these ended the wait");

    // The callback itself: its URL is handed out and the browser waits for the answer.
    let browser = thread::spawn(move || get(port, &format!("/callback?code=the-code&state={STATE}&iss=x")));
    let callback = waiter.join().unwrap().unwrap();
    assert_eq!(callback.url(), format!("http://127.0.0.1:{port}/callback?code=the-code&state={STATE}&iss=x"));
    assert!(!format!("{callback:?}").contains("the-code"), "Debug is redacted");
    callback.respond(Ok(()));
    let (status, page) = browser.join().unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("You are signed in"));
    assert!(page.contains("Referrer-Policy: no-referrer"));
    // One callback per listener: it no longer listens.
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn an_oversized_request_is_refused_with_431_and_the_wait_goes_on() {
    let lb = Loopback::bind(0, "/callback").unwrap();
    let port = lb.port();
    let waiter = thread::spawn(move || lb.wait(STATE, soon(20_000)));
    let long = "a".repeat(MAX_REQUEST_BYTES + 10);
    let (status, page) = get(port, &format!("/callback?state={STATE}&code=c&x={long}"));
    assert_eq!(status, 431, "{}", &page[..page.len().min(200)]);
    let endless = format!("GET /callback HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX: {long}{long}");
    assert_eq!(raw(port, endless.as_bytes()).0, 431, "a head that never ends");
    assert!(!waiter.is_finished());
    let browser = thread::spawn(move || get(port, &format!("/callback?state={STATE}&code=c")));
    let callback = waiter.join().unwrap().unwrap();
    callback.respond(Err(&Error::Timeout));
    let (status, page) = browser.join().unwrap();
    assert_eq!(status, 400);
    assert!(page.contains("Sign-in failed: the operation timed out (timeout)"), "{page}");
}

#[test]
fn times_out_with_a_typed_error() {
    let lb = Loopback::bind(0, "/callback").unwrap();
    let port = lb.port();
    let started = Instant::now();
    let waiter = thread::spawn(move || lb.wait(STATE, soon(600)));
    let _silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    assert_eq!(get(port, "/callback?code=c&state=wrong").0, 400);
    let e = waiter.join().unwrap().unwrap_err();
    assert_eq!(e, Error::Timeout);
    assert_eq!(e.code(), "timeout");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(600) && waited < Duration::from_secs(3), "{waited:?}");
}

/// A recording HTTP fake answering every request with one token answer.
#[derive(Clone)]
struct Recording {
    sent: Sent,
    answer: &'static str,
}

impl Http for Recording {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        self.sent.borrow_mut().push(request);
        Ok(HttpResponse { status: 200, body: nylas_pkce::json::parse(self.answer) })
    }
}

const TOKENS: &str = r#"{"access_token":"at-secret","token_type":"Bearer","expires_in":3600,
    "grant_id":"g1","email":"user@example.com"}"#;

type Sent = Rc<RefCell<Vec<HttpRequest>>>;

fn client_for(lb: &Loopback) -> (Client<Recording, SystemClock, OsRng>, Sent) {
    let endpoints = Endpoints::nylas_base("https://api.us.nylas.com/v3");
    let config = Config::new("cid", &lb.redirect_uri(), endpoints, Flavor::Nylas).unwrap();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let http = Recording { sent: sent.clone(), answer: TOKENS };
    let client = Client::new(
        config,
        Box::new(MemoryStorage::default()),
        None,
        http,
        SystemClock,
        OsRng,
        ClientOptions::default(),
    );
    (client, sent)
}

/// What the browser got: the wrong-state request's status, then the callback's status and page.
type Seen = (u16, u16, String);

/// An `open` hook playing the browser: it sends a wrong-state request, then follows the authorization URL's
/// redirect with `query(state)` as the authorization server would. What the browser got (the wrong-state
/// status, then the callback's status and page) comes on the receiver.
fn browser(port: u16, query: fn(&str) -> String) -> (impl FnOnce(&str) -> Result<(), Error>, mpsc::Receiver<Seen>) {
    let (tx, rx) = mpsc::channel();
    let open = move |url: &str| {
        let state = url.split(['?', '&']).find_map(|p| p.strip_prefix("state=")).unwrap().to_owned();
        assert!(url.contains(&format!("redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fcallback")), "{url}");
        thread::spawn(move || {
            let forged = get(port, "/callback?code=forged&state=forged").0;
            let (status, page) = get(port, &format!("/callback?{}", query(&state)));
            tx.send((forged, status, page)).unwrap();
        });
        Ok(())
    };
    (open, rx)
}

#[test]
fn login_exchanges_the_code_once_with_the_verifier_and_no_secret() {
    let lb = Loopback::bind(0, "/callback").unwrap();
    let port = lb.port();
    let (client, sent) = client_for(&lb);
    let (open, seen) = browser(port, |state| format!("code=the-code&state={state}"));
    let outcome = native::login(&client, lb, &AuthorizationOptions::default(), open, Duration::from_secs(20)).unwrap();
    let (forged, status, page) = seen.recv().unwrap();
    assert_eq!((forged, status), (400, 200));
    assert!(page.contains("You are signed in") && !page.contains("at-secret"), "{page}");
    let CallbackOutcome::Tokens { tokens, .. } = outcome else { panic!("tokens expected") };
    assert_eq!(tokens.email.as_deref(), Some("user@example.com"));
    assert!(client.is_authenticated());
    let sent = sent.borrow();
    assert_eq!(sent.len(), 1, "exactly one token request");
    assert!(sent[0].url.ends_with("/connect/token"));
    let body: serde_json::Value = serde_json::from_str(sent[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(body["grant_type"], "authorization_code");
    assert_eq!(body["code"], "the-code");
    assert_eq!(body["redirect_uri"], format!("http://127.0.0.1:{port}/callback"));
    assert!(body["code_verifier"].as_str().is_some_and(|v| v.len() >= 43));
    assert!(body.get("client_secret").is_none());
}

#[test]
fn a_denied_consent_is_a_typed_error_without_a_token_request() {
    let lb = Loopback::bind(0, "/callback").unwrap();
    let (client, sent) = client_for(&lb);
    let (open, seen) =
        browser(lb.port(), |state| format!("error=access_denied&error_description=denied&state={state}"));
    let e = native::login(&client, lb, &AuthorizationOptions::default(), open, Duration::from_secs(20)).unwrap_err();
    let (forged, status, page) = seen.recv().unwrap();
    assert_eq!((forged, status), (400, 400));
    assert!(page.contains("Sign-in failed: authorization failed: denied (authorization_error)"), "{page}");
    assert_eq!(e.code(), "authorization_error");
    assert_eq!(e.details().unwrap().error, "access_denied");
    assert!(sent.borrow().is_empty());
    assert!(!client.is_authenticated());
}

#[test]
fn login_times_out_and_refuses_a_foreign_redirect_uri() {
    let lb = Loopback::bind(0, "/callback").unwrap();
    let (client, sent) = client_for(&lb);
    let e = native::login(&client, lb, &AuthorizationOptions::default(), |_| Ok(()), Duration::from_millis(300));
    assert_eq!(e.unwrap_err(), Error::Timeout);
    assert!(sent.borrow().is_empty());

    let other = Loopback::bind(0, "/callback").unwrap();
    let (client, _) = client_for(&other);
    let lb = Loopback::bind(0, "/callback").unwrap();
    let e = native::login(&client, lb, &AuthorizationOptions::default(), |_| Ok(()), Duration::from_secs(1));
    assert_eq!(e.unwrap_err().field(), Some("redirectUri"));
    // The hook's error ends the login before any wait.
    let lb = Loopback::bind(0, "/callback").unwrap();
    let (client, _) = client_for(&lb);
    let e = native::login(
        &client,
        lb,
        &AuthorizationOptions::default(),
        |_| Err(Error::BrowserUnavailable),
        Duration::from_secs(60),
    );
    assert_eq!(e.unwrap_err().code(), "browser_unavailable");
}

#[test]
fn open_browser_opens_only_http_urls_and_the_clock_and_rng_work() {
    for bad in ["file:///etc/passwd", "javascript:alert(1)", "-a https://x", "https://x/\n", "https://x y"] {
        assert_eq!(native::open_browser(bad).unwrap_err().code(), "invalid_option", "{bad:?}");
    }
    let now = SystemClock.now_ms();
    assert!(now > 1_700_000_000_000);
    let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
    nylas_pkce::RandomSource::fill(&mut OsRng, &mut a).unwrap();
    nylas_pkce::RandomSource::fill(&mut OsRng, &mut b).unwrap();
    assert_ne!(a, b);
    assert_eq!(native::block_on(async { 42 }), 42);
}
