#!/usr/bin/env node

// Browser benchmark (issue 19): nylas-pkce beside @nylas/connect, oauth4webapi, pkce-challenge, oidc-client-ts
// and @auth0/auth0-spa-js, in ONE run of headless Chromium driven by playwright-core. Every ratio and
// difference compares numbers of the same run; every timing is a median.
//
//   1. bytes of each page view (gzip -9 of what the browser fetches, tests/support/page-views.mjs): before
//      login, a logged-in page, a returning user whose token has expired (its page loads the protocol to
//      refresh), a whole login (start + callback page); the peers' bundles beside them;
//   2. page ready: what each SDK adds to the load of a page that imports it and initialises it
//      (nylas-pkce: `new NylasAuth()` + `isAuthenticated()`), as the median of the per-round differences
//      against the same page without it, each load in a fresh browser context, in wall-clock time and in the
//      renderer main thread's CPU time (which a busy machine does not inflate); and import + init (nylas-pkce
//      as shipped and bundled by esbuild, against @nylas/connect's import + `new NylasConnect()`, ratio of
//      medians);
//   3. the login click: click → the request for `/connect/auth` reaching the server, minus the same for a
//      page that navigates to a fixed URL itself (redirect, or `window.open` for popups); nylas-pkce cold
//      (the protocol loads in the click) and after `preload()`; the peers' redirect logins;
//   4. a PKCE pair (verifier + S256 challenge) against oauth4webapi and pkce-challenge, in one page;
//   5. the protocol's wasm memory once NylasAuth has loaded it, and after 100,000 authorization URLs.
//
// Pages are served from 127.0.0.1 with `Cache-Control: no-store`; the page-ready, pair and memory pages
// cross-origin isolated (COOP/COEP: a 5 µs clock), the click pages not (popups, as an app serves them).
// Prints a markdown report (also bench-results/latest.md) and writes bench-results/latest.json (summary +
// raw samples); `--record` also writes docs/bench.json (the summary), which scripts/readme-table.mjs renders.
//
// usage: node scripts/bench.mjs [--loads 9] [--runs 7] [--ops 10000] [--warmup 1000] [--record]
//                               [--chromium /usr/bin/chromium]
// (normally `npm run bench`, which builds pkg/ first; BENCH_SKIP_BUILD=1 reuses it).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS as SHARED_CHROMIUM_ARGS } from '../tests/support/chromium.mjs';
import { compressedSizes, measurePageViews, packageFiles } from '../tests/support/page-views.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'bench-results');
const BUILD_DIR = path.join(OUT_DIR, 'build');
const PKG_DIR = path.join(ROOT, 'pkg');
const SNAPSHOT = path.join(BUILD_DIR, 'pkg');
const RECORD = path.join(ROOT, 'docs', 'bench.json');
// While scripts/build.sh runs, pkg/.raw holds the wasm; it is removed once pkg/ is complete.
const BUILD_MARKER = path.join(PKG_DIR, '.raw');

/** The issue's targets, checked against this run (docs/bench.json `targets`). */
const TARGETS = [
  ['beforeLogin', 'a page before login, ready and idle (gzip -9)', '≤', 12_000, 'B'],
  ['loggedIn', 'a logged-in page (`getAccessToken()` with a valid token)', '≤', 12_000, 'B'],
  ['wholeLogin', 'a whole login (start page + callback page)', '≤', 64_000, 'B'],
  ['pageReady', 'what the SDK adds to page ready (median difference; the package as shipped)', '≤', 15, 'ms'],
  ['pageReadyBundled', 'the same, the entry as one file (as Vite and webpack emit it)', '≤', 15, 'ms'],
  ['pageReadyCpu', 'main-thread CPU the SDK adds to page ready (median difference)', '≤', 15, 'ms'],
  ['clickCold', 'what the SDK adds to a login click (redirect), protocol not preloaded', '≤', 60, 'ms'],
  ['importInit', 'import + init ÷ @nylas/connect (the package as shipped: 2 files, unbundled)', '≤', 1, '×'],
  ['importInitBundled', 'import + init ÷ @nylas/connect, both one file (like for like)', '≤', 1, '×'],
  ['importInitCpu', "main-thread CPU added at page ready ÷ @nylas/connect's", '≤', 1, '×'],
  ['pair', 'PKCE pair: oauth4webapi time ÷ nylas-pkce time', '≥', 4, '×'],
  ['memory', 'wasm memory after init', '≤', 262_144, 'B'],
];

// ---------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------

const USAGE =
  'usage: node scripts/bench.mjs [--loads N>=7] [--runs N>=1] [--ops N>=1] [--warmup N>=0] [--record] [--chromium PATH]';

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = {
    loads: 9,
    runs: 7,
    ops: 10_000,
    warmup: 1_000,
    record: false,
    chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  };
  const ints = { '--loads': ['loads', 7], '--runs': ['runs', 1], '--ops': ['ops', 1], '--warmup': ['warmup', 0] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '-h' || flag === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    if (flag === '--record') {
      opts.record = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`missing value for ${flag}`);
    if (ints[flag]) {
      const [key, min] = ints[flag];
      const n = Number(value);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}`);
      opts[key] = n;
    } else if (flag === '--chromium') {
      opts.chromium = value;
    } else {
      throw new UsageError(`unknown argument: ${flag}`);
    }
  }
  return opts;
}

// ---------------------------------------------------------------------------
// stats / formatting
// ---------------------------------------------------------------------------

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const min = (xs) => Math.min(...xs);
const max = (xs) => Math.max(...xs);
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const ms1 = (x) => x.toFixed(1);
const us2 = (x) => x.toFixed(2);
const int = (n) => n.toLocaleString('en-US');
const ratio = (x) => `${x.toFixed(2)}×`;
const signed = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)}`;

function table(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------
// sizes
// ---------------------------------------------------------------------------

function pkgVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

/** Peer bundles: each is both measured (sizes) and served to the pages. */
const PEER_BUNDLES = [
  {
    lib: 'oauth4webapi',
    out: 'oauth4webapi.full.js',
    what: 'whole public API',
    contents: "export * from 'oauth4webapi';",
  },
  {
    lib: 'oauth4webapi',
    out: 'oauth4webapi.login.js',
    what: 'minimal login (PKCE + state, URL, callback check, code exchange)',
    entry: 'tests/bench/entries/oauth4webapi-login.js',
  },
  {
    lib: 'pkce-challenge',
    out: 'pkce-challenge.full.js',
    what: 'whole public API',
    contents: "export * from 'pkce-challenge'; export { default } from 'pkce-challenge';",
  },
  {
    lib: '@nylas/connect',
    out: 'nylas-connect.full.js',
    what: 'whole library (what any page using `NylasConnect` loads)',
    contents: "export * from '@nylas/connect';",
  },
  {
    lib: 'oidc-client-ts',
    out: 'oidc-client-ts.login.js',
    what: 'minimal login (`UserManager`: `signinRedirect`, `signinRedirectCallback`, `getUser`)',
    entry: 'tests/bench/entries/oidc-client-ts-login.js',
  },
  {
    lib: '@auth0/auth0-spa-js',
    out: 'auth0-spa-js.login.js',
    what: 'minimal login (`createAuth0Client`: `loginWithRedirect`, `handleRedirectCallback`, `getTokenSilently`)',
    entry: 'tests/bench/entries/auth0-spa-js-login.js',
  },
];

async function buildPeerBundles() {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  fs.mkdirSync(BUILD_DIR, { recursive: true });
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: true,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  };
  for (const b of PEER_BUNDLES) {
    const outfile = path.join(BUILD_DIR, b.out);
    if (b.entry) await esbuild.build({ ...common, entryPoints: [path.join(ROOT, b.entry)], outfile });
    else await esbuild.build({ ...common, stdin: { contents: b.contents, resolveDir: ROOT, loader: 'js' }, outfile });
    b.sizes = compressedSizes(fs.readFileSync(outfile));
    b.version = pkgVersion(b.lib);
  }
}

/**
 * Copies pkg/'s package files into the snapshot the run serves, so that a concurrent `scripts/build.sh`
 * (which starts with `rm -rf pkg`) cannot change them mid-run: waits (up to 5 min) until pkg/.raw is gone,
 * index.js exists and every file is unchanged for a second. Returns index.js's mtime (ms).
 */
async function snapshotPkg() {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const stamp = () => {
    if (fs.existsSync(BUILD_MARKER)) return null;
    try {
      const names = packageFiles(PKG_DIR);
      if (!names.includes('index.js') || !names.includes('engine.wasm')) return null;
      return names.map((n) => `${n}:${fs.statSync(path.join(PKG_DIR, n)).mtimeMs}`).join('|');
    } catch {
      return null;
    }
  };
  const deadline = Date.now() + 300_000;
  for (let warned = false; Date.now() < deadline; ) {
    const before = stamp();
    if (before) {
      await sleep(1000);
      if (stamp() === before) {
        fs.rmSync(SNAPSHOT, { recursive: true, force: true });
        fs.mkdirSync(SNAPSHOT, { recursive: true });
        for (const n of packageFiles(PKG_DIR)) fs.copyFileSync(path.join(PKG_DIR, n), path.join(SNAPSHOT, n));
        if (stamp() === before) return fs.statSync(path.join(PKG_DIR, 'index.js')).mtimeMs;
      }
    } else {
      if (!warned) process.stderr.write('bench: pkg/ is incomplete or being built, waiting for it...\n');
      warned = true;
      await sleep(2000);
    }
  }
  throw new Error('the nylas-pkce build did not settle (pkg/.raw must be gone, pkg/index.js and engine.wasm present)');
}

/**
 * The entry as one file, as Vite (Rollup) and webpack emit it in an app: pkg/index.js with error.js inside
 * (the protocol, which a page-ready page never loads, stays outside: engine.js and its files copied beside).
 * esbuild bundles it (minified), for a like-for-like import + init against the peers' one-file bundles.
 * Returns the entry's sizes.
 */
async function buildOursBundle() {
  const outdir = path.join(BUILD_DIR, 'nylas-pkce-bundle');
  await esbuild.build({
    entryPoints: [path.join(SNAPSHOT, 'index.js')],
    bundle: true,
    external: ['./engine.js', './engine_inline.js'],
    format: 'esm',
    platform: 'browser',
    minify: true,
    outfile: path.join(outdir, 'index.js'),
    logLevel: 'warning',
  });
  for (const f of ['engine.js', 'engine_inline.js', 'engine.wasm', 'error.js'])
    fs.copyFileSync(path.join(SNAPSHOT, f), path.join(outdir, f));
  return compressedSizes(fs.readFileSync(path.join(outdir, 'index.js')));
}

function fileSizes() {
  return packageFiles(SNAPSHOT).map((name) => ({
    name,
    ...compressedSizes(fs.readFileSync(path.join(SNAPSHOT, name))),
  }));
}

// ---------------------------------------------------------------------------
// the server
// ---------------------------------------------------------------------------

const CONTENT_TYPES = {
  '.wasm': 'application/wasm',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};

/** The authorization endpoints the click pages reach (nylas-pkce, @nylas/connect, oidc-client-ts; auth0). */
const AUTH_PATHS = new Set(['/v3/connect/auth', '/authorize']);

/**
 * Serves `root`, except URL prefixes in `mounts` ({ '/pkg/': dir }) which map to other directories. Pages
 * under /click/ and the authorization endpoints are served without cross-origin isolation. A request for an
 * authorization endpoint is answered with an empty page and reported to `onAuth(wall-clock ms)` the moment
 * it arrives.
 */
async function startServer(root, mounts, onAuth) {
  const server = http.createServer((req, res) => {
    const arrived = performance.timeOrigin + performance.now();
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400, COMMON_HEADERS).end();
      return;
    }
    const isolated = !pathname.startsWith('/click/') && !AUTH_PATHS.has(pathname);
    const headers = { ...COMMON_HEADERS, ...(isolated ? ISOLATION_HEADERS : {}) };
    const send = (status, body, extra = {}) => res.writeHead(status, { ...headers, ...extra }).end(body);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (pathname === '/favicon.ico') return send(204, '');
    if (AUTH_PATHS.has(pathname)) {
      onAuth(arrived, pathname);
      return send(200, '<!doctype html><title>authorization page</title>', { 'Content-Type': 'text/html' });
    }
    let base = root;
    let rest = pathname;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (pathname.startsWith(prefix)) {
        base = dir;
        rest = pathname.slice(prefix.length - 1);
        break;
      }
    }
    const file = path.resolve(base, `.${rest}`);
    const rel = path.relative(base, file);
    if (pathname.includes('\0') || rel.startsWith('..') || path.isAbsolute(rel)) return send(403, 'forbidden\n');
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return send(404, 'not found\n');
      const type = CONTENT_TYPES[path.extname(file)] || 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': st.size });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------
// browser helpers
// ---------------------------------------------------------------------------

// The shared launch flags (tests/support/chromium.mjs) and the new headless mode.
const CHROMIUM_ARGS = [...SHARED_CHROMIUM_ARGS, '--headless=new'];

/**
 * Opens `url` in a fresh context; page errors, failed requests, HTTP errors and console errors make the
 * measurement fail: `check()` throws once there are any, and `failed` rejects at the first one.
 */
async function openPage(browser, url, { cpu = false } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The renderer's main-thread CPU time (`ThreadTime`), which a busy machine does not inflate as it does
  // wall-clock time.
  let cdp = null;
  if (cpu) {
    cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
  }
  const problems = [];
  const requests = [];
  let fail;
  const failed = new Promise((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {}); // observed through check() when nobody waits on it
  const error = () => new Error(`${url}: ${problems.join('; ')}`);
  const problem = (text) => {
    problems.push(text);
    fail(error());
  };
  context.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('pageerror', (e) => problem(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      problem(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problem(`HTTP ${r.status()} for ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problem(`console error: ${m.text()}`);
  });
  const check = () => {
    if (problems.length) throw error();
  };
  await page.goto(url, { waitUntil: 'load' });
  const cpuMs = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'ThreadTime').value * 1000;
  };
  return { context, page, check, failed, requests, cpuMs };
}

/** Waits until `expr` is truthy in the page; a page problem ends the wait at once. */
async function waitFor({ page, check, failed }, expr) {
  await Promise.race([page.waitForFunction(expr, null, { timeout: 60_000, polling: 10 }), failed]);
  check();
}

function chromiumVersionLine(exe) {
  try {
    // The Debian wrapper script prints noise on stderr; the version is the stdout line.
    return execFileSync(exe, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function cpuModel() {
  try {
    const m = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (m) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model || 'unknown';
}

/** Runs `fn(page, round)` for every page in `loads` rounds (+1 discarded), rotating the order per round. */
async function rounds(pages, loads, fn) {
  const samples = Object.fromEntries(pages.map((p) => [p.name, []]));
  for (let r = -1; r < loads; r++) {
    const order = pages.map((_, i) => pages[(i + Math.max(r, 0)) % pages.length]);
    for (const p of order) {
      const s = await fn(p);
      if (r >= 0) samples[p.name].push(s);
    }
  }
  return samples;
}

// ---------------------------------------------------------------------------
// the generated pages
// ---------------------------------------------------------------------------

const PEER = (file) => `/bench-results/build/${file}`;
const CLIENT_ID = 'bench';

/**
 * Page-ready pages: a classic script notes the time and the load event; the module imports and initialises
 * the SDK and notes the time it is done. Same markup for all, and `baseline` has no SDK.
 */
const READY_PAGES = [
  { name: 'baseline', what: 'the same page without an SDK', imports: '', init: '' },
  {
    name: 'nylas-pkce',
    what: 'import, `new NylasAuth()`, `isAuthenticated()`',
    imports: "import { NylasAuth } from '/pkg/index.js';",
    init: `const auth = new NylasAuth({ clientId: '${CLIENT_ID}', redirectUri: location.origin + '/callback', region: 'us' });
if (auth.isAuthenticated()) throw new Error('authenticated before any login');`,
  },
  {
    name: 'nylas-pkce (one-file entry)',
    what: 'the same, the entry as one file (index.js with error.js, as Vite and webpack emit it; like the peers)',
    imports: "import { NylasAuth } from '/bench-results/build/nylas-pkce-bundle/index.js';",
    init: `const auth = new NylasAuth({ clientId: '${CLIENT_ID}', redirectUri: location.origin + '/callback', region: 'us' });
if (auth.isAuthenticated()) throw new Error('authenticated before any login');`,
  },
  {
    name: '@nylas/connect',
    what: 'import, `new NylasConnect()` (whole library)',
    imports: `import { NylasConnect } from '${PEER('nylas-connect.full.js')}';`,
    init: `new NylasConnect({ clientId: '${CLIENT_ID}', redirectUri: location.origin + '/callback', apiUrl: 'https://api.us.nylas.com', debug: false });`,
  },
  {
    name: 'oidc-client-ts',
    what: 'import, `new UserManager()`, `await getUser()` (minimal login bundle)',
    imports: `import { UserManager } from '${PEER('oidc-client-ts.login.js')}';`,
    init: `await new UserManager({ authority: 'https://login.example.com', client_id: '${CLIENT_ID}', redirect_uri: location.origin + '/callback' }).getUser();`,
  },
  {
    name: 'auth0-spa-js',
    what: 'import, `await createAuth0Client()`, `await isAuthenticated()` (minimal login bundle)',
    imports: `import { createAuth0Client } from '${PEER('auth0-spa-js.login.js')}';`,
    init: `const a0 = await createAuth0Client({ domain: 'login.example.com', clientId: '${CLIENT_ID}', authorizationParams: { redirect_uri: location.origin + '/callback' } });
await a0.isAuthenticated();`,
  },
];

function readyHtml(p) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bench: page ready, ${p.name}</title>
<script>window.__t0 = performance.now(); addEventListener('load', () => { window.__load = performance.now(); });</script>
<script type="module">
${p.imports}
${p.init}
window.__init = performance.now();
</script>
</head><body><h1>An app's page</h1><p>Some content.</p></body></html>
`;
}

/**
 * Click pages: set up (load the SDK, create its client; `preload` first where named), then a button whose
 * click handler notes the wall-clock time in sessionStorage (the page may navigate away) and logs in.
 */
const AUTH_QUERY = `'?client_id=${CLIENT_ID}&redirect_uri=' + encodeURIComponent(location.origin + '/click/callback.html') + '&response_type=code&state=0123456789abcdef0123456789abcdef&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256'`;
const NYLAS_SETUP = `import { NylasAuth } from '/pkg/index.js';
const auth = new NylasAuth({ clientId: '${CLIENT_ID}', redirectUri: location.origin + '/click/callback.html', apiBase: location.origin + '/v3' });`;
const CLICK_PAGES = [
  {
    name: 'bare redirect',
    baseline: true,
    kind: 'redirect',
    what: '`location.assign(a fixed URL)`',
    setup: `const url = location.origin + '/v3/connect/auth' + ${AUTH_QUERY};`,
    action: 'location.assign(url);',
  },
  {
    name: 'bare popup',
    baseline: true,
    kind: 'popup',
    what: "`window.open(a fixed URL, …, 'popup')`",
    setup: `const url = location.origin + '/v3/connect/auth' + ${AUTH_QUERY};`,
    action: "window.open(url, 'bench', 'popup,width=500,height=650');",
  },
  {
    name: 'bare popup, blank then navigated',
    baseline: true,
    kind: 'popup',
    what: "`window.open('', …, 'popup')`, then its `location.href = a fixed URL`",
    setup: `const url = location.origin + '/v3/connect/auth' + ${AUTH_QUERY};`,
    action: "window.open('', 'bench', 'popup,width=500,height=650').location.href = url;",
  },
  {
    name: 'nylas-pkce redirect, cold',
    ours: 'redirect cold',
    kind: 'redirect',
    what: '`loginWithRedirect()`; the protocol loads in the click (engine.js + engine.wasm)',
    setup: NYLAS_SETUP,
    action: 'auth.loginWithRedirect().catch((e) => { window.__error = String(e); });',
  },
  {
    name: 'nylas-pkce redirect, preloaded',
    ours: 'redirect preloaded',
    kind: 'redirect',
    what: '`await auth.preload()` at load, then `loginWithRedirect()`',
    setup: `${NYLAS_SETUP}\nawait auth.preload();`,
    action: 'auth.loginWithRedirect().catch((e) => { window.__error = String(e); });',
  },
  {
    name: 'nylas-pkce popup, cold',
    ours: 'popup cold',
    kind: 'popup',
    bare: 'bare popup, blank then navigated',
    what: '`loginWithPopup()`: a blank window in the click, navigated once the protocol has built the URL',
    setup: NYLAS_SETUP,
    action: 'auth.loginWithPopup().catch(() => {});',
  },
  {
    name: 'nylas-pkce popup, preloaded',
    ours: 'popup preloaded',
    kind: 'popup',
    what: '`await auth.preload()` at load, then `loginWithPopup()` (the window opens at its URL)',
    setup: `${NYLAS_SETUP}\nawait auth.preload();`,
    action: 'auth.loginWithPopup().catch(() => {});',
  },
  {
    name: '@nylas/connect redirect',
    kind: 'redirect',
    what: "`connect({ method: 'inline' })` (PKCE, state, storage) then `location.assign(url)`",
    setup: `import { NylasConnect } from '${PEER('nylas-connect.full.js')}';
const nc = new NylasConnect({ clientId: '${CLIENT_ID}', redirectUri: location.origin + '/click/callback.html', apiUrl: location.origin + '/v3', debug: false });`,
    action: "nc.connect({ method: 'inline', provider: 'google', scopes: ['email'] }).then((u) => location.assign(u));",
  },
  {
    name: 'oidc-client-ts redirect',
    kind: 'redirect',
    what: '`signinRedirect()` (metadata given: no discovery request)',
    setup: `import { UserManager } from '${PEER('oidc-client-ts.login.js')}';
const um = new UserManager({ authority: location.origin, client_id: '${CLIENT_ID}', redirect_uri: location.origin + '/click/callback.html', scope: 'openid email',
  metadata: { issuer: location.origin, authorization_endpoint: location.origin + '/v3/connect/auth', token_endpoint: location.origin + '/v3/connect/token' } });`,
    action: 'um.signinRedirect();',
  },
  {
    name: 'auth0-spa-js redirect',
    kind: 'redirect',
    what: '`loginWithRedirect()` (to `/authorize`)',
    setup: `import { createAuth0Client } from '${PEER('auth0-spa-js.login.js')}';
const a0 = await createAuth0Client({ domain: location.origin, clientId: '${CLIENT_ID}', authorizationParams: { redirect_uri: location.origin + '/click/callback.html' } });`,
    action: 'a0.loginWithRedirect();',
  },
];

function clickHtml(p) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bench: login click, ${p.name}</title></head>
<body><button id="go">Log in</button>
<script type="module">
${p.setup}
document.querySelector('#go').addEventListener('click', () => {
  sessionStorage.setItem('bench:click', String(performance.timeOrigin + performance.now()));
  ${p.action}
});
window.__armed = true;
</script>
</body></html>
`;
}

/** Writes the generated pages under BUILD_DIR/ready and BUILD_DIR/click. */
function writePages() {
  const slug = (name) => name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
  for (const [dir, pages, html] of [
    ['ready', READY_PAGES, readyHtml],
    ['click', CLICK_PAGES, clickHtml],
  ]) {
    fs.mkdirSync(path.join(BUILD_DIR, dir), { recursive: true });
    for (const p of pages) {
      p.path = `/${dir}/${slug(p.name)}.html`;
      fs.writeFileSync(path.join(BUILD_DIR, dir, `${slug(p.name)}.html`), html(p));
    }
  }
}

// ---------------------------------------------------------------------------
// benchmarks
// ---------------------------------------------------------------------------

/** Page ready and import + init: `loads` rounds of every page, each load in a fresh context. */
async function benchReady(browser, base, loads) {
  const raw = await rounds(READY_PAGES, loads, async (p) => {
    const opened = await openPage(browser, `${base}${p.path}`, { cpu: true });
    try {
      await waitFor(opened, () => window.__load !== undefined && window.__init !== undefined);
      const r = await opened.page.evaluate(() => ({
        ready: Math.max(window.__load, window.__init),
        init: window.__init - window.__t0,
      }));
      return { ...r, cpu: await opened.cpuMs(), requests: opened.requests.length };
    } finally {
      await opened.context.close();
    }
  });
  const base0 = raw.baseline;
  const pages = READY_PAGES.map((p) => {
    const s = raw[p.name];
    return {
      name: p.name,
      what: p.what,
      readyMs: round(median(s.map((x) => x.ready))),
      initMs: round(median(s.map((x) => x.init))),
      addsMs: round(median(s.map((x, i) => x.ready - base0[i].ready))),
      addsBestMs: round(min(s.map((x) => x.ready)) - min(base0.map((x) => x.ready))),
      cpuMs: round(median(s.map((x) => x.cpu))),
      addsCpuMs: round(median(s.map((x, i) => x.cpu - base0[i].cpu))),
      range: [round(min(s.map((x) => x.ready))), round(max(s.map((x) => x.ready)))],
      requests: s.at(-1).requests,
    };
  });
  return { loads, pages, samples: raw };
}

/**
 * The login click: `loads` rounds of every click page, each in a fresh context. The time is from the click
 * handler's start (page clock, wall time) to the authorization request's arrival at the server (Node's
 * clock, wall time); the bare pages' medians are subtracted, which also removes any offset between the two
 * clocks.
 */
async function benchClick(browser, base, loads, auth) {
  const raw = await rounds(CLICK_PAGES, loads, async (p) => {
    const opened = await openPage(browser, `${base}${p.path}`);
    const { page, context } = opened;
    try {
      await waitFor(opened, () => window.__armed === true);
      await page.waitForTimeout(50); // settled: nothing of the set-up still running
      auth.arrivals = [];
      await page.click('#go');
      const deadline = Date.now() + 30_000;
      while (!auth.arrivals.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      if (!auth.arrivals.length) {
        const error = await page.evaluate(() => window.__error).catch(() => null);
        throw new Error(`${p.name}: no authorization request within 30 s${error ? ` (${error})` : ''}`);
      }
      let clicked = null;
      for (let i = 0; i < 100 && clicked === null; i++) {
        // After a redirect the page is the authorization page (same origin, same sessionStorage).
        clicked = await page.evaluate(() => sessionStorage.getItem('bench:click')).catch(() => null);
        if (clicked === null) await new Promise((r) => setTimeout(r, 20));
      }
      if (clicked === null) throw new Error(`${p.name}: the click time was not found`);
      return auth.arrivals[0] - Number(clicked);
    } finally {
      await context.close();
    }
  });
  const medians = Object.fromEntries(Object.entries(raw).map(([k, xs]) => [k, median(xs)]));
  const bare = (p) => p.bare ?? `bare ${p.kind}`;
  const paired = (p) => median(raw[p.name].map((x, i) => x - raw[bare(p)][i]));
  const pages = CLICK_PAGES.map((p) => ({
    name: p.name,
    ours: p.ours ?? null,
    kind: p.kind,
    what: p.what,
    ms: round(medians[p.name]),
    vs: p.baseline ? null : bare(p),
    addsMs: p.baseline ? null : round(paired(p)),
    range: [round(min(raw[p.name])), round(max(raw[p.name]))],
  }));
  return { loads, pages, samples: raw };
}

/** The PKCE pair timings in one page (tests/bench/pair.js). */
async function benchPairs(browser, base, opts) {
  const opened = await openPage(browser, `${base}/tests/bench/pair.html?ours=1`);
  const { context, page, check, failed } = opened;
  try {
    const info = await Promise.race([page.evaluate(() => window.bench.ready), failed]);
    check();
    const { libs } = info;
    for (const name of libs) await page.evaluate(([n, k]) => window.bench.run(n, k), [name, opts.warmup]);
    const samples = Object.fromEntries(libs.map((n) => [n, []]));
    for (let r = 0; r < opts.runs; r++) {
      // Rotate the order every run so no library always goes first (or right after another's GC).
      const order = libs.map((_, i) => libs[(i + r) % libs.length]);
      for (const name of order) {
        const ms = await page.evaluate(([n, k]) => window.bench.run(n, k), [name, opts.ops]);
        samples[name].push((ms * 1000) / opts.ops); // µs/op
      }
    }
    check();
    const us = Object.fromEntries(libs.map((n) => [n, round(median(samples[n]), 3)]));
    return { info, us, ratio: round(us.oauth4webapi / us['nylas-pkce']), samples };
  } finally {
    await context.close();
  }
}

/** The protocol's wasm memory (tests/bench/memory.html). */
async function benchMemory(browser, base) {
  const opened = await openPage(browser, `${base}/tests/bench/memory.html`);
  const { context, page, check } = opened;
  try {
    await waitFor(opened, () => window.mem);
    const afterInit = await page.evaluate(() => window.mem.afterInit);
    const first = await page.evaluate(() => window.mem.run(10_000));
    const rest = await page.evaluate(() => window.mem.run(90_000));
    check();
    return {
      afterInit,
      after10k: first.bytes,
      after100k: rest.bytes,
      usPerUrl: round((rest.ms * 1000) / 90_000),
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// report
// ---------------------------------------------------------------------------

const PAGE_VIEWS = [
  ['beforeLogin', 'a page before login', 'import, `new NylasAuth()`, `isAuthenticated()`, ready and idle'],
  ['loggedIn', 'a logged-in page', 'tokens in localStorage; a new page: `await getAccessToken()` (valid token)'],
  ['expired', 'a returning user, token expired', 'a new page: `await getAccessToken()` refreshes (loads the protocol)'],
  ['wholeLogin', 'a whole login', 'a redirect login against the mock: start page + callback page, distinct files'],
];

/** The targets of issue 19, evaluated on this run's summary. */
function targets(s) {
  const value = {
    beforeLogin: s.pageViews.beforeLogin?.bytes,
    loggedIn: s.pageViews.loggedIn?.bytes,
    wholeLogin: s.pageViews.wholeLogin?.bytes,
    pageReady: s.pageReady.pages.find((p) => p.name === 'nylas-pkce')?.addsMs,
    pageReadyBundled: s.pageReady.pages.find((p) => p.name === 'nylas-pkce (one-file entry)')?.addsMs,
    importInitBundled: s.importInit.bundledRatio,
    pageReadyCpu: s.pageReady.pages.find((p) => p.name === 'nylas-pkce')?.addsCpuMs,
    importInitCpu: s.importInit.cpuRatio,
    clickCold: s.click.pages.find((p) => p.ours === 'redirect cold')?.addsMs,
    importInit: s.importInit.ratio,
    pair: s.pair.ratio,
    memory: s.memory.afterInit,
  };
  return TARGETS.map(([key, label, op, target, unit]) => {
    const v = value[key];
    const met = v === undefined || v === null ? null : op === '≤' ? v <= target : v >= target;
    return { key, label, op, target, unit, value: v ?? null, met };
  });
}

function report(s) {
  const out = [];
  const push = (...blocks) => out.push(blocks.join('\n\n'), '');
  push('# nylas-pkce benchmark');
  const m = s.machine;
  push(
    '## 1. Machine',
    table(
      ['', ''],
      [
        ['Date', m.date],
        ['CPU', `${m.cpu} × ${m.cores} logical cores`],
        ['OS', m.os],
        ['Load average (1 min)', `${m.loadStart.toFixed(2)} at start, ${m.loadEnd.toFixed(2)} at end`],
        ['Node', m.node],
        ['Browser', `${m.chromiumLine ?? 'chromium'} (${m.browserVersion}), headless`],
        ['nylas-pkce', `${s.package.version}, \`pkg/index.js\` built ${s.package.built}`],
        [
          'Settings',
          `${s.settings.loads} rounds (+1 discarded) of fresh contexts per page (page ready, clicks); PKCE pair: ${s.settings.warmup} warm-up + ${s.settings.runs} runs × ${int(s.settings.ops)} ops`,
        ],
      ],
    ),
  );

  const viewRows = PAGE_VIEWS.map(([key, label, what]) => {
    const v = s.pageViews[key];
    if (v.error) return [`**${label}**`, what, v.files.join(' + ') || '—', `**failed**: ${v.error}`, '', ''];
    return [`**${label}**`, what, v.files.join(' + '), `**${int(v.bytes)}**`, int(v.brotli), int(v.raw)];
  });
  const fileRows = s.package.files.map((f) => [`\`pkg/${f.name}\``, '', '', int(f.gzip), int(f.brotli), int(f.raw)]);
  const peerRows = s.peers.map((b) => [
    `${b.lib} ${b.version}`,
    b.what,
    'one bundle',
    int(b.gzip),
    int(b.brotli),
    int(b.raw),
  ]);
  push(
    '## 2. Bytes per page view (what the browser fetches, gzip -9)',
    table(['', 'page does', 'files fetched', 'gzip -9', 'brotli', 'raw'], [...viewRows, ...fileRows, ...peerRows]),
    'nylas-pkce: real pages in headless Chromium against the mock Nylas (`tests/support/page-views.mjs`), each file ' +
      'once, compressed one by one as a server sends them. Peers: esbuild (`bundle`, `minify`, `format: esm`) of their ' +
      'whole library or of a minimal redirect login (`tests/bench/entries/`); a page using them loads that bundle.',
  );

  const ready = s.pageReady.pages;
  const connect = ready.find((p) => p.name === '@nylas/connect');
  push(
    '## 3. Page ready, and import + init',
    table(
      [
        'page',
        'does',
        'ready (load event, module done), median ms',
        'min – max',
        'adds to page ready, median of per-round differences',
        'best case (min − baseline min)',
        'main-thread CPU added, median of per-round differences',
        'import + init, median ms',
        '÷ @nylas/connect',
      ],
      ready.map((p) => [
        p.name,
        p.what,
        ms1(p.readyMs),
        `${ms1(p.range[0])} – ${ms1(p.range[1])}`,
        p.name === 'baseline' ? '—' : `**${signed(p.addsMs)} ms**`,
        p.name === 'baseline' ? '—' : `${signed(p.addsBestMs)} ms`,
        p.name === 'baseline' ? `(${ms1(p.cpuMs)} ms in all)` : `${signed(p.addsCpuMs)} ms`,
        p.name === 'baseline' ? '—' : ms1(p.initMs),
        p.name === 'baseline' ? '—' : ratio(p.initMs / connect.initMs),
      ]),
    ),
    `Each round loads every page once, each in a fresh browser context (nothing cached: \`no-store\`), in a rotating order. ` +
      '"ready" = `performance.now()` (from navigation start) when both the load event has fired and the page\'s module has ' +
      'finished; "adds" = this page\'s ready minus the baseline\'s in the same round, median over rounds. "import + init" = ' +
      'from a classic script before the module to the end of the module (fetching and evaluating the SDK, creating its client). ' +
      '"main-thread CPU" = the renderer main thread\'s CPU time at ready (CDP `Performance.getMetrics` `ThreadTime`), this ' +
      "page's minus the baseline's in the same round: what the SDK costs the page in CPU, which other processes competing " +
      'for the cores do not inflate as they inflate the wall-clock columns.',
  );

  push(
    '## 4. The login click (click → the request for the authorization endpoint)',
    table(
      ['page', 'click does', 'median ms', 'min – max', 'adds over the bare page, median of per-round differences'],
      s.click.pages.map((p) => [
        p.name,
        p.what,
        ms1(p.ms),
        `${ms1(p.range[0])} – ${ms1(p.range[1])}`,
        p.addsMs === null ? '—' : `**${signed(p.addsMs)} ms** (vs ${p.vs})`,
      ]),
    ),
    'From the start of the click handler (`performance.timeOrigin + performance.now()`) to the arrival of the request at ' +
      'the bench server (Node, `performance.timeOrigin + performance.now()`); the bare pages navigate (or open a popup) to a ' +
      "fixed URL in the click, and are subtracted round by round (the browser's own navigation cost and any offset between " +
      'the clocks). nylas-pkce "cold": the protocol is not loaded before the click (the default); "preloaded": `await ' +
      'auth.preload()` at load. The peers build their URL in the click too (PKCE, state, storage).',
  );

  const p = s.pair;
  push(
    '## 5. PKCE pair (verifier + S256 challenge, one page)',
    table(
      ['library', 'median µs/op', 'min – max', 'time ÷ nylas-pkce'],
      Object.entries(p.samples).map(([name, xs]) => [
        name,
        `**${us2(median(xs))}**`,
        `${us2(min(xs))} – ${us2(max(xs))}`,
        ratio(median(xs) / p.us['nylas-pkce']),
      ]),
    ),
    'nylas-pkce: `generatePkcePair({ method: "S256", encoding: "rfc7636" })` from `nylas-pkce/protocol` (one synchronous ' +
      'call); oauth4webapi: `generateRandomCodeVerifier()` + `await calculatePKCECodeChallenge(v)`; pkce-challenge: ' +
      '`await pkceChallenge()`. Every library is checked against RFC 7636 Appendix B first.',
  );

  const mem = s.memory;
  push(
    '## 6. wasm memory',
    table(
      ['point', 'bytes', 'KiB'],
      [
        [
          'after `await auth.ready()` (the protocol loaded by NylasAuth)',
          int(mem.afterInit),
          (mem.afterInit / 1024).toFixed(0),
        ],
        ['after 10,000 `buildAuthorizationUrl`', int(mem.after10k), (mem.after10k / 1024).toFixed(0)],
        ['after 100,000', int(mem.after100k), (mem.after100k / 1024).toFixed(0)],
      ],
    ),
    `Linear memory never shrinks: this is the high-water mark. ${us2(mem.usPerUrl)} µs per URL.`,
  );

  push(
    '## 7. Targets (issue 19)',
    table(
      ['', 'target', 'this run', 'met'],
      s.targets.map((t) => [
        t.label,
        `${t.op} ${t.unit === 'B' ? int(t.target) : t.target} ${t.unit}`,
        t.value === null
          ? '—'
          : t.unit === 'B'
            ? int(t.value)
            : t.unit === '×'
              ? ratio(t.value)
              : `${signed(t.value)} ms`,
        t.met === null ? '—' : t.met ? 'yes' : '**no**',
      ]),
    ),
  );
  push(`_Total bench time ${s.seconds.toFixed(0)} s._`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(PKG_DIR, 'index.js'))) throw new Error('pkg/index.js not found: bash scripts/build.sh');
  process.stderr.write('bench: bundling peers with esbuild...\n');
  await buildPeerBundles(); // (re)creates BUILD_DIR
  const built = await snapshotPkg();
  const bundled = await buildOursBundle();
  writePages();

  const auth = { arrivals: [] };
  const mounts = {
    '/pkg/': SNAPSHOT,
    '/ready/': path.join(BUILD_DIR, 'ready'),
    '/click/': path.join(BUILD_DIR, 'click'),
  };
  const server = await startServer(ROOT, mounts, (t) => auth.arrivals.push(t));
  let browser;
  try {
    browser = await chromium.launch({ executablePath: opts.chromium, headless: true, args: CHROMIUM_ARGS });
    const machine = {
      date: new Date().toISOString(),
      cpu: cpuModel(),
      cores: os.cpus().length,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
      node: process.version,
      chromiumLine: chromiumVersionLine(opts.chromium),
      browserVersion: browser.version(),
      loadStart: os.loadavg()[0],
    };
    const phase = async (label, fn) => {
      process.stderr.write(`bench: ${label}...\n`);
      const s = Date.now();
      const r = await fn();
      process.stderr.write(`bench: ${label}: ${((Date.now() - s) / 1000).toFixed(0)} s\n`);
      return r;
    };
    const pageViews = await phase('page views (a real login against the mock)', () =>
      measurePageViews({ pkgDir: SNAPSHOT, browser }),
    );
    const pageReady = await phase('page ready', () => benchReady(browser, server.url, opts.loads));
    const click = await phase('login clicks', () => benchClick(browser, server.url, opts.loads, auth));
    const pair = await phase('PKCE pairs', () => benchPairs(browser, server.url, opts));
    const memory = await phase('memory', () => benchMemory(browser, server.url));
    machine.loadEnd = os.loadavg()[0];

    const ours = pageReady.pages.find((p) => p.name === 'nylas-pkce');
    const oursBundled = pageReady.pages.find((p) => p.name === 'nylas-pkce (one-file entry)');
    const connect = pageReady.pages.find((p) => p.name === '@nylas/connect');
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const summary = {
      date: machine.date,
      machine,
      settings: { loads: opts.loads, runs: opts.runs, ops: opts.ops, warmup: opts.warmup },
      package: { version, built: new Date(built).toISOString(), files: fileSizes(), bundledEntry: bundled },
      pageViews,
      peers: PEER_BUNDLES.map((b) => ({ lib: b.lib, version: b.version, what: b.what, ...b.sizes })),
      pageReady: { loads: pageReady.loads, pages: pageReady.pages },
      importInit: {
        nylasPkceMs: ours.initMs,
        nylasPkceBundledMs: oursBundled.initMs,
        nylasConnectMs: connect.initMs,
        ratio: round(ours.initMs / connect.initMs),
        bundledRatio: round(oursBundled.initMs / connect.initMs),
        cpuRatio: round(ours.addsCpuMs / connect.addsCpuMs),
      },
      click: { loads: click.loads, pages: click.pages },
      pair: { us: pair.us, ratio: pair.ratio, samples: pair.samples },
      memory,
    };
    summary.targets = targets(summary);
    summary.seconds = round((Date.now() - t0) / 1000, 1);

    const md = report(summary);
    fs.mkdirSync(OUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUT_DIR, 'latest.md'), `${md}\n`);
    const samples = { pageReady: pageReady.samples, click: click.samples };
    fs.writeFileSync(path.join(OUT_DIR, 'latest.json'), `${JSON.stringify({ ...summary, samples }, null, 2)}\n`);
    if (opts.record) fs.writeFileSync(RECORD, `${JSON.stringify(summary, null, 2)}\n`);
    process.stdout.write(`${md}\n`);
  } finally {
    if (browser) await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`bench: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench: FAILED: ${err?.stack || err}\n`);
  process.exit(1);
});
