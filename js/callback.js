// nylas-pkce/callback: stateless functions over the protocol module (./engine.js, instantiated on import by
// ./protocol.js; NylasAuth loads the same module when a callback arrives or a token is used): checking a
// callback, the token request as data, and reading token-endpoint and API answers.

import * as wasm from './engine.js';
import { check } from './error.js';
import { CONFIG, EXPECTATIONS, TOKEN_REQUEST } from './fields.js';
import { checkNames, object, pack } from './options.js';
import { resolveConfig } from './protocol.js';

export { NylasPkceError } from './error.js';

/**
 * Parses and validates a callback (full URL, `?query` or `#fragment`) against `expected.state` (and
 * `expected.issuer`): `{ type: 'code' | 'admin_consent' | 'hosted', … }`, or throws.
 */
export function parseCallback(url, expected) {
  const o = object(expected, false);
  checkNames(o, [EXPECTATIONS], false);
  return JSON.parse(check(wasm.parseCallback(typeof url === 'string' ? url : '', pack(EXPECTATIONS, o, false))));
}

/** The token request as data: `{ url, method, headers, body }`; never a `client_secret`. */
export function tokenRequest(options) {
  const o = object(options, false);
  checkNames(o, [CONFIG, TOKEN_REQUEST], false);
  const { code, codeVerifier, refreshToken, scope, ...config } = o;
  const settings = JSON.stringify({ config: resolveConfig(config) });
  const own = { code, codeVerifier, refreshToken, scope, redirectUri: o.redirectUri };
  return JSON.parse(check(wasm.tokenRequest(settings, pack(TOKEN_REQUEST, own, false))));
}

/** A server's answer body as text (`body`: text, or a parsed object). */
const bodyText = (body) => (typeof body === 'string' ? body : body == null ? '' : (JSON.stringify(body) ?? ''));

/**
 * Parses a token-endpoint answer (`body`: text or parsed object) into a token set; `now` (ms) defaults to
 * `Date.now()`. Throws the typed error for error answers.
 */
export function parseTokenResponse(status, body, now = Date.now()) {
  return JSON.parse(check(wasm.parseTokenResponse(Number(status) | 0, bodyText(body), Number(now) || 0)));
}

/**
 * Reads the answer of a Nylas API call (status and body text or object): its `data`, or the typed error,
 * for example `insufficient_scope` with `providedScopes` and `requiredScopes` (pass those to
 * `NylasAuth.requestScopes`).
 */
export function parseApiResponse(status, body) {
  return JSON.parse(check(wasm.apiResult(Number(status) | 0, bodyText(body))));
}

/** The size of the protocol wasm's linear memory in bytes (diagnostics, benchmarks). */
export function wasmMemoryBytes() {
  return wasm.memoryBytes();
}
