// NylasAuth's network steps, in the protocol module (./engine.js, loaded on first use): fetch as the
// protocol wants it, API requests and their answers, a logout's revocations, and the address bar of a
// callback page. Only a callback or a server answer needs them, so a page that only reads a valid token
// never loads them.

import { check, pageError } from './error.js';
import { CALLBACK_PARAMS } from './fields.js';
import { apiResult, detect, request, revoked } from './protocol_glue.js';

/**
 * `fetch` as the protocol wants it: no cookies, no redirects, a time-out of `ms`. Resolves with
 * `{ status, body }`; rejects with `timeout` or `network_error`.
 */
export async function send(req, ms) {
  const signal = AbortSignal.timeout(ms); // every browser since 2022 (Safari 16, Chrome 103, Firefox 100)
  try {
    const { method, headers, body } = req;
    const response = await fetch(req.url, { method, headers, body, credentials: 'omit', redirect: 'error', signal });
    return { status: response.status, body: await response.text() };
  } catch (e) {
    throw pageError(signal.aborted || e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 2 : 3);
  }
}

/** Sends an API request and reads its answer (a revocation's: `undefined` for any 2xx, RFC 7009 §2.2). */
async function api(req, ms, revocation) {
  const { status, body } = await send(req, ms);
  const text = check(revocation ? revoked(status, body) : apiResult(status, body));
  return revocation ? undefined : JSON.parse(text);
}

/**
 * A request about the tokens in `record` (0 revoke, 1 token info, 2 grant info, 3 revoke the refresh
 * token where the server takes it: nothing to do at Nylas), built by the wasm for the client's `settings`
 * (its text), sent and read.
 */
export async function about(settings, ms, kind, record) {
  const text = check(request(settings, kind, record));
  return text ? api(JSON.parse(text), ms, kind === 0 || kind === 3) : undefined;
}

/** `GET …/providers/detect` for `email` (see `detectProvider`). */
export const provider = async (settings, ms, email) => api(JSON.parse(check(detect(settings, email))), ms, false);

/**
 * A logout's revocations of the token sets in `records`: the access token, and at a generic server the
 * refresh token too. Each failure goes to `errors`.
 */
export async function revokeAll(settings, ms, records, errors) {
  for (const record of records) {
    for (const kind of [0, 3]) await about(settings, ms, kind, record).catch((e) => errors.push(e));
  }
}

/** Removes the authorization response from the address bar, when `url` is this page's address. */
export function cleanAddressBar(url) {
  if (typeof location === 'undefined' || typeof history === 'undefined' || url !== location.href) return;
  const clean = new URL(location.href);
  for (const p of CALLBACK_PARAMS) clean.searchParams.delete(p);
  if (CALLBACK_PARAMS.some((p) => new URLSearchParams(clean.hash.slice(1)).has(p))) clean.hash = '';
  history.replaceState(history.state, '', clean.href);
}
