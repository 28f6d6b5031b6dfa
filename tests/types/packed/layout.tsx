// The root layout of a Next.js App Router app, as the README and the issue write it: a server component that
// renders the provider with React's canonical children type. Compiled in strict mode against the packed
// tarball's types (tests/types/run.mjs, step 5).
import { NylasAuthProvider } from 'nylas-pkce/react';
import type * as React from 'react';
import { Profile } from './profile.js';

declare const process: { env: Record<string, string | undefined> };
const clientId = process.env.NEXT_PUBLIC_NYLAS_CLIENT_ID ?? '';
const redirectUri = process.env.NEXT_PUBLIC_NYLAS_REDIRECT_URI ?? '';

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <NylasAuthProvider options={{ clientId, redirectUri, region: 'us' }}>{children}</NylasAuthProvider>
      </body>
    </html>
  );
}

export function Page() {
  return (
    <main>
      <Profile />
    </main>
  );
}
