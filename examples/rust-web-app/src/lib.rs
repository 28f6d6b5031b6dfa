//! # nylas-pkce in a Rust web app
//!
//! The app a Leptos, Yew or Dioxus user writes around [`nylas_pkce::browser`], in plain wasm-bindgen +
//! web-sys so that it builds in seconds: a "Connect" button that logs in with a redirect, the grant's email
//! once logged in, and "Log out". The framework parts are hand-written and small: `App` is the component
//! state, `View` what it shows, `Page::render` the view function, and one click listener the event
//! handlers. In a framework, keep the [`BrowserClient`] in context (it is not `Send`; an `Rc` is enough).
//!
//! The page is its own redirect URI: a load with callback parameters is handed to
//! [`BrowserClient::handle_callback`], then the parameters are removed from the address bar.
//!
//! Which server: `<body data-api>` (the mock on its usual port), or a `?api=` link naming a server on this
//! machine, remembered for the tab because the callback comes back without it. Tests wait on
//! `<body data-state>`: `loading`, `signed-out`, `signed-in` or `error`.

use std::rc::Rc;

use nylas_pkce::browser::{self, BrowserClient, Persist};
use nylas_pkce::encode::is_loopback;
use nylas_pkce::{AuthorizationOptions, CallbackOutcome, ClientOptions, Config, Endpoints, Error, Flavor, TokenSet};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Document, Element, HtmlElement, Url, UrlSearchParams, Window};

/// The client id registered at the mock (your Nylas application's id in a real app).
const CLIENT_ID: &str = "demo-client";
/// Where a `?api=` override is remembered for the tab.
const API_KEY: &str = "rust-web-app:api";

/// Starts the app when the module is initialised (`init()` in index.html).
#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let page = Page::new()?;
    let config = match page.api_base().and_then(|api| config(&page.own_url, &api)) {
        Ok(config) => config,
        // Without a client there is nothing to retry.
        Err(failure) => return page.render(&View::Failed { failure, retry: false }),
    };
    // Tokens in sessionStorage: a reload keeps the login, closing the tab ends it.
    let client = browser::client(config, Persist::Session, ClientOptions::default());
    let app = Rc::new(App { page, client });
    app.listen()?;
    spawn_local(async move { app.boot().await });
    Ok(())
}

/// The client's configuration: this page as the redirect URI, Nylas endpoints under `api`.
fn config(own_url: &str, api: &str) -> Result<Config, Failure> {
    Ok(Config::new(CLIENT_ID, own_url, Endpoints::nylas_base(api), Flavor::Nylas)?)
}

/// The app's state: the page and the client.
struct App {
    page: Page,
    client: BrowserClient,
}

impl App {
    /// First render: completes a callback if this load is one, else shows the stored login (if any).
    async fn boot(&self) {
        let callback = browser::is_callback().then(browser::current_url).flatten();
        let view = match callback {
            Some(url) => {
                // The code is single-use and the state is spent either way: take them out of the address bar
                // (a reload would replay them) and the history before anything else runs, the exchange included.
                browser::clean_address_bar();
                let outcome = self.client.handle_callback(&url).await;
                match outcome {
                    Ok(CallbackOutcome::Tokens { tokens, .. }) => View::signed_in(&tokens),
                    Ok(CallbackOutcome::AdminConsent { .. }) => View::SignedOut,
                    Err(e) => View::failed(e),
                }
            }
            None => self.current_view(),
        };
        self.show(&view);
    }

    /// The view for the client's current tokens.
    fn current_view(&self) -> View {
        match self.client.tokens() {
            Some(tokens) if self.client.is_authenticated() => View::signed_in(&tokens),
            _ => View::SignedOut,
        }
    }

    /// "Connect": stores a transaction and sends the browser to the authorization page.
    fn connect(&self) {
        let options = AuthorizationOptions { provider: Some("google".into()), ..Default::default() };
        let navigated = self
            .client
            .authorize(&options)
            .map_err(Failure::from)
            .and_then(|request| Ok(self.page.window.location().assign(&request.url)?));
        if let Err(failure) = navigated {
            self.show(&View::Failed { failure, retry: true });
        }
    }

    /// "Log out": forgets the tokens and revokes them at the server.
    async fn logout(&self) {
        let view = match self.client.logout().await {
            Ok(()) => View::SignedOut,
            // The local tokens are gone even then; the error says what the server did not confirm.
            Err(e) => View::failed(e),
        };
        self.show(&view);
    }

    /// One click listener on the app's root for every button (the buttons are re-created by each render).
    fn listen(self: &Rc<Self>) -> Result<(), JsValue> {
        let app = Rc::clone(self);
        let on_click = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
            match target.id().as_str() {
                "connect" => app.connect(),
                "logout" => {
                    // Until the logout is done (the next render replaces the button).
                    let _ = target.set_attribute("disabled", "");
                    let app = Rc::clone(&app);
                    spawn_local(async move { app.logout().await });
                }
                _ => {}
            }
        });
        self.page.root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())?;
        on_click.forget(); // the listener lives as long as the page
        Ok(())
    }

    fn show(&self, view: &View) {
        if let Err(e) = self.page.render(view) {
            log_error(&e);
        }
    }
}

/// What the page shows.
enum View {
    SignedOut,
    SignedIn {
        email: String,
    },
    /// An error, with a "Try again" (Connect) button if `retry`.
    Failed {
        failure: Failure,
        retry: bool,
    },
}

impl View {
    fn failed(e: Error) -> View {
        View::Failed { failure: e.into(), retry: true }
    }

    fn signed_in(tokens: &TokenSet) -> View {
        View::SignedIn { email: tokens.email.clone().unwrap_or_else(|| "(no email in the token answer)".into()) }
    }
}

/// Why something failed: the client's typed error, or a page problem.
enum Failure {
    /// From the client: its stable [`Error::code`] and its message (which never holds a secret).
    Auth(Error),
    /// From the page: a DOM call that threw, a bad `?api=` link.
    Page { code: &'static str, message: String },
}

impl Failure {
    fn code(&self) -> &'static str {
        match self {
            Failure::Auth(e) => e.code(),
            Failure::Page { code, .. } => code,
        }
    }

    fn message(&self) -> String {
        match self {
            Failure::Auth(e) => e.message(),
            Failure::Page { message, .. } => message.clone(),
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Auth(e)
    }
}

impl From<JsValue> for Failure {
    fn from(e: JsValue) -> Self {
        Failure::Page { code: "page_error", message: e.as_string().unwrap_or_else(|| format!("{e:?}")) }
    }
}

/// The DOM the app uses.
struct Page {
    window: Window,
    document: Document,
    body: HtmlElement,
    /// `#app`, where views are rendered.
    root: Element,
    /// This page's URL without query or fragment: the redirect URI.
    own_url: String,
}

impl Page {
    fn new() -> Result<Page, JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        let document = window.document().ok_or("no document")?;
        let body = document.body().ok_or("no <body>")?;
        let root = document.get_element_by_id("app").ok_or("no #app element")?;
        let location = window.location();
        let own_url = location.origin()? + &location.pathname()?;
        Ok(Page { window, document, body, root, own_url })
    }

    /// Replaces `#app`'s content with `view`, and sets `<body data-state>`.
    fn render(&self, view: &View) -> Result<(), JsValue> {
        let (state, children) = match view {
            View::SignedOut => {
                ("signed-out", vec![self.el("p", "", "Not connected.")?, self.el("button", "connect", "Connect")?])
            }
            View::SignedIn { email } => {
                let line = self.el("p", "", "Connected as ")?;
                let email = self.el("strong", "email", email)?;
                line.append_child(&email)?;
                ("signed-in", vec![line, self.el("button", "logout", "Log out")?])
            }
            View::Failed { failure, retry } => {
                let line = self.el("p", "error", "")?;
                line.set_attribute("role", "alert")?;
                let code = self.el("code", "error-code", failure.code())?;
                let message = self.el("span", "error-message", &failure.message())?;
                line.append_child(&code)?;
                line.append_child(&message)?;
                let mut children = vec![line];
                if *retry {
                    children.push(self.el("button", "connect", "Try again")?);
                }
                ("error", children)
            }
        };
        self.root.set_text_content(None);
        for child in &children {
            self.root.append_child(child)?;
        }
        self.body.set_attribute("data-state", state)
    }

    /// A `<tag id=…>text</tag>` (text, never HTML).
    fn el(&self, tag: &str, id: &str, text: &str) -> Result<Element, JsValue> {
        let el = self.document.create_element(tag)?;
        if !id.is_empty() {
            el.set_id(id);
        }
        el.set_text_content(Some(text));
        Ok(el)
    }

    fn query(&self) -> Option<UrlSearchParams> {
        UrlSearchParams::new_with_str(&self.window.location().search().ok()?).ok()
    }

    /// The API base: a `?api=` link (remembered for the tab), a remembered one, else `<body data-api>`.
    /// A link or a remembered value may only name a server on this machine: otherwise a crafted link could
    /// send the login to a server of its choosing.
    fn api_base(&self) -> Result<String, Failure> {
        let session = self.window.session_storage().ok().flatten();
        if let Some(api) = self.query().and_then(|q| q.get("api")) {
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
        self.body
            .get_attribute("data-api")
            .ok_or_else(|| Failure::Page { code: "page_error", message: "<body data-api> is missing".into() })
    }
}

/// `api` if it names a server on this machine.
fn loopback_only(api: String) -> Result<String, Failure> {
    let host = Url::new(&api).map(|u| u.hostname()).unwrap_or_default();
    if is_loopback(&host) {
        Ok(api)
    } else {
        Err(Failure::Page {
            code: "invalid_api_link",
            message: "?api= may only name a server on this machine (127.0.0.1, localhost, [::1])".into(),
        })
    }
}

fn log_error(e: &JsValue) {
    web_sys::console::error_1(e);
}
