// Popup windows for NylasAuth, in the entry (no protocol needed): opening one inside the click, the flow
// that waits for its callback, the marker that tells the popup's callback page it is one, and, on that
// page, handing the callback to the opener.
import { pageError } from './error.js';
import { POPUP_STATE_PREFIX, RESULT_PARAMS } from './fields.js';
import { base64url, sha256 } from './sha256.js';

const MESSAGE_TYPE = 'nylas-pkce:callback';
const ACK_TYPE = 'nylas-pkce:ack';
const MARKER_PREFIX = 'nylas-pkce:popup:';
/** How long a popup's callback page waits for the opener to say it took the callback. */
const ACK_MS = 3000;

/** `popup=yes` window features of `size` ({ width, height }), centred on the opener. */
export function features({ width, height }) {
  const left = (globalThis.screenX ?? 0) + Math.max(0, ((globalThis.outerWidth ?? width) - width) / 2);
  const top = (globalThis.screenY ?? 0) + Math.max(0, ((globalThis.outerHeight ?? height) - height) / 2);
  return `popup=yes,width=${width},height=${height},left=${left},top=${top}`;
}

/** A popup window's name of its own, so that no other frame can target it by a well-known name. */
export function windowName() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return `nylas-pkce-${base64url(bytes)}`;
}

const close = (win) => {
  try {
    win.close();
  } catch {
    // already closed
  }
};

/** Whether this page has the focus (a page without a document counts as focused). */
const focused = () => globalThis.document?.hasFocus?.() ?? true;

const channelOf = (state) =>
  typeof BroadcastChannel === 'function' ? new BroadcastChannel(`${MESSAGE_TYPE}:${state}`) : null;

// ---------------------------------------------------------------------------------------------------------
// The marker: one localStorage key per popup login of this origin (a hash of its state, never the
// verifier), written by the opener before it sends the window to the authorization page, and removed when
// the flow ends. The popup's callback page reads it to know that it is a popup and that a page of this
// origin waits for it: the popup's own sessionStorage is a copy made when the window opened, before the
// login existed, and its opener may be cut off (Cross-Origin-Opener-Policy). A cancelled flow's marker
// stays until it expires, so that its window closes itself when its callback arrives.
// ---------------------------------------------------------------------------------------------------------

const parse = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

const markerKey = (state) => MARKER_PREFIX + base64url(sha256(new TextEncoder().encode(state)));

function markers(fn) {
  try {
    return fn(globalThis.localStorage);
  } catch {
    return null; // storage blocked: the opener alone proves a popup
  }
}

/** Writes the marker of `state` (`cancelled`: its flow ended without it), and purges expired ones. */
export function mark(state, ttlMs, cancelled) {
  markers((store) => {
    const now = Date.now();
    for (let i = store.length - 1; i >= 0; i--) {
      const k = store.key(i);
      if (k?.startsWith(MARKER_PREFIX) && !(parse(store.getItem(k))?.expiresAt > now)) store.removeItem(k);
    }
    store.setItem(markerKey(state), JSON.stringify({ expiresAt: now + ttlMs, ...(cancelled && { cancelled }) }));
  });
}

export const unmark = (state) => markers((store) => store.removeItem(markerKey(state)));

/** The marker of `state`: 'live', 'cancelled', or null (none, expired or unreadable). */
function marker(state) {
  return markers((store) => {
    const m = parse(store.getItem(markerKey(state)));
    return m?.expiresAt > Date.now() ? (m.cancelled ? 'cancelled' : 'live') : null;
  });
}

/** Whether this window was opened by a page of this origin (reading its opener's origin throws otherwise). */
function sameOriginOpener() {
  try {
    return globalThis.opener?.location.origin === location.origin;
  } catch {
    return false;
  }
}

/**
 * What the page at callback `url` is: null for an ordinary callback; else `{ state, cancelled }` for the
 * callback of a popup login that a page of this origin started (its marker, or an opener of this origin,
 * proves it; a crafted link whose state merely looks like a popup's proves nothing).
 */
export function popupCallback(url) {
  const state = params(url).get('state');
  if (!state?.startsWith(POPUP_STATE_PREFIX)) return null;
  const m = typeof location === 'undefined' ? null : marker(state);
  if (m === 'cancelled') return { state, cancelled: true };
  return m === 'live' || sameOriginOpener() ? { state } : null;
}

// ---------------------------------------------------------------------------------------------------------
// The opener's side.
// ---------------------------------------------------------------------------------------------------------

/**
 * A popup login's wait, from the click on: `win` (blank until `listen` knows the flow's state, or already
 * at the authorization page). Rejects with popup_closed when the popup is closed without a callback,
 * timeout after `timeoutMs`. `listen(state, accept)` takes the callback of `state`: `accept(url)` gives the
 * flow's result. `cancel(keepWindow)` ends the flow as if the popup closed (a newer login may keep the
 * window); `fail(error)` ends it with `error` and closes the window (if it has not ended).
 *
 * `win.closed` is advisory. A popup that reaches a page sent with Cross-Origin-Opener-Policy (Microsoft's
 * login pages, Amazon Cognito, …) moves to another browsing-context group: its opener's handle then reads
 * `closed` although the popup is still open, and its callback arrives only through the BroadcastChannel.
 * A browser moves the focus to a popup it opens and gives it back to the opener when the popup closes. So
 * a popup that reads closed while the opener does not have the focus is taken to be cut off and still
 * open; once the opener has the focus again (the user is back in the app) a popup that reads closed is
 * closed, and the flow ends with popup_closed half a second later (its message may still be on the way).
 * The time-out bounds the wait either way.
 */
export class PopupFlow {
  #done = false;
  #cleanups = [];
  #resolve;
  #reject;

  constructor(win, timeoutMs) {
    this.win = win;
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Handled by whoever awaits the flow; a flow cancelled before that is no unhandled rejection.
    this.promise.catch(() => {});
    let closedSince = 0;
    const poll = setInterval(() => {
      if (!win.closed || !focused()) {
        closedSince = 0;
        return;
      }
      closedSince ||= Date.now();
      if (Date.now() - closedSince > 500) this.#end(false, pageError(1));
    }, 100);
    const timer = setTimeout(() => this.fail(pageError(2)), timeoutMs);
    this.#cleanups.push(
      () => clearInterval(poll),
      () => clearTimeout(timer),
    );
  }

  get done() {
    return this.#done;
  }

  #end(ok, value) {
    if (this.#done) return;
    this.#done = true;
    for (const f of this.#cleanups) f();
    (ok ? this.#resolve : this.#reject)(value);
  }

  listen(state, accept) {
    if (this.#done) return;
    const channel = channelOf(state);
    const take = (data, source) => {
      if (this.#done || data?.type !== MESSAGE_TYPE || data.state !== state || typeof data.url !== 'string') return;
      // Tell the popup its callback arrived, where it may be listening.
      const ack = { type: ACK_TYPE, state };
      channel?.postMessage(ack);
      try {
        source?.postMessage(ack, location.origin);
      } catch {
        // gone
      }
      this.#end(true, accept(data.url));
      close(this.win);
    };
    const onMessage = (e) => {
      if (e.origin === location.origin) take(e.data, e.source);
    };
    addEventListener('message', onMessage);
    if (channel) channel.onmessage = (e) => take(e.data);
    this.#cleanups.push(
      () => removeEventListener('message', onMessage),
      () => channel?.close(),
    );
  }

  cancel(keepWindow) {
    if (!keepWindow) close(this.win);
    this.#end(false, pageError(1));
  }

  fail(error) {
    if (this.#done) return;
    close(this.win);
    this.#end(false, error);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The popup's side.
// ---------------------------------------------------------------------------------------------------------

/** Closes this window soon (the popup's work is done, or its login was cancelled). */
export const closeSelf = () => setTimeout(() => globalThis.close(), 50);

/**
 * On a popup's callback page: posts `url` to the opener (same origin) and on the flow's channel (an opener
 * cut off by COOP), and waits for the opener to say it took it. Then closes the window and resolves;
 * rejects with no_opener when no page took it (the window stays open to show the app's error).
 */
export function forward(url, state) {
  const message = { type: MESSAGE_TYPE, state, url };
  const channel = channelOf(state);
  return new Promise((resolve, reject) => {
    const done = (ok) => {
      clearTimeout(timer);
      removeEventListener('message', onMessage);
      channel?.close();
      if (ok) {
        closeSelf();
        resolve();
      } else reject(pageError(7));
    };
    const isAck = (d) => d?.type === ACK_TYPE && d.state === state;
    const onMessage = (e) => {
      if (e.origin === location.origin && isAck(e.data)) done(true);
    };
    addEventListener('message', onMessage);
    if (channel) channel.onmessage = (e) => isAck(e.data) && done(true);
    const timer = setTimeout(() => done(false), ACK_MS);
    try {
      globalThis.opener?.postMessage(message, location.origin);
    } catch {
      // opener gone
    }
    channel?.postMessage(message);
  });
}

/** A callback URL's parameters: its query, or its fragment where the query has no result. */
function params(url) {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1, h > q ? h : undefined));
  const hash = new URLSearchParams(h < 0 ? '' : url.slice(h + 1));
  return RESULT_PARAMS.some((p) => query.has(p)) ? query : hash;
}

/** Whether `url` is an authorization callback: it carries code, error, state, admin_consent or success. */
export const isCallbackUrl = (url) => RESULT_PARAMS.some((p) => params(url).has(p));
