//! `fetch` through gloo-net behind the core's [`Http`] trait.

use gloo_net::http::{Method as GlooMethod, RequestBuilder};
use web_sys::{AbortSignal, RequestCredentials, RequestRedirect};

use crate::http::{Http, HttpRequest, HttpResponse, Method};
use crate::Error;

/// `fetch` with no cookies (`credentials: 'omit'`), redirects refused (`redirect: 'error'`), and a
/// time-out (`AbortSignal.timeout`, `timeout` error).
#[derive(Debug, Clone, Copy)]
pub struct FetchHttp {
    /// How long a request may take, in milliseconds (default 30 s).
    pub timeout_ms: u32,
}

impl Default for FetchHttp {
    fn default() -> Self {
        FetchHttp { timeout_ms: 30_000 }
    }
}

impl Http for FetchHttp {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        let method = match request.method {
            Method::Get => GlooMethod::GET,
            Method::Post => GlooMethod::POST,
        };
        let signal = AbortSignal::timeout_with_u32(self.timeout_ms);
        let mut builder = RequestBuilder::new(&request.url)
            .method(method)
            .credentials(RequestCredentials::Omit)
            .redirect(RequestRedirect::Error)
            .abort_signal(Some(&signal));
        for (k, v) in &request.headers {
            builder = builder.header(k, v);
        }
        let built = match &request.body {
            Some(body) => builder.body(body.as_str()),
            None => builder.build(),
        };
        let response = built
            .map_err(|_| Error::Network("the request could not be built"))?
            .send()
            .await
            .map_err(|e| fetch_error(&e, &signal))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| fetch_error(&e, &signal))?;
        Ok(HttpResponse { status, body: crate::json::parse(&text) })
    }
}

fn fetch_error(e: &gloo_net::Error, signal: &AbortSignal) -> Error {
    if signal.aborted() {
        return Error::Timeout;
    }
    match e {
        gloo_net::Error::JsError(j) if j.name == "TimeoutError" || j.name == "AbortError" => Error::Timeout,
        _ => Error::Network("fetch failed (offline, CORS, refused, or a redirect)"),
    }
}
