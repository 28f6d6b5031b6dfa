// Popup windows for NylasAuth: opening one inside the click, waiting for its callback (postMessage from
// the same origin, or a BroadcastChannel for a popup whose opener was cut off), and, on the popup's
// callback page, handing the callback to the opener.
import { POPUP_STATE_PREFIX, RESULT_PARAMS, TRANSACTION_KEY_PREFIX } from './fields.js';

const MESSAGE_TYPE = 'nylas-pkce:callback';

/** `popup=yes` window features of `size` ({ width, height }), centred on the opener. */
export function features({ width, height }) {
  const left = (globalThis.screenX ?? 0) + Math.max(0, ((globalThis.outerWidth ?? width) - width) / 2);
  const top = (globalThis.screenY ?? 0) + Math.max(0, ((globalThis.outerHeight ?? height) - height) / 2);
  return `popup=yes,width=${width},height=${height},left=${left},top=${top}`;
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

/**
 * Waits for the callback of the popup `win` opened for `state`: `accept(url)` gives the flow's result.
 * Rejects with `fail(1)` (popup_closed) when the popup is closed without one, `fail(2)` (timeout) after
 * `timeoutMs`. Returns `{ promise, win, cancel(keepWindow) }`; `cancel` ends the flow as if the popup
 * closed (a newer login may keep the window).
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
export function watch(win, state, timeoutMs, accept, fail) {
  let cancel;
  const promise = new Promise((resolve, reject) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`${MESSAGE_TYPE}:${state}`) : null;
    let closedSince = 0;
    const done = (fn, value) => {
      removeEventListener('message', onMessage);
      channel?.close();
      clearInterval(poll);
      clearTimeout(timer);
      fn(value);
    };
    cancel = (keepWindow) => {
      if (!keepWindow) close(win);
      done(reject, fail(1));
    };
    const take = (data) => {
      if (!data || data.type !== MESSAGE_TYPE || data.state !== state || typeof data.url !== 'string') return;
      done(resolve, accept(data.url));
      close(win);
    };
    const onMessage = (e) => {
      if (e.origin === location.origin) take(e.data);
    };
    addEventListener('message', onMessage);
    if (channel) channel.onmessage = (e) => take(e.data);
    const poll = setInterval(() => {
      if (!win.closed || !focused()) {
        closedSince = 0;
        return;
      }
      closedSince ||= Date.now();
      if (Date.now() - closedSince > 500) done(reject, fail(1));
    }, 100);
    const timer = setTimeout(() => {
      close(win);
      done(reject, fail(2));
    }, timeoutMs);
  });
  return { promise, win, cancel };
}

/**
 * On a popup's callback page: posts `url` to the opener (same origin) and on the flow's channel, then
 * closes the window, also when it has no opener (one cut off by Cross-Origin-Opener-Policy).
 */
export function forward(url, state) {
  const message = { type: MESSAGE_TYPE, state, url };
  try {
    globalThis.opener?.postMessage(message, location.origin);
  } catch {
    // opener gone
  }
  if (typeof BroadcastChannel === 'function') {
    const channel = new BroadcastChannel(`${MESSAGE_TYPE}:${state}`);
    channel.postMessage(message);
    channel.close();
  }
  setTimeout(() => globalThis.close(), 50);
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

/**
 * The `state` of a popup login's callback that a page of this origin started: one whose transaction is in
 * this window's sessionStorage (a popup gets a copy of its opener's) or in localStorage, or, failing
 * that, one in a window that still has its opener (which checks the state itself). Null otherwise: a
 * crafted link with a popup-looking state is handled (and refused) as an ordinary callback.
 */
export function popupState(url) {
  const state = params(url).get('state');
  if (!state?.startsWith(POPUP_STATE_PREFIX)) return null;
  for (const area of ['sessionStorage', 'localStorage']) {
    try {
      const store = globalThis[area];
      for (let i = 0; i < store.length; i++) {
        const k = store.key(i);
        if (k?.startsWith(TRANSACTION_KEY_PREFIX) && JSON.parse(store.getItem(k))?.state === state) return state;
      }
    } catch {
      // storage that cannot be read, or a record that is not JSON
    }
  }
  return globalThis.opener ? state : null;
}
