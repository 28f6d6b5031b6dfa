// Assembles the npm package from the two optimised wasm halves in pkg/.raw/ (see scripts/build.sh):
//
//   pkg/index.js     the entry (js/index.js, NylasAuth and the modules they use) + the first half's
//                    wasm-bindgen glue + its wasm, inlined: what every page loads
//   pkg/session.js   the second half's glue + its wasm, inlined: loaded by NylasAuth on first use
//   pkg/callback.js  nylas-pkce/callback (js/callback.js): stateless functions over session.js
//   pkg/error.js     NylasPkceError and the error form, shared by both halves
//
// Each wasm is inlined as a Latin-1 string literal (one character per byte; gzip sees the bytes, so it
// costs ~1.4 KB gzip more than a separate .wasm file, where base64 would cost ~9 KB) and compiled
// synchronously on import: no top-level await, no `new URL('….wasm', import.meta.url)` for a bundler to
// lose, one request per half. `--split DIR` writes the same package with separate .wasm files, fetched
// and compiled by a top-level await, for the benchmark's one-file-vs-two comparison (docs/size.md).
//
// Usage: node scripts/package.mjs [--dev] [--split DIR]

import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const args = process.argv.slice(2);
const dev = args.includes('--dev');
const splitAt = args.indexOf('--split');
const raw = 'pkg/.raw';
const HALVES = ['login', 'session'];

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

const inlineLoader = (
  half,
) => `// The ${half} half's wasm, inlined (one character per byte) and compiled synchronously on import.
import { initSync } from './${half}_glue.js';
export * from './${half}_glue.js';
const text = ${latin1Literal(readFileSync(join(raw, `${half}.wasm`)))};
const bytes = new Uint8Array(text.length);
for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
initSync({ module: bytes });
`;

const fileLoader = (half) => `// The ${half} half's wasm as a separate file, fetched and compiled by a top-level await.
import init from './${half}_glue.js';
export * from './${half}_glue.js';
const url = new URL('./${half}.wasm', import.meta.url);
const fs = url.protocol === 'file:' ? globalThis.process?.getBuiltinModule?.('node:fs/promises') : undefined;
await init({ module_or_path: fs ? await fs.readFile(url) : url });
`;

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

async function assemble(outdir, loader) {
  const work = join(outdir, '.src');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const half of HALVES) {
    writeFileSync(join(work, `${half}_glue.js`), trimGlue(readFileSync(join(raw, `${half}.js`), 'utf8')));
    writeFileSync(join(work, `${half}_wasm.js`), loader(half));
  }
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
  await entry('index.js', ['./error.js', './session.js']);
  await entry('session.js', ['./error.js']);
  await entry('callback.js', ['./error.js', './index.js', './session.js']);
  await entry('error.js', []);
  // nylas-pkce/react: React stays the app's (an optional peer dependency), never bundled.
  await entry('react.js', ['./index.js', 'react']);
  rmSync(work, { recursive: true, force: true });
}

await assemble('pkg', inlineLoader);
if (splitAt >= 0) {
  const dir = args[splitAt + 1];
  mkdirSync(dir, { recursive: true });
  await assemble(dir, fileLoader);
  for (const half of HALVES) copyFileSync(join(raw, `${half}.wasm`), join(dir, `${half}.wasm`));
}
