// Type declarations for nylas-pkce/protocol: the synchronous low-level functions, for apps that run the
// flow themselves. Importing it instantiates the protocol's wasm synchronously, so every function is ready
// on import. NylasAuth (from nylas-pkce) does not need it.
import type {
  AuthorizationOptions,
  AuthorizationUrlResult,
  ChallengeEncoding,
  ChallengeMethod,
  ClientConfig,
  Endpoints,
  NylasScopeName,
} from './index.js';

export type { AuthorizationUrlResult, ChallengeEncoding, ChallengeMethod } from './index.js';
export { NylasPkceError } from './index.js';

/** A code verifier from `crypto.getRandomValues`: 43 characters of the RFC 7636 set, or `length` (43–128). */
export declare function generateCodeVerifier(length?: number): string;
/** The challenge of `verifier`: S256 (default) or plain, in Nylas's encoding (default) or RFC 7636's. */
export declare function codeChallenge(
  verifier: string,
  options?: { method?: ChallengeMethod; encoding?: ChallengeEncoding },
): string;
/** A fresh verifier (43 characters, or `length` 43–128) and its challenge, in one call. */
export declare function generatePkcePair(options?: {
  length?: number;
  method?: ChallengeMethod;
  encoding?: ChallengeEncoding;
}): {
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: ChallengeMethod;
};
/**
 * A `/connect/auth` URL with a fresh state and PKCE pair, and the pending transaction to store until the
 * callback. Stateless: `NylasAuth` does the storing for you.
 */
export declare function buildAuthorizationUrl(options: ClientConfig & AuthorizationOptions): AuthorizationUrlResult;
/** A client configuration, checked and resolved (every endpoint spelled out). */
export interface ResolvedConfig {
  clientId: string;
  redirectUri: string;
  endpoints: Endpoints;
  flavor: 'nylas' | 'generic';
  challengeEncoding: ChallengeEncoding;
  tokenBody: 'json' | 'form';
  requireIss: boolean;
}
/** Checks a client configuration and resolves its endpoints; throws `invalid_config` naming the field. */
export declare function resolveConfig(options: ClientConfig): ResolvedConfig;
/**
 * Nylas scope names as the provider's scope strings (Google: the reference's table, plus the always-required
 * scopes unless `required: false`; Microsoft: calendar only). Provider scopes pass through unchanged.
 */
export declare function providerScopes(
  provider: 'google' | 'microsoft',
  names: readonly (NylasScopeName | (string & {}))[],
  options?: { required?: boolean },
): string[];
/** Size of the protocol wasm's linear memory in bytes (diagnostics). */
export declare function wasmMemoryBytes(): number;

/**
 * Whether `userAgent` (default: this browser's) is an embedded webview: an in-app browser (Facebook,
 * Instagram, LinkedIn, LINE, WeChat, …), Android WebView or an iOS `WKWebView`. Google refuses to sign in
 * there (`403 disallowed_useragent`), so `loginWithRedirect` / `loginWithPopup` for Google refuse it first
 * with `embedded_webview` unless the URL goes to an `openUrl` hook (the system browser) or
 * `allowEmbeddedWebview` is set.
 */
export declare function isEmbeddedWebview(userAgent?: string): boolean;
