// The app's one script, on the start page and on the callback page (the redirect URI): a client at load
// (no protocol yet), a redirect login on the click; on the callback, the login completed.
import { isCallbackUrl, NylasAuth } from 'nylas-pkce';
import { failed, options, show } from './options.js';

const auth = new NylasAuth(options);
document.getElementById('login').addEventListener('click', () => {
  auth.loginWithRedirect().catch(failed);
});
if (isCallbackUrl(location.href)) {
  auth
    .handleRedirectCallback()
    .then(
      (r) => show({ type: r.type, email: r.email, tokenType: r.tokenType, hasAccessToken: Boolean(r.accessToken) }),
      failed,
    );
}
document.body.dataset.authenticated = String(auth.isAuthenticated());
document.body.dataset.ready = 'true';
