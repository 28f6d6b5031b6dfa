// Types of nylas-pkce/react (React 18 and 19: an optional peer dependency). A client module ('use client'):
// a server component (a Next.js App Router layout) renders the provider directly.
import type { ReactElement, ReactNode } from 'react';
import type { NylasAuth, NylasAuthOptions, NylasPkceError, RedirectCallbackResult } from './index.js';

/** A connected account, from its token set. */
export interface NylasUser {
  readonly grantId: string | null;
  readonly email: string | null;
  readonly provider: string | null;
}

/** What `useNylasAuth()` returns; it changes with the SDK's events. */
export interface NylasAuthContextValue {
  /**
   * True on the first render (on the server and in the browser alike, so hydration matches) until the
   * provider's client has read the stored tokens, and on a callback page until the callback is handled.
   */
  readonly isLoading: boolean;
  readonly isAuthenticated: boolean;
  /** The account that logged in last (the only one unless `accounts: 'multiple'`). */
  readonly user: NylasUser | null;
  /** Every connected account, in the order they logged in. */
  readonly accounts: readonly NylasUser[];
  /** The last error of a login, a callback or a token call. */
  readonly error: NylasPkceError | null;
  /**
   * The provider's client: `null` on the first render and on the server (it is made in the browser, in an
   * effect), then always the same one. The calls below wait for it when made before it exists.
   */
  readonly auth: NylasAuth | null;
  /** Call it straight from a click handler: the popup opens before any await. */
  readonly loginWithPopup: NylasAuth['loginWithPopup'];
  /** Sends the browser to the login. */
  readonly loginWithRedirect: NylasAuth['loginWithRedirect'];
  /** Logs out every account, or the one of `grantId`. */
  readonly logout: NylasAuth['logout'];
  /** A valid access token (see `NylasAuth#getAccessToken`). */
  readonly getAccessToken: NylasAuth['getAccessToken'];
  /** Incremental consent: logs in again asking for more scopes. */
  readonly requestScopes: NylasAuth['requestScopes'];
}

/** `<NylasAuthProvider>`'s props. */
export interface NylasAuthProviderProps {
  /** Read once, when the provider mounts. */
  options: NylasAuthOptions;
  /** React's own `ReactNode`, so a layout passes its `children` straight through. */
  children?: ReactNode;
  /** Called once a redirect login's callback is handled on this page (not in a popup). */
  onRedirectCallback?: (result: Exclude<RedirectCallbackResult, { type: 'popup' }>) => void;
}

/**
 * One `NylasAuth` for its children, made once from `options` in the browser, after the first render. On a
 * callback page it completes the login once (also under StrictMode), cleans the address bar and calls
 * `onRedirectCallback`; in a popup it hands the callback to the opener.
 */
export declare function NylasAuthProvider(props: NylasAuthProviderProps): ReactElement;
/** The provider's state and calls; throws outside `<NylasAuthProvider>`. */
export declare function useNylasAuth(): NylasAuthContextValue;
