#!/usr/bin/env node
// Tests the packed tarball (`npm pack`), not the working tree: installs it into throwaway apps under one
// temporary directory and completes a redirect login against the mock Nylas in each of them:
//
//   vite-<current major>  Vite at its current version, no config: `vite build` (which must emit engine.wasm,
//                         byte for byte the tarball's), served by `vite preview`; then the same login on the
//                         dev server (`vite`, dependency pre-bundling: engine.wasm 404s or is answered with
//                         HTML there, and the inline fallback must load the protocol)
//   vite-6                the same with Vite 6, no config either (the README says none is needed)
//   esbuild-splitting     esbuild with `splitting: true, format: 'esm'` and nothing else (esbuild never copies
//                         engine.wasm: the inline fallback), served by static.mjs
//   import-map            a plain <script type="module"> page with an import map, served by static.mjs
//   node-esm              Node ESM with the stateless functions (nylas-pkce/protocol + nylas-pkce/callback)
//   react-19, react-18    a Vite + React app (nylas-pkce/react) in <StrictMode>, built and served by
//                         `vite preview`: a redirect login with exactly one token request (StrictMode runs
//                         effects twice), logout, a popup login opened in the click, and a denied consent
//                         shown from the hook's `error`
//
// Browser apps run in headless Chromium (playwright-core, /usr/bin/chromium). The pages import only
// 'nylas-pkce' from the app's node_modules, which holds nothing but the tarball's files (checked byte for
// byte), and the temporary directory is outside the repository, so nothing resolves to the working tree.
// Every page view's requests are recorded (file names, and whether a response is the protocol: its glue or
// its wasm, inlined or not): the start page, ready and idle before the click, must load no protocol; the
// report prints what each view fetched. Each browser app also has a `?check=ready` page view: `await
// auth.ready()` then `authorizationUrl()`, which loads the protocol without leaving the page.
//
//   node tests/package/run.mjs          (pkg/ must be built: bash scripts/build.sh)
//
// Env: NYLAS_PKCE_KEEP_APPS=1 keeps the temporary directory; CHROMIUM_PATH overrides /usr/bin/chromium.
// npm installs use --prefer-offline (npm's own cache makes repeat runs fast) and fall back to a normal
// install if that fails. Every wait is bounded; servers, browsers and child processes are stopped even on
// failure. Prints one line per check and `N passed, M failed`; exits 1 on any failure.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { launchChromium } from '../support/chromium.mjs';
import { freePort } from '../support/ports.mjs';
import * as proc from '../support/processes.mjs';
import { abort, aborted, children, killAll, killChild, secs, tail } from '../support/processes.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEEP = process.env.NYLAS_PKCE_KEEP_APPS === '1';
const EMAIL = 'user@example.com'; // the mock's default account
const CLIENT_ID = 'demo-client';

const WAIT_MS = 30_000; // page waits, server start-up
const NPM_VIEW_MS = 60_000;
const INSTALL_MS = 5 * 60_000;
const BUILD_MS = 3 * 60_000;
const NODE_APP_MS = 60_000;
const TOTAL_MS = 20 * 60_000; // watchdog for the whole run

const REQUIRED_FILES = [
  'package.json',
  'README.md',
  'pkg/index.js',
  'pkg/error.js',
  'pkg/engine.js',
  'pkg/engine.wasm',
  'pkg/engine_inline.js',
  'pkg/protocol.js',
  'pkg/callback.js',
  'pkg/index.d.ts',
  'pkg/protocol.d.ts',
  'pkg/callback.d.ts',
  'pkg/react.js',
  'pkg/react.d.ts',
];
const FORBIDDEN_PREFIXES = [
  'src/',
  'tests/',
  'js/',
  'www/',
  'examples/',
  'fuzz/',
  'scripts/',
  'target/',
  'docs/',
  'npm/',
  'node_modules/',
];

const t0 = Date.now();
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;

// ---------------------------------------------------------------------------------------------------------
// Resources that must go away even on failure
// ---------------------------------------------------------------------------------------------------------

const closers = []; // async cleanups, run last-in first-out
let tmp; // the one temporary directory

/** Registers a cleanup; after an abort has begun, runs it at once and stops the caller. */
async function own(close) {
  if (!aborted()) {
    closers.push(close);
    return;
  }
  await close().catch(() => {});
  throw new Error('aborted');
}

let cleaning;
function cleanup() {
  abort();
  cleaning ??= (async () => {
    await killAll();
    while (closers.length)
      await closers
        .pop()()
        .catch(() => {});
    await killAll(); // any started while the closers ran
    if (tmp && !KEEP) {
      try {
        fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      } catch (e) {
        console.error(`package: could not remove ${tmp}: ${e.message}`);
      }
    } else if (tmp) console.log(`package: kept ${tmp}`);
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    console.log(`package: ${sig}, cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}
setTimeout(() => {
  console.error(`package: the whole run took over ${secs(TOTAL_MS)}; giving up`);
  cleanup().finally(() => process.exit(1));
}, TOTAL_MS).unref();

/** tests/support/processes.mjs's `run`, from the repository's root unless `cwd` says otherwise. */
const run = (cmd, args, opts) => proc.run(cmd, args, { cwd: ROOT, ...opts });
const runOk = (cmd, args, opts) => proc.runOk(cmd, args, { cwd: ROOT, ...opts });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// 1. The tarball
// ---------------------------------------------------------------------------------------------------------

/** Waits (bounded) while a concurrent scripts/build.sh rewrites pkg/ (it works in pkg/.raw). */
async function waitForQuietPkg(ms = 120_000) {
  const until = Date.now() + ms;
  while (fs.existsSync(path.join(ROOT, 'pkg', '.raw')) && Date.now() < until) await sleep(200);
}

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function walk(dir, base = dir) {
  const out = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

async function packTarball() {
  await waitForQuietPkg();
  for (const f of ['pkg/index.js', 'pkg/callback.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) {
      throw new Error(`${f} is missing: pkg/ is not built. Run \`bash scripts/build.sh\` first (npm test does).`);
    }
  }
  const dest = path.join(tmp, 'tarball');
  fs.mkdirSync(dest);
  // --ignore-scripts: pack what pkg/ holds now; this test never rebuilds.
  const r = await runOk('npm', ['pack', '--pack-destination', dest, '--json', '--ignore-scripts', '--loglevel=error'], {
    timeoutMs: 120_000,
  });
  const [info] = JSON.parse(r.stdout);
  const tarball = path.join(dest, info.filename);
  const listed = info.files.map((f) => f.path).sort();

  // The tarball's own contents (not npm's report of them): the reference the installs are compared to.
  const extracted = path.join(tmp, 'tarball-extracted');
  fs.mkdirSync(extracted);
  await runOk('tar', ['-xzf', tarball, '-C', extracted], { timeoutMs: 60_000 });
  const files = walk(path.join(extracted, 'package'));

  const problems = [];
  if (JSON.stringify(files) !== JSON.stringify(listed))
    problems.push(`npm pack listed ${listed}, the tarball holds ${files}`);
  for (const f of REQUIRED_FILES) if (!files.includes(f)) problems.push(`${f} is missing`);
  for (const f of files) {
    if (FORBIDDEN_PREFIXES.some((p) => f.startsWith(p))) problems.push(`${f} must not be published`);
    if (/\.(tgz|map)$/.test(f) || (f.endsWith('.wasm') && f !== 'pkg/engine.wasm'))
      problems.push(`${f} must not be published`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(extracted, 'package', 'package.json'), 'utf8'));
  for (const [sub, file] of [
    ['.', './pkg/index.js'],
    ['./protocol', './pkg/protocol.js'],
    ['./callback', './pkg/callback.js'],
    ['./react', './pkg/react.js'],
  ]) {
    const target = manifest.exports?.[sub]?.import;
    if (target !== file) problems.push(`exports["${sub}"].import is ${target}, expected ${file}`);
    else if (!files.includes(file.slice(2))) problems.push(`exports["${sub}"] points at ${file}, not in the tarball`);
  }
  if (manifest.sideEffects !== false) problems.push('sideEffects is not false');
  if (manifest.type !== 'module') problems.push('type is not "module"');
  const sums = Object.fromEntries(files.map((f) => [f, sha256(path.join(extracted, 'package', f))]));
  return { tarball, files, size: fs.statSync(tarball).size, sums, problems };
}

// ---------------------------------------------------------------------------------------------------------
// 2. The apps
// ---------------------------------------------------------------------------------------------------------

const MAIN_JS = `// A redirect login with nylas-pkce: the mock's base URL comes as ?api= and is kept for the callback.
import { NylasAuth } from 'nylas-pkce';

const out = document.getElementById('out');
const params = new URLSearchParams(location.search);
if (params.has('api')) sessionStorage.setItem('api', params.get('api'));
const show = (result) => {
  out.textContent = JSON.stringify(result);
  out.dataset.state = 'done';
};
const fail = (e) => show({ error: e?.code ?? 'exception', message: String(e?.message ?? e) });

const auth = new NylasAuth({
  clientId: '${CLIENT_ID}',
  redirectUri: location.origin + '/',
  apiBase: sessionStorage.getItem('api'),
});
document.getElementById('login').addEventListener('click', () => {
  auth.loginWithRedirect().catch(fail);
});
if (params.get('check') === 'ready') {
  // The protocol, loaded and checked without a login: ready(), then a URL.
  auth
    .ready()
    .then(() => auth.authorizationUrl({ provider: 'google' }))
    .then((url) => show({ ready: true, url }), fail);
} else if (params.has('code') || params.has('error')) {
  auth.handleRedirectCallback().then(
    (r) => show({ type: r.type, email: r.email, tokenType: r.tokenType, hasAccessToken: Boolean(r.accessToken) }),
    fail,
  );
}
document.body.dataset.ready = 'true';
`;

const BODY = '<button id="login">Log in</button>\n<pre id="out"></pre>';

const VITE_INDEX_HTML = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>nylas-pkce in a Vite app</title></head>
<body>
${BODY}
<script type="module" src="/main.js"></script>
</body>
</html>
`;

const IMPORT_MAP_INDEX_HTML = `<!doctype html>
<html>
<head>
<meta charset="utf-8"><title>nylas-pkce with an import map</title>
<script type="importmap">
{
  "imports": {
    "nylas-pkce": "./node_modules/nylas-pkce/pkg/index.js",
    "nylas-pkce/protocol": "./node_modules/nylas-pkce/pkg/protocol.js",
    "nylas-pkce/callback": "./node_modules/nylas-pkce/pkg/callback.js"
  }
}
</script>
</head>
<body>
${BODY}
<script type="module" src="./main.js"></script>
</body>
</html>
`;

const REACT_INDEX_HTML = `<!doctype html>
<html>
  <head><meta charset="utf-8"><title>nylas-pkce/react</title></head>
  <body><div id="root"></div><script type="module" src="/main.js"></script></body>
</html>
`;

// No JSX, so that the app needs no Vite config and no plugin.
const REACT_MAIN_JS = `import { StrictMode, createElement as h, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { NylasAuthProvider, useNylasAuth } from 'nylas-pkce/react';

// The mock's base URL comes as ?api= and is kept in sessionStorage for the callback (a popup gets a copy).
const api = new URLSearchParams(location.search).get('api') ?? sessionStorage.getItem('api');
if (api) sessionStorage.setItem('api', api);
const options = { clientId: '${CLIENT_ID}', redirectUri: location.origin + '/', apiBase: api, provider: 'google' };

function App() {
  const { isLoading, isAuthenticated, user, error, loginWithPopup, loginWithRedirect, logout } = useNylasAuth();
  const [popupError, setPopupError] = useState(null);
  const state = isLoading ? 'loading' : isAuthenticated ? 'authenticated' : 'anonymous';
  return h(
    'main',
    null,
    h('button', { id: 'redirect', onClick: () => loginWithRedirect() }, 'Log in (redirect)'),
    h('button', { id: 'popup', onClick: () => loginWithPopup().catch(setPopupError) }, 'Log in (popup)'),
    h('button', { id: 'logout', onClick: () => logout() }, 'Log out'),
    h('pre', { id: 'status', 'data-state': state }, user?.email ?? '-'),
    h('pre', { id: 'error' }, (error ?? popupError)?.code ?? '-'),
  );
}

createRoot(document.getElementById('root')).render(
  h(StrictMode, null, h(NylasAuthProvider, { options }, h(App))),
);
document.body.dataset.ready = 'true';
`;

const NODE_MAIN_MJS = `// The stateless functions from Node ESM: authorization URL, callback, token request and answer.
import * as entry from 'nylas-pkce';
import { buildAuthorizationUrl } from 'nylas-pkce/protocol';
import { parseCallback, tokenRequest, parseTokenResponse } from 'nylas-pkce/callback';

const apiBase = process.argv[2];
const config = { clientId: '${CLIENT_ID}', redirectUri: 'http://127.0.0.1:9/callback', apiBase };
const start = buildAuthorizationUrl(config);
const auth = await fetch(start.url, { redirect: 'manual', signal: AbortSignal.timeout(15000) });
const location = auth.headers.get('location');
if (auth.status < 300 || auth.status > 399 || !location) throw new Error('no redirect: HTTP ' + auth.status);
const callback = parseCallback(location, { state: start.state });
const req = tokenRequest({ ...config, code: callback.code, codeVerifier: start.codeVerifier });
const res = await fetch(req.url, {
  method: req.method, headers: req.headers, body: req.body, redirect: 'error', signal: AbortSignal.timeout(15000),
});
const tokens = parseTokenResponse(res.status, await res.text());
console.log(JSON.stringify({
  callbackType: callback.type,
  tokenType: tokens.tokenType,
  email: tokens.email,
  hasAccessToken: Boolean(tokens.accessToken),
  resolved: ['nylas-pkce', 'nylas-pkce/protocol', 'nylas-pkce/callback'].map((s) => import.meta.resolve(s)),
  entryExports: Object.keys(entry).sort(),
}));
`;

function writeApp(dir, deps, files) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = { name: path.basename(dir), private: true, type: 'module', dependencies: deps };
  if (deps.vite) pkg.scripts = { dev: 'vite', build: 'vite build', preview: 'vite preview' };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
}

async function npmInstall(dir) {
  const base = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  const first = await run('npm', [...base, '--prefer-offline'], { cwd: dir, timeoutMs: INSTALL_MS });
  if (first.code === 0) return first.ms;
  const second = await runOk('npm', base, { cwd: dir, timeoutMs: INSTALL_MS }); // stale npm cache?
  return first.ms + second.ms;
}

/** The installed nylas-pkce must be exactly the tarball's files. */
function checkInstalled(dir, packed) {
  const installed = path.join(dir, 'node_modules', 'nylas-pkce');
  if (fs.lstatSync(installed).isSymbolicLink())
    throw new Error('node_modules/nylas-pkce is a symlink, not the tarball');
  const files = walk(installed);
  if (JSON.stringify(files) !== JSON.stringify(packed.files)) {
    throw new Error(`installed files ${files} differ from the tarball's ${packed.files}`);
  }
  for (const f of files) {
    if (sha256(path.join(installed, f)) !== packed.sums[f])
      throw new Error(`installed ${f} differs from the tarball's`);
  }
}

/** Exact version of a spec (`latest`, `^6`), or null if the registry cannot be asked. */
async function resolveVersion(spec) {
  try {
    const r = await run('npm', ['view', `vite@${spec}`, 'version', '--json'], { timeoutMs: NPM_VIEW_MS });
    if (r.code !== 0) return null;
    const v = JSON.parse(r.stdout);
    const list = (Array.isArray(v) ? v : [v]).filter((x) => /^\d+\.\d+\.\d+$/.test(x));
    const num = (x) => x.split('.').map(Number);
    list.sort((a, b) => {
      const [p, q] = [num(a), num(b)];
      return p[0] - q[0] || p[1] - q[1] || p[2] - q[2];
    });
    return list.at(-1) ?? null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// 3. Logins
// ---------------------------------------------------------------------------------------------------------

let browser;
async function getBrowser() {
  if (browser) return browser;
  browser = await launchChromium({ timeout: WAIT_MS });
  await own(() => browser.close());
  return browser;
}

async function startMock() {
  const mock = await startMockServer({ port: 0, autoApprove: true });
  await own(() => mock.close());
  return mock;
}

async function mockStats(mock) {
  const res = await fetch(`${mock.url}/__mock/stats`, { signal: AbortSignal.timeout(WAIT_MS) });
  return res.json();
}

function checkStats(stats) {
  if (stats.requests.auth !== 1)
    throw new Error(`the mock saw ${stats.requests.auth} authorization requests, expected 1`);
  if (stats.requests.token !== 1) throw new Error(`the mock saw ${stats.requests.token} token requests, expected 1`);
  if (stats.clientSecretSeen) throw new Error('a client secret reached the token endpoint');
  const grant = stats.tokenRequests?.[0]?.grantType;
  if (grant !== 'authorization_code') throw new Error(`token request grant_type ${grant}`);
}

function checkResult(result, typeField) {
  const problems = [];
  if (result[typeField] !== (typeField === 'type' ? 'tokens' : 'code'))
    problems.push(`${typeField} ${result[typeField]}`);
  if (result.email !== EMAIL) problems.push(`email ${result.email}`);
  if (result.tokenType !== 'Bearer') problems.push(`tokenType ${result.tokenType}`);
  if (result.hasAccessToken !== true) problems.push('no access token');
  if (problems.length) throw new Error(`unexpected result (${problems.join(', ')}): ${JSON.stringify(result)}`);
}

/**
 * What a response body is: 'wasm' (the protocol's wasm, `\0asm`), 'inline' (a script holding it inlined, the
 * fallback), 'glue' (a script holding the protocol's wasm-bindgen glue), or null (anything else).
 */
function protocolKind(body) {
  if (body.length >= 4 && body.readUInt32BE(0) === 0x0061736d) return 'wasm';
  const text = body.toString('latin1');
  // The wasm's first bytes (`\0asm\x01`) as a string literal writes them: each byte escaped (as the package
  // does, or as a bundler rewrites it: esbuild writes `\0asm` and the 0x01 byte itself), or as it is.
  const nul = ['\\x00', '\\0', '\\u0000', '\0'];
  const one = ['\\x01', '\\u0001', '\x01'];
  if (nul.some((n) => one.some((o) => text.includes(`${n}asm${o}`)))) return 'inline';
  if (text.includes('wbindgen')) return 'glue';
  return null;
}

/**
 * Records `page`'s requests by page view (each main-frame navigation starts one): file name, resource
 * type, status, content type and `protocolKind` of the body. `settle()` waits until the bodies are read.
 */
function trackViews(page) {
  const views = [];
  const entries = new Map();
  const pending = new Set();
  let current = null;
  page.on('request', (r) => {
    if (r.isNavigationRequest() && r.frame() === page.mainFrame()) {
      current = { url: r.url(), requests: [] };
      views.push(current);
    }
    if (!current) return;
    const u = new URL(r.url());
    const entry = {
      origin: u.origin,
      name: path.posix.basename(u.pathname) || '/',
      type: r.resourceType(),
      status: null,
      contentType: '',
      protocol: null,
    };
    current.requests.push(entry);
    entries.set(r, entry);
  });
  page.on('response', (response) => {
    const entry = entries.get(response.request());
    if (!entry) return;
    entry.status = response.status();
    entry.contentType = (response.headers()['content-type'] ?? '').split(';')[0];
    // Only what the page read: an error answer's body that the page leaves unread never finishes (a
    // wait for it would hang), and a 304 has none.
    if (entry.type === 'document' || entry.status !== 200) return;
    const read = Promise.race([response.body(), sleep(10_000).then(() => null)]).then(
      (body) => {
        if (body) entry.protocol = protocolKind(body);
      },
      () => {},
    );
    pending.add(read);
    read.finally(() => pending.delete(read));
  });
  return { views, settle: () => Promise.allSettled([...pending]) };
}

/** A page view's requests to `origin`, as `name [kind] status type` (status and type when unusual). */
function describeRequests(requests, origin) {
  const own = requests.filter((e) => e.origin === origin && e.type !== 'document');
  if (!own.length) return '(nothing)';
  return own
    .map((e) => {
      let s = e.name;
      if (e.protocol) s += ` [${e.protocol}]`;
      if (e.status !== 200) s += ` ${e.status}`;
      if (e.name.endsWith('.wasm') && e.contentType !== 'application/wasm') s += ` ${e.contentType || 'no type'}`;
      return s;
    })
    .join(', ');
}

/**
 * Where the protocol came from in `requests`: 'file' (engine.wasm, fetched and compiled), 'inline' (the
 * fallback script) or null; and how the request for a .wasm file was answered.
 */
function protocolSource(requests) {
  const wasm = requests.filter((e) => e.name.endsWith('.wasm'));
  const file = wasm.some((e) => e.status === 200 && e.protocol === 'wasm');
  const inline = requests.some((e) => e.protocol === 'inline');
  const answered =
    wasm.map((e) => `${e.name} ${e.status} ${e.contentType || 'no type'}`).join(', ') || 'no .wasm request';
  return { source: file && !inline ? 'file' : inline && !file ? 'inline' : file ? 'both' : null, answered };
}

/** A new browser context and page with bounded waits, its page errors and its page views recorded. */
async function newPage() {
  const b = await getBrowser();
  const context = await b.newContext();
  await own(() => context.close());
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors, ...trackViews(page) };
}

/**
 * Opens `${siteUrl}/?api=<mock>/v3`, waits until it is ready and idle (it must have loaded no protocol by
 * then), clicks #login, lets the mock redirect back with a code and waits for the page's result. Returns
 * `{ ms, idle, click, callback }`: the requests of the start page before the click, those the click made
 * (the protocol, before the page left for the mock), and the callback page's.
 */
async function browserLogin(siteUrl, mock) {
  const { context, page, errors, views, settle } = await newPage();
  const origin = new URL(siteUrl).origin;
  const started = Date.now();
  await page.goto(`${siteUrl}/?${new URLSearchParams({ api: `${mock.url}/v3` })}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForLoadState('networkidle');
  await settle();
  const start = views[0];
  const idle = [...start.requests];
  const early = idle.filter((e) => e.protocol || e.name.endsWith('.wasm'));
  if (early.length) {
    throw new Error(
      `the start page loaded the protocol before any click: ${describeRequests(early, origin)} (all: ${describeRequests(idle, origin)})`,
    );
  }
  await page.click('#login');
  await page.waitForSelector('#out[data-state="done"]');
  await settle();
  const ms = Date.now() - started;
  const result = JSON.parse(await page.textContent('#out'));
  if (!page.url().startsWith(`${siteUrl}/`)) throw new Error(`ended on ${page.url()}, not the app`);
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  checkResult(result, 'type');
  checkStats(await mockStats(mock));
  await context.close();
  const click = start.requests.slice(idle.length);
  const callback = views.at(-1).requests;
  return { ms, origin, idle, click, callback };
}

/**
 * Opens `${siteUrl}/?api=<mock>/v3&check=ready`: the page awaits `auth.ready()` and then
 * `authorizationUrl()`. Returns `{ ms, requests }` once the URL is there.
 */
async function browserReady(siteUrl, mock) {
  const { context, page, errors, views, settle } = await newPage();
  const started = Date.now();
  await page.goto(`${siteUrl}/?${new URLSearchParams({ api: `${mock.url}/v3`, check: 'ready' })}`);
  await page.waitForSelector('#out[data-state="done"]');
  await settle();
  const ms = Date.now() - started;
  const result = JSON.parse(await page.textContent('#out'));
  if (result.ready !== true || !String(result.url).startsWith(`${mock.url}/v3/connect/auth?client_id=${CLIENT_ID}&`)) {
    throw new Error(`ready() + authorizationUrl(): ${JSON.stringify(result)}`);
  }
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await context.close();
  return { ms, requests: views[0].requests };
}

/**
 * A login and a ready() check on `siteUrl`; `want` is where the protocol must come from ('file', 'inline',
 * or null for either). Returns report lines.
 */
async function pageViews(label, siteUrl, mock, want) {
  const login = await browserLogin(siteUrl, mock);
  const ready = await browserReady(siteUrl, mock);
  const { origin } = login;
  const lines = [
    `${label} start page (ready, idle): ${describeRequests(login.idle, origin)}`,
    `${label} the click (login start): ${describeRequests(login.click, origin)}`,
    `${label} callback page: ${describeRequests(login.callback, origin)}`,
    `${label} ?check=ready page: ${describeRequests(ready.requests, origin)}`,
  ];
  // (The click's own responses may be gone once the page has left for the mock: reported, not judged.)
  for (const [view, requests] of [
    ['the callback page', login.callback],
    ['the ready() page', ready.requests],
  ]) {
    const { source, answered } = protocolSource(requests);
    if (!source) throw new Error(`${label} ${view}: no protocol was loaded (${answered})\n${lines.join('\n')}`);
    if (want && source !== want) {
      throw new Error(
        `${label} ${view}: the protocol came from ${source}, want ${want} (${answered})\n${lines.join('\n')}`,
      );
    }
    if (view === 'the callback page') lines.push(`${label} protocol from ${source} (${answered})`);
  }
  return { ms: login.ms, readyMs: ready.ms, lines };
}

/** `vite preview` or `vite` (dev) on a free loopback port, bounded; resolves `{ url, stop }` once it answers. */
async function startVite(dir, viteBin, command) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    if (aborted()) throw new Error('aborted');
    const args = [
      viteBin,
      ...(command === 'dev' ? [] : [command]),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ];
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const closed = new Promise((r) => child.once('close', r));
        killChild(child);
        await Promise.race([closed, sleep(5000)]);
      }
      children.delete(child);
    };
    const url = `http://127.0.0.1:${port}`;
    const until = Date.now() + WAIT_MS;
    while (Date.now() < until && child.exitCode === null) {
      try {
        const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) {
          await own(stop);
          return { url, stop };
        }
      } catch {
        /* not up yet */
      }
      await sleep(150);
    }
    await stop();
    lastError = new Error(`vite ${command} did not answer on ${url}\n${tail(output)}`);
  }
  throw lastError;
}

/**
 * The JS of a build's output directory, and its .wasm files: `wasm` must be how many it holds (each byte
 * for byte the tarball's engine.wasm).
 */
function distReport(dist, packed, wasmCount) {
  const files = walk(dist);
  const wasm = files.filter((f) => f.endsWith('.wasm'));
  if (wasm.length !== wasmCount)
    throw new Error(`dist/ holds ${wasm.length} .wasm files (${wasm.join(', ')}), want ${wasmCount}`);
  for (const f of wasm) {
    if (sha256(path.join(dist, f)) !== packed.sums['pkg/engine.wasm'])
      throw new Error(`dist/${f} is not the tarball's pkg/engine.wasm`);
  }
  const js = files.filter((f) => f.endsWith('.js'));
  if (!js.length) throw new Error('dist/ holds no JS');
  let raw = 0;
  let gz = 0;
  const sizes = [];
  for (const f of js) {
    const buf = fs.readFileSync(path.join(dist, f));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
    sizes.push(`${f} ${kb(buf.length)}`);
  }
  return { js, wasm, raw, gz, sizes };
}

function viteBinOf(dir) {
  const vpkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'vite', 'package.json'), 'utf8'));
  const bin = typeof vpkg.bin === 'string' ? vpkg.bin : vpkg.bin.vite;
  return { version: vpkg.version, bin: path.join(dir, 'node_modules', 'vite', bin) };
}

/** Warnings in a build log, for the report (Vite prints them with "(!)" or "warning"). */
function buildWarnings(log) {
  return log
    .split('\n')
    .filter((l) => /\(!\)|warn/i.test(l))
    .map((l) => l.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------------
// The checks
// ---------------------------------------------------------------------------------------------------------

async function viteApp(app, packed) {
  const { version, bin } = viteBinOf(app.dir);
  if (app.expectVersion && version !== app.expectVersion)
    throw new Error(`installed vite ${version}, expected ${app.expectVersion}`);
  checkInstalled(app.dir, packed);
  for (const f of fs.readdirSync(app.dir)) {
    if (/^vite\.config\./.test(f)) throw new Error(`${f} exists: this app must have no Vite config`);
  }
  const build = await runOk(process.execPath, [bin, 'build'], { cwd: app.dir, timeoutMs: BUILD_MS });
  fs.writeFileSync(path.join(app.dir, 'build.log'), build.stdout + build.stderr);
  // Vite builds handle `new URL('./engine.wasm', import.meta.url)`: the wasm is emitted as an asset.
  const dist = distReport(path.join(app.dir, 'dist'), packed, 1);
  // The build, served by `vite preview`: the protocol comes from the emitted engine.wasm.
  let mock = await startMock();
  const preview = await startVite(app.dir, bin, 'preview');
  const built = await pageViews('preview:', preview.url, mock, 'file');
  await preview.stop();
  await mock.close();
  // And the dev server (dependency pre-bundling instead of the production build), as `npm run dev` is: the
  // wasm beside the pre-bundled module is not served (vitejs/vite#8427), the inline fallback loads instead.
  mock = await startMock();
  const dev = await startVite(app.dir, bin, 'dev');
  let devViews;
  try {
    devViews = await pageViews('dev:', dev.url, mock, null);
  } catch (e) {
    throw new Error(`vite dev server: ${e.message}`);
  }
  await dev.stop();
  await mock.close();
  const warnings = buildWarnings(build.stdout + build.stderr);
  return {
    summary:
      `vite ${version}, no config; install ${secs(app.installMs)}, build ${secs(build.ms)}, ` +
      `login ${secs(built.ms)} (preview), ${secs(devViews.ms)} (dev server); ` +
      `dist: ${dist.js.length} js, ${kb(dist.raw)} (${kb(dist.gz)} gzip), ${dist.wasm.join(', ')}`,
    details: [
      `dist js: ${dist.sizes.join(', ')}`,
      ...built.lines,
      ...devViews.lines,
      ...(warnings.length ? [`build warnings: ${warnings.join(' | ')}`] : []),
    ],
  };
}

/**
 * esbuild with `splitting: true, format: 'esm'` and no other configuration (besides what every build names:
 * the entry, bundling, the output directory), served by static.mjs. esbuild leaves
 * `new URL('./engine.wasm', import.meta.url)` alone and never copies the file: engine.wasm 404s beside the
 * chunks and the inline fallback must load the protocol.
 */
async function esbuildApp(app, packed) {
  checkInstalled(app.dir, packed);
  const esbuild = await import('esbuild'); // the repository's: the app's node_modules holds only the tarball
  const t = Date.now();
  const out = await esbuild.build({
    entryPoints: [path.join(app.dir, 'main.js')],
    bundle: true,
    outdir: path.join(app.dir, 'dist'),
    splitting: true,
    format: 'esm',
    metafile: true,
    logLevel: 'silent',
  });
  const buildMs = Date.now() - t;
  fs.copyFileSync(path.join(app.dir, 'index.html'), path.join(app.dir, 'dist', 'index.html'));
  const inputs = Object.keys(out.metafile.inputs);
  if (!inputs.some((f) => f.includes('node_modules/nylas-pkce/pkg/index.js')))
    throw new Error(`esbuild did not bundle the installed package: ${inputs.join(', ')}`);
  const dist = distReport(path.join(app.dir, 'dist'), packed, 0);
  const mock = await startMock();
  const site = await startStaticServer({ root: path.join(app.dir, 'dist'), port: 0 });
  await own(() => site.close());
  const views = await pageViews('', site.url, mock, 'inline');
  await site.close();
  await mock.close();
  return {
    summary:
      `esbuild ${esbuild.version}, splitting: true; install ${secs(app.installMs)}, ` +
      `build ${secs(buildMs)}, login ${secs(views.ms)}; dist: ${dist.js.length} js, ${kb(dist.raw)} (${kb(dist.gz)} gzip), no .wasm`,
    details: [`dist js: ${dist.sizes.join(', ')}`, ...views.lines],
  };
}

/** A React app in StrictMode: redirect login (one token request), logout, popup login, denied consent. */
async function reactApp(app, packed) {
  const { bin } = viteBinOf(app.dir);
  checkInstalled(app.dir, packed);
  const react = JSON.parse(fs.readFileSync(path.join(app.dir, 'node_modules/react/package.json'), 'utf8')).version;
  if (!react.startsWith(`${app.react}.`)) throw new Error(`installed react ${react}, expected ${app.react}.x`);
  const build = await runOk(process.execPath, [bin, 'build'], { cwd: app.dir, timeoutMs: BUILD_MS });
  const mock = await startMock();
  const site = await startVite(app.dir, bin, 'preview');
  const b = await getBrowser();
  const context = await b.newContext();
  await own(() => context.close());
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const status = (state) => page.waitForSelector(`#status[data-state="${state}"]`);
  const tokenRequests = async () => (await mockStats(mock)).requests.token;
  const started = Date.now();

  await page.goto(`${site.url}/?${new URLSearchParams({ api: `${mock.url}/v3` })}`);
  await page.waitForSelector('body[data-ready="true"]');
  await status('anonymous');
  await page.click('#redirect');
  await status('authenticated');
  if ((await page.textContent('#status')) !== EMAIL) throw new Error(`user ${await page.textContent('#status')}`);
  if (new URL(page.url()).search.includes('code='))
    throw new Error(`the address bar still has the code: ${page.url()}`);
  await page.waitForTimeout(500); // StrictMode's second effect run has had its chance
  if ((await tokenRequests()) !== 1) throw new Error(`${await tokenRequests()} token requests for one redirect login`);

  await page.click('#logout');
  await status('anonymous');

  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#popup')]);
  await status('authenticated');
  if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: WAIT_MS }).catch(() => {});
  if (!popup.isClosed()) throw new Error('the popup did not close');
  if ((await tokenRequests()) !== 2) throw new Error(`${await tokenRequests()} token requests after the popup login`);

  await page.click('#logout');
  await status('anonymous');
  await fetch(`${mock.url}/__mock/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ autoApprove: false }),
  });
  await page.click('#redirect');
  await page.click('#deny');
  await page.waitForSelector('#error:text("authorization_error")');
  await status('anonymous');
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  await site.stop();
  await mock.close();
  return {
    summary: `react ${react}, StrictMode, vite ${viteBinOf(app.dir).version}; install ${secs(app.installMs)}, build ${secs(build.ms)}, flows ${secs(Date.now() - started)}`,
    details: ['redirect login (1 token request), logout, popup login, denied consent shown from the hook'],
  };
}

async function importMapApp(app, packed) {
  checkInstalled(app.dir, packed);
  const mock = await startMock();
  const site = await startStaticServer({ root: app.dir, port: 0 });
  await own(() => site.close());
  // A plain server serves engine.wasm beside the module, as application/wasm: the protocol comes from it.
  const views = await pageViews('', site.url, mock, 'file');
  await site.close();
  await mock.close();
  return { summary: `install ${secs(app.installMs)}, login ${secs(views.ms)}`, details: views.lines };
}

async function nodeApp(app, packed) {
  checkInstalled(app.dir, packed);
  const mock = await startMock();
  const r = await runOk(process.execPath, ['main.mjs', `${mock.url}/v3`], { cwd: app.dir, timeoutMs: NODE_APP_MS });
  const line = r.stdout.trim().split('\n').at(-1);
  let result;
  try {
    result = JSON.parse(line);
  } catch {
    throw new Error(`not JSON: ${r.stdout}${r.stderr}`);
  }
  checkResult(result, 'callbackType');
  const entry = ['NylasAuth', 'NylasPkceError', 'isCallbackUrl'];
  if (JSON.stringify(result.entryExports) !== JSON.stringify(entry))
    throw new Error(
      `nylas-pkce exports ${result.entryExports}, want ${entry} (the low-level functions are nylas-pkce/protocol's)`,
    );
  const installed = fs.realpathSync(path.join(app.dir, 'node_modules', 'nylas-pkce'));
  for (const u of result.resolved) {
    if (!fileURLToPath(u).startsWith(`${installed}${path.sep}`))
      throw new Error(`resolved ${u}, outside the installed tarball`);
  }
  checkStats(await mockStats(mock));
  await mock.close();
  return { summary: `install ${secs(app.installMs)}, run ${secs(r.ms)}`, details: [] };
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

async function main() {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-package-'));
  let passed = 0;
  let failed = 0;
  const report = (name, ok, text, details = []) => {
    console.log(ok ? `package: ${name} ok (${text})` : `package: ${name} FAILED\n${text}`);
    for (const d of details) console.log(`           ${d}`);
    if (ok) passed++;
    else failed++;
  };

  let packed;
  try {
    packed = await packTarball();
    if (packed.problems.length) report('tarball', false, packed.problems.map((p) => `    ${p}`).join('\n'));
    else report('tarball', true, `${path.basename(packed.tarball)}: ${packed.files.length} files, ${kb(packed.size)}`);
  } catch (e) {
    report('tarball', false, `    ${e.message}`);
    console.log(`${passed} passed, ${failed} failed (${secs(Date.now() - t0)})`);
    return 1;
  }

  // The Vite versions: the current one, and 6 (the oldest the README covers).
  const [latest, six] = await Promise.all([resolveVersion('latest'), resolveVersion('^6')]);
  const viteSpecs = [];
  const latestMajor = latest ? latest.split('.')[0] : 'latest';
  viteSpecs.push({ name: `vite-${latestMajor}`, spec: latest ?? 'latest', expectVersion: latest });
  if (latestMajor !== '6') viteSpecs.push({ name: 'vite-6', spec: six ?? '^6', expectVersion: six });
  if (!latest || !six) console.log('package: could not ask the registry for Vite versions; installing by tag/range');

  const dep = `file:${packed.tarball}`;
  const apps = [
    ...viteSpecs.map((v) => ({
      name: v.name,
      kind: 'vite',
      expectVersion: v.expectVersion,
      dir: path.join(tmp, v.name),
      deps: { 'nylas-pkce': dep, vite: v.spec },
      files: { 'index.html': VITE_INDEX_HTML, 'main.js': MAIN_JS },
    })),
    {
      name: 'esbuild-splitting',
      kind: 'esbuild',
      dir: path.join(tmp, 'esbuild-splitting'),
      deps: { 'nylas-pkce': dep },
      files: { 'index.html': VITE_INDEX_HTML, 'main.js': MAIN_JS },
    },
    {
      name: 'import-map',
      kind: 'import-map',
      dir: path.join(tmp, 'import-map'),
      deps: { 'nylas-pkce': dep },
      files: { 'index.html': IMPORT_MAP_INDEX_HTML, 'main.js': MAIN_JS },
    },
    ...['19', '18'].map((major) => ({
      name: `react-${major}`,
      kind: 'react',
      react: major,
      dir: path.join(tmp, `react-${major}`),
      deps: { 'nylas-pkce': dep, vite: latest ?? 'latest', react: `^${major}`, 'react-dom': `^${major}` },
      files: { 'index.html': REACT_INDEX_HTML, 'main.js': REACT_MAIN_JS },
    })),
    {
      name: 'node-esm',
      kind: 'node',
      dir: path.join(tmp, 'node-esm'),
      deps: { 'nylas-pkce': dep },
      files: { 'main.mjs': NODE_MAIN_MJS },
    },
  ];

  // Installs run together (mostly I/O); the logins one at a time.
  await Promise.all(
    apps.map(async (app) => {
      try {
        writeApp(app.dir, app.deps, app.files);
        app.installMs = await npmInstall(app.dir);
      } catch (e) {
        app.installError = e;
      }
    }),
  );

  const checks = { vite: viteApp, esbuild: esbuildApp, 'import-map': importMapApp, node: nodeApp, react: reactApp };
  for (const app of apps) {
    if (aborted()) break;
    try {
      if (app.installError) throw new Error(`npm install failed: ${app.installError.message}`);
      const { summary, details } = await checks[app.kind](app, packed);
      report(app.name, true, summary, details);
    } catch (e) {
      report(
        app.name,
        false,
        `    ${e.message.split('\n').join('\n    ')}\n    (app: ${app.dir}; NYLAS_PKCE_KEEP_APPS=1 keeps it)`,
      );
    }
  }
  console.log(`${passed} passed, ${failed} failed${aborted() ? ', aborted' : ''} (${secs(Date.now() - t0)})`);
  return failed || aborted() ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`package: ${e.stack ?? e}`);
} finally {
  await cleanup();
}
process.exit(code);
