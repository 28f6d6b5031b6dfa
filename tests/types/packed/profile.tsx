'use client';
// A client component with the hook, as in examples/next-app: popup and redirect login, logout, a token.
import { useNylasAuth } from 'nylas-pkce/react';
import { useState } from 'react';

export function Profile() {
  const { isLoading, isAuthenticated, user, error, auth, loginWithPopup, loginWithRedirect, logout, getAccessToken } =
    useNylasAuth();
  const [me, setMe] = useState<string | null>(null);
  if (isLoading) return <p>Loading…</p>;
  const call = async (): Promise<void> => {
    const token: string = await getAccessToken();
    const res = await fetch('/v3/grants/me', { headers: { Authorization: `Bearer ${token}` } });
    setMe(await res.text());
  };
  return (
    <section data-client={auth === null ? 'none' : 'ready'}>
      {isAuthenticated ? (
        <>
          <p>{user?.email ?? user?.grantId ?? 'connected'}</p>
          <button type="button" onClick={() => void call()}>
            Who am I
          </button>
          <button type="button" onClick={() => void logout()}>
            Log out
          </button>
        </>
      ) : (
        <>
          <button type="button" onClick={() => void loginWithPopup().then((r) => r.type)}>
            Popup
          </button>
          <button type="button" onClick={() => void loginWithRedirect({ loginHint: 'a@example.com' })}>
            Redirect
          </button>
        </>
      )}
      {error && <p role="alert">{error.code}</p>}
      {me && <pre>{me}</pre>}
      {10n}
    </section>
  );
}
