// The provider's options, from the environment. NEXT_PUBLIC_ variables are inlined into the client bundle at
// build time, which is what these are for: a client id and a redirect URI are public (the PKCE flow has no
// client secret). Nothing secret belongs in a NEXT_PUBLIC_ variable.
import type { NylasAuthOptions } from 'nylas-pkce';

const clientId = process.env.NEXT_PUBLIC_NYLAS_CLIENT_ID ?? 'demo-client';
// The callback route (app/callback/page.tsx), registered as a redirect URI of the Nylas application.
const redirectUri = process.env.NEXT_PUBLIC_NYLAS_REDIRECT_URI ?? 'http://localhost:3000/callback';
// A Nylas region, or (for the local mock Nylas of the tests) an API base URL.
const apiBase = process.env.NEXT_PUBLIC_NYLAS_API_BASE;

export const nylasOptions: NylasAuthOptions = {
  clientId,
  redirectUri,
  ...(apiBase ? { apiBase } : { region: process.env.NEXT_PUBLIC_NYLAS_REGION === 'eu' ? 'eu' : 'us' }),
  // Tokens in localStorage: they survive a reload and are shared with the app's other tabs.
  tokenStorage: 'local',
};

/** Where the app calls the Nylas API (the same base as the login). */
export const nylasApi = apiBase ?? `https://api.${nylasOptions.region ?? 'us'}.nylas.com/v3`;
