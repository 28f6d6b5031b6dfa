//! Native apps (a command-line tool, a desktop app, a Tauri backend): the login RFC 8252 §7.3 describes and
//! Nylas recommends for desktop apps, PKCE with a loopback redirect. The app listens on `127.0.0.1`, opens
//! the authorization URL in the system browser, takes the one callback that carries its `state`, and
//! exchanges the code through the same core [`Client`] as every other front end.
//!
//! Cargo features: `native-loopback` (this module: the listener, the system browser, [`login`],
//! [`SystemClock`], [`OsRng`], [`block_on`]; std and getrandom only) and `native` (adds `NativeHttp`, a
//! blocking HTTP client with TLS, and `client()`). Not on wasm32.
//!
//! The whole login: see [`login`] (and `client()`, feature `native`, for an example).

extern crate std;

#[cfg(feature = "native")]
mod http;
mod loopback;

use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::authorize::AuthorizationOptions;
use crate::client::{Client, Clock};
use crate::flow::CallbackOutcome;
use crate::http::Http;
use crate::pkce::RandomSource;
use crate::Error;

#[cfg(feature = "native")]
pub use http::NativeHttp;
pub use loopback::{Loopback, PendingCallback, MAX_CONNECTIONS, MAX_REQUEST_BYTES, REQUEST_TIME_LIMIT};

/// Logs in through `loopback`: builds the authorization URL ([`Client::authorize`] with `options`), hands
/// it to `open` (e.g. [`open_browser`]; a CLI may print it instead), waits up to `timeout` for the callback
/// carrying its `state` ([`Loopback::wait`]), completes it ([`Client::handle_callback`]: the code exchange
/// through the client's [`Http`]), answers the browser with a page saying how it went, and returns the
/// outcome. The client's redirect URI must be `loopback`'s ([`Loopback::redirect_uri`]).
///
/// Blocks the calling thread (the exchange runs on [`block_on`]); from an async runtime, run it on a
/// blocking thread (e.g. `tokio::task::spawn_blocking`).
///
/// # Errors
/// `invalid_config` (`redirectUri`) when the client's redirect URI is not `loopback`'s; the errors of
/// [`Client::authorize`]; `open`'s; `timeout` when no callback came in time (nothing was sent to the token
/// endpoint); those of [`Client::handle_callback`] (e.g. `authorization_error` for a denied consent).
pub fn login<H: Http, C: Clock, R: RandomSource>(
    client: &Client<H, C, R>,
    loopback: Loopback,
    options: &AuthorizationOptions,
    open: impl FnOnce(&str) -> Result<(), Error>,
    timeout: Duration,
) -> Result<CallbackOutcome, Error> {
    if client.config().redirect_uri != loopback.redirect_uri() {
        return Err(Error::InvalidConfig {
            field: "redirectUri",
            reason: "must be the loopback listener's redirect_uri()",
        });
    }
    let deadline =
        Instant::now().checked_add(timeout).ok_or(Error::InvalidOption { field: "timeout", reason: "is too long" })?;
    let request = client.authorize(options)?;
    open(&request.url)?;
    let callback = loopback.wait(request.transaction.state.secret(), deadline)?;
    let outcome = block_on(client.handle_callback(callback.url()));
    callback.respond(outcome.as_ref().map(|_| ()));
    outcome
}

/// Opens `url` in the system browser: `open` on macOS, `rundll32 url.dll,FileProtocolHandler` on Windows
/// (no shell parses the URL), `xdg-open` elsewhere. Returns once the opener started; it is reaped on a
/// thread of its own. Only `http:` and `https:` URLs are opened.
///
/// # Errors
/// `invalid_option` (`url`) for another URL; `browser_unavailable` when the opener cannot be started.
pub fn open_browser(url: &str) -> Result<(), Error> {
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(Error::InvalidOption { field: "url", reason: "must be an http(s) URL" });
    }
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command.arg(url).stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null());
    let mut child = command.spawn().map_err(|_| Error::BrowserUnavailable)?;
    thread::spawn(move || child.wait());
    Ok(())
}

/// The system clock ([`SystemTime`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// The operating system's random generator (through getrandom).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRng;

impl RandomSource for OsRng {
    fn fill(&mut self, dest: &mut [u8]) -> Result<(), Error> {
        getrandom::fill(dest).map_err(|_| Error::CryptoUnavailable)
    }
}

/// Runs `future` to completion on this thread, parking it while the future waits. Enough for a
/// [`Client`] over a blocking [`Http`] such as `NativeHttp`: `block_on(client.access_token())`.
pub fn block_on<F: core::future::Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = core::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(out) => return out,
            Poll::Pending => thread::park(),
        }
    }
}

/// A client for native apps: [`Client`] over [`NativeHttp`] (30 s time-out), the system clock and the
/// system's random generator.
#[cfg(feature = "native")]
pub type NativeClient = Client<NativeHttp, SystemClock, OsRng>;

/// A [`NativeClient`] with its pending authorizations and tokens in memory only (a restart logs out; keep
/// tokens yourself, e.g. in the OS keychain: see the README). Tokens go to storage only if you pass one to
/// [`Client::new`].
///
/// ```no_run
/// # fn run() -> Result<(), nylas_pkce::Error> {
/// use std::time::Duration;
/// use nylas_pkce::native::{self, Loopback};
/// use nylas_pkce::{AuthorizationOptions, CallbackOutcome, ClientOptions, Config, Region};
///
/// // A fixed port whose redirect URI, http://127.0.0.1:9007/callback, is registered with the application.
/// let loopback = Loopback::bind(9007, "/callback")?;
/// let config = Config::nylas("<client id>", &loopback.redirect_uri(), Region::Us)?;
/// let client = native::client(config, ClientOptions::default());
/// let outcome = native::login(
///     &client,
///     loopback,
///     &AuthorizationOptions::default(),
///     native::open_browser,
///     Duration::from_secs(300),
/// )?;
/// if let CallbackOutcome::Tokens { tokens, .. } = outcome {
///     println!("signed in as {}", tokens.email.as_deref().unwrap_or("?"));
/// }
/// # Ok(()) }
/// ```
#[cfg(feature = "native")]
pub fn client(config: crate::Config, options: crate::ClientOptions) -> NativeClient {
    use crate::prelude::*;
    Client::new(
        config,
        Box::new(crate::MemoryStorage::default()),
        None,
        NativeHttp::default(),
        SystemClock,
        OsRng,
        options,
    )
}
