// nylas-pkce: the package entry, what every page of an app runs. It loads no protocol and no wasm: NylasAuth
// keeps its client's tokens, accounts, sessions and events, and loads the protocol (./engine.js, through
// ./loader.js) when a step needs it: a login, a callback, a refresh, a server's answer. The synchronous
// low-level functions are in nylas-pkce/protocol, the stateless callback and token functions in
// nylas-pkce/callback.
export { NylasAuth } from './auth.js';
export { NylasPkceError } from './error.js';
export { isCallbackUrl } from './popup.js';
