//! The loopback listener (RFC 8252 §7.3): one TCP listener on `127.0.0.1`, polled without threads, that
//! takes exactly one request (a `GET` of the callback path on this host and port, carrying the expected
//! `state`) and refuses every other one with a short answer, without ending the wait.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::string::{String, ToString};
use std::time::{Duration, Instant};
use std::vec::Vec;

use crate::secret::ct_eq;
use crate::Error;

/// Longest request head read (request line and headers, up to the blank line); a longer one is answered
/// `431` and closed. The callback URL itself is at most 16 KiB ([`crate::callback::MAX_CALLBACK_LEN`]).
pub const MAX_REQUEST_BYTES: usize = 32 * 1024;
/// Most connections kept open at once; the oldest is closed for a new one. A browser opens a few
/// (speculative preconnects that may never send anything, a favicon request).
pub const MAX_CONNECTIONS: usize = 16;
/// How long a connection may take to send its request head before it is closed.
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(10);
/// How often the listener looks for connections and data while it waits.
const POLL: Duration = Duration::from_millis(10);

/// A listener on `127.0.0.1` for one authorization callback.
///
/// ```no_run
/// # fn run() -> Result<(), nylas_pkce::Error> {
/// use nylas_pkce::native::Loopback;
/// let loopback = Loopback::bind(0, "/callback")?; // 0: a port the system picks
/// assert!(loopback.redirect_uri().starts_with("http://127.0.0.1:"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    port: u16,
    path: String,
}

/// The one accepted callback: its URL, and the browser's connection still open for the answer.
pub struct PendingCallback {
    stream: TcpStream,
    url: String,
}

impl core::fmt::Debug for PendingCallback {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("PendingCallback([redacted])")
    }
}

impl Loopback {
    /// Listens on `127.0.0.1:port` (`0`: a free port the system picks) for a callback on `path`, which must
    /// start with `/` and hold no `?`, `#` or space (e.g. `/callback`).
    ///
    /// # Errors
    /// `invalid_option` (`path`) for such a path; `loopback_unavailable` when the port cannot be bound.
    pub fn bind(port: u16, path: &str) -> Result<Loopback, Error> {
        let path_ok = path.starts_with('/')
            && path.len() <= 256
            && path.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'?' | b'#' | b'%' | b'\\'));
        if !path_ok {
            return Err(Error::InvalidOption {
                field: "path",
                reason: "must start with / and hold only visible ASCII without ? # % or \\",
            });
        }
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).map_err(|_| Error::LoopbackUnavailable)?;
        let port = listener.local_addr().map_err(|_| Error::LoopbackUnavailable)?.port();
        listener.set_nonblocking(true).map_err(|_| Error::LoopbackUnavailable)?;
        Ok(Loopback { listener, port, path: path.into() })
    }

    /// The port listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The callback path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// `http://127.0.0.1:<port><path>`: the redirect URI to configure (and, for a server that matches
    /// redirect URIs exactly, to register; pick a fixed port then).
    pub fn redirect_uri(&self) -> String {
        let mut uri = String::with_capacity(24 + self.path.len());
        uri.push_str("http://127.0.0.1:");
        uri.push_str(&self.port.to_string());
        uri.push_str(&self.path);
        uri
    }

    /// Waits until `deadline` for the callback carrying `state`, then stops listening (the listener is
    /// consumed: one login per listener). Every other request is answered and closed, and the wait goes
    /// on: another method (`405`), another path (`404`), another `Host` than `127.0.0.1:<port>` or
    /// `localhost:<port>` (DNS rebinding) or a callback with no or another state (`400`), a head over
    /// [`MAX_REQUEST_BYTES`] (`431`); connections silent for [`REQUEST_TIME_LIMIT`] are closed.
    ///
    /// # Errors
    /// `timeout` when no such callback came by `deadline`; `invalid_option` (`state`) for an empty state.
    pub fn wait(self, state: &str, deadline: Instant) -> Result<PendingCallback, Error> {
        if state.is_empty() {
            return Err(Error::InvalidOption { field: "state", reason: "must not be empty" });
        }
        let mut conns: Vec<Conn> = Vec::new();
        loop {
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::Timeout);
            }
            self.accept_all(&mut conns, now);
            let mut i = 0;
            while let Some(conn) = conns.get_mut(i) {
                match conn.read_some(now) {
                    Progress::Pending => i += 1,
                    Progress::Closed => drop(conns.swap_remove(i)),
                    Progress::TooLarge => refuse(conns.swap_remove(i).stream, 431, "The request is too large."),
                    Progress::Head(end) => {
                        let conn = conns.swap_remove(i);
                        let verdict = self.judge(conn.buf.get(..end).unwrap_or_default(), state);
                        match verdict {
                            Ok(url) => return Ok(PendingCallback { stream: conn.stream, url }),
                            Err((status, text)) => refuse(conn.stream, status, text),
                        }
                    }
                }
            }
            std::thread::sleep(POLL.min(deadline.saturating_duration_since(Instant::now())));
        }
    }

    fn accept_all(&self, conns: &mut Vec<Conn>, now: Instant) {
        loop {
            match self.listener.accept() {
                Ok((stream, peer)) => {
                    if !peer.ip().is_loopback() || stream.set_nonblocking(true).is_err() {
                        continue;
                    }
                    if conns.len() >= MAX_CONNECTIONS {
                        conns.remove(0);
                    }
                    conns.push(Conn { stream, buf: Vec::new(), since: now });
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return, // WouldBlock: none waiting; others (e.g. EMFILE) are retried next poll
            }
        }
    }

    /// The callback URL, or the status and text to refuse the request with.
    fn judge(&self, head: &[u8], state: &str) -> Result<String, (u16, &'static str)> {
        const BAD: (u16, &str) = (400, "Bad request.");
        let head = core::str::from_utf8(head).map_err(|_| BAD)?;
        let mut lines = head.split("\r\n");
        let mut parts = lines.next().unwrap_or_default().split(' ');
        let (method, target, version) = (parts.next(), parts.next(), parts.next());
        if parts.next().is_some() || !version.is_some_and(|v| v == "HTTP/1.1" || v == "HTTP/1.0") {
            return Err(BAD);
        }
        let target = target.ok_or(BAD)?;
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if method != Some("GET") {
            return Err((405, "Only GET is served here."));
        }
        if path != self.path {
            return Err((404, "Not found."));
        }
        let mut hosts = lines.filter_map(|l| l.split_once(':')).filter(|(k, _)| k.eq_ignore_ascii_case("host"));
        let host = hosts.next().map(|(_, v)| v.trim());
        if hosts.next().is_some() || !host.is_some_and(|h| self.is_own_host(h)) {
            return Err((400, "This server answers only requests for its own address."));
        }
        let mut query_only = String::with_capacity(query.len() + 1);
        query_only.push('?');
        query_only.push_str(query);
        match crate::callback::callback_state(&query_only) {
            Ok(Some(s)) if ct_eq(s.as_bytes(), state.as_bytes()) => {}
            _ => return Err((400, "This is not the sign-in this app is waiting for.")),
        }
        let mut url = self.redirect_uri();
        url.push_str(&query_only);
        Ok(url)
    }

    fn is_own_host(&self, host: &str) -> bool {
        let Some((name, port)) = host.rsplit_once(':') else { return false };
        (name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost")) && port == self.port.to_string()
    }
}

impl PendingCallback {
    /// The callback URL (`redirect_uri?query`), for [`crate::Client::handle_callback`].
    ///
    /// # Security
    /// It holds the authorization code: never log it.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Answers the browser with a short page saying whether the sign-in worked (`200`), or what went
    /// wrong (`400`: the error's message, which holds no secret), and closes the connection.
    pub fn respond(self, result: Result<(), &Error>) {
        let (status, title, text) = match result {
            Ok(()) => (200, "Signed in", String::from("You are signed in. You can close this window.")),
            Err(e) => {
                let mut text = String::from("Sign-in failed: ");
                text.push_str(&e.message());
                text.push_str(" (");
                text.push_str(e.code());
                text.push_str("). You can close this window.");
                (400, "Sign-in failed", text)
            }
        };
        answer(self.stream, status, title, &text);
    }
}

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    since: Instant,
}

enum Progress {
    Pending,
    Closed,
    TooLarge,
    /// The head is complete: the bytes before the blank line.
    Head(usize),
}

impl Conn {
    fn read_some(&mut self, now: Instant) -> Progress {
        let mut chunk = [0u8; 4096];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => return Progress::Closed,
                Ok(n) => {
                    let from = self.buf.len().saturating_sub(3);
                    self.buf.extend_from_slice(chunk.get(..n).unwrap_or_default());
                    match find_blank_line(&self.buf, from) {
                        Some(end) if end <= MAX_REQUEST_BYTES => return Progress::Head(end),
                        Some(_) => return Progress::TooLarge,
                        None if self.buf.len() > MAX_REQUEST_BYTES => return Progress::TooLarge,
                        None => {}
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    return if now.saturating_duration_since(self.since) > REQUEST_TIME_LIMIT {
                        Progress::Closed
                    } else {
                        Progress::Pending
                    };
                }
                Err(_) => return Progress::Closed,
            }
        }
    }
}

/// Where `\r\n\r\n` starts in `buf`, searching from `from`.
fn find_blank_line(buf: &[u8], from: usize) -> Option<usize> {
    let tail = buf.get(from..)?;
    tail.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + from)
}

fn refuse(stream: TcpStream, status: u16, text: &str) {
    answer(stream, status, "Not the sign-in", text);
}

/// Writes a complete answer with `Connection: close`, then closes gracefully: the write side first, then
/// what the client still sends is read and dropped for a moment (at most 500 ms and 128 KiB), so that the close does not reset the
/// connection before the client has read the answer.
fn answer(mut stream: TcpStream, status: u16, title: &str, text: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Bad Request",
    };
    let mut body = String::with_capacity(320 + text.len());
    body.push_str("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>");
    escape_into(&mut body, title);
    body.push_str("</title><style>body{font:16px system-ui,sans-serif;margin:3em auto;max-width:32em}</style><h1>");
    escape_into(&mut body, title);
    body.push_str("</h1><p>");
    escape_into(&mut body, text);
    body.push_str("</p></html>\n");
    let mut head = String::with_capacity(400);
    head.push_str("HTTP/1.1 ");
    head.push_str(&status.to_string());
    head.push(' ');
    head.push_str(reason);
    head.push_str("\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ");
    head.push_str(&body.len().to_string());
    head.push_str(
        "\r\nConnection: close\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         X-Content-Type-Options: nosniff\r\nContent-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\r\n",
    );
    head.push_str(&body);
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let mut sink = [0u8; 4096];
    let until = Instant::now().checked_add(Duration::from_millis(500)).unwrap_or_else(Instant::now);
    let mut drained = 0usize;
    while drained < 4 * MAX_REQUEST_BYTES && Instant::now() < until {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}
