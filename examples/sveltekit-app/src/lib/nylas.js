// The app's one NylasAuth, made on first use in the browser: call nylas() from onMount or an event
// handler, never while a page renders (on the server there is no window, storage or popup). Importing
// nylas-pkce on the server is fine: the import itself touches none of them and loads no WebAssembly.

import { NylasAuth } from 'nylas-pkce';
import { env } from '$env/dynamic/public';

let auth;

/** The client, from the PUBLIC_NYLAS_* variables of the server's environment. */
export function nylas() {
  auth ??= new NylasAuth({
    clientId: env.PUBLIC_NYLAS_CLIENT_ID,
    // Registered in the Nylas dashboard; by default the callback route of this origin.
    redirectUri: env.PUBLIC_NYLAS_REDIRECT_URI || `${location.origin}/callback`,
    // A mock or a custom server (PUBLIC_NYLAS_API_BASE), else Nylas in PUBLIC_NYLAS_REGION (us by default).
    ...(env.PUBLIC_NYLAS_API_BASE
      ? { apiBase: env.PUBLIC_NYLAS_API_BASE }
      : { region: env.PUBLIC_NYLAS_REGION === 'eu' ? 'eu' : 'us' }),
  });
  return auth;
}
