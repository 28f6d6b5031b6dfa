//! [`NativeHttp`]: the core's [`Http`] over ureq 3 (blocking; rustls with the webpki roots).

use std::string::String;
use std::time::Duration;

use crate::http::{Http, HttpRequest, HttpResponse, Method};
use crate::Error;

/// Longest answer body read (1 MiB); a token or grant answer is a few kilobytes.
const MAX_BODY: u64 = 1024 * 1024;

/// Blocking HTTP for the core's [`Http`] trait: TLS by rustls with Mozilla's roots (webpki-roots), `http:`
/// for loopback only (the core's configuration refuses other `http:` endpoints), redirects not followed
/// (a `3xx` is the answer, which the core refuses), no cookies, a proxy only from the environment
/// (`HTTPS_PROXY`, `ALL_PROXY`, …, as ureq reads them), and a time-out for the whole
/// request (`timeout` error). Each [`Http::send`] completes before it returns: run it on [`super::block_on`]
/// or a blocking thread.
#[derive(Debug, Clone)]
pub struct NativeHttp {
    agent: ureq::Agent,
}

impl NativeHttp {
    /// A client whose requests may take `timeout` in all (connect, send, answer).
    pub fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("nylas-pkce/", env!("CARGO_PKG_VERSION")))
            .build();
        NativeHttp { agent: config.into() }
    }
}

impl Default for NativeHttp {
    /// A 30 s time-out.
    fn default() -> Self {
        NativeHttp::new(Duration::from_secs(30))
    }
}

impl Http for NativeHttp {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let result = match (request.method, &request.body) {
            (Method::Get, _) => {
                let mut builder = self.agent.get(&request.url);
                for (k, v) in &request.headers {
                    builder = builder.header(*k, v.as_str());
                }
                builder.call()
            }
            (Method::Post, body) => {
                let mut builder = self.agent.post(&request.url);
                for (k, v) in &request.headers {
                    builder = builder.header(*k, v.as_str());
                }
                builder.send(body.as_deref().unwrap_or_default())
            }
        };
        let mut response = result.map_err(|e| error(&e))?;
        let status = response.status().as_u16();
        let text: String = response.body_mut().with_config().limit(MAX_BODY).read_to_string().map_err(|e| error(&e))?;
        Ok(HttpResponse { status, body: crate::json::parse(&text) })
    }
}

fn error(e: &ureq::Error) -> Error {
    match e {
        ureq::Error::Timeout(_) => Error::Timeout,
        ureq::Error::BodyExceedsLimit(_) => Error::Network("the answer is larger than 1 MiB"),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => Error::Network("the TLS connection failed"),
        _ => Error::Network("the request failed (offline, refused, or a bad answer)"),
    }
}
