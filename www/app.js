// nylas-pkce demo: one page that starts the flows and is also their redirect URI (it handles the callback on
// load). No framework, no build step. Secrets (codes, states, verifiers, tokens) are never logged and never
// rendered in full: tokens are masked to their first 4 characters.
import { isCallbackUrl, NylasAuth } from './pkg/index.js';

const SETTINGS_KEY = 'nylas-pkce-demo:settings';
/** Per-tab overrides from the query string, kept for the callback page load (which has no query of ours). */
const OVERRIDES_KEY = 'nylas-pkce-demo:overrides';
const DEFAULT_SETTINGS = Object.freeze({
  clientId: 'demo-client',
  region: 'custom',
  apiBase: 'http://127.0.0.1:4010/v3',
  provider: '',
  scopes: '',
  credentialId: 'demo-credential',
});
const STORAGE_KINDS = ['session', 'local', 'memory'];

const $ = (id) => document.getElementById(id);
const REDIRECT_URI = location.origin + location.pathname;

// ---------------------------------------------------------------------------------------------------------
// Settings (localStorage) and per-tab overrides (?api=, ?storage=, ?fetchTimeoutMs=)
// ---------------------------------------------------------------------------------------------------------

function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}');
    const out = { ...DEFAULT_SETTINGS };
    for (const k of Object.keys(DEFAULT_SETTINGS)) if (typeof saved?.[k] === 'string') out[k] = saved[k];
    return out;
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

function readSessionJson(key) {
  try {
    const v = JSON.parse(sessionStorage.getItem(key) ?? '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/**
 * Query-string overrides, remembered in sessionStorage for this tab: the redirect URI is the bare page URL,
 * so the callback load would otherwise forget which server the flow started against.
 */
function loadOverrides() {
  const q = new URLSearchParams(location.search);
  const fresh = {};
  if (q.has('api')) fresh.api = q.get('api');
  if (q.has('storage')) fresh.storage = q.get('storage');
  if (q.has('fetchTimeoutMs')) fresh.fetchTimeoutMs = q.get('fetchTimeoutMs');
  const merged = { ...readSessionJson(OVERRIDES_KEY), ...fresh };
  if (Object.keys(fresh).length) {
    try {
      sessionStorage.setItem(OVERRIDES_KEY, JSON.stringify(merged));
    } catch {
      /* used for this load only */
    }
  }
  return merged;
}

/** Whether `hostname` is this machine: 127.0.0.0/8, localhost or [::1]. */
function isLoopback(hostname) {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * A problem with a `?api=` link, or null. A link may only point the demo at a mock on this machine: anything
 * else would let a crafted link send a saved client id's code exchange to a server of its choosing.
 */
function checkApiOverride(value) {
  const problem = checkApiBase(value);
  if (problem) return problem;
  return isLoopback(new URL(value).hostname)
    ? null
    : '?api= may only name a server on this machine (127.0.0.1, localhost, [::1]); set other servers in the settings panel';
}

/** The origin the page's API calls go to: the configured API base, or the region's. */
function apiOrigin(options) {
  if (options.apiBase) return new URL(options.apiBase).origin;
  return options.region === 'eu' ? 'https://api.eu.nylas.com' : 'https://api.us.nylas.com';
}

/**
 * Narrows the page's Content-Security-Policy to the one API origin in use: a second policy is enforced
 * together with the static one in index.html, so connect-src becomes 'self' plus that origin.
 */
function pinConnectSrc(origin) {
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = `connect-src 'self' ${origin}`;
  document.head.append(meta);
}

/** A problem with a setting, or null. */
function checkApiBase(value) {
  try {
    const u = new URL(value);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'the API base must be an http(s) URL';
    return null;
  } catch {
    return 'the API base is not a valid URL';
  }
}

/** The NylasAuth options for these settings and overrides; throws an Error with a readable message. */
function buildOptions(settings, overrides) {
  const options = {
    clientId: settings.clientId.trim(),
    redirectUri: REDIRECT_URI,
    // Pending transactions (state + verifier) must survive the round trip to Nylas in this tab: sessionStorage.
    storage: 'session',
    // Tokens arrive on the very page load that handles the callback, so memory suffices, and it keeps them out
    // of storage that other scripts or later visitors could read. A reload signs out.
    tokenStorage: 'memory',
  };
  const api = overrides.api ?? (settings.region === 'custom' ? settings.apiBase : null);
  if (api) {
    const problem = overrides.api !== undefined ? checkApiOverride(api) : checkApiBase(api);
    if (problem) throw new Error(problem);
    options.apiBase = api;
  } else {
    options.region = settings.region;
  }
  if (overrides.storage !== undefined) {
    if (!STORAGE_KINDS.includes(overrides.storage))
      throw new Error(`?storage= must be one of ${STORAGE_KINDS.join(', ')}`);
    options.storage = overrides.storage;
  }
  if (overrides.fetchTimeoutMs !== undefined) {
    const n = Number(overrides.fetchTimeoutMs);
    if (!Number.isInteger(n) || n <= 0) throw new Error('?fetchTimeoutMs= must be a positive whole number');
    options.fetchTimeoutMs = n;
  }
  if (settings.provider) options.provider = settings.provider;
  const scopes = settings.scopes.split(/\s+/).filter(Boolean);
  if (scopes.length) options.scopes = scopes;
  return options;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------

/** First 4 characters and an ellipsis: enough to tell tokens apart, useless to a shoulder surfer. */
function mask(secret) {
  return typeof secret === 'string' && secret ? `${secret.slice(0, 4)}…` : '(none)';
}

function formatTime(ms) {
  if (typeof ms !== 'number') return '(unknown)';
  const d = new Date(ms);
  return `${d.toLocaleString()} (${d.toISOString()})`;
}

function setStatus(state, text) {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = text;
}

function setText(id, value) {
  $(id).textContent = value === undefined || value === null || value === '' ? '—' : String(value);
}

function showResult(title, value) {
  $('result-title').textContent = title ? `(${title})` : '';
  $('result').textContent = JSON.stringify(value, null, 2);
}

function clearError() {
  $('error').hidden = true;
  for (const id of [
    'error-message',
    'error-name',
    'error-code',
    'error-error',
    'error-description',
    'error-event-code',
    'error-status',
  ])
    $(id).textContent = '';
  delete $('error').dataset.code;
}

/** Shows any error; for a NylasPkceError its code, OAuth error, description, Nylas event code and status. */
function showError(e) {
  const err = e instanceof Error ? e : new Error(String(e));
  setText('error-message', err.message);
  setText('error-name', err.name);
  setText('error-code', err.code);
  setText('error-error', err.error);
  setText('error-description', err.errorDescription);
  setText('error-event-code', err.eventCode);
  setText('error-status', err.status);
  $('error').dataset.code = err.code ?? '';
  $('error').hidden = false;
}

function logEvent(name, detail) {
  const li = document.createElement('li');
  li.dataset.event = name;
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString();
  const strong = document.createElement('strong');
  strong.textContent = name;
  li.append(time, ' ', strong, detail ? ` ${detail}` : '');
  $('events').append(li);
}

function renderTokens(auth) {
  const t = auth?.getTokenSet() ?? null;
  $('tokens').hidden = !t;
  $('tokens-empty').hidden = !!t;
  if (t) {
    setText('token-access', mask(t.accessToken));
    setText('token-refresh', mask(t.refreshToken));
    setText('token-id', mask(t.idToken));
    setText('token-expires-at', formatTime(t.expiresAt));
    setText('token-scope', (t.scope ?? []).join(' '));
    setText('token-grant-id', t.grantId);
    setText('token-email', t.email);
    setText('token-provider', t.provider);
    $('token-claims').textContent = t.idTokenClaims ? JSON.stringify(t.idTokenClaims, null, 2) : '(no ID token)';
  }
  return t;
}

const SESSION_BUTTONS = ['grant-info', 'token-info', 'reauth', 'revoke', 'logout'];
const LOGIN_BUTTONS = ['login-redirect', 'login-popup', 'admin-consent'];

/** Status line, token set and button states from the SDK's current state. */
function render(auth) {
  const t = renderTokens(auth);
  const usable = !!auth;
  for (const id of LOGIN_BUTTONS) $(id).disabled = !usable;
  for (const id of SESSION_BUTTONS) $(id).disabled = !usable || !t;
  if (!auth) return;
  if (t && auth.isAuthenticated()) {
    setStatus(
      'signed-in',
      `Connected: ${t.email ?? 'unknown email'} (${t.provider ?? 'unknown provider'}), token valid until ${new Date(t.expiresAt).toLocaleTimeString()}.`,
    );
  } else if (t) {
    setStatus('expired', 'The access token has expired: connect again.');
  } else {
    setStatus('signed-out', 'Not connected.');
  }
}

/** What a finished flow returned, without secrets. */
function describeOutcome(r) {
  switch (r?.type) {
    case 'tokens':
      return {
        type: 'tokens',
        grantId: r.grantId,
        email: r.email,
        provider: r.provider,
        scope: r.scope,
        expiresAt: r.expiresAt,
      };
    case 'admin_consent':
      return { type: 'admin_consent', admin_consent: true };
    default:
      return { type: r?.type ?? 'unknown' };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Settings panel
// ---------------------------------------------------------------------------------------------------------

function fillSettingsForm(settings) {
  const form = $('settings-form');
  form.elements.clientId.value = settings.clientId;
  form.elements.region.value = settings.region;
  form.elements.apiBase.value = settings.apiBase;
  form.elements.provider.value = settings.provider;
  form.elements.scopes.value = settings.scopes;
  form.elements.credentialId.value = settings.credentialId;
  $('setting-api-base').disabled = settings.region !== 'custom';
}

function wireSettings(settings) {
  const form = $('settings-form');
  fillSettingsForm(settings);
  $('redirect-uri').textContent = REDIRECT_URI;
  form.addEventListener('change', (e) => {
    if (e.target.name === 'region') $('setting-api-base').disabled = form.elements.region.value !== 'custom';
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = {
      clientId: form.elements.clientId.value.trim(),
      region: form.elements.region.value || 'us',
      apiBase: form.elements.apiBase.value.trim(),
      provider: form.elements.provider.value,
      scopes: form.elements.scopes.value.trim(),
      credentialId: form.elements.credentialId.value.trim(),
    };
    const problem = !next.clientId
      ? 'the client id is required'
      : next.region === 'custom'
        ? checkApiBase(next.apiBase)
        : null;
    $('settings-problem').hidden = !problem;
    $('settings-problem').textContent = problem ?? '';
    if (problem) return;
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(next));
    location.assign(REDIRECT_URI); // a fresh NylasAuth with the new settings (memory tokens are dropped)
  });
  $('settings-reset').addEventListener('click', () => {
    localStorage.removeItem(SETTINGS_KEY);
    fillSettingsForm(DEFAULT_SETTINGS);
    $('settings-problem').hidden = true;
  });
}

function showOverrides(overrides) {
  const parts = Object.entries(overrides).map(([k, v]) => `${k}=${v}`);
  $('overrides').hidden = parts.length === 0;
  $('overrides-text').textContent = `Overridden for this tab: ${parts.join(', ')}.`;
  $('clear-overrides').addEventListener('click', () => {
    sessionStorage.removeItem(OVERRIDES_KEY);
    location.assign(REDIRECT_URI);
  });
}

// ---------------------------------------------------------------------------------------------------------
// The app
// ---------------------------------------------------------------------------------------------------------

async function main() {
  const settings = loadSettings();
  const overrides = loadOverrides();
  wireSettings(settings);
  showOverrides(overrides);
  $('error-dismiss').addEventListener('click', clearError);
  $('events-clear').addEventListener('click', () => $('events').replaceChildren());

  let auth = null;
  try {
    const options = buildOptions(settings, overrides);
    $('effective-api').textContent = options.apiBase ?? `region ${options.region}`;
    $('effective-client').textContent = options.clientId;
    pinConnectSrc(apiOrigin(options));
    auth = new NylasAuth(options);
  } catch (e) {
    showError(e);
    setStatus('error', 'The settings are not usable: fix them below.');
    $('settings').open = true;
    document.body.dataset.ready = 'true';
    return;
  }

  auth.on('tokens', (t) =>
    logEvent('tokens', `grant ${t?.grantId ?? '?'} · ${t?.email ?? '?'} · ${t?.provider ?? '?'}`),
  );
  auth.on('expired', () => logEvent('expired', 'the access token expired'));
  auth.on('logout', () => logEvent('logout', 'local tokens cleared'));
  auth.on('error', (e) => logEvent('error', e?.code ?? 'unknown'));

  /**
   * Runs an action: clears the last error, shows progress, then the result or the error, then re-renders.
   * An action that navigates away keeps the busy status on success (the page is unloading).
   */
  const run = async (busyText, action, { navigates = false } = {}) => {
    clearError();
    setStatus('busy', busyText);
    for (const id of [...LOGIN_BUTTONS, ...SESSION_BUTTONS]) $(id).disabled = true;
    try {
      await action();
      if (navigates) return;
    } catch (e) {
      showError(e);
    }
    render(auth);
  };
  // Back from the consent page through the back/forward cache: the page is live again, not busy.
  addEventListener('pageshow', (e) => {
    if (e.persisted) render(auth);
  });

  $('login-redirect').addEventListener('click', () =>
    run('Redirecting to Nylas…', () => auth.loginWithRedirect(), { navigates: true }),
  );

  $('login-popup').addEventListener('click', () => {
    // No await before this call: the browser only lets a click open a window synchronously.
    const login = auth.loginWithPopup();
    run('Waiting for the popup…', async () => {
      const r = await login;
      showResult('popup login', describeOutcome(r));
    });
  });

  $('admin-consent').addEventListener('click', () =>
    run(
      'Redirecting to Microsoft admin consent…',
      () =>
        auth.loginWithRedirect({
          responseType: 'adminconsent',
          credentialId: settings.credentialId,
          provider: 'microsoft',
        }),
      { navigates: true },
    ),
  );

  $('grant-info').addEventListener('click', () =>
    run('Fetching the grant…', async () => {
      showResult('grant info: GET /grants/me', await auth.grantInfo());
    }),
  );

  $('token-info').addEventListener('click', () =>
    run('Fetching token info…', async () => {
      showResult('token info: GET /connect/tokeninfo', await auth.tokenInfo());
    }),
  );

  $('reauth').addEventListener('click', () =>
    run('Redirecting to Nylas…', () => auth.reauthenticate(), { navigates: true }),
  );

  $('revoke').addEventListener('click', () =>
    run('Revoking…', async () => {
      await auth.revoke();
      showResult('revoke: POST /connect/revoke', {
        revoked: true,
        note: 'Revoked at Nylas; the local token set is kept, so Grant info and Token info now fail.',
      });
    }),
  );

  $('logout').addEventListener('click', () =>
    run('Logging out…', async () => {
      try {
        await auth.logout();
        showResult('log out', { loggedOut: true, revokedAtNylas: true });
      } catch (e) {
        showResult('log out', { loggedOut: true, revokedAtNylas: false }); // local tokens are gone regardless
        throw e;
      }
    }),
  );

  // Tokens expire silently. Once they have, ask the SDK for one: it refreshes where the server allows it, or
  // forgets them and fires 'expired' (and rejects with login_required), so the page can say so.
  let checking = false;
  setInterval(() => {
    if (checking || !auth.getTokenSet() || auth.isAuthenticated()) return;
    checking = true;
    auth
      .getAccessToken()
      .catch(showError)
      .finally(() => {
        checking = false;
        render(auth);
      });
  }, 1000);

  if (isCallbackUrl(location.href)) {
    setStatus('busy', 'Completing sign-in…');
    try {
      const r = await auth.handleRedirectCallback(location.href);
      showResult('callback', describeOutcome(r));
    } catch (e) {
      showError(e);
    }
  }
  render(auth);
  document.body.dataset.ready = 'true';
}

// ---------------------------------------------------------------------------------------------------------
// Start. A popup's callback page only hands the callback to the opener and closes: that comes first, so it
// works whatever the settings are.
// ---------------------------------------------------------------------------------------------------------
if (NylasAuth.completePopup(location.href)) {
  setStatus('busy', 'Sign-in finished: returning to the app…');
  document.body.dataset.ready = 'popup';
} else {
  main();
}
