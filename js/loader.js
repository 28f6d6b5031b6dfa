// Loads the protocol (./engine.js and its wasm) when a step needs it: once per page, shared by every
// NylasAuth. The wasm comes as a separate file where the app's bundler or server serves it next to this
// module (`new URL('./engine.wasm', import.meta.url)`: Vite builds, webpack, Next.js, Parcel, a plain
// server), fetched at the same time as the module and compiled asynchronously. Where it does not (esbuild
// and Rollup do not copy it, Vite's dev server pre-bundles this module elsewhere, Node has no fetch for
// files), the fetch fails or answers something that is not wasm, and the same bytes come inlined in
// ./engine_inline.js instead. Both are compiled with `WebAssembly.compile`, never synchronously.
import { NylasPkceError, pageError } from './error.js';

let loading;

/** The compiled wasm from the file beside this module, or null where there is none to be had. */
async function fromFile() {
  try {
    const url = new URL('./engine.wasm', import.meta.url);
    if (url.protocol === 'file:') return null;
    const response = await fetch(url);
    if (!response.ok) {
      response.body?.cancel();
      return null;
    }
    const bytes = await response.arrayBuffer();
    // "\0asm": an HTML fallback page (a dev server's 200 for a missing file) is not wasm.
    if (bytes.byteLength < 8 || new DataView(bytes).getUint32(0) !== 0x0061736d) return null;
    return await WebAssembly.compile(bytes);
  } catch {
    return null;
  }
}

async function fromInline() {
  const { wasm } = await import('./engine_inline.js');
  const bytes = new Uint8Array(wasm.length);
  for (let i = 0; i < wasm.length; i++) bytes[i] = wasm.charCodeAt(i);
  return WebAssembly.compile(bytes);
}

/**
 * The protocol module, instantiated. A failure to load (offline, a deploy that removed the files) rejects
 * with network_error, and the next call tries again.
 */
export function load() {
  loading ??= (async () => {
    const [engine, file] = await Promise.all([import('./engine.js'), fromFile()]);
    engine.start(file ?? (await fromInline()));
    return engine;
  })().catch((e) => {
    loading = undefined;
    throw e instanceof NylasPkceError ? e : pageError(3);
  });
  return loading;
}
