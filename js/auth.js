// NylasAuth: the browser I/O of the flow (storage, fetch, navigation, popup windows, timers, events)
// around the wasm, which makes every protocol decision. The first half (./login_wasm.js) serves what every
// page needs: the authorization URL, the token's validity, the access token. The second half
// (./session.js) is imported on first use: a callback, a refresh, a server's answer.

import { check, errorOf } from './error.js';
import { AUTHORIZATION, CALLBACK_PARAMS, CLIENT, CONFIG, LOGIN_DEFAULTS, PAGE } from './fields.js';
import * as wasm from './login_wasm.js';
import { checkNames, checkPage, object, optionError, pack } from './options.js';
import { features, forward, popupState, watch } from './popup.js';
import { resolveStorage } from './storage.js';

/** A NylasPkceError for a failure only the page sees (0 popup_blocked, 1 popup_closed, 2 timeout,
 * 3 network_error, 4 storage_unavailable, 5 login_required, 6 session_ended); its message comes from the
 * wasm. */
export const pageError = (code) => errorOf(wasm.fail(code));

const EVENTS = ['tokens', 'expired', 'logout', 'error'];

/** Callbacks being handled, by client namespace and URL: a second call shares the first one's promise. */
const inflight = new Map();

/** The second half, loaded once on first use. */
let second;
function session() {
  second ??= import('./session.js').catch(() => {
    second = undefined;
    throw pageError(3);
  });
  return second;
}

/** The authorization result the wasm packed (npm/src/login.rs, `authorize`). */
export function started(text) {
  const [
    key,
    transaction,
    url,
    state,
    codeVerifier,
    codeChallenge,
    method,
    redirectUri,
    createdAt,
    issuer,
    windowName,
    stale,
  ] = check(text).split('\0');
  const result = { url, state };
  if (codeVerifier) result.codeVerifier = codeVerifier;
  if (codeChallenge) Object.assign(result, { codeChallenge, codeChallengeMethod: method });
  Object.assign(result, { redirectUri, createdAt: Number(createdAt) });
  if (issuer) result.issuer = issuer;
  result.transaction = transaction;
  return { result, key, windowName, stale };
}

/** A stored transaction's creation time, NaN when the record cannot be read (the wasm purges it). */
function createdAt(record) {
  try {
    const n = Number(JSON.parse(record).createdAt);
    return Number.isSafeInteger(n) ? n : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** A token record's fields as `JSON.parse` reads them, `null` when it is not an object. */
function tokenFields(record) {
  try {
    const t = JSON.parse(record);
    return t && typeof t === 'object' ? t : null;
  } catch {
    return null;
  }
}

const str = (v) => (typeof v === 'string' ? v : undefined);

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
  /** The configuration, the tunables and the login defaults, packed for the wasm (checked once). */
  #config;
  #defaults;
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
  /** The popup flow in progress, if any (see popup.js `watch`). A new one replaces it. */
  #popup = null;
  /**
   * The session: a logout, or another tab's login or logout, starts a new one. A code exchange or a
   * refresh whose session has ended by the time its answer comes stores nothing (session_ended).
   */
  #session = 0;
  /** The refresh in flight, shared by every getAccessToken() that needs it. */
  #refreshing = null;

  constructor(options) {
    if (!options || typeof options !== 'object' || Array.isArray(options)) throw optionError('options', 'o', true);
    checkNames(options, [CONFIG, CLIENT, LOGIN_DEFAULTS, PAGE], true);
    checkPage(options, true);
    this.#options = options;
    this.#config = pack(CONFIG, options, true);
    this.#defaults = pack(AUTHORIZATION, options, true);
    this.#settingsText = check(wasm.configure(this.#config, pack(CLIENT, options, true), this.#defaults));
    this.#settings = JSON.parse(this.#settingsText);
    const fail = () => pageError(4);
    this.#transactions = resolveStorage(options.storage ?? 'session', fail);
    const kind = options.tokenStorage;
    this.#tokenStorage = kind && kind !== 'memory' ? resolveStorage(kind, fail) : null;
    let stored = null;
    try {
      stored = this.#tokenStorage?.get(this.#settings.tokenKey) ?? null;
    } catch {
      // storage that fails now: start logged out
    }
    if (stored && this.#tokenState(stored) > 0) this.#record = stored;
    if (kind === 'local') globalThis.addEventListener?.('storage', (e) => this.#otherTab(e));
  }

  /**
   * Another tab that shares token storage (`local`) logged in, refreshed or logged out: take its tokens
   * (or forget ours), start a new session, and tell the listeners.
   */
  #otherTab(e) {
    const key = this.#settings.tokenKey;
    if (e.key !== key && e.key !== null) return;
    let record = null;
    try {
      record = this.#tokenStorage.get(key);
    } catch {
      return;
    }
    if (record === (this.#record || null)) return;
    // A logout or another account's login ends this tab's session; the same grant's refresh does not.
    const grant = (r) => tokenFields(r)?.grantId;
    if (!record || !this.#record || grant(record) !== grant(this.#record)) this.#session++;
    if (record && this.#tokenState(record) > 0) {
      this.#record = record;
      this.#emit('tokens', JSON.parse(record));
    } else if (this.#record) {
      this.#record = '';
      this.#popup?.cancel(false);
      this.#emit('logout');
    }
  }

  /** What a token record is worth: 0 not a token set, 1 expired, 2 valid (the wasm's `restore`). */
  #tokenState(record) {
    const t = tokenFields(record);
    if (!t) return 0;
    const at = Number.isSafeInteger(t.expiresAt) ? t.expiresAt : -1;
    const { clockSkewMs } = this.#settings;
    return wasm.restore(
      str(t.accessToken) ?? '',
      str(t.tokenType) ?? '',
      at,
      str(t.refreshToken),
      Date.now(),
      clockSkewMs,
    );
  }

  /**
   * Builds the URL in one crossing: the wasm also purges this client's expired transactions (their
   * creation times go in, which to remove comes out). Stores this one (keyed by a hash of its state).
   */
  #start(options, reauthenticate, popup, userAgent) {
    const call = pack(AUTHORIZATION, options, false);
    const store = this.#transactions;
    const keys = store.keys(this.#settings.transactionPrefix);
    const created = keys.map((k) => createdAt(store.get(k)));
    const grant = reauthenticate ? tokenFields(this.#record) : null;
    const ttl = this.#settings.transactionTtlMs;
    const now = Date.now();
    const r = started(
      wasm.authorize(
        this.#config,
        this.#defaults,
        call,
        popup,
        now,
        created,
        ttl,
        str(grant?.email),
        str(grant?.provider),
        userAgent,
      ),
    );
    for (const [i, k] of keys.entries()) if (r.stale[i] === '1') store.remove(k);
    store.set(r.key, r.result.transaction);
    return r;
  }

  /** A call's options: an object of `lists`' names (plus `own`, the call's page options). */
  #call(options, own) {
    const o = object(options, false);
    checkNames(o, [AUTHORIZATION, own], false);
    checkPage(o, false);
    return o;
  }

  /** Builds the `/connect/auth` URL and stores its transaction (keyed by state, 10 min TTL). */
  authorizationUrl(options) {
    return this.#start(this.#call(options, []), false, false).result.url;
  }

  /** Sends the browser to Nylas (or hands the URL to `openUrl`, e.g. to open the system browser). */
  loginWithRedirect(options) {
    return this.#run(this.#navigate(options, false));
  }

  /** Logs in again with `login_hint` set to the current grant's email. */
  reauthenticate(options) {
    return this.#run(this.#navigate(options, true));
  }

  /**
   * The user agent to check for an embedded webview, which Google refuses (the wasm refuses such a login
   * for Google): unless the URL goes to an `openUrl` hook (the system browser) or the app allows it.
   */
  #webview(open, allow) {
    return open || (allow ?? this.#options.allowEmbeddedWebview) ? undefined : str(globalThis.navigator?.userAgent);
  }

  async #navigate(options, reauthenticate) {
    const { openUrl, allowEmbeddedWebview, ...rest } = this.#call(options, ['openUrl', 'allowEmbeddedWebview']);
    const open = openUrl ?? this.#options.openUrl;
    const { url } = this.#start(rest, reauthenticate, false, this.#webview(open, allowEmbeddedWebview)).result;
    if (open) await open(url);
    else globalThis.location.assign(url);
  }

  /**
   * Completes a flow from its callback URL (default: the current page). In a popup opened by
   * loginWithPopup it forwards the callback to the opener and closes itself instead.
   */
  handleRedirectCallback(url = globalThis.location?.href) {
    if (typeof url !== 'string') return this.#run(Promise.reject(optionError('url', 's', false)));
    if (this.#options.cleanUrl !== false) cleanAddressBar(url);
    const id = `${this.#settings.transactionPrefix}\n${url}`;
    let pending = inflight.get(id);
    if (!pending) {
      // This page handles its own address: a popup's callback is handed to the opener when this client
      // started it (its transaction is in storage shared with the opener), or on its state alone when the
      // transactions are in memory, out of this page's sight.
      pending = this.#run(this.#callback(url, this.#options.storage === 'memory' ? 2 : 1));
      inflight.set(id, pending);
      const forget = () => inflight.delete(id);
      pending.then(forget, forget);
    }
    return pending;
  }

  /**
   * One crossing: the wasm parses the callback, finds its transaction among this client's stored ones and
   * says which to take out of storage (before its result is read, so that even a failed callback uses
   * it up) and what to do next.
   */
  async #callback(url, popup) {
    const s = await session();
    const store = this.#transactions;
    const keys = store.keys(this.#settings.transactionPrefix);
    const stored = keys.map((k) => `${k}\t${store.get(k) ?? ''}`).join('\n');
    const r = s.callback(this.#settingsText, url, stored, popup, Date.now());
    const split = r.indexOf('\0');
    const op = r.slice(0, split);
    if (op[0] === 'p') {
      forward(url, op.slice(1));
      return { type: 'popup' };
    }
    if (op.length > 1) store.remove(op.slice(1));
    const step = JSON.parse(check(r.slice(split + 1)));
    if (!step.exchange) return step;
    const gen = this.#session;
    const { status, body } = await this.#fetch(step.exchange);
    const record = check(s.exchanged(status, body, Date.now(), ''));
    // Logged out (here or in another tab) while the code was being exchanged: drop the tokens.
    if (gen !== this.#session) throw pageError(6);
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
      const response = await fetch(request.url, {
        method,
        headers,
        body,
        credentials: 'omit',
        redirect: 'error',
        signal,
      });
      return { status: response.status, body: await response.text() };
    } catch (e) {
      throw pageError(signal.aborted || e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 2 : 3);
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

  /** Removes this client's pending transactions (or the one under `only`); returns the storage failure, if any. */
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
  loginWithPopup(options) {
    return this.#popupLogin(options, false);
  }

  #popupLogin(options, reauthenticate) {
    let req;
    let size;
    let given;
    try {
      const {
        popup,
        window: win,
        allowEmbeddedWebview,
        ...rest
      } = this.#call(options, ['popup', 'window', 'allowEmbeddedWebview']);
      size = { width: 500, height: 650, timeoutMs: 300_000, ...this.#options.popup, ...popup };
      given = win ?? null;
      req = this.#start(rest, reauthenticate, true, this.#webview(false, allowEmbeddedWebview));
    } catch (e) {
      given?.close?.();
      return this.#run(Promise.reject(e));
    }
    // A window the app opened itself in the click (it had to await something first) is ours from now on.
    // Else a flow already waiting hands its window over (a second click must not need a second popup,
    // which a browser may block); otherwise a new window, with a name of its own per flow (drawn by the
    // wasm), so no other frame can target it by a well-known name.
    const previous = given ?? this.#popup?.win;
    const reuse = previous && !previous.closed ? previous : null;
    if (given && !reuse) {
      this.#forgetTransactions(req.key);
      return this.#run(Promise.reject(pageError(1)));
    }
    this.#popup?.cancel(!!reuse && reuse === this.#popup.win);
    let win = null;
    if (reuse) {
      try {
        reuse.location.replace(req.result.url);
        win = reuse;
      } catch {
        // closed meanwhile
      }
    }
    win ??= globalThis.open?.(req.result.url, req.windowName, features(size));
    if (!win) {
      this.#forgetTransactions(req.key);
      return this.#run(Promise.reject(pageError(0)));
    }
    const flow = watch(win, req.result.state, size.timeoutMs, (url) => this.#callback(url, 0), pageError);
    this.#popup = flow;
    // A popup that fails, closes or times out leaves no transaction (no verifier) behind.
    const done = flow.promise.finally(() => {
      if (this.#popup === flow) this.#popup = null;
    });
    return this.#run(
      done.catch((e) => {
        this.#forgetTransactions(req.key);
        throw e;
      }),
    );
  }

  /**
   * For the popup's callback page: if `url` is the callback of a popup login that a page of this origin
   * started (its transaction is in this window's storage, or the window still has its opener), hands it
   * to the opener (postMessage to the same origin, and a BroadcastChannel for openers cut off by COOP),
   * closes the window and returns true. Otherwise returns false. `handleRedirectCallback` does the same
   * for the callbacks of this client's popups.
   */
  static completePopup(url = globalThis.location?.href) {
    const state = typeof url === 'string' ? popupState(url) : null;
    if (!state || typeof location === 'undefined') return false;
    forward(url, state);
    return true;
  }

  /** The current token set, or null (possibly expired: see isAuthenticated). */
  getTokenSet() {
    return this.#record ? JSON.parse(this.#record) : null;
  }

  /** Whether a non-expired access token is held (30 s clock-skew margin by default). */
  isAuthenticated() {
    return this.#validToken() !== null;
  }

  /** The access token of the record held, if it is still valid (no second half needed), else null. */
  #validToken() {
    return this.#record && this.#tokenState(this.#record) === 2 ? JSON.parse(this.#record).accessToken : null;
  }

  /** A valid access token; refreshes where the server allows public refresh, else `login_required`. */
  getAccessToken() {
    return this.#run(this.#accessToken());
  }

  async #accessToken() {
    if (!this.#record) throw pageError(5);
    // A valid token needs nothing from the second half: a logged-in page never loads it.
    const valid = this.#validToken();
    if (valid !== null) return valid;
    // One refresh at a time in this tab; across tabs sharing token storage, one at a time (Web Locks).
    this.#refreshing ??= this.#locked(() => this.#refresh()).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** Runs `fn` holding this client's token lock where tabs share token storage and Web Locks exist. */
  #locked(fn) {
    const locks = globalThis.navigator?.locks;
    if (this.#options.tokenStorage !== 'local' || typeof locks?.request !== 'function') return fn();
    return locks.request(`nylas-pkce:${this.#settings.tokenKey}`, fn);
  }

  async #refresh() {
    // Another tab may have refreshed (or logged out) while this one waited for the lock.
    if (this.#options.tokenStorage === 'local') this.#otherTab({ key: null });
    if (!this.#record) throw pageError(5);
    const valid = this.#validToken();
    if (valid !== null) return valid;
    const s = await session();
    const before = this.#record;
    const step = JSON.parse(check(s.access(this.#settingsText, before, Date.now())));
    if (step.token) return step.token;
    if (step.expired) {
      this.#setTokens('');
      this.#emit('expired');
      throw pageError(5);
    }
    const { status, body } = await this.#fetch(step.refresh);
    const record = check(s.exchanged(status, body, Date.now(), before));
    // Logged out, or other tokens arrived (a login, another tab's refresh), while the refresh was in
    // flight: keep what is there now.
    if (this.#record !== before) {
      const current = this.#validToken();
      if (current !== null) return current;
      throw pageError(6);
    }
    this.#setTokens(record);
    return JSON.parse(record).accessToken;
  }

  /**
   * Incremental consent: logs in again asking for `scopes` (e.g. an `insufficient_scope` error's
   * `requiredScopes`) with `include_grant_scopes`, `login_hint` set to the grant's email, so the new token
   * covers what the grant had and what was missing. `options.method`: `'redirect'` (default) or `'popup'`
   * (call it from a click handler; resolves with the new token set).
   */
  requestScopes(scopes, options) {
    const { method = 'redirect', ...rest } = object(options, false);
    if (method !== 'redirect' && method !== 'popup') {
      return this.#run(Promise.reject(optionError('method', "must be 'redirect' or 'popup'", false)));
    }
    // An empty or missing list is refused by the wasm (invalid_option, scopes): there is nothing to add.
    const call = { ...rest, scopes: scopes ?? [], includeGrantScopes: true };
    return method === 'popup' ? this.#popupLogin(call, true) : this.#run(this.#navigate(call, true));
  }

  /**
   * Which provider an email address belongs to (`GET /v3/providers/detect?email=…&client_id=…`, no
   * secret): `{ provider, type, email, detected }`, to pick the provider and its scopes before the login.
   */
  detectProvider(email) {
    return this.#run(
      (async () => {
        const s = await session();
        return this.#send(JSON.parse(check(s.detect(this.#settingsText, String(email ?? '')))), s);
      })(),
    );
  }

  /** Revokes the current token at Nylas (`POST /connect/revoke`); local tokens are kept. */
  revoke() {
    return this.#run(this.#about(0, this.#record));
  }

  /**
   * Logs out: cancels a pending popup login, forgets the tokens (memory and token storage) and this
   * client's pending authorizations, then revokes the tokens at the server (the access token; for a
   * generic server the refresh token too). Everything local is cleared even when something fails; the
   * promise rejects with the first failure, a storage failure first (the tokens would come back on reload).
   */
  logout() {
    this.#session++;
    this.#popup?.cancel(false);
    const old = this.#record;
    const stored = this.#setTokens('');
    const pending = this.#forgetTransactions();
    this.#emit('logout');
    const revoke = async () => {
      const failures = [stored, pending].filter(Boolean);
      if (old) {
        await this.#about(0, old).catch((e) => failures.push(e));
        const s = await session();
        const refresh = check(s.request(this.#settingsText, 3, old));
        if (refresh) await this.#send(JSON.parse(refresh), s, true).catch((e) => failures.push(e));
      }
      if (failures.length) throw failures[0];
    };
    return this.#run(revoke());
  }

  /** `GET /connect/tokeninfo` for the current token. */
  tokenInfo() {
    return this.#run(this.#about(1, this.#record));
  }

  /** `GET /grants/me` with the current token. */
  grantInfo() {
    return this.#run(this.#about(2, this.#record));
  }

  /** A request about the tokens in `record` (0 revoke, 1 token info, 2 grant info), sent and read. */
  async #about(kind, record) {
    const s = await session();
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
    if (!EVENTS.includes(event)) throw optionError('event', `must be one of ${EVENTS.join(', ')}`, false);
    if (typeof listener !== 'function') throw optionError('listener', 'must be a function', false);
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.#listeners.get(event)?.delete(listener);
  }

  #emit(event, payload) {
    for (const l of this.#listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch {
        // a listener's error is its own
      }
    }
  }

  #run(promise) {
    return Promise.resolve(promise).catch((error) => {
      this.#emit('error', error);
      throw error;
    });
  }
}
