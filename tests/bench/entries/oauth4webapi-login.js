// "Minimal login" entry for oauth4webapi: the functions a PKCE authorization-code login uses, from the
// authorization URL to the token response (its docs' flow, with the server described by hand as Nylas has
// no discovery document). esbuild tree-shakes the rest of the library away.
import {
  authorizationCodeGrantRequest,
  calculatePKCECodeChallenge,
  generateRandomCodeVerifier,
  generateRandomState,
  None,
  processAuthorizationCodeResponse,
  validateAuthResponse,
} from 'oauth4webapi';

const server = (base) => ({
  issuer: base,
  authorization_endpoint: `${base}/v3/connect/auth`,
  token_endpoint: `${base}/v3/connect/token`,
});

/** Start page: the URL to send the browser to, and what the callback page needs. */
export async function startLogin({ base, clientId, redirectUri, scope }) {
  const codeVerifier = generateRandomCodeVerifier();
  const state = generateRandomState();
  const url = new URL(server(base).authorization_endpoint);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', scope);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', await calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.href, state, codeVerifier };
}

/** Callback page: checks the callback and exchanges the code; resolves with the token response. */
export async function finishLogin({ base, clientId, redirectUri }, { state, codeVerifier }, currentUrl) {
  const as = server(base);
  const client = { client_id: clientId };
  const params = validateAuthResponse(as, client, new URL(currentUrl), state);
  const response = await authorizationCodeGrantRequest(as, client, None(), params, redirectUri, codeVerifier);
  return processAuthorizationCodeResponse(as, client, response);
}
