// Type declarations for nylas-pkce: what every page runs. The entry loads no wasm; NylasAuth loads the
// protocol when a step needs it (`preload()` and `ready()` load it earlier). The synchronous low-level
// functions: nylas-pkce/protocol. Callback and token parsing: nylas-pkce/callback.

/** Stable error codes; see the README's error table. */
export type NylasPkceErrorCode =
  | 'invalid_verifier'
  | 'invalid_config'
  | 'invalid_option'
  | 'invalid_callback'
  | 'missing_state'
  | 'state_mismatch'
  | 'missing_code'
  | 'issuer_mismatch'
  | 'missing_issuer'
  | 'client_mismatch'
  | 'authorization_error'
  | 'insufficient_scope'
  | 'invalid_response'
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'redirect_uri_mismatch'
  | 'server_error'
  | 'api_error'
  | 'no_transaction'
  | 'transaction_expired'
  | 'network_error'
  | 'timeout'
  | 'storage_unavailable'
  | 'popup_blocked'
  | 'popup_closed'
  | 'login_required'
  | 'crypto_unavailable'
  | 'session_ended'
  | 'embedded_webview'
  | 'no_opener';

/** Every error this package throws or rejects with. Never contains a code, verifier, state or token. */
export class NylasPkceError extends Error {
  /** `fields` must name the `code`: every NylasPkceError has one (the package's own always do). */
  constructor(
    message: string,
    fields: Pick<NylasPkceError, 'code'> & Partial<Omit<NylasPkceError, 'name' | 'message' | 'code'>>,
  );
  readonly name: 'NylasPkceError';
  /** Stable machine-readable code. */
  readonly code: NylasPkceErrorCode;
  /** OAuth `error` (or Nylas error `type`), for server and callback errors. */
  readonly error?: string;
  /** OAuth `error_description` / Nylas `message`. */
  readonly errorDescription?: string;
  /** OAuth `error_uri`. */
  readonly errorUri?: string;
  /** HTTP status of the answer that failed. */
  readonly status?: number;
  /** Nylas event code (e.g. 45008). */
  readonly eventCode?: number;
  /** Nylas event type (e.g. `invalid_token`). */
  readonly type?: string;
  /** Nylas request id, for support. */
  readonly requestId?: string;
  /** The option or config field at fault (`invalid_config`, `invalid_option`). */
  readonly field?: string;
  /** `insufficient_scope`: the scopes the token has. */
  readonly providedScopes?: string[];
  /** `insufficient_scope`: the scopes of which the request needs one. */
  readonly requiredScopes?: string[];
}

/** How the challenge is derived from the verifier: `S256` (SHA-256, the default) or `plain` (the verifier itself). */
export type ChallengeMethod = 'S256' | 'plain';
/** `nylas`: base64(hex(sha256)) as Nylas expects; `rfc7636`: base64url(sha256) per RFC 7636. */
export type ChallengeEncoding = 'nylas' | 'rfc7636';
/** A Nylas provider name (`provider` of a login), or any other string the server knows. */
export type NylasProvider =
  | 'google'
  | 'microsoft'
  | 'imap'
  | 'icloud'
  | 'yahoo'
  | 'ews'
  | 'virtual-calendar'
  | (string & {});

/** Explicit endpoints of a generic OAuth 2.0 server (defaults: RFC 7636 challenges, form bodies). */
export interface Endpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  tokenInfoEndpoint?: string;
  grantInfoEndpoint?: string;
  providerDetectEndpoint?: string;
  issuer?: string;
}

/** Who the client is and where the server is: one of `region`, `apiBase`, `endpoints` (default region `us`). */
export interface ClientConfig {
  clientId: string;
  redirectUri: string;
  /** Nylas v3 region: `https://api.us.nylas.com/v3` or `https://api.eu.nylas.com/v3`. */
  region?: 'us' | 'eu';
  /** A Nylas base URL: white-label, a local mock (`http://127.0.0.1:4010/v3`) or legacy `https://{app}.us.nylas.com`. */
  apiBase?: string;
  endpoints?: Endpoints;
  /** Expected `iss` in callbacks (RFC 9207). */
  issuer?: string;
  /** Refuse callbacks without `iss` (RFC 9207 §2.4); needs `issuer`. Nylas sends no `iss` today. */
  requireIss?: boolean;
  challengeEncoding?: ChallengeEncoding;
  /** Token request body: `json` (Nylas default) or `form`. */
  tokenBody?: 'json' | 'form';
}

/** Query parameters of `GET /connect/auth`. */
export interface AuthorizationOptions {
  provider?: NylasProvider;
  /** Sent space-delimited. Provider scope strings (see `providerScopes` in nylas-pkce/protocol); not empty when given. */
  scopes?: readonly string[];
  /** Alias of `scopes`. */
  scope?: readonly string[];
  /** 1–256 characters; 32 random bytes when omitted. */
  state?: string;
  loginHint?: string;
  /** Default `online`: no refresh token in the browser unless asked. */
  accessType?: 'online' | 'offline';
  /** Sent comma-joined, e.g. `['select_provider', 'detect']`. */
  prompt?: readonly string[];
  responseType?: 'code' | 'adminconsent';
  /**
   * `credential_id`: the credential of a multi-credential connector (a code flow, Nylas March 2026), or the
   * admin-consent credential (required with `responseType: 'adminconsent'`).
   */
  credentialId?: string;
  includeGrantScopes?: boolean;
  /** A verifier of yours (43–128 RFC 7636 characters); generated when omitted. */
  codeVerifier?: string;
  /** Length of a generated verifier, 43–128 (default 43). */
  verifierLength?: number;
  challengeMethod?: ChallengeMethod;
  /** More query parameters; may not repeat one of the above, nor set `response_mode`, `request`, `request_uri`. */
  extraParams?: Record<string, string>;
  /** Send Google's `gmail.metadata` together with a broader Gmail scope anyway (Google then answers 403). */
  allowScopeConflicts?: boolean;
  /**
   * Your own state (any JSON value, at most 4 KiB as JSON): kept with the pending login, never sent,
   * returned with the result.
   */
  appState?: JsonValue;
  /** `options=smtp_required`: the hosted login asks an IMAP user for SMTP settings too, so the grant can send. */
  smtpRequired?: boolean;
}

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** `buildAuthorizationUrl`'s result: the URL to open and what the callback and the code exchange need. */
export interface AuthorizationUrlResult {
  url: string;
  state: string;
  /** Absent for admin consent. Keep it secret until the code exchange. */
  codeVerifier?: string;
  codeChallenge?: string;
  codeChallengeMethod?: ChallengeMethod;
  redirectUri: string;
  createdAt: number;
  issuer?: string;
  /** The pending transaction as JSON, to store until the callback. */
  transaction: string;
}

/**
 * A parsed authorization callback: a `code` to exchange, an admin consent, or a hosted-auth result (the
 * grant made by the server itself). Errors are thrown, not returned.
 */
export type CallbackResult =
  | { type: 'code'; code: string; state: string; extras: Record<string, string> }
  | { type: 'admin_consent'; adminConsent: true; state: string; extras: Record<string, string> }
  | {
      type: 'hosted';
      grantId: string;
      provider?: string;
      email?: string;
      state: string;
      extras: Record<string, string>;
    };

/** An HTTP request to send as it is (`fetch(url, { method, headers, body })`): the package does no I/O there. */
export interface HttpRequestData {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** Claims of the ID token, decoded but NOT verified: display only, never for authorization decisions. */
export interface UnverifiedIdTokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  email?: string;
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** The tokens of one connected account, with what the server said about its grant. */
export interface TokenSet {
  accessToken: string;
  tokenType: 'Bearer';
  /** As the server sent it; absent when it sent none (the token then counts as valid for one hour). */
  expiresIn?: number;
  /** Absolute expiry, ms since the epoch: always set (one hour when the server sent no `expires_in`). */
  expiresAt: number;
  refreshToken?: string;
  scope: string[];
  idToken?: string;
  /** Decoded, unverified. */
  idTokenClaims?: UnverifiedIdTokenClaims;
  grantId?: string;
  email?: string;
  provider?: string;
}

/** A synchronous key-value store for transactions or tokens. */
export interface StorageAdapter {
  /** The value stored under `key`, or null/undefined when there is none. */
  get(key: string): string | null | undefined;
  /** Stores `value` under `key`. */
  set(key: string, value: string): void;
  /** Removes `key` (nothing happens when it is absent). */
  remove(key: string): void;
  /**
   * Keys starting with `prefix` (required: logout forgets this client's pending logins, and expired ones are
   * purged, through it): an array, a Map's or Set's `keys()`, a generator. (Spelled out rather than
   * `Iterable<string>`, which is `Iterable<string, any, any>` since TS 5.6.)
   */
  keys(prefix: string): {
    /** The keys, one by one. */
    [Symbol.iterator](): Iterator<string, unknown, undefined>;
  };
}

/** Where a client keeps transactions or tokens: `sessionStorage`, `localStorage`, memory, or your own store. */
export type StorageKind = 'session' | 'local' | 'memory' | StorageAdapter;

/** Login defaults (npm/src/fields.rs LOGIN_DEFAULTS): a call's own `scopes` or `scope` replaces the default given as either. */
export interface NylasAuthOptions
  extends ClientConfig,
    Pick<
      AuthorizationOptions,
      | 'provider'
      | 'scopes'
      | 'scope'
      | 'prompt'
      | 'accessType'
      | 'includeGrantScopes'
      | 'extraParams'
      | 'verifierLength'
      | 'allowScopeConflicts'
      | 'smtpRequired'
    > {
  /** `S256` only: `plain` sends the verifier itself as the challenge and must be asked for call by call. */
  challengeMethod?: 'S256';
  /** Send an embedded webview to Google's sign-in anyway (it answers 403 disallowed_useragent). */
  allowEmbeddedWebview?: boolean;
  /** Where pending transactions live (default `session`; falls back to memory if it throws). */
  storage?: StorageKind;
  /** Where tokens live (default `memory`). */
  tokenStorage?: StorageKind;
  popup?: PopupOptions;
  /** Token/API request time-out (default 30 000 ms). */
  fetchTimeoutMs?: number;
  /** Pending transaction lifetime (default 600 000 ms). */
  transactionTtlMs?: number;
  /** Tokens count as expired this early (default 30 000 ms). */
  clockSkewMs?: number;
  /** The server lets public clients refresh (Nylas does not): getAccessToken refreshes instead of failing. */
  publicRefresh?: boolean;
  /**
   * `single` (default): a login replaces the token set there was. `multiple`: one token set per grant (a
   * work and a personal mailbox), each stored under its own key; a login adds its grant or replaces the
   * same grant's tokens. Calls about one account then take `{ grantId }`.
   */
  accounts?: 'single' | 'multiple';
  /** Remove `code`/`state` from the address bar after a redirect callback (default true). */
  cleanUrl?: boolean;
  /** Open the URL yourself (mobile webviews: the system browser) instead of `location.assign`. */
  openUrl?: (url: string) => void | Promise<void>;
  /**
   * Exchange the code in your backend, with your API key, instead of from the browser (`/v3/connect/token`
   * with `client_secret`): a session can then be refreshed past the access token's hour. Return what the
   * token endpoint answered (its JSON, or the `Response` of your backend that forwards it): the SDK checks it
   * as its own exchange's (token syntax, lifetimes, sessions). A hook that throws is `network_error`, with
   * its error as `cause`. Keep the API key on the server.
   */
  codeExchange?: (request: CodeExchangeRequest) => Promise<TokenEndpointAnswer> | TokenEndpointAnswer;
  /**
   * Refresh an expired access token in your backend, with your API key: `getAccessToken()` calls it (one
   * refresh at a time per account, across tabs too) with the account's grant and refresh token (absent when
   * your backend kept it), and checks the answer as the token endpoint's. Without it a browser logs in again
   * (`login_required`), unless the server allows public refresh.
   */
  refresh?: (request: RefreshRequest) => Promise<TokenEndpointAnswer> | TokenEndpointAnswer;
}

/** What `codeExchange` gets: the exchange the SDK would have sent, without a secret. */
export interface CodeExchangeRequest {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  clientId: string;
}

/** What `refresh` gets. */
export interface RefreshRequest {
  grantId?: string;
  refreshToken?: string;
}

/**
 * A token endpoint's answer as a backend hook returns it: the `Response` of your backend (its status and
 * body are read), the JSON object the token endpoint answered, or its text (either taken as status 200).
 */
export type TokenEndpointAnswer = Response | string | { [key: string]: JsonValue };

/** The login popup's size and how long it may stay open. */
export interface PopupOptions {
  width?: number;
  height?: number;
  /** Default 300 000 ms. */
  timeoutMs?: number;
  /**
   * Always open the popup at its URL, never blank: for hosts where a blank window fails (Office add-ins,
   * some installed web apps). Until the protocol is loaded the window then opens only after it is, which a
   * popup blocker may refuse: call `preload()` early. Default false.
   */
  openWithUrl?: boolean;
}

export interface RedirectOptions extends AuthorizationOptions {
  /** Open the URL yourself (mobile webviews: the system browser) instead of `location.assign`. */
  openUrl?: (url: string) => void | Promise<void>;
  /** Send an embedded webview to Google's sign-in anyway (see `isEmbeddedWebview` in nylas-pkce/protocol). */
  allowEmbeddedWebview?: boolean;
}

/** A completed login: the token set, or an admin consent (`responseType: 'adminconsent'`). */
export type LoginResult =
  | ({ type: 'tokens'; appState?: JsonValue } & TokenSet)
  | { type: 'admin_consent'; appState?: JsonValue };

/** What `handleRedirectCallback` resolves to: a completed login, or this page was a popup's callback. */
export type RedirectCallbackResult =
  | LoginResult
  /** This page was a popup's callback: it was handed to the opener and the window closes. */
  | { type: 'popup' };

/** `requestScopes`' options: a login's, but the scopes are the first argument and the grant's are always included. */
export type RequestScopesOptions = Omit<AuthorizationOptions, 'scopes' | 'scope' | 'includeGrantScopes'>;

/** `detectProvider`'s answer. */
export interface DetectedProvider {
  provider: NylasProvider;
  type: string;
  email: string;
  detected: boolean;
  [field: string]: unknown;
}

/** Nylas scope names of the reference (v2), which `providerScopes` maps. */
export type NylasScopeName =
  | 'email'
  | 'email.modify'
  | 'email.read_only'
  | 'email.send'
  | 'email.folders_and_labels'
  | 'email.metadata'
  | 'email.drafts'
  | 'calendar'
  | 'calendar.free_busy'
  | 'calendar.read_only'
  | 'room_resources.read_only'
  | 'contacts'
  | 'contacts.read_only';

/** Which account an event is about (absent: a token set without a grant id, or a logout with none). */
export interface AccountEvent {
  grantId?: string;
}

/** The events of `NylasAuth#on` and their payloads. */
export interface NylasAuthEvents {
  /** A login or a refresh: the account's token set (its `grantId` says which account). */
  tokens: TokenSet;
  expired: AccountEvent;
  /** Once per account logged out (here or in another tab sharing `tokenStorage: 'local'`). */
  logout: AccountEvent;
  error: NylasPkceError;
}

/** A connected account, as `accounts()` lists it: no secret. */
export interface Account {
  grantId?: string;
  email?: string;
  provider?: string;
  /** When its access token expires (ms since the epoch). */
  expiresAt: number;
}

/**
 * Which account a call is about: `grantId` names one. Without it the call means the one account
 * connected, and is `invalid_option` (`grantId`) while several are (`accounts: 'multiple'`).
 */
export interface AccountOptions {
  grantId?: string;
}

/** The grant of an access token, as `GET /v3/grants/me` describes it (`data`). */
export interface GrantInfo {
  id: string;
  provider?: string;
  grant_status?: string;
  email?: string;
  scope?: string[];
  created_at?: number;
  updated_at?: number;
  [field: string]: unknown;
}

/** What the server says about a token (`GET /connect/tokeninfo`). */
export interface TokenInfo {
  iss?: string;
  aud?: string;
  sub?: string;
  email?: string;
  iat?: number;
  exp?: number;
  [field: string]: unknown;
}

/**
 * Whether `url` is an authorization callback: it carries `code`, `error`, `state`, `admin_consent` or
 * `success` (in the query, or in the fragment). Use it to decide whether a page load should call
 * `handleRedirectCallback`.
 */
export declare function isCallbackUrl(url: string): boolean;

/**
 * A browser client: logins by redirect or popup, callbacks, tokens kept per account (with expiry, refresh
 * where the server allows it, and tab sync), logout and revocation, events.
 */
export declare class NylasAuth {
  /**
   * Checks the options' names and JavaScript types (`invalid_config` naming the option) and restores the
   * stored tokens, without loading the protocol. Values only the protocol can judge are checked by
   * `ready()` or at the first step that loads it.
   */
  constructor(options: NylasAuthOptions);
  /** Loads the protocol and checks every option's value: rejects with `invalid_config` naming the option. */
  ready(): Promise<void>;
  /**
   * Fetches and compiles the protocol ahead of a click (a popup then opens at its URL at once). Never
   * rejects: a failure is reported by the step that needs the protocol.
   */
  preload(): Promise<void>;
  /** Builds the `/connect/auth` URL and stores its transaction (loads the protocol). */
  authorizationUrl(options?: AuthorizationOptions): Promise<string>;
  /** Sends the browser to the login (or hands the URL to `openUrl`, e.g. the system browser). */
  loginWithRedirect(options?: RedirectOptions): Promise<void>;
  /** Logs in again with `login_hint` set to the grant's email (`grantId`: which account). */
  reauthenticate(options?: RedirectOptions & AccountOptions): Promise<void>;
  /**
   * Completes a login from its callback URL (default: this page's): checks it, exchanges the code once,
   * stores the tokens and cleans the address bar. In a popup opened by `loginWithPopup` it hands the
   * callback to the opener and closes the window instead.
   */
  handleRedirectCallback(url?: string): Promise<RedirectCallbackResult>;
  /**
   * Call synchronously from a click handler: the popup opens before any await. An app that must await
   * something first opens a blank window in the click (`window.open('', '_blank', 'popup')`) and passes
   * it as `window`: the SDK navigates it and owns it from then on (closing, COOP, time-out).
   */
  loginWithPopup(
    options?: AuthorizationOptions & { popup?: PopupOptions; window?: Window; allowEmbeddedWebview?: boolean },
  ): Promise<LoginResult>;
  /**
   * On a popup's callback page: hands the callback to the page of this origin that started the login (its
   * marker or an opener of this origin proves it) and closes the window once taken. `handleRedirectCallback`
   * does the same; this one needs no client.
   */
  static completePopup(url?: string): boolean;
  /** The token set of the one account, or of `grantId`; null when there is none (it may be expired). */
  getTokenSet(options?: AccountOptions): TokenSet | null;
  /** The connected accounts, in the order they logged in (restored ones in grant-id order; at most one unless `accounts: 'multiple'`). */
  accounts(): Account[];
  /** Without options: whether any account holds a valid access token. */
  isAuthenticated(options?: AccountOptions): boolean;
  /**
   * A valid access token of the one account, or of `grantId`: the stored one, or a refreshed one where the
   * server allows public refresh; else it rejects with `login_required`.
   */
  getAccessToken(options?: AccountOptions): Promise<string>;
  /** Incremental consent: re-authenticate asking for `scopes` too (`include_grant_scopes`, `login_hint`). */
  requestScopes(
    scopes: readonly string[],
    options?: RequestScopesOptions &
      AccountOptions & { method?: 'redirect'; openUrl?: (url: string) => void | Promise<void> },
  ): Promise<void>;
  requestScopes(
    scopes: readonly string[],
    options: RequestScopesOptions & AccountOptions & { method: 'popup'; popup?: PopupOptions },
  ): Promise<LoginResult>;
  /**
   * `GET …/providers/detect?email=…&client_id=…` (no secret), for legacy (`https://{app}.us.nylas.com`) and
   * custom servers. Nylas v3 documents `POST /v3/providers/detect` as needing the API key (rate-limited to
   * 20 calls a minute per application), so from a browser it fails with `api_error`, `status: 401`: there,
   * let the hosted page detect the provider (`prompt: ['detect']` or `['select_provider', 'detect']`).
   */
  detectProvider(email: string): Promise<DetectedProvider>;
  /** Revokes the token of the one account, or of `grantId`, at the server; the local tokens are kept. */
  revoke(options?: AccountOptions): Promise<void>;
  /** Every account, or only the one of `grantId`. */
  logout(options?: AccountOptions): Promise<void>;
  /** `GET /connect/tokeninfo` for the token of the one account, or of `grantId`. */
  tokenInfo(options?: AccountOptions): Promise<TokenInfo>;
  /** `GET /grants/me` with the token of the one account, or of `grantId`. */
  grantInfo(options?: AccountOptions): Promise<GrantInfo>;
  /** Subscribes to an event (`tokens`, `expired`, `logout`, `error`); returns the function that unsubscribes. */
  on<E extends keyof NylasAuthEvents>(event: E, listener: (payload: NylasAuthEvents[E]) => void): () => void;
}
