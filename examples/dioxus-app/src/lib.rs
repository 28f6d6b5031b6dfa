//! # nylas-pkce in a Dioxus app
//!
//! A Dioxus 0.7 web app over [`nylas_pkce_dioxus`]: "Connect" logs in with a redirect, the grant's email
//! shows once logged in, "Call the API" gets an access token and calls `GET /v3/grants/me` with it, and
//! "Log out" revokes the tokens. The page is its own redirect URI.
//!
//! Two components call [`use_nylas_auth_provider`] with the same configuration, the account view and a
//! status badge in the header, so that the callback is handled once for both (one code exchange) and both
//! show the same state.
//!
//! Which server: `<body data-api>` (the mock on its usual port), or a `?api=` link naming a server on this
//! machine, remembered for the tab because the callback comes back without it. Tests wait on
//! `<body data-state>`: `loading`, `signed-out`, `signed-in` or `error`.

use dioxus::prelude::*;
use nylas_pkce_dioxus::nylas_pkce::browser::Persist;
use nylas_pkce_dioxus::nylas_pkce::encode::is_loopback;
use nylas_pkce_dioxus::nylas_pkce::{json, AccessToken, AuthorizationOptions, Config, Endpoints, Error, Flavor};
use nylas_pkce_dioxus::{use_nylas_auth, use_nylas_auth_provider, NylasAuthOptions};
use wasm_bindgen::prelude::*;
use web_sys::{Url, UrlSearchParams};

/// The client id registered at the mock (your Nylas application's id in a real app).
const CLIENT_ID: &str = "demo-client";
/// Where a `?api=` override is remembered for the tab.
const API_KEY: &str = "dioxus-app:api";

/// Launches the app in `#main` when the module is initialised (`init()` in index.html).
#[wasm_bindgen(start)]
pub fn start() {
    dioxus::launch(App);
}

/// What the page could not set up: a code and a message, as the client's errors have.
#[derive(Debug, Clone, PartialEq)]
struct Failure {
    code: &'static str,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure { code: e.code(), message: e.message() }
    }
}

/// The login options and the API base.
#[derive(Debug, Clone, PartialEq)]
struct Setup {
    options: NylasAuthOptions,
    api: String,
}

/// The login options, or why there are none (a bad `?api=` link).
fn setup() -> Result<Setup, Failure> {
    let window = web_sys::window().ok_or(Failure { code: "page_error", message: "no window".into() })?;
    let location = window.location();
    let own_url = location.origin().unwrap_or_default() + &location.pathname().unwrap_or_default();
    let api = api_base()?;
    let config = Config::new(CLIENT_ID, &own_url, Endpoints::nylas_base(&api), Flavor::Nylas)?;
    // Tokens in sessionStorage: a reload keeps the login, closing the tab ends it.
    let login = AuthorizationOptions { provider: Some("google".into()), ..Default::default() };
    Ok(Setup { options: NylasAuthOptions::new(config).persist(Persist::Session).authorization(login), api })
}

/// The app: a header with the status badge and the account, or why the page could not start.
#[component]
fn App() -> Element {
    let setup = use_hook(setup);
    match setup {
        Ok(setup) => rsx! {
            header {
                h1 { "Connect an account" }
                Status { setup: setup.clone() }
            }
            Account { setup }
        },
        Err(failure) => {
            set_page_state("error");
            rsx! { ErrorLine { code: failure.code, message: failure.message } }
        }
    }
}

/// The account: connect, or who is connected with the API call and "Log out". Sets `<body data-state>`.
#[component]
fn Account(setup: Setup) -> Element {
    let Setup { options, api } = setup;
    let auth = use_nylas_auth_provider(move || options);
    use_effect(move || {
        let state = if (auth.is_loading)() {
            "loading"
        } else if auth.error.read().is_some() {
            "error"
        } else if (auth.is_authenticated)() {
            "signed-in"
        } else {
            "signed-out"
        };
        set_page_state(state);
    });
    rsx! {
        if (auth.is_loading)() {
            p { "Loading…" }
        } else {
            if let Some(e) = auth.error.read().as_ref() {
                ErrorLine { code: e.code(), message: e.message() }
            }
            if (auth.is_authenticated)() {
                Connected { api }
            } else {
                p { "Not connected." }
                button { id: "connect", onclick: move |_| auth.login_with_redirect(), "Connect" }
            }
        }
    }
}

/// Logged in: the account's email, the API call, "Log out".
#[component]
fn Connected(api: String) -> Element {
    let auth = use_nylas_auth();
    // The answer of `GET /grants/me`: the grant's email, or the call's failure.
    let mut grant = use_signal(|| None::<Result<String, Failure>>);
    let email = auth.user.read().as_ref().and_then(|u| u.email.clone()).unwrap_or_default();
    let call_api = move |_| {
        let api = api.clone();
        spawn(async move {
            let result = grant_email(&api, auth.access_token()).await;
            grant.set(Some(result));
        });
    };
    rsx! {
        p { "Connected as " strong { id: "email", "{email}" } }
        p {
            button { id: "call-api", onclick: call_api, "Call the API" }
            " "
            match grant() {
                Some(Ok(email)) => rsx! { span { id: "api-email", "{email}" } },
                Some(Err(f)) => rsx! { ErrorLine { code: f.code, message: f.message } },
                None => rsx! {},
            }
        }
        button { id: "logout", onclick: move |_| auth.logout(), "Log out" }
    }
}

/// The header's badge: the same state through its own [`use_nylas_auth_provider`] (the same client).
#[component]
fn Status(setup: Setup) -> Element {
    let auth = use_nylas_auth_provider(move || setup.options);
    let email = auth.user.read().as_ref().and_then(|u| u.email.clone());
    let text = match email {
        Some(email) if (auth.is_authenticated)() => format!("Connected: {email}"),
        _ if (auth.is_loading)() => "…".to_string(),
        _ => "Not connected".to_string(),
    };
    rsx! { span { id: "status-text", "{text}" } }
}

/// An error line: the stable code, then the message (text, never HTML).
#[component]
fn ErrorLine(code: &'static str, message: String) -> Element {
    rsx! {
        p { class: "error", role: "alert",
            code { class: "error-code", "{code}" }
            " "
            span { "{message}" }
        }
    }
}

/// `GET {api}/grants/me` with the access token: the grant's email.
async fn grant_email(
    api: &str,
    token: impl std::future::Future<Output = Result<AccessToken, Error>>,
) -> Result<String, Failure> {
    let token = token.await?;
    let failed = |message: String| Failure { code: "api_error", message };
    let response = gloo_net::http::Request::get(&format!("{api}/grants/me"))
        .header("Authorization", &format!("Bearer {}", token.secret()))
        .send()
        .await
        .map_err(|e| failed(e.to_string()))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| failed(e.to_string()))?;
    let email = json::parse(&body).and_then(|j| j.get("data").and_then(|d| d.str_of("email").map(String::from)));
    match email {
        Some(email) if status == 200 => Ok(email),
        _ => Err(failed(format!("GET /grants/me answered {status}"))),
    }
}

fn set_page_state(state: &str) {
    if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = body.set_attribute("data-state", state);
    }
}

/// The API base: a `?api=` link (remembered for the tab), a remembered one, else `<body data-api>`. A link
/// or a remembered value may only name a server on this machine: otherwise a crafted link could send the
/// login to a server of its choosing.
fn api_base() -> Result<String, Failure> {
    let window = web_sys::window().ok_or(Failure { code: "page_error", message: "no window".into() })?;
    let session = window.session_storage().ok().flatten();
    let query = window.location().search().ok().and_then(|q| UrlSearchParams::new_with_str(&q).ok());
    if let Some(api) = query.and_then(|q| q.get("api")) {
        let api = loopback_only(api)?;
        if let Some(session) = &session {
            // Best effort: without storage, the callback load falls back to data-api.
            let _ = session.set_item(API_KEY, &api);
        }
        return Ok(api);
    }
    if let Some(api) = session.and_then(|s| s.get_item(API_KEY).ok().flatten()) {
        return loopback_only(api);
    }
    window
        .document()
        .and_then(|d| d.body())
        .and_then(|b| b.get_attribute("data-api"))
        .ok_or(Failure { code: "page_error", message: "<body data-api> is missing".into() })
}

/// `api` if it names a server on this machine.
fn loopback_only(api: String) -> Result<String, Failure> {
    let host = Url::new(&api).map(|u| u.hostname()).unwrap_or_default();
    if is_loopback(&host) {
        Ok(api)
    } else {
        Err(Failure {
            code: "invalid_api_link",
            message: "?api= may only name a server on this machine (127.0.0.1, localhost, [::1])".into(),
        })
    }
}
