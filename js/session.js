// The second half of the package: its wasm (callback checks, token and error answers with the Nylas event
// catalogue, refresh, revocation, token and grant info), instantiated on import, and NylasAuth's network
// steps (./remote.js). Internal: NylasAuth imports it on first use, and nylas-pkce/callback's stateless
// functions call it.
export * from './remote.js';
export * from './session_wasm.js';
