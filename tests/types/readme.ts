// The README's JavaScript examples as TypeScript, compiled against the shipped declarations by a strict
// project (tests/types/tsconfig.json: strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes). Each
// example is kept as written; where strict TypeScript needs more than the JavaScript (an `unknown` catch
// variable, a union to narrow, the DOM's `string | null`), the change is marked `TS:`. Free variables of
// the examples are declared. Every example sits in a block of its own so their names do not collide.

import type { LoginResult, RedirectCallbackResult, TokenSet } from 'nylas-pkce';
import { NylasAuth, NylasPkceError } from 'nylas-pkce';
import { parseApiResponse, parseCallback, parseTokenResponse, tokenRequest } from 'nylas-pkce/callback';
import {
  buildAuthorizationUrl,
  codeChallenge,
  generateCodeVerifier,
  generatePkcePair,
  providerScopes,
} from 'nylas-pkce/protocol';

declare const button: HTMLButtonElement;
declare function show(result: LoginResult): void;
declare function showError(code: string): void;
declare const clientId: string;
declare const redirectUri: string;

// ## Quick start (browser)
{
  const auth = new NylasAuth({
    clientId: '<your Nylas application client id>',
    redirectUri: `${location.origin}/callback`, // registered with your Nylas application
    region: 'us', // or 'eu', or apiBase: 'https://{app}.us.nylas.com' (legacy) / a mock
    provider: 'google',
    scopes: ['https://www.googleapis.com/auth/gmail.readonly'],
  });

  // Log in with a popup: call it straight from the click handler.
  button.onclick = () =>
    auth.loginWithPopup().then(
      (tokens) => show(tokens),
      (err) => showError(err.code),
    );

  // Or by redirect:
  await auth.loginWithRedirect();
  // and on the page at redirectUri (the same page works; in a popup it forwards to the opener by itself).
  if (new URLSearchParams(location.search).has('state')) {
    const result = await auth.handleRedirectCallback(); // { type: 'tokens', accessToken, expiresAt, grantId, email, … }
    // TS: the result is a union on `type`; narrow it before reading the tokens.
    if (result.type === 'tokens') {
      const expiresAt: number = result.expiresAt;
      const grantId: string | undefined = result.grantId;
      void [result.accessToken, expiresAt, grantId, result.email];
    }
  }

  const token = await auth.getAccessToken(); // valid token, or NylasPkceError code 'login_required'
  const grant = await auth.grantInfo(); // GET /v3/grants/me
  await auth.logout(); // clears local tokens, revokes at Nylas
  const _: [string, string] = [token, grant.id];
}

// A PKCE pair by itself, synchronously.
{
  const encoding = 'rfc7636';
  const { codeVerifier, codeChallenge: challenge, codeChallengeMethod } = generatePkcePair({ encoding });
  const verifier: string = generateCodeVerifier(64);
  const method: 'S256' | 'plain' = codeChallengeMethod;
  const again: string = codeChallenge(verifier, { method: 'S256', encoding: 'nylas' });
  void [codeVerifier, challenge, method, again];
}

// Lower-level functions, for when you keep state yourself.
{
  const start = buildAuthorizationUrl({ clientId, redirectUri, provider: 'microsoft', scopes: ['Mail.Read'] });
  sessionStorage.setItem('pkce', JSON.stringify({ state: start.state, verifier: start.codeVerifier }));
  location.assign(start.url);
  // … back on redirectUri:
  // TS: getItem answers `string | null`; JSON.parse wants a string.
  const saved = JSON.parse(sessionStorage.getItem('pkce') ?? 'null') as { state: string; verifier: string };
  sessionStorage.removeItem('pkce');
  // TS: parseCallback answers a union (`code`, `admin_consent`, `hosted`); only a `code` result has `code`.
  const callback = parseCallback(location.href, { state: saved.state }); // throws state_mismatch, authorization_error, …
  if (callback.type !== 'code') throw new Error(`not a code callback: ${callback.type}`);
  const { code } = callback;
  const req = tokenRequest({ clientId, redirectUri, code, codeVerifier: saved.verifier });
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, credentials: 'omit' });
  const tokens = parseTokenResponse(res.status, await res.text());
  const t: TokenSet = tokens;
  void t;
}

// ## Scopes
{
  const scopes = providerScopes('google', ['email.read_only', 'calendar']);
  // ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/calendar',
  //  'https://www.googleapis.com/auth/userinfo.email', 'https://www.googleapis.com/auth/userinfo.profile', 'openid']
  const first: string | undefined = scopes[0];
  const microsoft: string[] = providerScopes('microsoft', ['calendar', 'Mail.Read'], { required: false });
  void [first, microsoft];
}

// Incremental consent.
{
  const auth = new NylasAuth({ clientId, redirectUri });
  const res = await fetch(`https://api.us.nylas.com/v3/grants/me/messages`, {
    headers: { Authorization: `Bearer ${await auth.getAccessToken()}` },
  });
  try {
    const messages = parseApiResponse(res.status, await res.text());
    void messages;
  } catch (e) {
    // TS: a catch variable is `unknown`; narrow it to NylasPkceError before reading `code`. An
    // `insufficient_scope` answered without the scope lists (an OAuth `error`) has no `requiredScopes`.
    if (e instanceof NylasPkceError && e.code === 'insufficient_scope' && e.requiredScopes) {
      // Re-authenticates the same grant (login_hint = its email, include_grant_scopes=true) for exactly the
      // missing scopes; the new token covers both. From a click handler: { method: 'popup' }.
      const result: LoginResult = await auth.requestScopes(e.requiredScopes, { method: 'popup' });
      // biome-ignore lint/suspicious/noConfusingVoidType: the declared result is Promise<void>, which this checks
      const redirect: void = await auth.requestScopes(e.requiredScopes);
      void [result, redirect];
    }
  }
}

// App state: any JSON value, returned with the result.
{
  const auth = new NylasAuth({ clientId, redirectUri, storage: 'local' });
  await auth.loginWithRedirect({ appState: { returnTo: '/inbox', tab: 2, filters: ['unread', null] } });
  const result: RedirectCallbackResult = await auth.handleRedirectCallback();
  if (result.type === 'tokens' || result.type === 'admin_consent') {
    const appState = result.appState;
    if (appState && typeof appState === 'object' && !Array.isArray(appState)) {
      const returnTo = appState.returnTo;
      if (typeof returnTo === 'string') location.assign(returnTo);
    }
  }
}

// Provider detection: pick the provider and its scopes before the login.
{
  const auth = new NylasAuth({ clientId, redirectUri });
  const detected = await auth.detectProvider('someone@gmail.com');
  // { provider: 'google', type: 'google', email, detected: true }
  // TS: `provider` is any provider name (`NylasProvider`); providerScopes maps only Google's and Microsoft's.
  if (detected.detected && detected.provider === 'google') {
    const scopes = providerScopes('google', ['email.read_only']);
    button.onclick = () => void auth.loginWithPopup({ provider: detected.provider, scopes, loginHint: detected.email });
  }
}

// ## Errors: every throw or rejection is a NylasPkceError with a stable code.
{
  const auth = new NylasAuth({ clientId, redirectUri });
  const off = auth.on('error', (e) => {
    const code: NylasPkceError['code'] = e.code;
    if (code === 'api_error' || code === 'invalid_token') console.log(e.status, e.eventCode, e.type, e.requestId);
    if (code === 'invalid_config' || code === 'invalid_option') console.log(e.field);
  });
  auth.on('tokens', (t) => console.log(t.accessToken, t.expiresAt));
  auth.on('logout', () => off());
  try {
    await auth.getAccessToken();
  } catch (e) {
    if (e instanceof NylasPkceError && e.code === 'login_required') await auth.reauthenticate();
  }
}
