// Generated from npm/src/fields.rs (the one home of these lists) by its test; do not edit.
// Regenerate: BLESS=1 cargo test -p nylas-pkce-npm fields_js
// A list entry is [name, kind, members?]; the kinds are documented in npm/src/fields.rs.
export const CONFIG = [['clientId', 's'], ['redirectUri', 's'], ['region', 's'], ['apiBase', 's'], ['endpoints', 'o', [['authorizationEndpoint', 's'], ['tokenEndpoint', 's'], ['revocationEndpoint', 's'], ['tokenInfoEndpoint', 's'], ['grantInfoEndpoint', 's'], ['providerDetectEndpoint', 's'], ['issuer', 's']]], ['issuer', 's'], ['requireIss', 'b'], ['challengeEncoding', 's'], ['tokenBody', 's']];
export const CLIENT = [['transactionTtlMs', 'u'], ['clockSkewMs', 'u'], ['fetchTimeoutMs', 'u'], ['publicRefresh', 'b']];
export const PAGE = [['storage', 'p'], ['tokenStorage', 'p'], ['openUrl', 'p'], ['popup', 'p'], ['cleanUrl', 'p'], ['allowEmbeddedWebview', 'p'], ['accounts', 'p'], ['codeExchange', 'p'], ['refresh', 'p']];
export const AUTHORIZATION = [['responseType', 's'], ['credentialId', 's'], ['provider', 's'], ['scopes', 'l'], ['scope', 'l'], ['state', 's'], ['loginHint', 's'], ['accessType', 's'], ['prompt', 'l'], ['includeGrantScopes', 'b'], ['codeVerifier', 's'], ['verifierLength', 'u'], ['challengeMethod', 's'], ['extraParams', 'm'], ['allowScopeConflicts', 'b'], ['appState', 'j'], ['smtpRequired', 'b']];
export const TOKEN_REQUEST = [['code', 's'], ['codeVerifier', 's'], ['redirectUri', 's'], ['refreshToken', 's'], ['scope', 's']];
export const EXPECTATIONS = [['state', 's'], ['issuer', 's'], ['requireIss', 'b']];
export const LOGIN_DEFAULTS = ['provider', 'scopes', 'scope', 'prompt', 'accessType', 'includeGrantScopes', 'extraParams', 'challengeMethod', 'verifierLength', 'allowScopeConflicts', 'smtpRequired'];
export const REQUIRED_CONFIG = ['clientId', 'redirectUri'];
export const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'admin_consent', 'success', 'grant_id', 'provider', 'email', 'session_state'];
export const RESULT_PARAMS = ['code', 'error', 'state', 'admin_consent', 'success'];
export const POPUP_STATE_PREFIX = 'popup.';
export const TRANSACTION_KEY_PREFIX = 'nylas-pkce:tx:';
export const TOKEN_KEY_PREFIX = 'nylas-pkce:tokens:';
export const NAMESPACE_TAG = 'nylas-pkce namespace 2';
export const REGIONS = { us: 'https://api.us.nylas.com/v3', eu: 'https://api.eu.nylas.com/v3' };
export const TOKEN_PATH = '/connect/token';
export const CLOCK_SKEW_MS = 30000;
export const BEARER = /^[\x21-\x7e]+$/;
export const VSCHAR = /^[\x20-\x7e]+$/;
export const PAGE_ERRORS = [['popup_blocked', 'the browser blocked the popup; call from a click handler'], ['popup_closed', 'the popup was closed before the authorization finished'], ['timeout', 'the operation timed out'], ['network_error', 'network error: fetch failed (offline, CORS, refused, or a redirect)'], ['storage_unavailable', 'storage is unavailable'], ['login_required', 'login required: no valid token and no way to refresh it'], ['session_ended', 'the session ended (logout, or another tab) before the answer came; nothing was stored'], ['no_opener', 'no page is waiting for this popup\'s login any more: start the login again'], ['invalid_response', 'invalid response from the server: the refresh answer names another grant'], ['network_error', 'network error: the app\'s backend (its codeExchange or refresh hook) failed']];
