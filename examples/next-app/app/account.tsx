'use client';
// The hook in a client component: popup and redirect login, logout, and a call to the Nylas API with the
// access token (getAccessToken(), then GET /v3/grants/me).
import { useNylasAuth } from 'nylas-pkce/react';
import { useState } from 'react';
import { nylasApi } from './nylas';

export function Account() {
  const { isLoading, isAuthenticated, user, error, loginWithPopup, loginWithRedirect, logout, getAccessToken } =
    useNylasAuth();
  const [grant, setGrant] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const state = isLoading ? 'loading' : isAuthenticated ? 'authenticated' : 'anonymous';

  const whoAmI = async () => {
    try {
      const token = await getAccessToken();
      const res = await fetch(`${nylasApi}/grants/me`, { headers: { Authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { data?: { email?: string } };
      setGrant(body.data?.email ?? `HTTP ${res.status}`);
    } catch (e) {
      setFailure((e as { code?: string }).code ?? String(e));
    }
  };

  return (
    <section>
      <p id="status" data-state={state}>
        {isLoading ? 'Loading…' : (user?.email ?? 'Not connected')}
      </p>
      {!isLoading && !isAuthenticated && (
        <>
          {/* Straight from the click: the popup opens before any await. */}
          <button id="popup" type="button" onClick={() => loginWithPopup().catch((e) => setFailure(e.code))}>
            Connect (popup)
          </button>
          <button id="redirect" type="button" onClick={() => loginWithRedirect().catch((e) => setFailure(e.code))}>
            Connect (redirect)
          </button>
        </>
      )}
      {isAuthenticated && (
        <>
          <button id="me" type="button" onClick={whoAmI}>
            Who am I?
          </button>
          <button
            id="logout"
            type="button"
            onClick={() => {
              setGrant(null);
              void logout();
            }}
          >
            Log out
          </button>
        </>
      )}
      <pre id="grant">{grant ?? '-'}</pre>
      <pre id="error">{(error?.code ?? failure) || '-'}</pre>
    </section>
  );
}
