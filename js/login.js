// NylasAuth's login part: the authorization (redirect, popup, the URL), the callback, and the protocol
// module it loads for them (./loader.js; configured once per client). The page part (./auth.js) keeps the
// tokens, accounts, sessions and events, and hands this a `page` to reach them: `grant(account)` (the token
// fields of a logged-in account, for a re-authentication), `reauth(grantId)` (the account a
// re-authentication means), `epoch()` (the session clock) and `keep(record, start)` (stores a login's
// tokens, or refuses them with session_ended when their session ended since `start`).

import { check, pageError } from './error.js';
import { AUTHORIZATION } from './fields.js';
import { load } from './loader.js';
import { checkNames, checkPage, object, pack } from './options.js';
import { closeSelf, features, forward, mark, PopupFlow, popupCallback, unmark, windowName } from './popup.js';

/** Callbacks being handled, by client namespace and URL: a second call shares the first one's promise. */
const inflight = new Map();

const str = (v) => (typeof v === 'string' ? v : undefined);

/** A call's options: an object of the authorization options' names (plus `own`, the call's page options). */
function call(options, own) {
  const o = object(options, false);
  checkNames(o, [AUTHORIZATION, own], false);
  checkPage(o, false);
  return o;
}

export class Login {
  #options;
  #packed;
  #keys;
  #transactions;
  #page;
  #protocol;
  /** The popup flow in progress, if any (popup.js `PopupFlow`). A new one replaces it. */
  #popup = null;
  /** The protocol module once loaded and configured, and its settings (`configure`): parsed and as text. */
  engine = null;
  settings = null;
  settingsText = '';

  /** `packed`: `{ config, client, defaults }`, the options packed for the protocol. */
  constructor(options, packed, keys, transactions, page) {
    this.#options = options;
    this.#packed = packed;
    this.#keys = keys;
    this.#transactions = transactions;
    this.#page = page;
  }

  /**
   * The protocol module, configured for this client: loaded once, on first use. Its configuration check
   * (`invalid_config` naming the option) is kept: every later step rejects with it. A failed load is not:
   * the next step tries again.
   */
  load() {
    this.#protocol ??= load().then(
      (engine) => {
        const { config, client, defaults } = this.#packed;
        this.settingsText = check(engine.configure(config, client, defaults));
        this.settings = JSON.parse(this.settingsText);
        this.engine = engine;
        return engine;
      },
      (e) => {
        this.#protocol = undefined;
        throw e;
      },
    );
    return this.#protocol;
  }

  /**
   * Builds the authorization URL in one crossing (the protocol also purges this client's expired
   * transactions) and stores its transaction (keyed by a hash of its state). `packed`: the call's
   * authorization options, packed (and so checked by name and type) before anything else happened.
   */
  #begin(engine, packed, account, popup, userAgent) {
    const { config, defaults } = this.#packed;
    const grant = account == null ? null : this.#page.grant(account);
    const prefix = this.#keys.transactionPrefix;
    const ttl = this.settings.transactionTtlMs;
    return engine.begin(this.#transactions, prefix, ttl, config, defaults, packed, popup, grant, userAgent);
  }

  /** `authorizationUrl(options)`. */
  async url(options) {
    const packed = pack(AUTHORIZATION, call(options, []), false);
    return this.#begin(await this.load(), packed, null, false).result.url;
  }

  /**
   * The user agent to check for an embedded webview, which Google refuses (the wasm refuses such a login
   * for Google): unless the URL goes to an `openUrl` hook (the system browser) or the app allows it.
   */
  #webview(open, allow) {
    return open || (allow ?? this.#options.allowEmbeddedWebview) ? undefined : str(globalThis.navigator?.userAgent);
  }

  /** `loginWithRedirect` and `reauthenticate`: sends the browser to the URL, or hands it to `openUrl`. */
  async navigate(options, reauthenticate) {
    const own = ['openUrl', 'allowEmbeddedWebview', ...(reauthenticate ? ['grantId'] : [])];
    const { openUrl, allowEmbeddedWebview, grantId, ...rest } = call(options, own);
    const account = reauthenticate ? this.#page.reauth(grantId) : null;
    const open = openUrl ?? this.#options.openUrl;
    const packed = pack(AUTHORIZATION, rest, false);
    const engine = await this.load();
    const { url } = this.#begin(engine, packed, account, false, this.#webview(open, allowEmbeddedWebview)).result;
    if (open) await open(url);
    else globalThis.location.assign(url);
  }

  /**
   * `handleRedirectCallback(url)`: one handling per client and URL, shared by every call; `run` wraps it
   * once (NylasAuth's error event).
   */
  handle(url, run) {
    const id = `${this.#keys.transactionPrefix}\n${url}`;
    let pending = inflight.get(id);
    if (!pending) {
      pending = run(this.#handle(url));
      inflight.set(id, pending);
      const forget = () => inflight.delete(id);
      pending.then(forget, forget);
    }
    return pending;
  }

  async #handle(url) {
    const popup = popupCallback(url);
    if (popup) {
      // A cancelled login's window (a second click opened another, or the page logged out) closes itself.
      if (popup.cancelled) closeSelf();
      else await forward(url, popup.state);
      return { type: 'popup' };
    }
    return this.#callback(url, 1);
  }

  /**
   * One crossing: the protocol parses the callback, finds its transaction among this client's stored ones
   * and says which to take out of storage (before its result is read, so that even a failed callback uses
   * it up) and what to do next. `mode`: 0 the opener handing over its popup's callback, 1 a page handling
   * its own address.
   */
  async #callback(url, mode) {
    const engine = await this.load();
    const clean = this.#options.cleanUrl !== false;
    const prefix = this.#keys.transactionPrefix;
    const step = engine.complete(this.settingsText, this.#transactions, prefix, url, mode, clean);
    if (step.forward) {
      await forward(url, step.forward);
      return { type: 'popup' };
    }
    if (!step.exchange) return step;
    const start = this.#page.epoch();
    // The app's backend may exchange the code with its API key (a session that outlives the access token);
    // its answer is checked as the token endpoint's.
    const hook = this.#options.codeExchange;
    const { status, body } = hook
      ? await engine.hookAnswer(() => hook(engine.exchangeOf(step.exchange)))
      : await engine.send(step.exchange, this.settings.fetchTimeoutMs);
    const record = check(engine.exchanged(status, body, Date.now(), ''));
    // Logged out (here or in another tab) while the code was being exchanged: keep rejects the tokens.
    this.#page.keep(record, start);
    const result = { type: 'tokens', ...JSON.parse(record) };
    if ('appState' in step) result.appState = step.appState;
    return result;
  }

  /** Removes this client's pending transactions (or the one under `only`); returns the storage failure, if any. */
  forget(only) {
    const store = this.#transactions;
    try {
      for (const k of only ? [only] : store.keys(this.#keys.transactionPrefix)) store.remove(k);
      return null;
    } catch (e) {
      return e;
    }
  }

  /** Ends the popup login in progress, if any, and closes its window (a logout). */
  cancel() {
    this.#popup?.cancel(false);
  }

  /**
   * `loginWithPopup` (and a re-authentication or incremental consent by popup): the window opens in the
   * click, synchronously; see NylasAuth's docs.
   */
  popup(options, reauthenticate) {
    let size;
    let given;
    let account;
    let packed;
    let userAgent;
    let req = null;
    try {
      const own = ['popup', 'window', 'allowEmbeddedWebview', ...(reauthenticate ? ['grantId'] : [])];
      const { popup, window: win, allowEmbeddedWebview, grantId, ...rest } = call(options, own);
      size = { width: 500, height: 650, timeoutMs: 300_000, ...this.#options.popup, ...popup };
      given = win ?? null;
      account = reauthenticate ? this.#page.reauth(grantId) : null;
      userAgent = this.#webview(false, allowEmbeddedWebview);
      packed = pack(AUTHORIZATION, rest, false); // names and types, before any window opens
      if (this.engine) req = this.#begin(this.engine, packed, account, true, userAgent);
      else if (size.openWithUrl && !given) {
        return this.load().then(() => this.popup(options, reauthenticate));
      }
    } catch (e) {
      given?.close?.();
      return Promise.reject(e);
    }
    // Start fetching the protocol in the same task as the window opens.
    const loading = req ? null : this.load();
    loading?.catch(() => {});
    // A window the app opened itself in the click (it had to await something first) is ours from now on.
    // Else a flow already waiting hands its window over (a second click must not need a second popup,
    // which a browser may block); otherwise a new window, with a name of its own per flow, so no other
    // frame can target it by a well-known name.
    const previous = given ?? this.#popup?.win;
    const reuse = previous && !previous.closed ? previous : null;
    if (given && !reuse) {
      if (req) this.forget(req.key);
      return Promise.reject(pageError(1));
    }
    this.#popup?.cancel(!!reuse && reuse === this.#popup.win);
    let win = reuse;
    let at = null; // the URL the window is at
    if (reuse && req) {
      try {
        reuse.location.replace(req.result.url);
        at = req.result.url;
      } catch {
        win = null; // closed meanwhile
      }
    }
    if (!win) {
      win = globalThis.open?.(req?.result.url ?? '', windowName(), features(size)) ?? null;
      at = req?.result.url;
    }
    if (!win) {
      if (req) this.forget(req.key);
      return Promise.reject(pageError(0));
    }
    const flow = new PopupFlow(win, size.timeoutMs);
    this.#popup = flow;
    let state = null;
    const run = async () => {
      if (!req) {
        const engine = await loading;
        if (flow.done) return flow.promise;
        req = this.#begin(engine, packed, account, true, userAgent);
      }
      state = req.result.state;
      mark(state, this.settings.transactionTtlMs, false);
      flow.listen(state, (url) => this.#callback(url, 0));
      if (at !== req.result.url) {
        if (win.closed) flow.cancel(true);
        else win.location.replace(req.result.url);
      }
      return flow.promise;
    };
    const end = () => {
      if (this.#popup === flow) this.#popup = null;
    };
    return run().then(
      (result) => {
        end();
        if (state) unmark(state);
        return result;
      },
      (e) => {
        // Closes the window on every failure (a blank one too); a popup the opener can no longer reach
        // (COOP) finds its login cancelled when its callback arrives, and closes itself. No transaction
        // (no verifier) is left behind.
        flow.fail(e);
        end();
        if (state) mark(state, this.settings.transactionTtlMs, true);
        if (req) this.forget(req.key);
        throw e;
      },
    );
  }

  /** `NylasAuth.completePopup(url)`. */
  static complete(url) {
    const popup = typeof url === 'string' && typeof location !== 'undefined' ? popupCallback(url) : null;
    if (!popup) return false;
    if (popup.cancelled) closeSelf();
    else forward(url, popup.state).catch(() => {});
    return true;
  }
}
