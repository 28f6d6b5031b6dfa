'use client';
// nylas-pkce/react: <NylasAuthProvider> and useNylasAuth() for React 18 and 19. React is an optional peer
// dependency: this subpath imports it, the rest of the package never does, so a page that does not import
// nylas-pkce/react loads none of it.
//
// A client module ('use client', kept in the built file by scripts/package.mjs), so a server component (a
// Next.js App Router layout) renders the provider directly. Server-side rendering: the provider makes its
// client in an effect, which runs in the browser only, so nothing here touches window, storage or the
// protocol on the server; and the first render is the same on both sides (isLoading, nobody logged in),
// whatever the page, so hydration finds what the server wrote. The real state follows in the effect.
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

/** `user` is the account that logged in last (the only one unless `accounts: 'multiple'`). */
const stateOf = (auth) => {
  const accounts = auth.accounts().map(userOf);
  return { isAuthenticated: auth.isAuthenticated(), user: accounts.at(-1) ?? null, accounts };
};

/** A promise and its two ends; a failure is reported by the provider's effect, so it is never unhandled here. */
const deferred = () => {
  const d = {};
  d.promise = new Promise((resolve, reject) => Object.assign(d, { resolve, reject }));
  d.promise.catch(() => {});
  return d;
};

/** The first render's state, on the server and in the browser alike: no client yet. */
const FIRST = Object.freeze({ isLoading: true, isAuthenticated: false, user: null, accounts: [], error: null });

/**
 * One `NylasAuth` for its children, made once from `options` (later changes to `options` are not read),
 * in the browser, after the first render. On a page that is an authorization callback it completes the
 * login once, cleans the address bar, and calls `onRedirectCallback(result)`; in a popup it hands the
 * callback to the opener.
 */
export function NylasAuthProvider({ options, children, onRedirectCallback }) {
  const first = useRef(options);
  // The client, kept across StrictMode's second mount (refs survive it, so one client handles the callback).
  const made = useRef(null);
  // Calls made before the client exists wait for it (the ref is set once, on the first render).
  const ready = useRef(null);
  ready.current ??= deferred();
  const [auth, setAuth] = useState(null);
  const [state, setState] = useState(FIRST);
  // The latest onRedirectCallback, without making the effect depend on it (it runs once).
  const onResult = useRef(onRedirectCallback);
  onResult.current = onRedirectCallback;

  useEffect(() => {
    let client = made.current;
    if (!client) {
      try {
        client = new NylasAuth(first.current);
      } catch (error) {
        ready.current.reject(error);
        throw error; // a wrong option: to the nearest error boundary, as a render error would go
      }
      made.current = client;
      ready.current.resolve(client);
    }
    setAuth(client);
    let live = true;
    const sync = () => setState((s) => ({ ...s, ...stateOf(client) }));
    const offs = [
      client.on('tokens', sync),
      client.on('logout', sync),
      client.on('expired', sync),
      client.on('error', (error) => setState((s) => ({ ...s, error }))),
    ];
    if (!isCallbackUrl(location.href)) {
      setState((s) => ({ ...s, isLoading: false, ...stateOf(client) }));
    } else {
      let pending = callbacks.get(client);
      if (!pending) {
        pending = client.handleRedirectCallback();
        callbacks.set(client, pending);
      }
      pending.then(
        (result) => {
          if (!live) return;
          setState((s) => ({ ...s, isLoading: false, error: null, ...stateOf(client) }));
          if (result.type !== 'popup') onResult.current?.(result);
        },
        (error) => live && setState((s) => ({ ...s, isLoading: false, error, ...stateOf(client) })),
      );
    }
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, []);

  // The calls, made once: straight through to the client (no state update first: a popup must open inside
  // the click), or, before the client exists, once it does.
  const [calls] = useState(() => {
    const call =
      (method) =>
      (...args) =>
        made.current ? made.current[method](...args) : ready.current.promise.then((c) => c[method](...args));
    return {
      loginWithPopup: call('loginWithPopup'),
      loginWithRedirect: call('loginWithRedirect'),
      logout: call('logout'),
      getAccessToken: call('getAccessToken'),
      requestScopes: call('requestScopes'),
    };
  });

  const value = useMemo(() => ({ ...state, auth, ...calls }), [state, auth, calls]);
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
