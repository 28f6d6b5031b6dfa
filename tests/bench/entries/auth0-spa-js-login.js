// "Minimal login" entry for @auth0/auth0-spa-js: a redirect login with its client (start page, callback
// page, and a later page asking for the access token).
import { createAuth0Client } from '@auth0/auth0-spa-js';

export async function startLogin(options) {
  const auth0 = await createAuth0Client(options);
  await auth0.loginWithRedirect();
}

export async function finishLogin(options) {
  const auth0 = await createAuth0Client(options);
  return auth0.handleRedirectCallback();
}

export async function accessToken(options) {
  const auth0 = await createAuth0Client(options);
  return auth0.getTokenSilently();
}

/** For the bench's page-ready and click pages: the client factory (already the whole bundle). */
export { createAuth0Client };
