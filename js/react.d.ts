// Types of nylas-pkce/react (React 18 and 19: an optional peer dependency).
import type { ReactElement } from 'react';
import type { NylasAuth, NylasAuthOptions, NylasPkceError, RedirectCallbackResult } from './index.js';

/** A connected account, from its token set. */
export interface NylasUser {
  readonly grantId: string | null;
  readonly email: string | null;
  readonly provider: string | null;
}

/** What `useNylasAuth()` returns; it changes with the SDK's events. */
export interface NylasAuthContextValue {
  /** True on a callback page until the callback is handled. */
  readonly isLoading: boolean;
  readonly isAuthenticated: boolean;
  /** The account that logged in last (the only one unless `accounts: 'multiple'`). */
  readonly user: NylasUser | null;
  /** Every connected account, in the order they logged in. */
  readonly accounts: readonly NylasUser[];
  /** The last error of a login, a callback or a token call. */
  readonly error: NylasPkceError | null;
  /** The provider's client. */
  readonly auth: NylasAuth;
  /** Call it straight from a click handler: the popup opens before any await. */
  readonly loginWithPopup: NylasAuth['loginWithPopup'];
  readonly loginWithRedirect: NylasAuth['loginWithRedirect'];
  readonly logout: NylasAuth['logout'];
  readonly getAccessToken: NylasAuth['getAccessToken'];
  readonly requestScopes: NylasAuth['requestScopes'];
}

/** What the provider renders: elements, text, or lists of them (React's `ReactNode` without its `any`). */
export type NylasAuthChildren =
  | ReactElement
  | string
  | number
  | boolean
  | null
  | undefined
  | readonly NylasAuthChildren[];

export interface NylasAuthProviderProps {
  /** Read once, when the provider mounts. */
  options: NylasAuthOptions;
  children?: NylasAuthChildren;
  /** Called once a redirect login's callback is handled on this page (not in a popup). */
  onRedirectCallback?: (result: Exclude<RedirectCallbackResult, { type: 'popup' }>) => void;
}

export declare function NylasAuthProvider(props: NylasAuthProviderProps): ReactElement;
export declare function useNylasAuth(): NylasAuthContextValue;
