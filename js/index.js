// nylas-pkce: the package entry, everything a page needs before login. It instantiates the first half of
// the wasm (PKCE, authorization URLs, configuration checks, transaction and token records) synchronously,
// so every export is ready on import, and defines NylasAuth: the browser I/O of the flow (storage, fetch,
// navigation, popup windows, timers, events) around the wasm, which makes every protocol decision. The
// second half (callbacks, token answers, the token lifecycle) is ./callback.js, loaded on first use.
import * as wasm from './login_wasm.js';
import { NylasPkceError, check, fromJson, json } from './error.js';

export { NylasPkceError };

// Option names become small integers (free to pass to wasm); an unknown name becomes 255, which the wasm
// rejects as invalid_option. Maps, not object literals: 'toString' must not find Object.prototype's members.
const METHODS = new Map([['S256', 0], ['plain', 1]]);
const ENCODINGS = new Map([['nylas', 0], ['rfc7636', 1]]);
const methodCode = (o) => METHODS.get(o?.method ?? 'S256') ?? 255;
const encodingCode = (o) => ENCODINGS.get(o?.encoding ?? 'nylas') ?? 255;
/** `length` for the wasm: 0 means the default (43); anything that is not a whole number is refused there. */
const lengthCode = (length) => (length === undefined ? 0 : Number.isInteger(length) && length > 0 ? length : 1);

/** A NylasPkceError for a failure only the page sees; its message comes from the wasm like every other. */
const pageError = (code) => fromJson(wasm.error(code));

/** A code verifier from `crypto.getRandomValues`: 43 characters, or `length` (43–128). */
export function generateCodeVerifier(length) {
  return check(wasm.verifier(lengthCode(length)));
}

/** The S256 (or plain) challenge of `verifier`; `encoding` `nylas` (default) or `rfc7636`. */
export function codeChallenge(verifier, options) {
  return check(wasm.challenge(String(verifier), methodCode(options), encodingCode(options)));
}

/** A fresh verifier and its challenge in one call: `{ codeVerifier, codeChallenge, codeChallengeMethod }`. */
export function generatePkcePair(options) {
  const pair = check(wasm.pair(lengthCode(options?.length), methodCode(options), encodingCode(options)));
  const space = pair.indexOf(' ');
  return { codeVerifier: pair.slice(0, space), codeChallenge: pair.slice(space + 1), codeChallengeMethod: options?.method ?? 'S256' };
}

/**
 * Builds a `/connect/auth` URL: `{ url, state, codeVerifier, codeChallenge, codeChallengeMethod,
 * redirectUri, createdAt, issuer, transaction }`. Keep `transaction` (or at least `state` and
 * `codeVerifier`) until the callback.
 */
export function buildAuthorizationUrl(options) {
  // `null` call options: the one object holds the configuration and the authorization options.
  const { key: _key, ...result } = JSON.parse(check(wasm.authorize(json(options), 'null', Date.now(), '')));
  return result;
}

/**
 * Checks a client configuration (`clientId`, `redirectUri`, one of `region` / `apiBase` / `endpoints`, …) and
 * returns it resolved: `{ clientId, redirectUri, endpoints: { authorizationEndpoint, tokenEndpoint, … },
 * flavor, challengeEncoding, tokenBody }`. Throws `invalid_config` naming the field.
 */
export function resolveConfig(options) {
  return JSON.parse(check(wasm.settings(json(options)))).config;
}

/**
 * Nylas scope names (`email.read_only`, `calendar`, …) as the provider's own scope strings, which Nylas v3
 * wants: `providerScopes('google', ['email.read_only'])` → `['https://www.googleapis.com/auth/gmail.readonly',
 * …the always-required Google scopes]`. Provider scopes pass through unchanged; a name without a mapping is
 * an `invalid_option` error naming it. Microsoft: only what the Nylas reference maps (calendar).
 */
export function providerScopes(provider, names, options) {
  return JSON.parse(check(wasm.scopes(String(provider), json(names), options?.required ?? true)));
}

/** The size of the first half's wasm linear memory in bytes (diagnostics, benchmarks). */
export function wasmMemoryBytes() {
  return wasm.memoryBytes();
}

const POPUP_PREFIX = 'popup.';
const MESSAGE_TYPE = 'nylas-pkce:callback';
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'admin_consent', 'success', 'grant_id', 'email', 'provider', 'session_state'];
/** NylasAuth options that are defaults for every login call. */
const AUTH_DEFAULTS = ['provider', 'scopes', 'scope', 'prompt', 'accessType', 'includeGrantScopes', 'extraParams', 'challengeMethod', 'verifierLength', 'allowScopeConflicts'];
/** NylasAuth options the page itself uses; the rest goes to the wasm. */
const PAGE_OPTIONS = ['storage', 'tokenStorage', 'openUrl', 'popup', 'cleanUrl'];
/** Callbacks being handled, by URL: a second call with the same URL shares the first one's promise. */
const inflight = new Map();

/** The second half, loaded once on first use. */
let session;
function engine() {
  session ??= import('./callback.js').then(
    (m) => m.__engine,
    () => {
      session = undefined;
      throw pageError('network_error');
    },
  );
  return session;
}

/** Storage as NylasAuth uses it: get → string | null, keys(prefix) → string[]; whatever throws is storage_unavailable. */
function guarded(store) {
  const guard = (fn) => (...args) => {
    try {
      return fn(...args);
    } catch {
      throw pageError('storage_unavailable');
    }
  };
  return { get: guard(store.get), set: guard(store.set), remove: guard(store.remove), keys: guard(store.keys) };
}

function webStorage(store) {
  return guarded({
    get: (k) => store.getItem(k),
    set: (k, v) => store.setItem(k, v),
    remove: (k) => store.removeItem(k),
    keys(prefix) {
      const out = [];
      for (let i = 0; i < store.length; i++) {
        const k = store.key(i);
        if (k !== null && k.startsWith(prefix)) out.push(k);
      }
      return out;
    },
  });
}

function memoryStorage() {
  const m = new Map();
  return adapter({ get: (k) => m.get(k), set: (k, v) => m.set(k, v), remove: (k) => m.delete(k), keys: () => m.keys() });
}

/** A user's synchronous { get, set, remove, keys? }; a Promise from it is refused (storage_unavailable). */
function adapter(user) {
  const sync = (v) => {
    if (v && typeof v.then === 'function') throw new Error('storage adapters must be synchronous');
    return v;
  };
  return guarded({
    get: (k) => {
      const v = sync(user.get(k));
      return typeof v === 'string' ? v : null;
    },
    set: (k, v) => void sync(user.set(k, v)),
    remove: (k) => void sync(user.remove(k)),
    keys: (prefix) => (typeof user.keys === 'function' ? [...sync(user.keys(prefix))].map(String).filter((k) => k.startsWith(prefix)) : []),
  });
}

/** 'session' | 'local' | 'memory' | adapter → storage; web storage that throws falls back to memory. */
function resolveStorage(kind) {
  if (kind && typeof kind === 'object') return adapter(kind);
  if (kind === 'memory') return memoryStorage();
  try {
    const store = kind === 'local' ? globalThis.localStorage : globalThis.sessionStorage;
    const probe = 'nylas-pkce:probe';
    store.setItem(probe, '1');
    store.removeItem(probe);
    return webStorage(store);
  } catch {
    return memoryStorage(); // private mode, disabled storage, or no DOM (Node)
  }
}

function callbackState(url) {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const query = q < 0 ? '' : url.slice(q + 1, h > q ? h : undefined);
  const hash = h < 0 ? '' : url.slice(h + 1);
  return new URLSearchParams(query).get('state') ?? new URLSearchParams(hash).get('state');
}

function cleanAddressBar(url) {
  if (typeof location === 'undefined' || typeof history === 'undefined' || url !== location.href) return;
  const clean = new URL(location.href);
  for (const p of CALLBACK_PARAMS) clean.searchParams.delete(p);
  if (CALLBACK_PARAMS.some((p) => new URLSearchParams(clean.hash.slice(1)).has(p))) clean.hash = '';
  history.replaceState(history.state, '', clean.href);
}

/** `AbortSignal.timeout`, or its equivalent where a browser lacks it. */
function timeoutSignal(ms) {
  if (typeof AbortSignal.timeout === 'function') return AbortSignal.timeout(ms);
  const c = new AbortController();
  setTimeout(() => c.abort(new DOMException('timed out', 'TimeoutError')), ms);
  return c.signal;
}

/**
 * The Nylas OAuth 2.0 + PKCE flow in a browser or webview: redirect or popup, callback handling,
 * token lifecycle. See the README for the options.
 */
export class NylasAuth {
  #options;
  /** The options the wasm reads, as JSON text (logins pass them: the wasm keeps no state). */
  #json;
  /**
   * `{ config, transactionPrefix, tokenKey, transactionTtlMs, clockSkewMs, fetchTimeoutMs, publicRefresh }`:
   * the options as the wasm checked and resolved them, and as text for the second half's steps.
   */
  #settings;
  #settingsText;
  #transactions;
  #tokenStorage;
  /** The token set's JSON ('' when logged out): what the wasm wrote, kept as written. */
  #record = '';
  #listeners = new Map();
  /** The popup flow in progress, if any: `{ win, cancel(keepWindow) }`. A new one replaces it. */
  #popup = null;

  constructor(options) {
    if (!options || typeof options !== 'object') throw pageError('invalid_config');
    const forWasm = { ...options };
    for (const k of PAGE_OPTIONS) delete forWasm[k];
    this.#options = options;
    this.#json = json(forWasm);
    this.#settingsText = check(wasm.settings(this.#json));
    this.#settings = JSON.parse(this.#settingsText);
    this.#transactions = resolveStorage(options.storage ?? 'session');
    const kind = options.tokenStorage;
    this.#tokenStorage = kind && kind !== 'memory' ? resolveStorage(kind) : null;
    let stored = null;
    try {
      stored = this.#tokenStorage?.get(this.#settings.tokenKey) ?? null;
    } catch {
      // storage that fails now: start logged out
    }
    if (stored && wasm.restore(stored, Date.now(), this.#settings.clockSkewMs)) this.#record = stored;
  }

  #merge(options = {}) {
    const merged = {};
    // `scope` is an alias of `scopes`: a call that gives either replaces the default given as either.
    const ownScopes = options.scopes !== undefined || options.scope !== undefined;
    for (const k of AUTH_DEFAULTS) {
      if (this.#options[k] !== undefined && !(ownScopes && (k === 'scopes' || k === 'scope'))) merged[k] = this.#options[k];
    }
    return Object.assign(merged, options);
  }

  /** Builds the URL, purges expired transactions and stores this one (keyed by a hash of its state). */
  #start(options, reauthenticate) {
    const now = Date.now();
    const call = json(this.#merge(options));
    const r = JSON.parse(check(wasm.authorize(this.#json, call, now, reauthenticate ? this.#record : '')));
    const store = this.#transactions;
    for (const k of store.keys(this.#settings.transactionPrefix)) {
      const v = store.get(k);
      if (v === null || wasm.stale(v, now, this.#settings.transactionTtlMs)) store.remove(k);
    }
    store.set(r.key, r.transaction);
    return r;
  }

  /** Builds the `/connect/auth` URL and stores its transaction (keyed by state, 10 min TTL). */
  authorizationUrl(options = {}) {
    return this.#start(options, false).url;
  }

  /** Sends the browser to Nylas (or hands the URL to `openUrl`, e.g. to open the system browser). */
  loginWithRedirect(options = {}) {
    return this.#run(this.#navigate(options, false));
  }

  /** Logs in again with `login_hint` set to the current grant's email. */
  reauthenticate(options = {}) {
    return this.#run(this.#navigate(options, true));
  }

  async #navigate(options, reauthenticate) {
    const { openUrl: _o, ...rest } = options;
    const { url } = this.#start(rest, reauthenticate);
    const open = options.openUrl ?? this.#options.openUrl;
    if (open) await open(url);
    else globalThis.location.assign(url);
  }

  /**
   * Completes a flow from its callback URL (default: the current page). In a popup opened by
   * loginWithPopup it forwards the callback to the opener and closes itself instead.
   */
  handleRedirectCallback(url = globalThis.location?.href) {
    if (typeof url !== 'string') return Promise.reject(pageError('invalid_config'));
    if (NylasAuth.completePopup(url)) return Promise.resolve({ type: 'popup' });
    if (this.#options.cleanUrl !== false) cleanAddressBar(url);
    let pending = inflight.get(url);
    if (!pending) {
      pending = this.#run(this.#callback(url));
      inflight.set(url, pending);
      const forget = () => inflight.delete(url);
      pending.then(forget, forget);
    }
    return pending;
  }

  /** Takes the callback's transaction out of storage (before anything is checked), then lets the wasm decide. */
  async #callback(url) {
    const s = await engine();
    const store = this.#transactions;
    const key = check(s.callbackKey(this.#settingsText, url));
    const taken = store.get(key);
    if (taken !== null) store.remove(key);
    const others = taken === null ? store.keys(this.#settings.transactionPrefix).map((k) => store.get(k) ?? '') : [];
    const step = JSON.parse(check(s.callback(this.#settingsText, url, taken ?? '', others.join('\n'), Date.now())));
    if (!step.exchange) return step;
    const { status, body } = await this.#fetch(step.exchange);
    const record = check(s.exchanged(status, body, Date.now(), ''));
    this.#setTokens(record);
    const result = { type: 'tokens', ...JSON.parse(record) };
    if ('appState' in step) result.appState = step.appState;
    return result;
  }

  /** `fetch` as the protocol wants it: no cookies, no redirects, a time-out. */
  async #fetch(request) {
    const signal = timeoutSignal(this.#settings.fetchTimeoutMs);
    try {
      const { method, headers, body } = request;
      const response = await fetch(request.url, { method, headers, body, credentials: 'omit', redirect: 'error', signal });
      return { status: response.status, body: await response.text() };
    } catch (e) {
      throw pageError(signal.aborted || e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timeout' : 'network_error');
    }
  }

  /**
   * Memory always takes `record` ('' to forget). Returns the storage failure, if any: a login is not lost
   * to it (memory holds the tokens), but a logout must report that stored tokens could not be removed.
   */
  #setTokens(record) {
    this.#record = record;
    let failure = null;
    const store = this.#tokenStorage;
    if (store) {
      try {
        if (record) store.set(this.#settings.tokenKey, record);
        else store.remove(this.#settings.tokenKey);
      } catch (e) {
        failure = e;
      }
    }
    if (record) this.#emit('tokens', JSON.parse(record));
    return failure;
  }

  /** Removes this client's pending transactions; returns the storage failure, if any. */
  #forgetTransactions(only) {
    const store = this.#transactions;
    try {
      for (const k of only ? [only] : store.keys(this.#settings.transactionPrefix)) store.remove(k);
      return null;
    } catch (e) {
      return e;
    }
  }

  /**
   * Opens the authorization page in a popup — synchronously, so call it straight from a click handler —
   * and resolves with the token set once the popup's callback page reports back.
   */
  loginWithPopup(options = {}) {
    return this.#popupLogin(options, false);
  }

  #popupLogin(options, reauthenticate) {
    const cfg = { width: 500, height: 650, timeoutMs: 300_000, ...this.#options.popup, ...options.popup };
    const { popup: _ignored, ...rest } = options;
    let req;
    try {
      req = this.#start({ ...rest, state: POPUP_PREFIX + (rest.state ?? generateCodeVerifier()) }, reauthenticate);
    } catch (e) {
      return this.#run(Promise.reject(e));
    }
    // A flow already waiting hands its window over (a second click must not need a second popup, which a
    // browser may block); otherwise a new window, with a name of its own per flow, so no other frame can
    // target it by a well-known name.
    const previous = this.#popup?.win;
    const reuse = previous && !previous.closed ? previous : null;
    this.#popup?.cancel(!!reuse);
    const name = 'nylas-pkce-' + generateCodeVerifier();
    const left = (globalThis.screenX ?? 0) + Math.max(0, ((globalThis.outerWidth ?? cfg.width) - cfg.width) / 2);
    const top = (globalThis.screenY ?? 0) + Math.max(0, ((globalThis.outerHeight ?? cfg.height) - cfg.height) / 2);
    const features = `popup=yes,width=${cfg.width},height=${cfg.height},left=${left},top=${top}`;
    let win = null;
    if (reuse) {
      try {
        reuse.location.replace(req.url);
        win = reuse;
      } catch { /* closed meanwhile */ }
    }
    win ??= globalThis.open?.(req.url, name, features);
    if (!win) {
      this.#forgetTransactions(req.key);
      return this.#run(Promise.reject(pageError('popup_blocked')));
    }
    // A popup that fails, closes or times out leaves no transaction (no verifier) behind.
    const flow = this.#awaitPopup(win, req.state, cfg.timeoutMs).catch((e) => {
      this.#forgetTransactions(req.key);
      throw e;
    });
    return this.#run(flow);
  }

  #awaitPopup(win, state, timeoutMs) {
    return new Promise((resolve, reject) => {
      const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(MESSAGE_TYPE + ':' + state) : null;
      let closedSince = 0;
      // A newer loginWithPopup (which may take the window over), or a logout, ends this flow at once, as if
      // its popup was closed.
      const cancel = (keepWindow) => {
        if (!keepWindow) try { win.close(); } catch { /* already closed */ }
        done(reject, pageError('popup_closed'));
      };
      const current = { win, cancel };
      this.#popup = current;
      const done = (fn, value) => {
        if (this.#popup === current) this.#popup = null;
        removeEventListener('message', onMessage);
        channel?.close();
        clearInterval(poll);
        clearTimeout(timer);
        fn(value);
      };
      const accept = (data) => {
        if (!data || data.type !== MESSAGE_TYPE || data.state !== state || typeof data.url !== 'string') return;
        done(resolve, this.#callback(data.url));
        try { win.close(); } catch { /* already closed */ }
      };
      const onMessage = (e) => { if (e.origin === location.origin) accept(e.data); };
      addEventListener('message', onMessage);
      if (channel) channel.onmessage = (e) => accept(e.data);
      // A closed popup may still have a message in flight: give it half a second.
      const poll = setInterval(() => {
        if (!win.closed) return;
        closedSince ||= Date.now();
        if (Date.now() - closedSince > 500) done(reject, pageError('popup_closed'));
      }, 100);
      const timer = setTimeout(() => {
        try { win.close(); } catch { /* ignore */ }
        done(reject, pageError('timeout'));
      }, timeoutMs);
    });
  }

  /**
   * For the popup's callback page: if `url` is the callback of a popup flow, hands it to the opener
   * (postMessage to the same origin, and a BroadcastChannel for openers cut off by COOP), closes the
   * window and returns true. Otherwise returns false.
   */
  static completePopup(url = globalThis.location?.href) {
    const state = typeof url === 'string' ? callbackState(url) : null;
    if (!state || !state.startsWith(POPUP_PREFIX) || typeof location === 'undefined') return false;
    const message = { type: MESSAGE_TYPE, state, url };
    try { globalThis.opener?.postMessage(message, location.origin); } catch { /* opener gone */ }
    if (typeof BroadcastChannel === 'function') {
      const channel = new BroadcastChannel(MESSAGE_TYPE + ':' + state);
      channel.postMessage(message);
      channel.close();
    }
    setTimeout(() => globalThis.close(), 50);
    return true;
  }

  /** The current token set, or null (possibly expired: see isAuthenticated). */
  getTokenSet() {
    return this.#record ? JSON.parse(this.#record) : null;
  }

  /** Whether a non-expired access token is held (30 s clock-skew margin by default). */
  isAuthenticated() {
    const r = this.#record && wasm.restore(this.#record, Date.now(), this.#settings.clockSkewMs);
    return !!r && JSON.parse(r).authenticated;
  }

  /** A valid access token; refreshes where the server allows public refresh, else `login_required`. */
  getAccessToken() {
    return this.#run(this.#accessToken());
  }

  async #accessToken() {
    const s = await engine();
    const step = JSON.parse(check(s.access(this.#settingsText, this.#record, Date.now())));
    if (step.token) return step.token;
    if (step.expired) {
      this.#setTokens('');
      this.#emit('expired');
      throw pageError('login_required');
    }
    const { status, body } = await this.#fetch(step.refresh);
    const record = check(s.exchanged(status, body, Date.now(), this.#record));
    this.#setTokens(record);
    return JSON.parse(record).accessToken;
  }

  /**
   * Incremental consent: logs in again asking for `scopes` (e.g. an `insufficient_scope` error's
   * `requiredScopes`) with `include_grant_scopes`, `login_hint` set to the grant's email, so the new token
   * covers what the grant had and what was missing. `options.method`: `'redirect'` (default) or `'popup'`
   * (call it from a click handler; resolves with the new token set).
   */
  requestScopes(scopes, options = {}) {
    const { method = 'redirect', ...rest } = options;
    // An empty or missing list is refused by the wasm (invalid_option, scopes): there is nothing to add.
    const call = { ...rest, scopes: scopes ?? [], includeGrantScopes: true };
    return method === 'popup' ? this.#popupLogin(call, true) : this.#run(this.#navigate(call, true));
  }

  /**
   * Which provider an email address belongs to (`GET /v3/providers/detect?email=…&client_id=…`, no
   * secret): `{ provider, type, email, detected }`, to pick the provider and its scopes before the login.
   */
  detectProvider(email) {
    return this.#run((async () => {
      const s = await engine();
      return this.#send(JSON.parse(check(s.detect(this.#settingsText, String(email ?? '')))), s);
    })());
  }

  /** Revokes the current token at Nylas (`POST /connect/revoke`); local tokens are kept. */
  revoke() {
    return this.#run(this.#call(0, this.#record));
  }

  /**
   * Logs out: cancels a pending popup login, forgets the tokens (memory and token storage) and this
   * client's pending authorizations, then revokes the tokens at the server (the access token; for a
   * generic server the refresh token too). Everything local is cleared even when something fails; the
   * promise rejects with the first failure, a storage failure first (the tokens would come back on reload).
   */
  logout() {
    this.#popup?.cancel(false);
    const old = this.#record;
    const stored = this.#setTokens('');
    const pending = this.#forgetTransactions();
    this.#emit('logout');
    const revoke = async () => {
      const failures = [stored, pending].filter(Boolean);
      if (old) {
        await this.#call(0, old).catch((e) => failures.push(e));
        const s = await engine();
        const refresh = check(s.request(this.#settingsText, 3, old));
        if (refresh) await this.#send(JSON.parse(refresh), s, true).catch((e) => failures.push(e));
      }
      if (failures.length) throw failures[0];
    };
    return this.#run(revoke());
  }

  /** `GET /connect/tokeninfo` for the current token. */
  tokenInfo() {
    return this.#run(this.#call(1, this.#record));
  }

  /** `GET /grants/me` with the current token. */
  grantInfo() {
    return this.#run(this.#call(2, this.#record));
  }

  /** A request about the tokens in `record` (0 revoke, 1 token info, 2 grant info), sent and read. */
  async #call(kind, record) {
    const s = await engine();
    return this.#send(JSON.parse(check(s.request(this.#settingsText, kind, record))), s, kind === 0);
  }

  /** Sends an API request and reads its answer (a revocation's: `undefined` for any 2xx, RFC 7009 §2.2). */
  async #send(request, s, revocation = false) {
    const { status, body } = await this.#fetch(request);
    const text = check(revocation ? s.revoked(status, body) : s.apiResult(status, body));
    return revocation ? undefined : JSON.parse(text);
  }

  /**
   * Subscribes to 'tokens' (token set), 'expired', 'logout', 'error' (NylasPkceError).
   * Returns the unsubscribe function.
   */
  on(event, listener) {
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.#listeners.get(event)?.delete(listener);
  }

  #emit(event, payload) {
    for (const l of this.#listeners.get(event) ?? []) {
      try { l(payload); } catch { /* a listener's error is its own */ }
    }
  }

  #run(promise) {
    return Promise.resolve(promise).catch((error) => {
      this.#emit('error', error);
      throw error;
    });
  }
}
