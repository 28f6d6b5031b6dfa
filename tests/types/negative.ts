// Wrong calls that must not compile. Each sits on the line after a `// @ts-expect-error TSnnnn: why`
// directive, so this file compiles only while every one of them is an error (an unused directive is error
// TS2578). run.mjs also compiles the file with the directives taken out and checks that each case fails
// with the code its directive names (and, where a directive quotes `text`, with a message containing it),
// so a case cannot pass by failing for an unrelated reason, such as a typo in the test itself. Keep each
// case on the one line after its directive.

import type { NylasPkceErrorCode, TokenSet } from 'nylas-pkce';
import * as entry from 'nylas-pkce';
import { NylasAuth, NylasPkceError } from 'nylas-pkce';
import { parseApiResponse, parseCallback, tokenRequest } from 'nylas-pkce/callback';
import * as protocol from 'nylas-pkce/protocol';
import {
  buildAuthorizationUrl,
  codeChallenge,
  generateCodeVerifier,
  generatePkcePair,
  providerScopes,
} from 'nylas-pkce/protocol';

// The entry loads no protocol: the low-level functions are nylas-pkce/protocol's, NylasAuth the entry's.
// @ts-expect-error TS2339 `'generatePkcePair' does not exist`: the low-level functions left the entry
entry.generatePkcePair();
// @ts-expect-error TS2339 `'buildAuthorizationUrl' does not exist`: the entry builds no URL synchronously
entry.buildAuthorizationUrl({ clientId: 'c', redirectUri: 'https://a.example/cb' });
// @ts-expect-error TS2339 `'NylasAuth' does not exist`: NylasAuth is the entry's, not the protocol subpath's
new protocol.NylasAuth({ clientId: 'c', redirectUri: 'https://a.example/cb' });

declare const clientId: string;
declare const redirectUri: string;
declare const verifier: string;
declare const tokens: TokenSet;
const auth = new NylasAuth({ clientId, redirectUri });

// Options the SDK does not know (it refuses them at run time too: invalid_config / invalid_option).
// @ts-expect-error TS2561: misspelled NylasAuth option
new NylasAuth({ clientId, redirectUri, provder: 'google' });
// @ts-expect-error TS2561: misspelled per-call option
auth.authorizationUrl({ scoeps: [] });
// @ts-expect-error TS2561: misspelled buildAuthorizationUrl option
buildAuthorizationUrl({ clientId, redirectUri, loginHnt: 'a@b.c' });
// @ts-expect-error TS2353: a per-call option is not a NylasAuth option (the constructor would accept and ignore it)
new NylasAuth({ clientId, redirectUri, loginHint: 'a@b.c' });
// @ts-expect-error TS2353: openUrl is a redirect option, not a popup one
auth.loginWithPopup({ openUrl: () => {} });
// @ts-expect-error TS2353: popup is a popup option, not a redirect one
auth.loginWithRedirect({ popup: { width: 400 } });
// @ts-expect-error TS2561: parseCallback's expectations are state, issuer, requireIss
parseCallback(location.href, { stat: 's' });
// @ts-expect-error TS2769 `'scope' does not exist`: requestScopes takes the scopes as its first argument, not in its options
auth.requestScopes(['Mail.Read'], { method: 'popup', scope: ['Mail.Send'] });

// The protocol loads on first use: authorizationUrl is a promise, ready() and preload() take nothing.
// @ts-expect-error TS2322 `Promise<string>`: authorizationUrl answers a promise of the URL
const notAwaited: string = auth.authorizationUrl();
// @ts-expect-error TS2554: ready() takes no options
void auth.ready({ timeoutMs: 5 });
// @ts-expect-error TS2322: preload() resolves with nothing (it never rejects, and says nothing)
const preloaded: boolean = await auth.preload();
// @ts-expect-error TS2322: openWithUrl is a boolean
new NylasAuth({ clientId, redirectUri, popup: { openWithUrl: 'yes' } });

// Values outside an option's set.
// @ts-expect-error TS2322: challengeEncoding is nylas or rfc7636
new NylasAuth({ clientId, redirectUri, challengeEncoding: 'hex' });
// @ts-expect-error TS2322: encoding is nylas or rfc7636
generatePkcePair({ encoding: 'hex' });
// @ts-expect-error TS2322: method is S256 or plain
codeChallenge(verifier, { method: 'S512' });
// @ts-expect-error TS2322: region is us or eu
new NylasAuth({ clientId, redirectUri, region: 'ap' });
// @ts-expect-error TS2322: storage is session, local, memory or an adapter
new NylasAuth({ clientId, redirectUri, storage: 'cookie' });
// @ts-expect-error TS2322: an adapter needs keys() (logout and the purge of expired logins use it)
new NylasAuth({ clientId, redirectUri, storage: { get: () => null, set: () => {}, remove: () => {} } });
// @ts-expect-error TS2322: plain is a per-call choice, never a NylasAuth default
new NylasAuth({ clientId, redirectUri, challengeMethod: 'plain' });
// @ts-expect-error TS2322: a popup window is a Window
auth.loginWithPopup({ window: 'popup' });
// @ts-expect-error TS2322: responseType is code or adminconsent
auth.authorizationUrl({ responseType: 'token' });
// @ts-expect-error TS2345: providerScopes maps Google's and Microsoft's scopes only
providerScopes('yahoo', ['email']);
// @ts-expect-error TS2322 `JsonValue`: appState is a JSON value
auth.loginWithRedirect({ appState: () => 'not JSON' });
// @ts-expect-error TS2379: exactOptionalPropertyTypes: leave an option out rather than pass undefined
auth.authorizationUrl({ state: undefined });

// Wrong argument types and missing arguments.
// @ts-expect-error TS2345 `'string' is not assignable to parameter of type 'readonly string[]'`: requestScopes takes an array of scopes
auth.requestScopes('Mail.Read');
// @ts-expect-error TS2345: handleRedirectCallback takes the callback URL
auth.handleRedirectCallback(42);
// @ts-expect-error TS2322: scopes is an array
buildAuthorizationUrl({ clientId, redirectUri, scopes: 'openid email' });
// @ts-expect-error TS2345: generateCodeVerifier takes a length
generateCodeVerifier('64');
// @ts-expect-error TS2345 `Property 'redirectUri' is missing`: redirectUri is required
new NylasAuth({ clientId });
// @ts-expect-error TS2345 `Property 'codeVerifier' is missing`: a code exchange needs the verifier
tokenRequest({ clientId, redirectUri, code: 'c' });
// @ts-expect-error TS2345: there is no such event
auth.on('tokenz', () => {});
// @ts-expect-error TS2345 `Type 'TokenSet' is not assignable to type 'string'`: the tokens event carries a token set
auth.on('tokens', (t: string) => t);
// @ts-expect-error TS2554: every NylasPkceError has a code (its fields name it)
new NylasPkceError('no code');
// @ts-expect-error TS2322: not one of the error codes
const notACode: NylasPkceErrorCode = 'not_a_code';

// Reading `code` (or anything) from something that is not a NylasPkceError, or from a union not narrowed.
try {
  await auth.getAccessToken();
} catch (e) {
  // @ts-expect-error TS18046: a catch variable is unknown until narrowed
  console.log(e.code);
  if (e instanceof Error) {
    // @ts-expect-error TS2339: an Error is not a NylasPkceError
    console.log(e.code);
  }
  if (e instanceof NylasPkceError) {
    // @ts-expect-error TS2540: an error's fields are read-only
    e.code = 'timeout';
  }
}
// @ts-expect-error TS2339: a token set has no code
console.log(tokens.code);
const result = await auth.handleRedirectCallback();
// @ts-expect-error TS2339: accessToken only once the result is narrowed to type 'tokens'
console.log(result.accessToken);
const popup = await auth.loginWithPopup();
// @ts-expect-error TS2367: loginWithPopup never answers { type: 'popup' }
if (popup.type === 'popup') console.log(popup);
const callback = parseCallback(location.href, { state: 's' });
// @ts-expect-error TS2339: code only once the callback is narrowed to type 'code'
console.log(callback.code);
// @ts-expect-error TS2322: parseApiResponse answers unknown, not any
const data: string[] = parseApiResponse(200, '{"data":[]}');
// @ts-expect-error TS2322: generatePkcePair's challenge is a string
const challenge: number = generatePkcePair().codeChallenge;
// @ts-expect-error TS2322: a token request's headers are strings
const header: number | undefined = tokenRequest({ clientId, redirectUri, code: 'c', codeVerifier: verifier }).headers
  .Accept;

void [notACode, data, challenge, header, notAwaited, preloaded];
