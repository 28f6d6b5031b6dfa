// nylas-pkce: the package entry. It loads the wasm (top-level await, so imports are ready to use),
// re-exports the protocol functions, and defines NylasAuth: the browser half of the flow (navigation,
// popup windows, events) around the wasm engine, which owns every protocol decision.
import init, * as wasm from './nylas_pkce.js';

/** Every error this package throws. `code` is stable; see the README's error table. */
export class NylasPkceError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NylasPkceError';
  }
}

const wasmUrl = new URL('./nylas_pkce_bg.wasm', import.meta.url);
// Node (tests, SSR) cannot fetch file: URLs; read the file there. No import of node: modules, so
// bundlers for the browser see nothing to resolve.
const fs = wasmUrl.protocol === 'file:' ? globalThis.process?.getBuiltinModule?.('node:fs/promises') : undefined;
await init({ module_or_path: fs ? await fs.readFile(wasmUrl) : wasmUrl });
wasm.__setErrorClass(NylasPkceError);

// Option names become small integers (free to pass to wasm); an unknown name becomes 255, which the wasm
// rejects as invalid_option. Maps, not object literals: 'toString' must not find Object.prototype's members.
const METHODS = new Map([['S256', 0], ['plain', 1]]);
const ENCODINGS = new Map([['nylas', 0], ['rfc7636', 1]]);
const methodCode = (o) => METHODS.get(o?.method ?? 'S256') ?? 255;
const encodingCode = (o) => ENCODINGS.get(o?.encoding ?? 'nylas') ?? 255;

/** The S256 (or plain) challenge of `verifier`; `encoding` `nylas` (default) or `rfc7636`. */
export function codeChallenge(verifier, options) {
  return wasm.__codeChallenge(verifier, methodCode(options), encodingCode(options));
}

/** A fresh verifier and its challenge in one call: `{ codeVerifier, codeChallenge, codeChallengeMethod }`. */
export function generatePkcePair(options) {
  const pair = wasm.__pkcePair(options?.length ?? 0, methodCode(options), encodingCode(options));
  const space = pair.indexOf(' ');
  return { codeVerifier: pair.slice(0, space), codeChallenge: pair.slice(space + 1), codeChallengeMethod: options?.method ?? 'S256' };
}

export {
  generateCodeVerifier,
  buildAuthorizationUrl,
  parseCallback,
  tokenRequest,
  parseTokenResponse,
  wasmMemoryBytes,
} from './nylas_pkce.js';

const POPUP_PREFIX = 'popup.';
const MESSAGE_TYPE = 'nylas-pkce:callback';
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'admin_consent', 'success', 'grant_id', 'email', 'provider', 'session_state'];
const AUTH_DEFAULTS = ['provider', 'scopes', 'prompt', 'accessType', 'includeGrantScopes', 'extraParams', 'challengeMethod', 'verifierLength'];
/** Callbacks being handled, by URL: a second call with the same URL shares the first one's promise. */
const inflight = new Map();

// Storage adapters as the wasm engine calls them: get → string | null, keys → newline-joined.
function webStorage(store) {
  return {
    get: (k) => store.getItem(k),
    set: (k, v) => store.setItem(k, v),
    remove: (k) => store.removeItem(k),
    keys(prefix) {
      const out = [];
      for (let i = 0; i < store.length; i++) {
        const k = store.key(i);
        if (k !== null && k.startsWith(prefix)) out.push(k);
      }
      return out.join('\n');
    },
  };
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
  return {
    get: (k) => {
      const v = sync(user.get(k));
      return typeof v === 'string' ? v : null;
    },
    set: (k, v) => void sync(user.set(k, v)),
    remove: (k) => void sync(user.remove(k)),
    keys: (prefix) =>
      typeof user.keys === 'function' ? [...sync(user.keys(prefix))].filter((k) => String(k).startsWith(prefix)).join('\n') : '',
  };
}

/** 'session' | 'local' | 'memory' | adapter → adapter; web storage that throws falls back to memory. */
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

/**
 * The Nylas OAuth 2.0 + PKCE flow in a browser or webview: redirect or popup, callback handling,
 * token lifecycle. See the README for the options.
 */
export class NylasAuth {
  #core;
  #options;
  #listeners = new Map();
  /** Cancels the popup flow in progress, if any: a new one replaces it. */
  #cancelPopup = null;

  constructor(options) {
    if (!options || typeof options !== 'object') throw wasm.__error('invalid_config');
    this.#options = options;
    const tokenStorage = options.tokenStorage && options.tokenStorage !== 'memory' ? resolveStorage(options.tokenStorage) : null;
    this.#core = new wasm.NylasAuthCore(options, resolveStorage(options.storage ?? 'session'), tokenStorage);
  }

  #merge(options = {}) {
    const merged = {};
    for (const k of AUTH_DEFAULTS) if (this.#options[k] !== undefined) merged[k] = this.#options[k];
    return Object.assign(merged, options);
  }

  /** Builds the `/connect/auth` URL and stores its transaction (keyed by state, 10 min TTL). */
  authorizationUrl(options = {}) {
    return this.#core.authorize(this.#merge(options), false).url;
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
    const { url } = this.#core.authorize(this.#merge(options), reauthenticate);
    const open = options.openUrl ?? this.#options.openUrl;
    if (open) await open(url);
    else globalThis.location.assign(url);
  }

  /**
   * Completes a flow from its callback URL (default: the current page). In a popup opened by
   * loginWithPopup it forwards the callback to the opener and closes itself instead.
   */
  handleRedirectCallback(url = globalThis.location?.href) {
    if (typeof url !== 'string') return Promise.reject(wasm.__error('invalid_config'));
    if (NylasAuth.completePopup(url)) return Promise.resolve({ type: 'popup' });
    if (this.#options.cleanUrl !== false) cleanAddressBar(url);
    return this.#complete(url);
  }

  #complete(url) {
    let pending = inflight.get(url);
    if (!pending) {
      pending = this.#run(this.#core.handleCallback(url));
      inflight.set(url, pending);
      const forget = () => inflight.delete(url);
      pending.then(forget, forget);
    }
    return pending;
  }

  /**
   * Opens the authorization page in a popup — synchronously, so call it straight from a click handler —
   * and resolves with the token set once the popup's callback page reports back.
   */
  loginWithPopup(options = {}) {
    const cfg = { width: 500, height: 650, timeoutMs: 300_000, ...this.#options.popup, ...options.popup };
    const { popup: _ignored, ...rest } = options;
    let req;
    try {
      req = this.#core.authorize(this.#merge({ ...rest, state: POPUP_PREFIX + (rest.state ?? wasm.generateCodeVerifier()) }), false);
    } catch (e) {
      return this.#run(Promise.reject(e));
    }
    this.#cancelPopup?.();
    const left = (globalThis.screenX ?? 0) + Math.max(0, ((globalThis.outerWidth ?? cfg.width) - cfg.width) / 2);
    const top = (globalThis.screenY ?? 0) + Math.max(0, ((globalThis.outerHeight ?? cfg.height) - cfg.height) / 2);
    const features = `popup=yes,width=${cfg.width},height=${cfg.height},left=${left},top=${top}`;
    const win = globalThis.open?.(req.url, 'nylas-pkce-popup', features);
    if (!win) return this.#run(Promise.reject(wasm.__error('popup_blocked')));
    return this.#run(this.#awaitPopup(win, req.state, cfg.timeoutMs));
  }

  #awaitPopup(win, state, timeoutMs) {
    return new Promise((resolve, reject) => {
      const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(MESSAGE_TYPE + ':' + state) : null;
      let closedSince = 0;
      // A newer loginWithPopup reuses the window: this flow then ends at once, as if its popup was closed.
      const cancel = () => done(reject, wasm.__error('popup_closed'));
      this.#cancelPopup = cancel;
      const done = (fn, value) => {
        if (this.#cancelPopup === cancel) this.#cancelPopup = null;
        removeEventListener('message', onMessage);
        channel?.close();
        clearInterval(poll);
        clearTimeout(timer);
        fn(value);
      };
      const accept = (data) => {
        if (!data || data.type !== MESSAGE_TYPE || data.state !== state || typeof data.url !== 'string') return;
        done(resolve, this.#core.handleCallback(data.url));
        try { win.close(); } catch { /* already closed */ }
      };
      const onMessage = (e) => { if (e.origin === location.origin) accept(e.data); };
      addEventListener('message', onMessage);
      if (channel) channel.onmessage = (e) => accept(e.data);
      // A closed popup may still have a message in flight: give it half a second.
      const poll = setInterval(() => {
        if (!win.closed) return;
        closedSince ||= Date.now();
        if (Date.now() - closedSince > 500) done(reject, wasm.__error('popup_closed'));
      }, 100);
      const timer = setTimeout(() => {
        try { win.close(); } catch { /* ignore */ }
        done(reject, wasm.__error('timeout'));
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
    return this.#core.tokens();
  }

  /** Whether a non-expired access token is held (30 s clock-skew margin by default). */
  isAuthenticated() {
    return this.#core.isAuthenticated();
  }

  /** A valid access token; refreshes where the server allows public refresh, else `login_required`. */
  getAccessToken() {
    return this.#run(this.#core.getAccessToken());
  }

  /** Revokes the current token at Nylas (`POST /connect/revoke`); local tokens are kept. */
  revoke() {
    return this.#run(this.#core.revoke());
  }

  /** Clears local tokens, then revokes them at Nylas. */
  logout() {
    return this.#run(this.#core.logout());
  }

  /** `GET /connect/tokeninfo` for the current token. */
  tokenInfo() {
    return this.#run(this.#core.tokenInfo());
  }

  /** `GET /grants/me` with the current token. */
  grantInfo() {
    return this.#run(this.#core.grantInfo());
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

  #flush() {
    for (const e of this.#core.takeEvents().split(',')) if (e) this.#emit(e, e === 'tokens' ? this.#core.tokens() : undefined);
  }

  #run(promise) {
    return Promise.resolve(promise).then(
      (value) => { this.#flush(); return value; },
      (error) => { this.#flush(); this.#emit('error', error); throw error; },
    );
  }
}
