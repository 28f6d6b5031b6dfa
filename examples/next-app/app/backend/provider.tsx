'use client';
// A provider whose NylasAuth sends the token requests through the app's backend (app/api/nylas/route.ts):
// functions cannot cross from a server component to a client one, so the hooks live in this client module.
import type { NylasAuthOptions } from 'nylas-pkce';
import { NylasAuthProvider } from 'nylas-pkce/react';
import type * as React from 'react';
import { nylasOptions } from '../nylas';

const post = (body: object) =>
  fetch('/api/nylas', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

const options: NylasAuthOptions = {
  ...nylasOptions,
  accessType: 'offline', // a refresh token, kept by the backend
  codeExchange: ({ code, codeVerifier, redirectUri }) =>
    post({ grantType: 'authorization_code', code, codeVerifier, redirectUri }),
  refresh: ({ grantId }) => post({ grantType: 'refresh_token', grantId }),
};

export function BackendProvider({ children }: { children: React.ReactNode }) {
  return <NylasAuthProvider options={options}>{children}</NylasAuthProvider>;
}
