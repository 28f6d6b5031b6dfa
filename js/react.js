// nylas-pkce/react: <NylasAuthProvider> and useNylasAuth() for React 18 and 19. React is an optional peer
// dependency: this subpath imports it, the rest of the package never does, so a page that does not import
// nylas-pkce/react loads none of it.
import { createContext, createElement, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { isCallbackUrl, NylasAuth } from './index.js';

const Context = createContext(null);

/**
 * The callback each client handles, by client: React's StrictMode mounts, unmounts and mounts again in
 * development, and a code must reach /connect/token once (a second exchange of the same code revokes the
 * grant's tokens at Nylas).
 */
const callbacks = new WeakMap();

const userOf = (a) => ({ grantId: a.grantId ?? null, email: a.email ?? null, provider: a.provider ?? null });

const onCallbackPage = () => typeof location !== 'undefined' && isCallbackUrl(location.href);

/** `user` is the account that logged in last (the only one unless `accounts: 'multiple'`). */
const stateOf = (auth) => {
  const accounts = auth.accounts().map(userOf);
  return { isAuthenticated: auth.isAuthenticated(), user: accounts.at(-1) ?? null, accounts };
};

/**
 * One `NylasAuth` for its children, made once from `options` (later changes to `options` are not read).
 * On a page that is an authorization callback it completes the login once, cleans the address bar, and
 * calls `onRedirectCallback(result)`; in a popup it hands the callback to the opener.
 */
export function NylasAuthProvider({ options, children, onRedirectCallback }) {
  const [auth] = useState(() => new NylasAuth(options));
  const [state, setState] = useState(() => ({ isLoading: onCallbackPage(), error: null, ...stateOf(auth) }));
  // The latest onRedirectCallback, without making the callback effect depend on it (it runs once).
  const onResult = useRef(onRedirectCallback);
  onResult.current = onRedirectCallback;

  useEffect(() => {
    const sync = () => setState((s) => ({ ...s, ...stateOf(auth) }));
    const offs = [
      auth.on('tokens', sync),
      auth.on('logout', sync),
      auth.on('expired', sync),
      auth.on('error', (error) => setState((s) => ({ ...s, error }))),
    ];
    return () => {
      for (const off of offs) off();
    };
  }, [auth]);

  useEffect(() => {
    if (!onCallbackPage()) return;
    let pending = callbacks.get(auth);
    if (!pending) {
      pending = auth.handleRedirectCallback();
      callbacks.set(auth, pending);
    }
    let live = true;
    pending.then(
      (result) => {
        if (!live) return;
        setState((s) => ({ ...s, isLoading: false, error: null, ...stateOf(auth) }));
        if (result.type !== 'popup') onResult.current?.(result);
      },
      (error) => live && setState((s) => ({ ...s, isLoading: false, error })),
    );
    return () => {
      live = false;
    };
  }, [auth]);

  const value = useMemo(
    () => ({
      ...state,
      auth,
      // Straight through, no state update first: a popup must open inside the click.
      loginWithPopup: (o) => auth.loginWithPopup(o),
      loginWithRedirect: (o) => auth.loginWithRedirect(o),
      logout: (o) => auth.logout(o),
      getAccessToken: (o) => auth.getAccessToken(o),
      requestScopes: (scopes, o) => auth.requestScopes(scopes, o),
    }),
    [state, auth],
  );
  return createElement(Context.Provider, { value }, children);
}

/**
 * `{ isLoading, isAuthenticated, user: { grantId, email, provider } | null, accounts, error, auth,
 * loginWithPopup, loginWithRedirect, logout, getAccessToken, requestScopes }`, following the SDK's events.
 * `accounts` lists every connected account (`accounts: 'multiple'`), `user` is the one that logged in last.
 */
export function useNylasAuth() {
  const value = useContext(Context);
  if (!value) throw new Error('useNylasAuth() must be called inside <NylasAuthProvider>');
  return value;
}
