// Type declarations for nylas-pkce/callback: the stateless callback and token functions, ready on import
// (it instantiates the protocol's wasm). NylasAuth needs none of it; import it directly to parse callbacks
// or token answers yourself (a server, a worker, your own flow).
import type { CallbackResult, ClientConfig, HttpRequestData, TokenSet } from './index.js';

export type { CallbackResult, HttpRequestData, TokenSet } from './index.js';
export { NylasPkceError } from './index.js';

/** Parses and validates a callback (full URL, `?query` or `#fragment`) against the expected state and issuer. */
export declare function parseCallback(
  input: string,
  expected: { state: string; issuer?: string; requireIss?: boolean },
): CallbackResult;
/** The token request as data: `{ url, method: 'POST', headers, body }`; never a `client_secret`. */
export declare function tokenRequest(
  options: ClientConfig &
    ({ code: string; codeVerifier: string; redirectUri?: string } | { refreshToken: string; scope?: string }),
): HttpRequestData & { method: 'POST'; body: string };
/** Parses a token-endpoint answer into a token set; `now` (ms) defaults to `Date.now()`. */
export declare function parseTokenResponse(status: number, body: string | object, now?: number): TokenSet;
/** Reads a Nylas API answer: its `data`, or the typed error (e.g. `insufficient_scope` with `requiredScopes`). */
export declare function parseApiResponse(status: number, body: string | object): unknown;
/** Size of the protocol wasm's linear memory in bytes (diagnostics). */
export declare function wasmMemoryBytes(): number;
