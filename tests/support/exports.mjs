// What each module of the package exports as values, exactly: one list for the Node suite (the built
// modules) and the types suite (the declarations), so that the two never drift apart.
export const ENTRY_EXPORTS = ['NylasAuth', 'NylasPkceError', 'isCallbackUrl'];
export const PROTOCOL_EXPORTS = [
  'NylasPkceError',
  'buildAuthorizationUrl',
  'codeChallenge',
  'generateCodeVerifier',
  'generatePkcePair',
  'isEmbeddedWebview',
  'providerScopes',
  'resolveConfig',
  'wasmMemoryBytes',
];
export const CALLBACK_EXPORTS = [
  'NylasPkceError',
  'parseApiResponse',
  'parseCallback',
  'parseTokenResponse',
  'tokenRequest',
  'wasmMemoryBytes',
];
