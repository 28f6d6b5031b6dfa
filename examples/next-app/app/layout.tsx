// The root layout: a server component. It renders the provider directly (nylas-pkce/react is a client
// module), with plain, serializable options: a function prop (onRedirectCallback) cannot cross from a server
// component to a client one, so the callback route (app/callback/) reads the hook instead.
import { NylasAuthProvider } from 'nylas-pkce/react';
import type * as React from 'react';
import { nylasOptions } from './nylas';

export const metadata = { title: 'nylas-pkce in Next.js' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <NylasAuthProvider options={nylasOptions}>{children}</NylasAuthProvider>
      </body>
    </html>
  );
}
