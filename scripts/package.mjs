// Assembles the npm package from the optimised protocol wasm in pkg/.raw/ (see scripts/build.sh):
//
//   pkg/index.js          the entry: NylasAuth's page part, popups, the protocol loader; no wasm. What
//                         every page loads
//   pkg/engine.js         the protocol module: wasm-bindgen's glue and NylasAuth's protocol steps, loaded
//                         by the entry on first use (a login, a callback, a refresh, a server's answer)
//   pkg/engine.wasm       its wasm, fetched beside it and compiled asynchronously
//   pkg/engine_inline.js  the same wasm inlined (one character per byte), loaded only where engine.wasm
//                         cannot be fetched (a bundler that does not copy it, Vite's dev server, Node), and
//                         by the synchronous subpaths
//   pkg/protocol.js       nylas-pkce/protocol: the synchronous low-level functions, ready on import
//   pkg/callback.js       nylas-pkce/callback: stateless callback and token functions
//   pkg/error.js          NylasPkceError and the error form, shared by every module
//   pkg/react.js          nylas-pkce/react
//
// No top-level await; `new URL('./engine.wasm', import.meta.url)` is written once, in the entry's loader,
// so that bundlers that handle it (Vite builds, webpack, Next.js, Parcel) emit the file.
//
// Usage: node scripts/package.mjs [--dev]

import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const dev = args.includes('--dev');
const raw = 'pkg/.raw';

/** A JS string literal with one character per byte. */
function latin1Literal(bytes) {
  let s = '"';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    else if (b < 0x20 || b === 0x7f) s += `\\x${b.toString(16).padStart(2, '0')}`;
    else s += String.fromCharCode(b);
  }
  return `${s}"`;
}

/**
 * wasm-bindgen's glue, less what the package never uses: `initSync` is always called with `{ module }`, so
 * its warning for the deprecated bare-module form goes (about 0.1 kB gzipped per half: docs/size.md).
 * Fails loudly when a new wasm-bindgen writes it otherwise.
 */
function trimGlue(glue) {
  const deprecated =
    /if \(module !== undefined\) \{\s*if \(Object\.getPrototypeOf\(module\) === Object\.prototype\) \{\s*\(\{module\} = module\)\s*\} else \{\s*console\.warn\('using deprecated parameters for `initSync\(\)`; pass a single object instead'\)\s*\}\s*\}/;
  if (!deprecated.test(glue))
    throw new Error('wasm-bindgen glue: initSync changed; update trimGlue in scripts/package.mjs');
  return glue.replace(deprecated, '({ module } = module);');
}

async function assemble(outdir) {
  const work = join(outdir, '.src');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'protocol_glue.js'), trimGlue(readFileSync(join(raw, 'protocol.js'), 'utf8')));
  const wasm = readFileSync(join(raw, 'protocol.wasm'));
  copyFileSync(join(raw, 'protocol.wasm'), join(outdir, 'engine.wasm'));
  writeFileSync(
    join(outdir, 'engine_inline.js'),
    `// The protocol's wasm, inlined (one character per byte): where engine.wasm cannot be fetched.\nexport const wasm = ${latin1Literal(wasm)};\n`,
  );
  for (const f of readdirSync('js')) if (f.endsWith('.js')) copyFileSync(join('js', f), join(work, f));
  // wasm-bindgen's inline_js snippets (the glue imports them; esbuild bundles them in).
  if (existsSync(join(raw, 'snippets'))) cpSync(join(raw, 'snippets'), join(work, 'snippets'), { recursive: true });
  const common = {
    bundle: true,
    minify: !dev,
    format: 'esm',
    target: 'es2022',
    platform: 'neutral',
    charset: 'utf8',
    logLevel: 'warning',
    legalComments: 'none',
    ignoreAnnotations: true,
  };
  const entry = (name, external) =>
    build({ ...common, entryPoints: [join(work, name)], outfile: join(outdir, name), external });
  await entry('index.js', ['./error.js', './engine.js', './engine_inline.js']);
  await entry('engine.js', ['./error.js']);
  await entry('protocol.js', ['./error.js', './engine.js', './engine_inline.js']);
  await entry('callback.js', ['./error.js', './engine.js', './protocol.js']);
  await entry('error.js', []);
  // nylas-pkce/react: React stays the app's (an optional peer dependency), never bundled.
  await entry('react.js', ['./index.js', 'react']);
  rmSync(work, { recursive: true, force: true });
}

await assemble('pkg');
