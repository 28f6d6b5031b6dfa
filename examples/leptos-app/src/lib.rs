//! # nylas-pkce in a Leptos app
//!
//! A client-side rendered Leptos 0.8 app over [`nylas_pkce_leptos`]: "Connect" logs in with a redirect, the
//! grant's email shows once logged in, "Call the API" gets an access token and calls `GET /v3/grants/me`
//! with it, and "Log out" revokes the tokens. The page is its own redirect URI.
//!
//! The page has two Leptos roots: the app in `#app` and a status badge in `#status`, each calling
//! [`provide_nylas_auth`] with the same configuration, so that the callback is handled once for both (one
//! code exchange) and both show the same state.
//!
//! Which server: `<body data-api>` (the mock on its usual port), or a `?api=` link naming a server on this
//! machine, remembered for the tab because the callback comes back without it. Tests wait on
//! `<body data-state>`: `loading`, `signed-out`, `signed-in` or `error`.

use leptos::prelude::*;
use nylas_pkce_leptos::nylas_pkce::browser::Persist;
use nylas_pkce_leptos::nylas_pkce::encode::is_loopback;
use nylas_pkce_leptos::nylas_pkce::{json, AuthorizationOptions, Config, Endpoints, Error, Flavor};
use nylas_pkce_leptos::{provide_nylas_auth, use_nylas_auth, Authenticated, NylasAuthOptions};
use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, Url, UrlSearchParams};

/// The client id registered at the mock (your Nylas application's id in a real app).
const CLIENT_ID: &str = "demo-client";
/// Where a `?api=` override is remembered for the tab.
const API_KEY: &str = "leptos-app:api";

/// Mounts the two roots when the module is initialised (`init()` in index.html).
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let root = |id: &str| document.get_element_by_id(id).and_then(|e| e.dyn_into::<HtmlElement>().ok());
    let app = root("app").ok_or("no #app element")?;
    let status = root("status").ok_or("no #status element")?;
    app.set_text_content(None); // "Loading…"
    let setup = setup();
    let for_status = setup.clone();
    leptos::mount::mount_to(app, move || view! { <App setup=setup.clone()/> }).forget();
    leptos::mount::mount_to(status, move || view! { <Status setup=for_status.clone()/> }).forget();
    Ok(())
}

/// What the page could not set up: a code and a message, as the client's errors have.
#[derive(Debug, Clone)]
struct Failure {
    code: &'static str,
    message: String,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure { code: e.code(), message: e.message() }
    }
}

/// The login options and the API base, or why there are none (a bad `?api=` link).
#[derive(Debug, Clone)]
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

/// The app: the login state, or why the page could not start.
#[component]
fn App(setup: Result<Setup, Failure>) -> impl IntoView {
    match setup {
        Ok(Setup { options, api }) => {
            provide_nylas_auth(options);
            view! { <Account api=api/> }.into_any()
        }
        Err(failure) => {
            set_page_state("error");
            view! { <ErrorLine code=failure.code message=failure.message/> }.into_any()
        }
    }
}

/// The account: connect, or who is connected with the API call and "Log out". Sets `<body data-state>`.
#[component]
fn Account(api: String) -> impl IntoView {
    let auth = use_nylas_auth();
    Effect::new(move || {
        let state = if auth.is_loading.get() {
            "loading"
        } else if auth.error.with(Option::is_some) {
            "error"
        } else if auth.is_authenticated.get() {
            "signed-in"
        } else {
            "signed-out"
        };
        set_page_state(state);
    });
    let api = StoredValue::new(api);
    let connect = move || {
        view! {
            <p>"Not connected."</p>
            <button id="connect" on:click=move |_| auth.login_with_redirect()>"Connect"</button>
        }
    };
    view! {
        <Show when=move || !auth.is_loading.get() fallback=|| view! { <p>"Loading…"</p> }>
            {move || auth.error.get().map(|e| view! { <ErrorLine code=e.code() message=e.message()/> })}
            <Authenticated fallback=connect>
                <Connected api=api.get_value()/>
            </Authenticated>
        </Show>
    }
}

/// Logged in: the account's email, the API call, "Log out".
#[component]
fn Connected(api: String) -> impl IntoView {
    let auth = use_nylas_auth();
    // The answer of `GET /grants/me`: the grant's email, or the call's failure.
    let (grant, set_grant) = signal(None::<Result<String, Failure>>);
    let call_api = move |_| {
        let api = api.clone();
        leptos::task::spawn_local(async move {
            let result = grant_email(&api, auth.access_token()).await;
            set_grant.set(Some(result));
        });
    };
    view! {
        <p>"Connected as " <strong id="email">{move || auth.user.get().and_then(|u| u.email)}</strong></p>
        <p>
            <button id="call-api" on:click=call_api>"Call the API"</button>
            " "
            {move || match grant.get() {
                Some(Ok(email)) => view! { <span id="api-email">{email}</span> }.into_any(),
                Some(Err(f)) => view! { <ErrorLine code=f.code message=f.message/> }.into_any(),
                None => ().into_any(),
            }}
        </p>
        <button id="logout" on:click=move |_| auth.logout()>"Log out"</button>
    }
}

/// The second root: a badge with the same state (its own [`provide_nylas_auth`], the same client).
#[component]
fn Status(setup: Result<Setup, Failure>) -> impl IntoView {
    let Ok(Setup { options, .. }) = setup else { return ().into_any() };
    let auth = provide_nylas_auth(options);
    let text = move || match auth.user.get().and_then(|u| u.email) {
        Some(email) if auth.is_authenticated.get() => format!("Connected: {email}"),
        _ if auth.is_loading.get() => "…".to_string(),
        _ => "Not connected".to_string(),
    };
    view! { <span id="status-text">{text}</span> }.into_any()
}

/// An error line: the stable code, then the message (text, never HTML).
#[component]
fn ErrorLine(code: &'static str, message: String) -> impl IntoView {
    view! {
        <p class="error" role="alert"><code class="error-code">{code}</code> " " <span>{message}</span></p>
    }
}

/// `GET {api}/grants/me` with the access token: the grant's email.
async fn grant_email(
    api: &str,
    token: impl std::future::Future<Output = Result<nylas_pkce_leptos::nylas_pkce::AccessToken, Error>>,
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
