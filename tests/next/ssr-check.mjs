// Run by tests/next/run.mjs inside the installed app (its react, react-dom and the packed nylas-pkce), in
// Node, which is a server: no window, no storage, no address bar.
//
//   node ssr-check.mjs import <specifier>   what importing the specifier touches
//   node ssr-check.mjs render               what a server render of the provider and the hook touches
//   node ssr-check.mjs selftest             a module planted in the package's directory reads `window` and
//                                           compiles a wasm module: both must be seen
//
// Every browser global the package could reach (window, document, location, history, storage,
// BroadcastChannel, …) becomes a getter that records each read made from the package's files (by the
// reader's stack), and every WebAssembly entry point records its calls (compiling or instantiating a module is
// "touching the wasm"). Prints one JSON line: { touched: [names], wasm: [{ fn, from }], html? }.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [phase, specifier] = process.argv.slice(2);
const require = createRequire(path.join(process.cwd(), 'package.json'));
const pkgDir = fs.realpathSync(path.join(process.cwd(), 'node_modules', 'nylas-pkce'));
const fromPackage = (stack) => stack.includes(pkgDir) || stack.includes(encodeURI(pkgDir));
const filesOf = (stack) => [...new Set(stack.match(/[^\s(]*node_modules\/nylas-pkce\/[^\s:)]+/g) ?? [])];

const touched = new Set();
const BROWSER = [
  'window',
  'self',
  'document',
  'location',
  'history',
  'localStorage',
  'sessionStorage',
  'BroadcastChannel',
  'addEventListener',
  'removeEventListener',
  'opener',
  'open',
  'close',
];
for (const name of BROWSER) {
  const had = Object.getOwnPropertyDescriptor(globalThis, name);
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      const stack = new Error().stack ?? '';
      if (fromPackage(stack)) touched.add(name);
      return had?.get ? had.get.call(globalThis) : had?.value;
    },
  });
}

const wasm = [];
for (const fn of ['compile', 'instantiate', 'validate', 'compileStreaming', 'instantiateStreaming']) {
  const real = WebAssembly[fn];
  if (typeof real !== 'function') continue;
  WebAssembly[fn] = function (...args) {
    wasm.push({ fn, from: filesOf(new Error().stack ?? '') });
    return real.apply(this, args);
  };
}
for (const cls of ['Module', 'Instance']) {
  const Real = WebAssembly[cls];
  WebAssembly[cls] = new Proxy(Real, {
    construct(target, args, newTarget) {
      wasm.push({ fn: `new ${cls}`, from: filesOf(new Error().stack ?? '') });
      return Reflect.construct(target, args, newTarget);
    },
  });
}

const out = {};
if (phase === 'import') {
  await import(specifier);
} else if (phase === 'render') {
  const { createElement: h } = await import(require.resolve('react'));
  const { renderToString } = await import(require.resolve('react-dom/server'));
  const { NylasAuthProvider, useNylasAuth } = await import('nylas-pkce/react');
  // Only what the render does counts.
  touched.clear();
  wasm.length = 0;
  function Probe() {
    const { isLoading, isAuthenticated, user, accounts, error, auth } = useNylasAuth();
    return h('pre', { id: 'probe' }, JSON.stringify({ isLoading, isAuthenticated, user, accounts, error, auth }));
  }
  const page = (options) => h(NylasAuthProvider, { options }, h('main', null, h(Probe)));
  out.html = renderToString(page({ clientId: 'demo-client', redirectUri: 'https://app.example.com/callback' }));
  // Options the browser's client would refuse: the server has no client, so its render cannot fail on them.
  out.htmlBadOptions = renderToString(page({ clientId: '' }));
} else if (phase === 'selftest') {
  const planted = path.join(pkgDir, `.ssr-selftest-${process.pid}.mjs`);
  fs.writeFileSync(
    planted,
    'void globalThis.window;\nnew WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));\n',
  );
  try {
    await import(planted);
  } finally {
    fs.rmSync(planted);
  }
} else {
  throw new Error(`unknown phase ${phase}`);
}
out.touched = [...touched];
out.wasm = wasm;
console.log(JSON.stringify(out));
