//! A native shell around a web app that logs in with `nylas-pkce` the way RFC 8252 asks of native apps: the
//! authorization request goes to the system browser, never to the app's own webview, and the redirect comes
//! back to the app through a custom scheme (`com.example.shell:/callback`).
//!
//! Two windows, each a tao window holding a wry WebView (WebKitGTK):
//!
//! - the **app window** loads the app page (`page/index.html`, served over http from loopback). The page's
//!   `openUrl` hook hands the authorization URL to the shell through wry's IPC;
//! - the **browser window** plays the system browser (ASWebAuthenticationSession on iOS, Custom Tabs on
//!   Android, the default browser on a desktop). It loads the authorization URL; its navigation handler
//!   catches the navigation to the app's scheme, refuses it, and the shell closes the window and hands the
//!   URL to the page, which finishes the login with `auth.handleRedirectCallback(url)`.
//!
//! The page reports its end state through IPC; the shell prints it as one line, `RESULT {json}`, so that a
//! test can drive the shell headlessly (`--auto`, under Xvfb). `protocol.rs` has the messages.

// tao's `platform::unix` and wry's `build_gtk`: GTK windows holding WebKitGTK webviews.
#[cfg(not(any(
    target_os = "linux",
    target_os = "dragonfly",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "openbsd"
)))]
compile_error!(
    "this example is written for WebKitGTK (Linux and the BSDs): on macOS or Windows, build each webview with \
     `WebViewBuilder::build(&window)` (tao's `rwh_06` feature) instead of `build_gtk`"
);

mod cli;
mod protocol;

use std::convert::Infallible;
use std::io::Write;
use std::process::ExitCode;

use tao::dpi::LogicalSize;
use tao::event::{Event, WindowEvent};
use tao::event_loop::{ControlFlow, EventLoopBuilder, EventLoopProxy, EventLoopWindowTarget};
use tao::platform::unix::WindowExtUnix;
use tao::window::{Window, WindowBuilder};
use wry::{WebView, WebViewBuilder, WebViewBuilderExtUnix};

use crate::cli::{Command, Options};
use crate::protocol::PageMessage;

/// Exit status: the page's (last) result was a success.
const EXIT_SUCCESS: i32 = 0;
/// Exit status: the page reported a failure.
const EXIT_FAILURE: i32 = 1;
/// Exit status: a usage error, a shell error, the time-out, or the app window closed before an `--auto` result.
const EXIT_ERROR: i32 = 2;

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("webview-shell: {message}\n\n{}", cli::USAGE);
            return exit_code(EXIT_ERROR);
        }
    };
    // `run` only returns on an error: once the event loop runs, the shell exits from it.
    let Err(message) = run(options);
    eprintln!("webview-shell: {message}");
    exit_code(EXIT_ERROR)
}

/// An exit status as an [`ExitCode`].
fn exit_code(status: i32) -> ExitCode {
    ExitCode::from(u8::try_from(status).unwrap_or(u8::MAX))
}

/// What the webviews' handlers send to the event loop. The handlers run inside WebKit's signal handlers, where
/// a webview must not be dropped or re-entered: they only post events, and the event loop does the work.
#[derive(Debug)]
enum ShellEvent {
    /// A message from the app page.
    Page(PageMessage),
    /// The browser window was sent to the app's scheme: this URL (the authorization response).
    Redirect(String),
    /// `--timeout` ran out.
    TimedOut,
}

/// The browser window and its webview. Dropping it closes the window. Fields drop in order: the webview
/// before its window.
struct Browser {
    _webview: WebView,
    window: Window,
}

/// The shell's state, owned by the event loop.
struct Shell {
    options: Options,
    proxy: EventLoopProxy<ShellEvent>,
    /// The app window's webview; declared before its window so that it drops first.
    app: WebView,
    app_window: Window,
    browser: Option<Browser>,
    /// `--auto`: whether `window.app.login()` was called (once, on the first `ready`).
    login_started: bool,
    /// Whether the page's last result was a success; `None` before the first one.
    last_result: Option<bool>,
}

/// Opens the app window and runs the event loop, which exits the process. Returns only on a start-up error.
fn run(options: Options) -> Result<Infallible, String> {
    // tao would panic without a display; ask GTK first, for an error that says so.
    gtk::init().map_err(|e| format!("cannot start GTK ({e}): no display? (set DISPLAY, or run under Xvfb)"))?;
    let event_loop = EventLoopBuilder::<ShellEvent>::with_user_event().build();
    let proxy = event_loop.create_proxy();

    let app_window = WindowBuilder::new()
        .with_title("nylas-pkce shell example")
        .with_inner_size(LogicalSize::new(760.0, 560.0))
        .build(&event_loop)
        .map_err(|e| format!("cannot open the app window: {e}"))?;
    let app = app_webview(&app_window, &options, proxy.clone())?;

    if let Some(timeout) = options.timeout {
        // A GLib timer, not `ControlFlow::WaitUntil`: tao's GTK loop blocks in `gtk::main_iteration_do` until
        // some GTK event comes and would notice the deadline only then. The timer's source wakes that loop.
        let proxy = proxy.clone();
        gtk::glib::timeout_add_local_once(timeout, move || post(&proxy, ShellEvent::TimedOut));
    }
    let mut shell = Shell { options, proxy, app, app_window, browser: None, login_started: false, last_result: None };
    event_loop.run(move |event, target, control_flow| {
        // Once an exit is set, tao only winds down: nothing more to do.
        if matches!(*control_flow, ControlFlow::ExitWithCode(_)) {
            return;
        }
        *control_flow = ControlFlow::Wait;
        if let Some(status) = shell.on_event(event, target) {
            *control_flow = ControlFlow::ExitWithCode(status);
        }
    })
}

/// The app window's webview: the app page, with IPC, kept on the page's origin.
fn app_webview(window: &Window, options: &Options, proxy: EventLoopProxy<ShellEvent>) -> Result<WebView, String> {
    let ipc_page = options.page.clone();
    let nav_page = options.page.clone();
    let builder = WebViewBuilder::new()
        .with_url(options.page.as_str())
        // A fresh, in-memory profile each run. A real app would keep a data directory
        // (`WebContext::new(Some(dir))`), so that `storage: 'local'` outlives a restart of the app.
        .with_incognito(true)
        .with_ipc_handler(move |request| {
            // On WebKitGTK the request's URI is the main frame's URL: only the app page may talk to the shell.
            // (The browser window has no IPC handler at all: the sign-in pages cannot reach the shell.)
            if !protocol::same_origin(&ipc_page, &request.uri().to_string()) {
                eprintln!("webview-shell: ignored an IPC message from outside the app's origin");
                return;
            }
            match protocol::parse_message(request.body()) {
                Ok(message) => post(&proxy, ShellEvent::Page(message)),
                Err(problem) => eprintln!("webview-shell: ignored a message from the page: {problem}"),
            }
        })
        // The app window shows the app only. The login happens in the browser window (RFC 8252 §8.12: no
        // embedded user agents for authorization); a page that navigated itself to Nylas (no `openUrl`) is
        // stopped here.
        .with_navigation_handler(move |url| {
            let allowed = protocol::same_origin(&nav_page, &url);
            if !allowed {
                eprintln!("webview-shell: refused to take the app window away from the app's origin");
            }
            allowed
        });
    build_webview(builder, window)
}

/// Builds a webview into a tao window: into the vertical GTK box tao puts in each window.
fn build_webview(builder: WebViewBuilder<'_>, window: &Window) -> Result<WebView, String> {
    let vbox = window.default_vbox().ok_or("the window has no GTK box to hold a webview")?;
    builder.build_gtk(vbox).map_err(|e| format!("cannot create a webview: {e}"))
}

/// Posts an event to the event loop. It fails only once the loop has ended, when the shell is exiting anyway.
fn post(proxy: &EventLoopProxy<ShellEvent>, event: ShellEvent) {
    if proxy.send_event(event).is_err() {
        eprintln!("webview-shell: the event loop has ended; dropped an event");
    }
}

impl Shell {
    /// Handles one event; `Some(status)` exits with it.
    fn on_event(&mut self, event: Event<'_, ShellEvent>, target: &EventLoopWindowTarget<ShellEvent>) -> Option<i32> {
        let outcome = match event {
            Event::UserEvent(ShellEvent::TimedOut) => Err(self.timed_out()),
            Event::UserEvent(ShellEvent::Page(message)) => self.on_message(message, target),
            Event::UserEvent(ShellEvent::Redirect(url)) => self.on_redirect(&url),
            Event::WindowEvent { window_id, event: WindowEvent::CloseRequested, .. } => {
                if window_id == self.app_window.id() {
                    Ok(Some(self.closed_status()))
                } else if self.browser.as_ref().is_some_and(|b| b.window.id() == window_id) {
                    // The user closed the browser before signing in (ASWebAuthenticationSession's
                    // `canceledLogin`, a Custom Tab dismissed): the app hears of it.
                    self.browser = None;
                    self.call_page(protocol::CANCELLED_SCRIPT).map(|()| None)
                } else {
                    Ok(None)
                }
            }
            _ => Ok(None),
        };
        outcome.unwrap_or_else(|message| {
            eprintln!("webview-shell: {message}");
            Some(EXIT_ERROR)
        })
    }

    /// What to say when `--timeout` runs out.
    fn timed_out(&self) -> String {
        let secs = self.options.timeout.map_or(0, |timeout| timeout.as_secs());
        format!("the page reported no result within {secs} s")
    }

    /// A message from the app page.
    fn on_message(
        &mut self,
        message: PageMessage,
        target: &EventLoopWindowTarget<ShellEvent>,
    ) -> Result<Option<i32>, String> {
        match message {
            PageMessage::Ready => {
                if self.options.auto && !self.login_started {
                    self.login_started = true;
                    self.call_page(protocol::LOGIN_SCRIPT)?;
                }
                Ok(None)
            }
            PageMessage::Open(url) => self.open_browser(url.as_str(), target).map(|()| None),
            PageMessage::Result { ok, json } => {
                let mut stdout = std::io::stdout().lock();
                writeln!(stdout, "RESULT {json}").and_then(|()| stdout.flush()).map_err(|e| format!("stdout: {e}"))?;
                self.last_result = Some(ok);
                Ok(self.options.auto.then_some(if ok { EXIT_SUCCESS } else { EXIT_FAILURE }))
            }
        }
    }

    /// Opens the authorization URL in a new browser window (replacing one still open: one sign-in at a time).
    fn open_browser(&mut self, url: &str, target: &EventLoopWindowTarget<ShellEvent>) -> Result<(), String> {
        self.browser = None;
        let window = WindowBuilder::new()
            .with_title("Sign in (the system browser)")
            .with_inner_size(LogicalSize::new(520.0, 640.0))
            .build(target)
            .map_err(|e| format!("cannot open the browser window: {e}"))?;
        let proxy = self.proxy.clone();
        let mut builder = WebViewBuilder::new()
            .with_url(url)
            // A browser of its own: it shares no cookies or storage with the app.
            .with_incognito(true)
            // WebKitGTK asks this handler (its `decide-policy` signal) about every navigation of the main
            // frame, server redirects included: the mock's 302/303 to `com.example.shell:/callback?code=…`
            // arrives here before WebKit would try, and fail, to load a scheme it does not know.
            .with_navigation_handler(move |url| {
                if !protocol::is_redirect(&url) {
                    return true;
                }
                post(&proxy, ShellEvent::Redirect(url));
                false
            });
        if let Some(selector) = &self.options.click {
            builder = builder.with_initialization_script(protocol::click_script(selector));
        }
        let webview = build_webview(builder, &window)?;
        self.browser = Some(Browser { _webview: webview, window });
        Ok(())
    }

    /// The browser window reached the app's scheme: close it and hand the URL to the page.
    fn on_redirect(&mut self, url: &str) -> Result<Option<i32>, String> {
        // Only the first redirect of a sign-in counts (the window is gone after it).
        if self.browser.take().is_none() {
            return Ok(None);
        }
        self.call_page(&protocol::callback_script(url)).map(|()| None)
    }

    /// Runs a script in the app page.
    fn call_page(&self, script: &str) -> Result<(), String> {
        self.app.evaluate_script(script).map_err(|e| format!("cannot call the app page: {e}"))
    }

    /// The exit status when the user closes the app window.
    fn closed_status(&self) -> i32 {
        match self.last_result {
            Some(true) => EXIT_SUCCESS,
            Some(false) => EXIT_FAILURE,
            None if self.options.auto => {
                eprintln!("webview-shell: the app window was closed before the page reported a result");
                EXIT_ERROR
            }
            None => EXIT_SUCCESS,
        }
    }
}
