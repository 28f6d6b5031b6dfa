// The app page of examples/webview-shell: nylas-pkce in a native shell, logging in through the system browser
// (RFC 8252). The shell (src/main.rs) is the bridge both ways:
//   - the package's `openUrl` hook posts the authorization URL to the shell (`window.ipc.postMessage`), which
//     opens it in its browser window;
//   - the shell catches that window's redirect to com.example.shell:/callback and calls `app.callback(url)`,
//     which finishes the login with `auth.handleRedirectCallback(url)`.
// The page reports each end state to the shell (`success {json}` / `failure {json}`), which prints it. The
// messages are listed in src/protocol.rs. Tokens are never shown or reported, only whether there is one.
import { NylasAuth, NylasPkceError } from '/pkg/index.js';

/** The app's redirect URI: its custom scheme (`REDIRECT_SCHEME` in src/protocol.rs), registered with Nylas. */
const REDIRECT_URI = 'com.example.shell:/callback';

const $ = (id) => document.getElementById(id);

/** Whether `hostname` is this machine: 127.0.0.0/8, localhost or [::1]. */
const isLoopback = (hostname) =>
  hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** The API base: `data-api`, or a `?api=` link, which may only name a server on this machine. */
function apiBase() {
  const override = new URLSearchParams(location.search).get('api');
  if (override === null) return document.body.dataset.api;
  const url = URL.canParse(override) ? new URL(override) : null;
  if (url?.protocol !== 'http:' || !isLoopback(url.hostname)) {
    throw new Error('?api= may only name an http server on this machine (127.0.0.1, localhost, [::1])');
  }
  return override;
}

/** Posts a message to the shell (wry's IPC). Outside the shell there is none: this page needs it. */
function tell(message) {
  if (!window.ipc) throw new Error('no shell: open this page with examples/webview-shell');
  window.ipc.postMessage(message);
}

function show(state, text) {
  document.body.dataset.state = state;
  $('status').textContent = text;
  $('login').hidden = state === 'signed-in' || state === 'signing-in';
  $('logout').hidden = state !== 'signed-in';
}

/**
 * Shows and reports a failure: the package's error `code` (`cancelled` when the user closed the browser,
 * `unexpected` for anything but a `NylasPkceError`) and, for an OAuth error, the server's `error`.
 */
function fail(code, message, error = null) {
  show('error', `${code}: ${message}`);
  tell(`failure ${JSON.stringify({ ok: false, code, error, message })}`);
}

function failWith(e) {
  if (e instanceof NylasPkceError) fail(e.code, e.message, e.error ?? null);
  else fail('unexpected', e?.message ?? String(e));
}

let auth;
try {
  auth = new NylasAuth({
    clientId: 'demo-client',
    redirectUri: REDIRECT_URI,
    apiBase: apiBase(),
    // The login's transaction (state, verifier) must outlive the trip through the browser: on a phone the OS
    // may stop the app meanwhile. Tokens stay in memory (`tokenStorage`'s default).
    storage: 'local',
    // The system browser, never this webview: the shell opens the URL in its browser window.
    openUrl: (url) => tell(`open ${url}`),
  });
} catch (e) {
  failWith(e);
}

/** Starts a login: the package builds the URL and stores the transaction, `openUrl` hands the URL out. */
async function login() {
  show('signing-in', 'Sign in in the browser window…');
  try {
    await auth.loginWithRedirect();
  } catch (e) {
    failWith(e);
  }
}

/** The redirect the shell caught: one code exchange, then the token is used once, at the grant endpoint. */
async function callback(url) {
  try {
    const result = await auth.handleRedirectCallback(url);
    const token = await auth.getAccessToken();
    const grant = await auth.grantInfo();
    show('signed-in', `Signed in as ${grant.email ?? result.email ?? 'an unknown account'}.`);
    const report = {
      ok: true,
      authenticated: auth.isAuthenticated(),
      tokenValid: typeof token === 'string' && token.length > 0,
      expiresInSec: Math.round((result.expiresAt - Date.now()) / 1000),
      email: result.email ?? null,
      grant: { id: grant.id, email: grant.email ?? null, provider: grant.provider ?? null },
    };
    tell(`success ${JSON.stringify(report)}`);
  } catch (e) {
    failWith(e);
  }
}

/** The user closed the browser window before signing in. The transaction expires by itself. */
function cancelled() {
  fail('cancelled', 'the browser window was closed before signing in');
}

if (auth) {
  $('login').onclick = login;
  $('logout').onclick = () => auth.logout().then(() => show('signed-out', 'Signed out.'), failWith);
  // What the shell calls (src/protocol.rs), fixed so that nothing else on the page can replace it.
  Object.defineProperty(window, 'app', { value: Object.freeze({ login, callback, cancelled }) });
  show('signed-out', 'Not signed in.');
  tell('ready');
}
