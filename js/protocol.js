// nylas-pkce/protocol: the synchronous low-level functions (PKCE pairs, challenges, authorization URLs,
// configuration checks, provider scopes), for apps that run the flow themselves. Importing it instantiates
// the protocol's wasm (inlined in ./engine_inline.js) synchronously, so every export is ready on import;
// NylasAuth, from the entry, does not need it and loads the same module asynchronously when a step needs it.

import * as wasm from './engine.js';
import { wasm as inline } from './engine_inline.js';
import { check } from './error.js';
import { AUTHORIZATION, CLIENT, CONFIG, LOGIN_DEFAULTS } from './fields.js';
import { checkNames, object, optionError, pack } from './options.js';

export { NylasPkceError } from './error.js';

wasm.start(() => {
  const bytes = new Uint8Array(inline.length);
  for (let i = 0; i < inline.length; i++) bytes[i] = inline.charCodeAt(i);
  return bytes;
});

// Option names become small integers (free to pass to wasm); an unknown name becomes 255, which the wasm
// rejects as invalid_option. Maps, not object literals: 'toString' must not find Object.prototype's members.
const METHODS = new Map([
  ['S256', 0],
  ['plain', 1],
]);
const ENCODINGS = new Map([
  ['nylas', 0],
  ['rfc7636', 1],
]);
const methodCode = (o) => METHODS.get(o?.method ?? 'S256') ?? 255;
const encodingCode = (o) => ENCODINGS.get(o?.encoding ?? 'nylas') ?? 255;
/** `length` for the wasm: 0 means the default (43); anything that is not a whole number is refused there. */
const lengthCode = (length) => (length === undefined ? 0 : Number.isInteger(length) && length > 0 ? length : 1);

/** A code verifier from `crypto.getRandomValues`: 43 characters, or `length` (43–128). */
export function generateCodeVerifier(length) {
  return check(wasm.verifier(lengthCode(length)));
}

/** The S256 (or plain) challenge of `verifier`; `encoding` `nylas` (default) or `rfc7636`. */
export function codeChallenge(verifier, options) {
  return check(wasm.challenge(String(verifier), methodCode(options), encodingCode(options)));
}

/** A fresh verifier and its challenge in one call: `{ codeVerifier, codeChallenge, codeChallengeMethod }`. */
export function generatePkcePair(options) {
  const pair = check(wasm.pair(lengthCode(options?.length), methodCode(options), encodingCode(options)));
  const space = pair.indexOf(' ');
  return {
    codeVerifier: pair.slice(0, space),
    codeChallenge: pair.slice(space + 1),
    codeChallengeMethod: options?.method ?? 'S256',
  };
}

/**
 * Builds a `/connect/auth` URL: `{ url, state, codeVerifier, codeChallenge, codeChallengeMethod,
 * redirectUri, createdAt, issuer, transaction }`. Keep `transaction` (or at least `state` and
 * `codeVerifier`) until the callback.
 */
export function buildAuthorizationUrl(options) {
  const o = object(options, true);
  checkNames(o, [CONFIG, AUTHORIZATION], false);
  const config = pack(CONFIG, o, true);
  return wasm.started(wasm.authorize(config, '', pack(AUTHORIZATION, o, false), false, Date.now(), [], 0)).result;
}

/**
 * Checks a client configuration (`clientId`, `redirectUri`, one of `region` / `apiBase` / `endpoints`, …) and
 * returns it resolved: `{ clientId, redirectUri, endpoints: { authorizationEndpoint, tokenEndpoint, … },
 * flavor, challengeEncoding, tokenBody }`. Throws `invalid_config` naming the field.
 */
export function resolveConfig(options) {
  const o = object(options, true);
  checkNames(o, [CONFIG, CLIENT, LOGIN_DEFAULTS], true);
  return JSON.parse(check(wasm.configure(pack(CONFIG, o, true), pack(CLIENT, o, true), ''))).config;
}

/**
 * Nylas scope names (`email.read_only`, `calendar`, …) as the provider's own scope strings, which Nylas v3
 * wants: `providerScopes('google', ['email.read_only'])` → `['https://www.googleapis.com/auth/gmail.readonly',
 * …the always-required Google scopes]`. Provider scopes pass through unchanged; a name without a mapping is
 * an `invalid_option` error naming it. Microsoft: only what the Nylas reference maps (calendar).
 */
export function providerScopes(provider, names, options) {
  if (!Array.isArray(names)) throw optionError('scopes', 'must be an array of strings', false);
  const list = check(
    wasm.scopes(String(provider), pack([['scopes', 'l']], { scopes: names }, false), options?.required ?? true),
  );
  return list ? list.split('\0') : [];
}

/**
 * Whether `userAgent` (default: this browser's) is an embedded webview: an in-app browser (Facebook,
 * Instagram, LinkedIn, LINE, WeChat, …), Android WebView or an iOS `WKWebView`. Google refuses to sign in
 * there (`403 disallowed_useragent`): open the authorization URL in the system browser instead (`openUrl`).
 */
export function isEmbeddedWebview(userAgent = globalThis.navigator?.userAgent ?? '') {
  return wasm.embedded(String(userAgent));
}

/** The size of the protocol wasm's linear memory in bytes (diagnostics, benchmarks). */
export function wasmMemoryBytes() {
  return wasm.memoryBytes();
}
