// "PKCE flow only" entry for oauth4webapi: just the three PKCE/state helpers plus the
// hand-built authorization URL (oauth4webapi has no URL builder; its docs build it with
// URL + searchParams, as below). esbuild tree-shakes the rest of the library away.
import { calculatePKCECodeChallenge, generateRandomCodeVerifier, generateRandomState } from 'oauth4webapi';

const AUTHORIZATION_ENDPOINT = {
  us: 'https://api.us.nylas.com/v3/connect/auth',
  eu: 'https://api.eu.nylas.com/v3/connect/auth',
};

export { calculatePKCECodeChallenge, generateRandomCodeVerifier, generateRandomState };

export async function buildAuthorizationUrl({ clientId, redirectUri, region = 'us', provider, scopes = [] }) {
  const codeVerifier = generateRandomCodeVerifier();
  const codeChallenge = await calculatePKCECodeChallenge(codeVerifier);
  const state = generateRandomState();
  const url = new URL(AUTHORIZATION_ENDPOINT[region]);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  if (provider) url.searchParams.set('provider', provider);
  if (scopes.length) url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('access_type', 'online');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.href, state, codeVerifier, codeChallenge, codeChallengeMethod: 'S256' };
}
