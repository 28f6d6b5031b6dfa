// NylasAuth, the page part: what every page of an app runs without the protocol. Its client and options
// (names and types checked here), its accounts' stored tokens and whether they are still valid
// (./keys.js), sessions, tab sync and events, and the local part of a logout. The login part (./login.js:
// the authorization, popups, the callback) loads the protocol module (./engine.js, through ./loader.js)
// when a step needs it; the page part asks it for the protocol too, for a refresh or a server's answer.

import { check, pageError } from './error.js';
import { AUTHORIZATION, CLIENT, CONFIG, LOGIN_DEFAULTS, PAGE, REQUIRED_CONFIG } from './fields.js';
import { keys, skewOf, tokenState } from './keys.js';
import { Login } from './login.js';
import { checkNames, checkPage, isObject, object, optionError, pack } from './options.js';
import { resolveStorage } from './storage.js';

const EVENTS = ['tokens', 'expired', 'logout', 'error'];

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

/**
 * The Nylas OAuth 2.0 + PKCE flow in a browser or webview: redirect or popup, callback handling,
 * token lifecycle. See the README for the options.
 */
export class NylasAuth {
  #options;
  /** The login part (./login.js), which also loads the protocol for this client. */
  #login;
  /** `{ transactionPrefix, tokenKey, accountKey }` (./keys.js) and the token check's clock skew. */
  #keys;
  #skew;
  #tokenStorage;
  /** `accounts: 'multiple'`: one token set per grant. */
  #multiple;
  /**
   * The connected accounts' token sets, as JSON the wasm wrote (kept as written), in the order they
   * logged in. Keyed by account: the grant id with `accounts: 'multiple'` ('' for a token set without
   * one), '' for the one account otherwise.
   */
  #records = new Map();
  #listeners = new Map();
  /**
   * Sessions: a logout, or another tab's login or logout, ends the session of its account (or of all
   * of them), at the next tick of `#epoch`. A code exchange or a refresh whose account's session ended
   * after it started stores nothing (session_ended).
   */
  #epoch = 0;
  #endedAll = 0;
  #ended = new Map();
  /** The refresh in flight per account, shared by every getAccessToken() that needs it. */
  #refreshing = new Map();

  /**
   * Checks the options' names and JavaScript types (`invalid_config` naming the option) and restores the
   * stored tokens. The values only the protocol can judge (URLs, ranges, scopes) are checked by `ready()`,
   * or at the first step that loads it.
   */
  constructor(options) {
    if (!isObject(options)) throw optionError('options', 'o', true);
    checkNames(options, [CONFIG, CLIENT, LOGIN_DEFAULTS, PAGE], true);
    checkPage(options, true);
    for (const name of REQUIRED_CONFIG) if (options[name] == null) throw optionError(name, 'is required', true);
    this.#options = options;
    const packed = {
      config: pack(CONFIG, options, true),
      client: pack(CLIENT, options, true),
      defaults: pack(AUTHORIZATION, options, true),
    };
    this.#keys = keys(options);
    this.#skew = skewOf(options);
    const fail = () => pageError(4);
    const transactions = resolveStorage(options.storage ?? 'session', fail);
    this.#login = new Login(options, packed, this.#keys, transactions, {
      grant: (account) => tokenFields(this.#records.get(account)),
      reauth: (grantId) => this.#reauthAccount(grantId),
      epoch: () => this.#epoch,
      keep: (record, start) => {
        if (this.#endedSince(start, this.#accountOf(record))) throw pageError(6);
        this.#put(record);
      },
    });
    const kind = options.tokenStorage;
    this.#tokenStorage = kind && kind !== 'memory' ? resolveStorage(kind, fail) : null;
    this.#multiple = options.accounts === 'multiple';
    try {
      for (const account of this.#storedAccounts()) {
        const record = this.#tokenStorage.get(this.#storageKey(account));
        if (this.#belongs(record, account)) this.#records.set(account, record);
      }
    } catch {
      // storage that fails now: start logged out
    }
    if (kind === 'local') globalThis.addEventListener?.('storage', (e) => this.#otherTab(e));
  }

  /** The account a token record belongs to: its key in `#records`. */
  #accountOf(record) {
    return this.#multiple ? (str(tokenFields(record)?.grantId) ?? '') : '';
  }

  /** Whether `record` is a token set (valid or expired) of `account`. */
  #belongs(record, account) {
    return !!record && this.#tokenState(record) > 0 && this.#accountOf(record) === account;
  }

  /** The storage key of an account's token set (the core's `accounts::token_key`, through the settings). */
  #storageKey(account) {
    return this.#multiple ? this.#keys.accountKey + account : this.#keys.tokenKey;
  }

  /** The accounts whose token sets are in token storage (by grant id, in order, with `accounts: 'multiple'`). */
  #storedAccounts() {
    const store = this.#tokenStorage;
    if (!store) return [];
    const prefix = this.#keys.accountKey;
    return this.#multiple
      ? store
          .keys(prefix)
          .map((k) => k.slice(prefix.length))
          .sort()
      : [''];
  }

  /**
   * Another tab that shares token storage (`local`) logged in, refreshed or logged out (`e.key` null:
   * storage was cleared, or look at every account): take its tokens (or forget ours), end the sessions
   * that ended, and tell the listeners.
   */
  #otherTab(e) {
    const { tokenKey, accountKey } = this.#keys;
    let accounts;
    if (e.key === null) {
      try {
        accounts = new Set([...this.#records.keys(), ...this.#storedAccounts()]);
      } catch {
        return;
      }
    } else if (this.#multiple ? e.key.startsWith(accountKey) : e.key === tokenKey) {
      accounts = [this.#multiple ? e.key.slice(accountKey.length) : ''];
    } else return;
    for (const account of accounts) this.#sync(account);
  }

  /** Takes what token storage holds for `account` (another tab wrote it). */
  #sync(account) {
    let record = null;
    try {
      record = this.#tokenStorage.get(this.#storageKey(account));
    } catch {
      return;
    }
    const mine = this.#records.get(account) ?? null;
    if (record === mine) return;
    const valid = this.#belongs(record, account);
    // A logout or another account's login ends this account's session; the same grant's refresh does not.
    const grant = (r) => tokenFields(r)?.grantId;
    if (!valid || !mine || grant(record) !== grant(mine)) this.#end(account);
    if (valid) {
      this.#records.set(account, record);
      this.#emit('tokens', JSON.parse(record));
    } else if (mine) {
      this.#records.delete(account);
      if (!this.#multiple) this.#login.cancel();
      this.#emit('logout', { grantId: grant(mine) });
    }
  }

  /** Ends the session of `account` (with one account: of all). */
  #end(account) {
    this.#epoch++;
    if (this.#multiple) this.#ended.set(account, this.#epoch);
    else this.#endedAll = this.#epoch;
  }

  /** Whether the session of `account` ended after `start` (an `#epoch`). */
  #endedSince(start, account) {
    return Math.max(this.#endedAll, this.#ended.get(account) ?? 0) > start;
  }

  /**
   * The account a call means (see the core's `accounts::pick`): the one it names (`grantId`; null when
   * that grant is not connected), else the only one (null when none is). Naming none while several are
   * connected is `invalid_option` (`grantId`).
   */
  #pick(options) {
    const o = object(options, false);
    checkNames(o, [['grantId']], false);
    const { grantId } = o;
    if (grantId != null) {
      if (typeof grantId !== 'string') throw optionError('grantId', 's', false);
      for (const [account, record] of this.#records) if (tokenFields(record)?.grantId === grantId) return account;
      return null;
    }
    if (this.#records.size > 1) throw optionError('grantId', 'several accounts are connected: name one', false);
    return this.#records.keys().next().value ?? null;
  }

  /** The account to re-authenticate: `#pick`, and `login_required` when the grant named is not connected. */
  #reauthAccount(grantId) {
    const account = this.#pick({ grantId });
    if (account === null && grantId != null) throw pageError(5);
    return account;
  }

  /** What a token record is worth: 0 not a token set, 1 expired, 2 valid (./keys.js `tokenState`). */
  #tokenState(record) {
    return tokenState(tokenFields(record), this.#skew, Date.now());
  }

  /**
   * Loads the protocol and checks every option's value now (the constructor checks names and types):
   * rejects with the `invalid_config` error naming the option. Optional: each step does it when it needs
   * the protocol.
   */
  ready() {
    return this.#run(this.#login.load().then(() => undefined));
  }

  /**
   * Fetches and compiles the protocol ahead of a click, so that a popup opens with its URL at once (and a
   * redirect starts sooner). Never rejects: a failure is reported by the step that needs the protocol.
   */
  preload() {
    return this.#login.load().then(
      () => undefined,
      () => undefined,
    );
  }

  /** Builds the `/connect/auth` URL and stores its transaction (keyed by state, 10 min TTL). */
  authorizationUrl(options) {
    return this.#run(this.#login.url(options));
  }

  /** Sends the browser to Nylas (or hands the URL to `openUrl`, e.g. to open the system browser). */
  loginWithRedirect(options) {
    return this.#run(this.#login.navigate(options, false));
  }

  /**
   * Logs in again with `login_hint` set to the grant's email: the one account, or the one of
   * `options.grantId`.
   */
  reauthenticate(options) {
    return this.#run(this.#login.navigate(options, true));
  }

  /**
   * Completes a flow from its callback URL (default: the current page). On the callback page of a popup
   * login that a page of this origin started, it hands the callback to that page and closes the window
   * instead (`{ type: 'popup' }`), without loading the protocol.
   */
  handleRedirectCallback(url = globalThis.location?.href) {
    if (typeof url !== 'string') return this.#run(Promise.reject(optionError('url', 's', false)));
    return this.#login.handle(url, (p) => this.#run(p));
  }

  /**
   * Memory always takes the token set `record`: beside the other accounts' with `accounts: 'multiple'`,
   * else instead of the one there was. A storage failure does not lose a login (memory holds the tokens).
   */
  #put(record) {
    const account = this.#accountOf(record);
    // Another user's login ends the session of the one before (a refresh of theirs in flight stores nothing).
    const old = this.#records.get(account);
    if (old && tokenFields(old)?.grantId !== tokenFields(record)?.grantId) this.#end(account);
    if (!this.#multiple) this.#records.clear();
    this.#records.delete(account); // a new login comes last in the list
    this.#records.set(account, record);
    try {
      this.#tokenStorage?.set(this.#storageKey(account), record);
    } catch {
      // memory holds the tokens
    }
    this.#emit('tokens', JSON.parse(record));
  }

  /**
   * Forgets the token set of `account` (memory always). Returns the storage failure, if any: a logout
   * must report that stored tokens could not be removed (they would come back on reload).
   */
  #drop(account) {
    this.#records.delete(account);
    try {
      this.#tokenStorage?.remove(this.#storageKey(account));
      return null;
    } catch (e) {
      return e;
    }
  }

  /**
   * Opens the authorization page in a popup — synchronously, so call it straight from a click handler —
   * and resolves with the token set once the popup's callback page reports back. With the protocol loaded
   * (`preload()`, or an earlier step) the window opens at its URL; else it opens blank, in the click, and
   * goes to the URL as soon as the protocol has built it (`popup.openWithUrl` waits for the protocol
   * instead, for hosts where a blank window fails).
   */
  loginWithPopup(options) {
    return this.#run(this.#login.popup(options, false));
  }

  /**
   * For the popup's callback page: if `url` is the callback of a popup login that a page of this origin
   * started (the login's marker in localStorage, or an opener of this origin, proves it), hands it to that
   * page (postMessage to the opener, and a BroadcastChannel for openers cut off by COOP), closes the window
   * once it took it, and returns true. Otherwise returns false. `handleRedirectCallback` does the same.
   */
  static completePopup(url = globalThis.location?.href) {
    return Login.complete(url);
  }

  /**
   * The token set of the one account, or of `options.grantId`; null when there is none (possibly
   * expired: see isAuthenticated).
   */
  getTokenSet(options) {
    const account = this.#pick(options);
    return account === null ? null : JSON.parse(this.#records.get(account));
  }

  /**
   * The connected accounts, `{ grantId, email, provider, expiresAt }` each, in the order they logged in
   * (restored ones by grant id; at most one unless `accounts: 'multiple'`). No secret.
   */
  accounts() {
    return [...this.#records.values()].map((record) => {
      const { grantId, email, provider, expiresAt } = JSON.parse(record);
      return { grantId, email, provider, expiresAt };
    });
  }

  /**
   * Whether a non-expired access token is held (30 s clock-skew margin by default): by any account, or by
   * the one of `options.grantId`.
   */
  isAuthenticated(options) {
    if (options === undefined) return [...this.#records.keys()].some((a) => this.#validToken(a) !== null);
    const account = this.#pick(options);
    return account !== null && this.#validToken(account) !== null;
  }

  /** The access token of `account`, if it is still valid (no second half needed), else null. */
  #validToken(account) {
    const record = this.#records.get(account);
    return record && this.#tokenState(record) === 2 ? JSON.parse(record).accessToken : null;
  }

  /**
   * A valid access token of the one account, or of `options.grantId`; refreshes where the server allows
   * public refresh, else `login_required`.
   */
  getAccessToken(options) {
    return this.#run(this.#accessToken(options));
  }

  async #accessToken(options) {
    const account = this.#pick(options);
    if (account === null) throw pageError(5);
    // A valid token needs nothing from the second half: a logged-in page never loads it.
    const valid = this.#validToken(account);
    if (valid !== null) return valid;
    // One refresh at a time per account in this tab; across tabs sharing token storage, one at a time
    // (Web Locks).
    let pending = this.#refreshing.get(account);
    if (!pending) {
      pending = this.#locked(account, () => this.#refresh(account)).finally(() => this.#refreshing.delete(account));
      this.#refreshing.set(account, pending);
    }
    return pending;
  }

  /** Runs `fn` holding the account's token lock where tabs share token storage and Web Locks exist. */
  #locked(account, fn) {
    const locks = globalThis.navigator?.locks;
    if (this.#options.tokenStorage !== 'local' || typeof locks?.request !== 'function') return fn();
    return locks.request(`nylas-pkce:${this.#storageKey(account)}`, fn);
  }

  async #refresh(account) {
    // Another tab may have refreshed (or logged out) while this one waited for the lock.
    if (this.#options.tokenStorage === 'local') this.#sync(account);
    const before = this.#records.get(account);
    if (!before) throw pageError(5);
    const start = this.#epoch;
    const valid = this.#validToken(account);
    if (valid !== null) return valid;
    const login = this.#login;
    const engine = await login.load();
    const hook = this.#options.refresh;
    let answer;
    if (hook) {
      // The app's backend refreshes with its API key (Nylas wants it); it may keep the refresh token itself.
      if (this.#endedSince(start, account)) throw pageError(6);
      const { grantId, refreshToken } = tokenFields(before);
      answer = await engine.hookAnswer(() => hook({ grantId, refreshToken }));
    } else {
      const step = JSON.parse(check(engine.access(login.settingsText, before, Date.now())));
      if (step.token) return step.token;
      if (step.expired) {
        this.#drop(account);
        this.#emit('expired', { grantId: tokenFields(before)?.grantId });
        throw pageError(5);
      }
      if (this.#endedSince(start, account)) throw pageError(6);
      answer = await engine.send(step.refresh, login.settings.fetchTimeoutMs);
    }
    const { status, body } = answer;
    const record = check(engine.exchanged(status, body, Date.now(), before));
    // An answer naming another grant would put one account's tokens in another's place (flow::refreshed).
    if (tokenFields(record)?.grantId !== tokenFields(before)?.grantId) throw pageError(8, { status });
    // The session ended while the refresh was in flight (a logout, another user's login, here or in another
    // tab): its tokens belong to no one now.
    if (this.#endedSince(start, account)) throw pageError(6);
    // Another tab's logout may have removed the key an instant ago, before its storage event reached this
    // tab: read it again just before writing, and keep what is there.
    if (this.#options.tokenStorage === 'local') this.#sync(account);
    if (this.#endedSince(start, account)) throw pageError(6);
    // Other tokens of this session arrived meanwhile (another tab's refresh): keep them.
    if (this.#records.get(account) !== before) {
      const current = this.#validToken(account);
      if (current !== null) return current;
      throw pageError(6);
    }
    this.#put(record);
    return JSON.parse(record).accessToken;
  }

  /**
   * Incremental consent: logs in again asking for `scopes` (e.g. an `insufficient_scope` error's
   * `requiredScopes`) with `include_grant_scopes`, `login_hint` set to the grant's email, so the new token
   * covers what the grant had and what was missing. `options.method`: `'redirect'` (default) or `'popup'`
   * (call it from a click handler; resolves with the new token set).
   */
  requestScopes(scopes, options) {
    const { method = 'redirect', ...rest } = object(options, false); // rest.grantId: which account
    if (method !== 'redirect' && method !== 'popup') {
      return this.#run(Promise.reject(optionError('method', "must be 'redirect' or 'popup'", false)));
    }
    // An empty or missing list is refused by the wasm (invalid_option, scopes): there is nothing to add.
    const call = { ...rest, scopes: scopes ?? [], includeGrantScopes: true };
    return this.#run(method === 'popup' ? this.#login.popup(call, true) : this.#login.navigate(call, true));
  }

  /**
   * Which provider an email address belongs to (`GET /v3/providers/detect?email=…&client_id=…`, no
   * secret): `{ provider, type, email, detected }`, to pick the provider and its scopes before the login.
   */
  detectProvider(email) {
    return this.#run(
      (async () => {
        const login = this.#login;
        const engine = await login.load();
        return engine.provider(login.settingsText, login.settings.fetchTimeoutMs, String(email ?? ''));
      })(),
    );
  }

  /**
   * Revokes the token of the one account, or of `options.grantId`, at Nylas (`POST /connect/revoke`);
   * local tokens are kept.
   */
  revoke(options) {
    return this.#run(this.#about(0, options));
  }

  /**
   * Logs out every account, or only the one of `options.grantId` (`login_required` when it is not
   * connected): forgets its tokens (memory and token storage), then revokes them at the server (the
   * access token; for a generic server the refresh token too). Logging every account out also cancels a
   * pending popup login and forgets this client's pending authorizations. Everything local is cleared
   * even when something fails; the promise rejects with the first failure, a storage failure first (the
   * tokens would come back on reload).
   */
  logout(options) {
    let one = null;
    try {
      const o = object(options, false);
      checkNames(o, [['grantId']], false);
      // With one account, naming it logs out all there is.
      if (o.grantId != null) {
        one = this.#pick(o);
        if (one === null) throw pageError(5);
        if (!this.#multiple) one = null;
      }
    } catch (e) {
      return this.#run(Promise.reject(e));
    }
    const failures = [];
    let olds;
    if (one !== null) {
      this.#end(one);
      olds = [this.#records.get(one)];
      failures.push(this.#drop(one));
    } else {
      this.#endedAll = ++this.#epoch;
      this.#login.cancel();
      olds = [...this.#records.values()];
      failures.push(...[...this.#records.keys()].map((a) => this.#drop(a)), this.#login.forget());
    }
    for (const old of olds) this.#emit('logout', { grantId: tokenFields(old)?.grantId });
    if (!olds.length) this.#emit('logout', {});
    const revoke = async () => {
      const errors = failures.filter(Boolean);
      if (olds.length) {
        const login = this.#login;
        const engine = await login.load();
        await engine.revokeAll(login.settingsText, login.settings.fetchTimeoutMs, olds, errors);
      }
      if (errors.length) throw errors[0];
    };
    return this.#run(revoke());
  }

  /** `GET /connect/tokeninfo` for the token of the one account, or of `options.grantId`. */
  tokenInfo(options) {
    return this.#run(this.#about(1, options));
  }

  /** `GET /grants/me` with the token of the one account, or of `options.grantId`. */
  grantInfo(options) {
    return this.#run(this.#about(2, options));
  }

  /** A request about the tokens of the account `options` means (0 revoke, 1 token info, 2 grant info). */
  async #about(kind, options) {
    const account = this.#pick(options);
    const login = this.#login;
    const engine = await login.load();
    const record = account === null ? '' : this.#records.get(account);
    return engine.about(login.settingsText, login.settings.fetchTimeoutMs, kind, record);
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
