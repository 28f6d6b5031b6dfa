// What a page needs of its configuration before any protocol step: where its client's transactions and
// tokens are stored, and whether a stored token set is still good. The rules are the core's
// (`transaction::namespace`, `accounts::token_key`, `flow::restored`); their constants are generated into
// fields.js from it, and tests/node/keys.test.mjs checks this file against the protocol's own answers
// over every configuration of the option table, so tokens are never written under one key and read under
// another.
import {
  BEARER,
  CLOCK_SKEW_MS,
  NAMESPACE_TAG,
  REGIONS,
  TOKEN_KEY_PREFIX,
  TOKEN_PATH,
  TRANSACTION_KEY_PREFIX,
  VSCHAR,
} from './fields.js';
import { base64url, sha256 } from './sha256.js';

const utf8 = (s) => new TextEncoder().encode(s);

/**
 * The storage keys of the client `o` (its options, names and types already checked):
 * `{ transactionPrefix, tokenKey, accountKey }`. A configuration the protocol will refuse gets keys too;
 * nothing is ever stored under them.
 */
export function keys(o) {
  const ep = o.endpoints;
  const token = ep
    ? (ep.tokenEndpoint ?? '')
    : (o.apiBase != null ? o.apiBase.replace(/\/+$/, '') : REGIONS[(o.region ?? 'us').toLowerCase()]) + TOKEN_PATH;
  const parts = [o.issuer ?? ep?.issuer ?? '', token, o.clientId ?? ''].map(utf8);
  const input = [utf8(NAMESPACE_TAG)];
  for (const p of parts) {
    const len = new Uint8Array(8);
    new DataView(len.buffer).setUint32(4, p.length);
    input.push(len, p);
  }
  const all = new Uint8Array(input.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of input) {
    all.set(p, at);
    at += p.length;
  }
  const ns = base64url(sha256(all).subarray(0, 16));
  const tokenKey = TOKEN_KEY_PREFIX + ns;
  return { transactionPrefix: `${TRANSACTION_KEY_PREFIX}${ns}:`, tokenKey, accountKey: `${tokenKey}:` };
}

/** The clock skew the token check allows: the option, or the core's default. */
export const skewOf = (o) => (Number.isSafeInteger(o.clockSkewMs) ? o.clockSkewMs : CLOCK_SKEW_MS);

/**
 * What a stored token set (`JSON.parse`d) is worth at `now`: 0 not a token set (forget it), 1 expired,
 * 2 valid, `skew` ms early.
 */
export function tokenState(t, skew, now) {
  if (!t || typeof t !== 'object') return 0;
  const at = t.expiresAt;
  const refresh = t.refreshToken;
  if (
    !Number.isSafeInteger(at) ||
    at < 0 ||
    typeof t.accessToken !== 'string' ||
    !BEARER.test(t.accessToken) ||
    t.tokenType !== 'Bearer' ||
    (typeof refresh === 'string' && !VSCHAR.test(refresh))
  ) {
    return 0;
  }
  return now + skew < at ? 2 : 1;
}
