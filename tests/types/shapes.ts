// Exact types of what the public functions answer: `Equal` is false for `any` (and for anything wider or
// narrower than the type written here), so a declaration that drifts from what the runtime returns, or
// turns into `any`, fails to compile. The runtime shapes are the wasm's JSON (src/api/mod.rs,
// src/api/engine.rs, src/token.rs) as js/index.js and js/callback.js hand them on.

import type {
  Account,
  AccountEvent,
  AuthorizationUrlResult,
  CallbackResult,
  ChallengeEncoding,
  ChallengeMethod,
  DetectedProvider,
  Endpoints,
  GrantInfo,
  HttpRequestData,
  JsonValue,
  LoginResult,
  NylasAuthOptions,
  NylasPkceErrorCode,
  RedirectCallbackResult,
  TokenInfo,
  TokenSet,
} from 'nylas-pkce';
import { NylasAuth, NylasPkceError } from 'nylas-pkce';
import * as callback from 'nylas-pkce/callback';
import type { ResolvedConfig } from 'nylas-pkce/protocol';
import {
  buildAuthorizationUrl,
  type codeChallenge,
  type generateCodeVerifier,
  type generatePkcePair,
  type isEmbeddedWebview,
  type NylasPkceError as ProtocolError,
  type providerScopes,
  resolveConfig,
  type wasmMemoryBytes,
} from 'nylas-pkce/protocol';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assert<_ extends true>(): void {}

declare const auth: NylasAuth;
declare const config: { clientId: string; redirectUri: string };

// nylas-pkce/protocol: the synchronous low-level functions, and the entry's one error class.
assert<Equal<ProtocolError, NylasPkceError>>();
assert<Equal<ReturnType<typeof isEmbeddedWebview>, boolean>>();
assert<Equal<Parameters<typeof isEmbeddedWebview>, [userAgent?: string]>>();
assert<Equal<ReturnType<typeof generateCodeVerifier>, string>>();
assert<Equal<Parameters<typeof generateCodeVerifier>, [length?: number]>>();
assert<Equal<ReturnType<typeof codeChallenge>, string>>();
assert<
  Equal<
    ReturnType<typeof generatePkcePair>,
    { codeVerifier: string; codeChallenge: string; codeChallengeMethod: ChallengeMethod }
  >
>();
assert<Equal<ReturnType<typeof buildAuthorizationUrl>, AuthorizationUrlResult>>();
assert<Equal<ReturnType<typeof resolveConfig>, ResolvedConfig>>();
assert<Equal<ReturnType<typeof providerScopes>, string[]>>();
assert<Equal<ReturnType<typeof wasmMemoryBytes>, number>>();
assert<Equal<ChallengeEncoding, 'nylas' | 'rfc7636'>>();
assert<Equal<ChallengeMethod, 'S256' | 'plain'>>();

// buildAuthorizationUrl: { url, state, codeVerifier, codeChallenge, codeChallengeMethod, redirectUri, createdAt, issuer, transaction }.
const start = buildAuthorizationUrl({ ...config, provider: 'google' });
assert<Equal<typeof start.url, string>>();
assert<Equal<typeof start.codeVerifier, string | undefined>>();
assert<Equal<typeof start.createdAt, number>>();
assert<Equal<typeof start.transaction, string>>();

// resolveConfig: Config::to_record (clientId, redirectUri, endpoints, flavor, challengeEncoding, tokenBody, requireIss).
const resolved = resolveConfig(config);
assert<Equal<typeof resolved.endpoints, Endpoints>>();
assert<Equal<typeof resolved.flavor, 'nylas' | 'generic'>>();
assert<Equal<typeof resolved.requireIss, boolean>>();
assert<
  Equal<
    keyof ResolvedConfig,
    'clientId' | 'redirectUri' | 'endpoints' | 'flavor' | 'challengeEncoding' | 'tokenBody' | 'requireIss'
  >
>();

// NylasAuth: the protocol loads on first use, so every step that needs it is a promise.
assert<Equal<ReturnType<NylasAuth['authorizationUrl']>, Promise<string>>>();
assert<Equal<ReturnType<NylasAuth['ready']>, Promise<void>>>();
assert<Equal<ReturnType<NylasAuth['preload']>, Promise<void>>>();
assert<Equal<Parameters<NylasAuth['ready']>, []>>();
assert<Equal<Parameters<NylasAuth['preload']>, []>>();
assert<Equal<NonNullable<NylasAuthOptions['popup']>['openWithUrl'], boolean | undefined>>();
const url: string = await auth.authorizationUrl({ provider: 'google' });
void url;
void auth.loginWithPopup({ popup: { openWithUrl: true, width: 480 } });
new NylasAuth({ ...config, popup: { openWithUrl: false } });

assert<Equal<ReturnType<NylasAuth['loginWithRedirect']>, Promise<void>>>();
assert<Equal<ReturnType<NylasAuth['reauthenticate']>, Promise<void>>>();
assert<Equal<ReturnType<NylasAuth['handleRedirectCallback']>, Promise<RedirectCallbackResult>>>();
assert<Equal<ReturnType<NylasAuth['loginWithPopup']>, Promise<LoginResult>>>();
assert<Equal<ReturnType<typeof NylasAuth.completePopup>, boolean>>();
assert<Equal<ReturnType<NylasAuth['getTokenSet']>, TokenSet | null>>();
assert<Equal<ReturnType<NylasAuth['isAuthenticated']>, boolean>>();
assert<Equal<ReturnType<NylasAuth['getAccessToken']>, Promise<string>>>();
assert<Equal<ReturnType<NylasAuth['detectProvider']>, Promise<DetectedProvider>>>();
assert<Equal<ReturnType<NylasAuth['revoke']>, Promise<void>>>();
assert<Equal<ReturnType<NylasAuth['logout']>, Promise<void>>>();
assert<Equal<ReturnType<NylasAuth['tokenInfo']>, Promise<TokenInfo>>>();
assert<Equal<ReturnType<NylasAuth['grantInfo']>, Promise<GrantInfo>>>();
assert<Equal<ReturnType<NylasAuth['on']>, () => void>>();
const viaRedirect = auth.requestScopes(['Mail.Read']);
const viaPopup = auth.requestScopes(['Mail.Read'], { method: 'popup' });
assert<Equal<typeof viaRedirect, Promise<void>>>();
assert<Equal<typeof viaPopup, Promise<LoginResult>>>();
auth.on('expired', (payload) => assert<Equal<typeof payload, AccountEvent>>());
auth.on('logout', (payload) => assert<Equal<typeof payload.grantId, string | undefined>>());
// Several accounts: the list, and a grant id on every call about one account.
const several = new NylasAuth({ clientId: 'c', redirectUri: 'https://a.example/cb', accounts: 'multiple' });
assert<Equal<ReturnType<NylasAuth['accounts']>, Account[]>>();
assert<Equal<Account['expiresAt'], number>>();
for (const { grantId } of several.accounts()) {
  if (grantId) {
    void several.getAccessToken({ grantId });
    void several.logout({ grantId });
    void several.requestScopes(['calendar'], { grantId, method: 'popup' });
    void several.reauthenticate({ grantId });
    several.isAuthenticated({ grantId });
  }
}
auth.on('error', (payload) => assert<Equal<typeof payload, NylasPkceError>>());
auth.on('tokens', (payload) => assert<Equal<typeof payload, TokenSet>>());

// Results: handleRedirectCallback's `{ type: 'tokens', …token set, appState? }` (api::outcome).
const result = await auth.handleRedirectCallback();
assert<Equal<typeof result.type, 'tokens' | 'admin_consent' | 'popup'>>();
if (result.type === 'tokens') {
  assert<Equal<typeof result.accessToken, string>>();
  assert<Equal<typeof result.tokenType, 'Bearer'>>();
  assert<Equal<typeof result.expiresAt, number>>();
  assert<Equal<typeof result.expiresIn, number | undefined>>();
  assert<Equal<typeof result.scope, string[]>>();
  assert<Equal<typeof result.appState, JsonValue | undefined>>();
  assert<Equal<typeof result.idTokenClaims, TokenSet['idTokenClaims']>>();
  const claim = result.idTokenClaims?.name;
  assert<Equal<typeof claim, unknown>>();
}

// The error: fields as engine::error writes them.
declare const error: NylasPkceError;
assert<Equal<typeof error.name, 'NylasPkceError'>>();
assert<Equal<typeof error.code, NylasPkceErrorCode>>();
assert<Equal<typeof error.status, number | undefined>>();
assert<Equal<typeof error.eventCode, number | undefined>>();
assert<Equal<typeof error.requiredScopes, string[] | undefined>>();
assert<Equal<typeof error.field, string | undefined>>();
const noOpener: NylasPkceErrorCode = 'no_opener';
void noOpener;
const built = new NylasPkceError('m', { code: 'timeout', status: 504 });
assert<Equal<typeof built, NylasPkceError>>();
const isError: Error = built;
void isError;

// The second half.
assert<Equal<typeof callback.NylasPkceError, typeof NylasPkceError>>();
assert<Equal<ReturnType<typeof callback.parseCallback>, CallbackResult>>();
assert<Equal<ReturnType<typeof callback.tokenRequest>, HttpRequestData & { method: 'POST'; body: string }>>();
assert<Equal<ReturnType<typeof callback.parseTokenResponse>, TokenSet>>();
assert<Equal<ReturnType<typeof callback.parseApiResponse>, unknown>>();
assert<Equal<ReturnType<typeof callback.wasmMemoryBytes>, number>>();
const cb = callback.parseCallback('?code=c&state=s', { state: 's', issuer: 'https://i', requireIss: true });
if (cb.type === 'code') assert<Equal<typeof cb.code, string>>();
if (cb.type === 'hosted') assert<Equal<typeof cb.grantId, string>>();
const extra = cb.extras.session_state;
assert<Equal<typeof extra, string | undefined>>();
const refresh = callback.tokenRequest({ ...config, refreshToken: 'r', scope: 'openid' });
assert<Equal<typeof refresh.headers, Record<string, string>>>();

// Storage adapters: whatever iterates over strings will do for keys().
const map = new Map<string, string>();
new NylasAuth({
  ...config,
  storage: {
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
    keys: () => map.keys(),
  },
  tokenStorage: {
    get: () => null,
    set() {},
    remove() {},
    keys: (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)),
  },
});
new NylasAuth({
  ...config,
  storage: {
    get: () => undefined,
    set() {},
    remove() {},
    *keys(prefix) {
      yield prefix;
    },
  },
});
