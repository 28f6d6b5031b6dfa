// The protocol module: the wasm's exports (wasm-bindgen's glue, ./protocol_glue.js) and the steps of
// NylasAuth that run around them (./steps.js, ./remote.js). Internal: the entry loads it on first use
// (./loader.js, which also brings the compiled wasm), and the subpaths nylas-pkce/protocol and
// nylas-pkce/callback import it.
import { initSync } from './protocol_glue.js';

export * from './protocol_glue.js';
export * from './remote.js';
export * from './steps.js';

let started = false;

/**
 * Instantiates the wasm once: `module` is a compiled `WebAssembly.Module`, or a function that gives its
 * bytes (compiled synchronously, for the subpaths that are ready on import).
 */
export function start(module) {
  if (started) return;
  initSync({ module: typeof module === 'function' ? module() : module });
  started = true;
}
