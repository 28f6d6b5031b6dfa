//! Requests as data and answers as values: what the core hands to whoever sends HTTP (the package's
//! `fetch`, the Rust browser client's gloo-net, any Rust HTTP client), and the trait [`crate::Client`]
//! sends through. No network here.

use crate::prelude::*;

use core::future::Future;

use crate::json::Json;
use crate::Error;

/// HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

impl Method {
    /// `GET` / `POST`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request to send. Send it without cookies and without following redirects.
///
/// # Security
/// The body and URL may hold a code, verifier or token: never log them.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// Body, for POST.
    pub body: Option<String>,
}

impl core::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("HttpRequest([redacted])")
    }
}

/// An HTTP answer: the status and the body parsed as JSON (`None` when it is not JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// HTTP status.
    pub status: u16,
    /// Parsed JSON body.
    pub body: Option<Json>,
}

/// Sends requests. Implementations must not send cookies and must not follow redirects; network
/// failures are `network_error`, time-outs `timeout`.
pub trait Http {
    /// Sends `request`.
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse, Error>>;
}
