// NylasAuth's protocol steps, in the protocol module (./engine.js): starting a login (the URL, its
// transaction, the purge of expired ones), reading a callback (which transaction to take, then what to do),
// each one crossing into the wasm; and the answers of the app's backend hooks (codeExchange, refresh).
import { check, pageError } from './error.js';
import { authorize, callback } from './protocol_glue.js';
import { cleanAddressBar } from './remote.js';

const str = (v) => (typeof v === 'string' ? v : undefined);

/** The authorization result the wasm packed (npm/src/login.rs, `authorize`). */
export function started(text) {
  const [key, transaction, url, state, codeVerifier, codeChallenge, method, redirectUri, createdAt, issuer, stale] =
    check(text).split('\0');
  const result = { url, state };
  if (codeVerifier) result.codeVerifier = codeVerifier;
  if (codeChallenge) Object.assign(result, { codeChallenge, codeChallengeMethod: method });
  Object.assign(result, { redirectUri, createdAt: Number(createdAt) });
  if (issuer) result.issuer = issuer;
  result.transaction = transaction;
  return { result, key, stale };
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

/**
 * Starts a login: builds the URL and its transaction from the packed configuration, defaults and call
 * options, removes this client's expired transactions from `store` (under `prefix`) and stores the new one.
 * `grant`: the token fields of the account being re-authenticated.
 */
export function begin(store, prefix, ttl, config, defaults, call, popup, grant, userAgent) {
  const keys = store.keys(prefix);
  const created = keys.map((k) => createdAt(store.get(k)));
  const r = started(
    authorize(
      config,
      defaults,
      call,
      popup,
      Date.now(),
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

/**
 * Reads a callback: `{ forward: state }` (a popup login's callback this client started: hand it to the
 * opener), `{ exchange, appState? }` (send the exchange) or a finished result. The transaction it names
 * leaves `store` before its result is read, so that even a refused callback uses it up.
 */
export function complete(settings, store, prefix, url, mode, clean) {
  if (clean) cleanAddressBar(url);
  const stored = store
    .keys(prefix)
    .map((k) => `${k}\t${store.get(k) ?? ''}`)
    .join('\n');
  const r = callback(settings, url, stored, mode, Date.now());
  const split = r.indexOf('\0');
  const op = r.slice(0, split);
  if (op[0] === 'p') return { forward: op.slice(1) };
  if (op.length > 1) store.remove(op.slice(1));
  return JSON.parse(check(r.slice(split + 1)));
}

/**
 * The answer of an app's backend hook (`codeExchange`, `refresh`) as a token endpoint's: a `Response` (its
 * status and text), or the token endpoint's JSON answer (an object, or its text) as 200. A hook that throws
 * or rejects is network_error, its error the `cause`.
 */
export async function hookAnswer(call) {
  let v;
  try {
    v = await call();
  } catch (cause) {
    throw pageError(9, { cause });
  }
  if (typeof v?.text === 'function' && typeof v.status === 'number') return { status: v.status, body: await v.text() };
  return { status: 200, body: typeof v === 'string' ? v : (JSON.stringify(v ?? null) ?? '') };
}

/** What `codeExchange` gets: the code, the verifier and the redirect URI of the exchange the SDK built. */
export function exchangeOf(req) {
  const f = req.body.startsWith('{') ? JSON.parse(req.body) : Object.fromEntries(new URLSearchParams(req.body));
  return { code: f.code, codeVerifier: f.code_verifier, redirectUri: f.redirect_uri, clientId: f.client_id };
}
