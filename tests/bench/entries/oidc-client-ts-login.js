// "Minimal login" entry for oidc-client-ts: a redirect login with its UserManager (start page, callback
// page, and a later page asking for the access token). UserManager is one class, so this is what any use
// of it bundles.
import { UserManager } from 'oidc-client-ts';

export const startLogin = (settings) => new UserManager(settings).signinRedirect();

export const finishLogin = (settings) => new UserManager(settings).signinRedirectCallback();

export async function accessToken(settings) {
  const user = await new UserManager(settings).getUser();
  return user?.access_token;
}

/** For the bench's page-ready and click pages: the client itself (already the whole bundle). */
export { UserManager };
