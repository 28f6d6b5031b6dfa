// nylas-pkce/react under strict TypeScript: the provider's props and the hook's value, as an app uses them.
// (No JSX: the test compiles without a JSX setting; createElement is what JSX compiles to.)

import type { NylasPkceError } from 'nylas-pkce';
import { type NylasAuthContextValue, NylasAuthProvider, useNylasAuth } from 'nylas-pkce/react';
import { createElement, type ReactElement, type ReactNode } from 'react';

declare const clientId: string;

function Profile(): ReactElement {
  const {
    isLoading,
    isAuthenticated,
    user,
    accounts,
    error,
    loginWithPopup,
    logout,
    getAccessToken,
  }: NylasAuthContextValue = useNylasAuth();
  const email: string | null = user?.email ?? null;
  const mailboxes: readonly (string | null)[] = accounts.map((a) => a.email);
  void mailboxes;
  const code: NylasPkceError['code'] | undefined = error?.code;
  const onClick = (): void => {
    void loginWithPopup({ popup: { width: 480 } }).then((r) => r.type);
  };
  void getAccessToken().then((t: string) => t.length);
  void logout();
  return createElement(
    'button',
    { type: 'button', onClick, disabled: isLoading || isAuthenticated },
    email ?? code ?? 'Log in',
  );
}

export const app: ReactElement = createElement(
  NylasAuthProvider,
  {
    options: { clientId, redirectUri: 'https://app.example.com/', region: 'us' },
    onRedirectCallback: (r) => {
      if (r.type === 'tokens') void r.accessToken;
    },
  },
  createElement(Profile),
);

// @ts-expect-error TS2769: options are required
createElement(NylasAuthProvider, {});
// @ts-expect-error TS2769: the provider's options are NylasAuthOptions (redirectUri missing)
createElement(NylasAuthProvider, { options: { clientId } });
export function Wrong(): null {
  // @ts-expect-error TS2551: the hook's value has no token field
  void useNylasAuth().accessToken;
  return null;
}
export function Client(): null {
  const { auth } = useNylasAuth();
  // @ts-expect-error TS18047 `'auth' is possibly 'null'`: auth is null until the provider has made its client
  void auth.isAuthenticated();
  const ready: boolean = auth?.isAuthenticated() ?? false;
  void ready;
  return null;
}

// Children are React's own ReactNode (in @types/react 19 it includes bigint, which a narrower type refused).
declare const children: ReactNode;
export const anyChildren: ReactElement = createElement(NylasAuthProvider, {
  options: { clientId, redirectUri: 'https://app.example.com/' },
  children,
});
export const bigintChild: ReactElement = createElement(NylasAuthProvider, {
  options: { clientId, redirectUri: 'https://app.example.com/' },
  // biome-ignore lint/correctness/noChildrenProp: the props' children type is what JSX children are checked against
  children: [10n, 'text', null],
});
