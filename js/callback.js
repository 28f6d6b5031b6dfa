// nylas-pkce/callback: the second half of the package, loaded when a callback arrives or a token is used
// (NylasAuth imports it on first use), or imported directly for the stateless functions below. Its wasm
// checks callbacks, reads token and error answers (with the Nylas event catalogue) and runs the token
// lifecycle.
import * as wasm from './session_wasm.js';
import { check, json } from './error.js';
import { resolveConfig } from './index.js';

export { NylasPkceError } from './error.js';

/**
 * Parses and validates a callback (full URL, `?query` or `#fragment`) against `expected.state` (and
 * `expected.issuer`): `{ type: 'code' | 'admin_consent' | 'hosted', … }`, or throws.
 */
export function parseCallback(url, expected) {
  return JSON.parse(check(wasm.parseCallback(typeof url === 'string' ? url : '', json(expected))));
}

/** The token request as data: `{ url, method, headers, body }`; never a `client_secret`. */
export function tokenRequest(options) {
  const { code, codeVerifier, refreshToken, scope, ...config } = options ?? {};
  const settings = json({ config: resolveConfig(config) });
  return JSON.parse(check(wasm.tokenRequest(settings, json({ code, codeVerifier, refreshToken, scope }))));
}

/**
 * Parses a token-endpoint answer (`body`: text or parsed object) into a token set; `now` (ms) defaults to
 * `Date.now()`. Throws the typed error for error answers.
 */
export function parseTokenResponse(status, body, now = Date.now()) {
  const text = typeof body === 'string' ? body : body == null ? '' : json(body);
  return JSON.parse(check(wasm.parseTokenResponse(Number(status) | 0, text, Number(now) || 0)));
}

/**
 * Reads the answer of a Nylas API call (status and body text or object): its `data`, or the typed error,
 * for example `insufficient_scope` with `providedScopes` and `requiredScopes` (pass those to
 * `NylasAuth.requestScopes`).
 */
export function parseApiResponse(status, body) {
  const text = typeof body === 'string' ? body : body == null ? '' : json(body);
  return JSON.parse(check(wasm.apiResult(Number(status) | 0, text)));
}

/** The size of the second half's wasm linear memory in bytes (diagnostics, benchmarks). */
export function wasmMemoryBytes() {
  return wasm.memoryBytes();
}

/** @internal NylasAuth's engine: the wasm's flow steps. Not part of the public API. */
export const __engine = wasm;
