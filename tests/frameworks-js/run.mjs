#!/usr/bin/env node
// The packed tarball (`npm pack`) outside React: one SSR framework and three bundlers without a framework,
// all installed by one `npm install` into one temporary directory (shared node_modules), built, served and
// driven in headless Chromium against the mock Nylas.
//
//   sveltekit  examples/sveltekit-app (SvelteKit 2 + adapter-node, Svelte 5, Vite 8): `vite build`, served by
//              `node build`. The server render of its pages (which import nylas-pkce) answers 200 with the
//              server's own markup and logs nothing; in the browser, a popup login (the popup's callback
//              page only calls handleRedirectCallback()) with one token request, then logout, with no
//              console error on any page (the opener's or the popup's).
//   esbuild    tests/frameworks-js/web bundled with esbuild (`splitting: true`, `format: 'esm'`), Rollup 4
//   rollup     (with @rollup/plugin-node-resolve, no options: Rollup resolves no bare import without it) and
//   webpack    webpack 5 (entry and output only), served as static files: a redirect login with NylasAuth
//              (the app's one script on the start page and the callback page, which calls
//              handleRedirectCallback()) and a login run with the stateless
//              functions (nylas-pkce/protocol + nylas-pkce/callback), one token request each. Each page view
//              is measured as tests/support/page-views.mjs does: the JS and wasm files the browser fetches
//              (distinct names, gzip -9 each, summed): before login (the start page, idle), the whole login
//              (start page + callback page), the stateless login. Whether engine.wasm is emitted and fetched,
//              or the inline fallback (engine_inline.js) is used, is read from what was fetched.
//
//   node tests/frameworks-js/run.mjs [--only sveltekit,esbuild,rollup,webpack] [--json FILE]
//
// pkg/ must be built (bash scripts/build.sh). Env: NYLAS_PKCE_KEEP_APPS=1 keeps the temporary directory;
// CHROMIUM_PATH overrides /usr/bin/chromium. Installs and builds run under `nice -n 15`; every wait is
// bounded; servers, browsers and child processes are stopped even on failure. Prints one line per check
// and `N passed, M failed`; exits 1 on any failure.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { launchChromium } from '../support/chromium.mjs';
import { compressedSizes } from '../support/page-views.mjs';
import { freePort } from '../support/ports.mjs';
import * as proc from '../support/processes.mjs';
import { abort, aborted, children, killChild, secs, tail } from '../support/processes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const EXAMPLE = path.join(ROOT, 'examples', 'sveltekit-app');
const KEEP = process.env.NYLAS_PKCE_KEEP_APPS === '1';
const EMAIL = 'user@example.com'; // the mock's default account

// The bundlers' versions (the SvelteKit app's are in its package.json).
const BUNDLERS = {
  esbuild: '0.28.2',
  rollup: '4.69.3',
  '@rollup/plugin-node-resolve': '16.0.3',
  webpack: '5.113.0',
};

const WAIT_MS = 30_000;
const INSTALL_MS = 6 * 60_000;
const BUILD_MS = 4 * 60_000;
const TOTAL_MS = 20 * 60_000;

const t0 = Date.now();
const n = (x) => x.toLocaleString('en-US');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// Resources that must go away even on failure
// ---------------------------------------------------------------------------------------------------------

const closers = []; // async cleanups, last in first out
let tmp;

let cleaning;
function cleanup() {
  abort();
  cleaning ??= (async () => {
    for (const c of children) killChild(c);
    while (closers.length)
      await closers
        .pop()()
        .catch(() => {});
    for (const c of children) killChild(c);
    if (tmp && !KEEP) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    else if (tmp) console.log(`frameworks-js: kept ${tmp}`);
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => cleanup().finally(() => process.exit(130)));
}
setTimeout(() => {
  console.error(`frameworks-js: the whole run took over ${secs(TOTAL_MS)}; giving up`);
  cleanup().finally(() => process.exit(1));
}, TOTAL_MS).unref();

function own(close) {
  closers.push(close);
}

/** Runs a command niced, bounded: tests/support/processes.mjs's `run`. */
const run = (cmd, args, opts) => proc.run(cmd, args, { ...opts, nice: true });
const runOk = (cmd, args, opts) => proc.runOk(cmd, args, { ...opts, nice: true });

function walk(dir, base = dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// ---------------------------------------------------------------------------------------------------------
// The tarball and the one install
// ---------------------------------------------------------------------------------------------------------

async function pack() {
  if (!fs.existsSync(path.join(ROOT, 'pkg', 'engine.wasm')))
    throw new Error('pkg/ is not built: run `bash scripts/build.sh` first (npm test does)');
  const dest = path.join(tmp, 'tarball');
  fs.mkdirSync(dest);
  const r = await runOk('npm', ['pack', '--pack-destination', dest, '--json', '--ignore-scripts', '--loglevel=error'], {
    cwd: ROOT,
    timeoutMs: 120_000,
  });
  const tarball = path.join(dest, JSON.parse(r.out.slice(r.out.indexOf('[')))[0].filename);
  const extracted = path.join(tmp, 'tarball-extracted');
  fs.mkdirSync(extracted);
  await runOk('tar', ['-xzf', tarball, '-C', extracted], { timeoutMs: 60_000 });
  const root = path.join(extracted, 'package');
  return {
    tarball,
    files: walk(root),
    sums: Object.fromEntries(walk(root).map((f) => [f, sha256(path.join(root, f))])),
  };
}

/** One package.json for everything: the tarball, the SvelteKit app's dependencies, the bundlers. */
async function install(packed) {
  const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'package.json'), 'utf8'));
  const deps = {
    ...example.dependencies,
    ...example.devDependencies,
    ...BUNDLERS,
    'nylas-pkce': `file:${packed.tarball}`,
  };
  const manifest = { name: 'frameworks-js', private: true, type: 'module', dependencies: deps };
  fs.writeFileSync(path.join(tmp, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const base = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  const first = await run('npm', [...base, '--prefer-offline'], { cwd: tmp, timeoutMs: INSTALL_MS });
  let ms = first.ms;
  if (first.code !== 0) ms += (await runOk('npm', base, { cwd: tmp, timeoutMs: INSTALL_MS })).ms; // stale cache?
  // The installed package is the tarball's files, byte for byte (not a link to the working tree).
  const installed = path.join(tmp, 'node_modules', 'nylas-pkce');
  if (fs.lstatSync(installed).isSymbolicLink()) throw new Error('node_modules/nylas-pkce is a link, not the tarball');
  const files = walk(installed);
  if (JSON.stringify(files) !== JSON.stringify(packed.files))
    throw new Error(`installed files ${files} differ from the tarball's ${packed.files}`);
  for (const f of files)
    if (sha256(path.join(installed, f)) !== packed.sums[f])
      throw new Error(`installed ${f} differs from the tarball's`);
  const version = (name) =>
    JSON.parse(fs.readFileSync(path.join(tmp, 'node_modules', name, 'package.json'), 'utf8')).version;
  return { ms, version };
}

// ---------------------------------------------------------------------------------------------------------
// The mock, the browser, servers
// ---------------------------------------------------------------------------------------------------------

let mock;
let browser;

async function tokenRequests() {
  const res = await fetch(`${mock.url}/__mock/stats`, { signal: AbortSignal.timeout(WAIT_MS) });
  const stats = await res.json();
  if (stats.clientSecretSeen) throw new Error('a client secret reached the token endpoint');
  return stats.requests.token;
}

/** A long-running server process (its own process group), resolved once `url` answers below 500. */
async function serve(cmd, args, { cwd, env, url }) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  const server = { out: '', url };
  child.stdout.on('data', (d) => {
    server.out += d;
  });
  child.stderr.on('data', (d) => {
    server.out += d;
  });
  server.stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once('close', r));
      killChild(child);
      await Promise.race([closed, sleep(5000)]);
    }
    children.delete(child);
  };
  own(server.stop);
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until && child.exitCode === null) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return server;
    } catch {
      /* not up yet */
    }
    await sleep(150);
  }
  await server.stop();
  throw new Error(`${cmd} ${args.join(' ')} did not answer at ${url}\n${tail(server.out)}`);
}

/**
 * A browser context that records, on every page it opens (popups too), uncaught errors and console
 * errors, and every JS or wasm response from `origin` (pathname → status, body).
 */
async function recordingContext(origin) {
  const context = await browser.newContext();
  own(() => context.close());
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  const rec = { errors: [], responses: new Map() };
  const watch = (page) => {
    page.on('pageerror', (e) => rec.errors.push({ text: `uncaught: ${e.message}`, url: page.url() }));
    page.on('console', (m) => {
      if (m.type() === 'error') rec.errors.push({ text: m.text(), url: m.location()?.url ?? page.url() });
    });
    page.on('response', async (r) => {
      const u = new URL(r.url());
      if (u.origin !== origin || !/\.(m?js|wasm)$/.test(u.pathname)) return;
      const entry = { status: r.status(), body: null };
      rec.responses.set(u.pathname, entry);
      try {
        entry.body = await r.body();
      } catch {
        /* the page navigated away: the size comes from the file on disk */
      }
    });
  };
  context.on('page', watch);
  return { context, rec };
}

// ---------------------------------------------------------------------------------------------------------
// SvelteKit
// ---------------------------------------------------------------------------------------------------------

async function sveltekit(install) {
  const dir = path.join(tmp, 'sveltekit-app');
  fs.cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|build|\.svelte-kit)$/.test(src) && !src.endsWith('package-lock.json'),
  });
  const vite = path.join(tmp, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = await runOk(process.execPath, [vite, 'build'], { cwd: dir, timeoutMs: BUILD_MS });
  const client = walk(path.join(dir, 'build', 'client'));
  const wasmEmitted = client.filter((f) => f.endsWith('.wasm'));
  // The server's pages import nylas-pkce: from node_modules at run time (Vite keeps it external) or bundled.
  const serverFiles = walk(path.join(dir, 'build', 'server')).filter((f) => f.endsWith('.js'));
  const external = serverFiles.some((f) =>
    /(from|import)\s*["']nylas-pkce["']/.test(fs.readFileSync(path.join(dir, 'build', 'server', f), 'utf8')),
  );

  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = await serve(process.execPath, ['build'], {
    cwd: dir,
    url: `${origin}/`,
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      ORIGIN: origin,
      PUBLIC_NYLAS_CLIENT_ID: 'demo-client',
      PUBLIC_NYLAS_API_BASE: `${mock.url}/v3`,
    },
  });

  // The server render: the pages' own markup, 200, and nothing logged by the server.
  for (const [pathname, mark] of [
    ['/', 'data-state="loading"'],
    ['/callback?code=abc&state=def', 'Signing in…'], // isCallbackUrl() on the server
    ['/callback', 'No sign-in to complete here.'],
  ]) {
    const res = await fetch(`${origin}${pathname}`, { signal: AbortSignal.timeout(WAIT_MS) });
    const html = await res.text();
    if (res.status !== 200) throw new Error(`server render of ${pathname}: HTTP ${res.status}\n${tail(html)}`);
    if (!html.includes(mark)) throw new Error(`server render of ${pathname} lacks ${mark}:\n${tail(html)}`);
  }

  // A popup login, then logout.
  const before = await tokenRequests();
  const { context, rec } = await recordingContext(origin);
  const page = await context.newPage();
  const status = (state) => page.waitForSelector(`#status[data-state="${state}"]`);
  const started = Date.now();
  await page.goto(`${origin}/`);
  await status('anonymous');
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#login')]);
  await status('authenticated');
  const shown = (await page.textContent('#status')).trim();
  if (!shown.includes(EMAIL)) throw new Error(`the page shows "${shown}", not ${EMAIL}`);
  if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: WAIT_MS }).catch(() => {});
  if (!popup.isClosed()) throw new Error('the popup did not close');
  const loginMs = Date.now() - started;
  await page.waitForTimeout(300);
  const tokens = (await tokenRequests()) - before;
  if (tokens !== 1) throw new Error(`${tokens} token requests for one popup login`);
  await page.click('#logout');
  await status('anonymous');
  if (rec.errors.length) throw new Error(`console errors: ${rec.errors.map((e) => `${e.text} (${e.url})`).join('; ')}`);
  const wasmFetched = [...rec.responses].filter(([p, r]) => p.endsWith('.wasm') && r.status === 200).map(([p]) => p);
  const inlineFetched = [...rec.responses].filter(([, r]) => r.body && isInline(r.body)).map(([p]) => p);
  const logged = server.out.split('\n').filter((l) => l.trim() && !l.startsWith('Listening on '));
  if (logged.length) throw new Error(`the server logged:\n${tail(logged.join('\n'))}`);
  await context.close();
  await server.stop();
  return {
    summary:
      `SvelteKit ${install.version('@sveltejs/kit')}, adapter-node ${install.version('@sveltejs/adapter-node')}, ` +
      `Svelte ${install.version('svelte')}, Vite ${install.version('vite')}; build ${secs(build.ms)}, popup login ${secs(loginMs)}`,
    details: [
      `server render of /, /callback?code=… and /callback: 200, each its markup (isCallbackUrl() on the server), nothing logged; nylas-pkce on the server: ${external ? 'imported from node_modules at run time' : 'bundled'}`,
      `popup login: 1 token request, the popup closed, logout; no console error on either page`,
      `engine.wasm emitted: ${wasmEmitted.join(', ') || 'no'}; fetched: ${wasmFetched.join(', ') || 'no'}; inline fallback fetched: ${inlineFetched.length ? 'yes' : 'no'}`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Bundlers
// ---------------------------------------------------------------------------------------------------------

const INLINE_MARK = /(\\x00|\\0|\\u0000|\0)asm/; // the inlined wasm's literal, however a bundler escapes it
const WASM_MAGIC = Buffer.from([0, 0x61, 0x73, 0x6d]);
const isWasm = (buf) => buf.subarray(0, 4).equals(WASM_MAGIC);
const isInline = (buf) => !isWasm(buf) && INLINE_MARK.test(buf.toString('latin1'));

function page(title, script, module) {
  const tag = module
    ? `<script type="module" src="./${script}"></script>`
    : `<script defer src="./${script}"></script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="icon" href="data:,"></head>
<body><button id="login">Log in</button><pre id="out"></pre>
${tag}
</body></html>
`;
}

async function bundle(name, webDir) {
  const out = path.join(webDir, 'out', name);
  fs.rmSync(out, { recursive: true, force: true });
  const build = await runOk(process.execPath, [`build-${name}.mjs`], { cwd: webDir, timeoutMs: BUILD_MS });
  const module = name !== 'webpack'; // webpack's output is a classic script (ES module output is an experiment)
  fs.writeFileSync(path.join(out, 'index.html'), page(`${name}: start`, 'main.js', module));
  fs.writeFileSync(path.join(out, 'callback.html'), page(`${name}: callback`, 'main.js', module));
  fs.writeFileSync(path.join(out, 'stateless.html'), page(`${name}: stateless`, 'stateless.js', module));
  return { out, ms: build.ms, log: build.out.trim() };
}

/** The page view's files: [pathname, gzip -9 bytes], the sum, and what the protocol came from. */
function pageView(rec, out) {
  const problems = [];
  const files = [];
  for (const [pathname, r] of rec.responses) {
    if (r.status >= 400) continue; // a missing engine.wasm: counted in `wasm404`
    const body = fs.readFileSync(path.join(out, decodeURIComponent(pathname)));
    if (r.body && !r.body.equals(body)) problems.push(`${pathname}: the browser got other bytes than the file`);
    files.push({
      name: pathname.slice(1),
      gzip: compressedSizes(body).gzip,
      wasm: isWasm(body),
      inline: isInline(body),
    });
  }
  files.sort((a, b) => a.name.localeCompare(b.name));
  const wasm404 = [...rec.responses].filter(([p, r]) => p.endsWith('.wasm') && r.status >= 400).map(([p]) => p);
  return { files, bytes: files.reduce((a, f) => a + f.gzip, 0), problems, wasm404 };
}

/** Console errors other than the expected 404 of engine.wasm where the bundler does not emit it. */
function unexpectedErrors(rec, wasmEmitted) {
  return rec.errors.filter((e) => wasmEmitted || !(/status of 404/.test(e.text) && /engine\.wasm$/.test(e.url)));
}

async function redirectLogin(site, pathname, wasmEmitted) {
  const { context, rec } = await recordingContext(site.url);
  const p = await context.newPage();
  const before = await tokenRequests();
  await p.goto(`${site.url}/${pathname}?${new URLSearchParams({ api: `${mock.url}/v3` })}`);
  await p.waitForSelector('body[data-ready="true"]');
  await p.click('#login');
  await p.waitForSelector('#out[data-state="done"]');
  const result = JSON.parse(await p.textContent('#out'));
  if (result.type !== 'tokens' || result.email !== EMAIL || result.tokenType !== 'Bearer' || !result.hasAccessToken)
    throw new Error(`${pathname}: login gave ${JSON.stringify(result)}`);
  if (new URL(p.url()).search.includes('code=')) throw new Error(`${pathname}: the address bar keeps the code`);
  await p.waitForTimeout(300);
  const tokens = (await tokenRequests()) - before;
  if (tokens !== 1) throw new Error(`${pathname}: ${tokens} token requests for one login`);
  const errors = unexpectedErrors(rec, wasmEmitted);
  if (errors.length)
    throw new Error(`${pathname}: console errors: ${errors.map((e) => `${e.text} (${e.url})`).join('; ')}`);
  await context.close();
  return rec;
}

async function bundler(name, webDir, install) {
  const built = await bundle(name, webDir);
  const emitted = walk(built.out);
  const wasmEmitted = emitted.filter((f) => f.endsWith('.wasm'));
  const site = await startStaticServer({ root: built.out, port: 0 });
  own(() => site.close());

  // Before login: the start page, then idle.
  const { context, rec: beforeRec } = await recordingContext(site.url);
  const p = await context.newPage();
  await p.goto(`${site.url}/index.html?${new URLSearchParams({ api: `${mock.url}/v3` })}`);
  await p.waitForSelector('body[data-ready="true"]');
  if ((await p.getAttribute('body', 'data-authenticated')) !== 'false') throw new Error('authenticated before login');
  await p.waitForTimeout(500);
  if (beforeRec.errors.length) throw new Error(`start page: ${beforeRec.errors.map((e) => e.text).join('; ')}`);
  await context.close();

  const loginRec = await redirectLogin(site, 'index.html', wasmEmitted.length > 0);
  const statelessRec = await redirectLogin(site, 'stateless.html', wasmEmitted.length > 0);
  await site.close();

  const views = {
    beforeLogin: pageView(beforeRec, built.out),
    wholeLogin: pageView(loginRec, built.out),
    stateless: pageView(statelessRec, built.out),
  };
  const problems = Object.values(views).flatMap((v) => v.problems);
  if (problems.length) throw new Error(problems.join('; '));
  const login = views.wholeLogin;
  const source = login.files.some((f) => f.wasm)
    ? 'engine.wasm'
    : login.files.some((f) => f.inline)
      ? 'inline fallback'
      : 'none';
  if (source === 'none') throw new Error('the login fetched neither engine.wasm nor the inline fallback');
  if (views.beforeLogin.files.some((f) => f.wasm || f.inline)) throw new Error('the start page fetched the protocol');
  const version =
    name === 'rollup'
      ? `${install.version('rollup')} + node-resolve ${install.version('@rollup/plugin-node-resolve')}`
      : install.version(name);
  return {
    row: { bundler: name, version, buildMs: built.ms, wasmEmitted, source, wasm404: login.wasm404, ...views },
    summary: `${name} ${version}; build ${secs(built.ms)}; redirect login and stateless login, 1 token request each; protocol: ${source}`,
    details: [
      `engine.wasm emitted: ${wasmEmitted.join(', ') || 'no'}; ${login.wasm404.length ? `fetched: ${login.wasm404.join(', ')} 404, then the inline fallback` : source === 'engine.wasm' ? 'fetched' : 'not fetched'}`,
      ...Object.entries(views).map(
        ([k, v]) => `${k}: ${n(v.bytes)} B gzip: ${v.files.map((f) => `${f.name} ${n(f.gzip)}`).join(', ')}`,
      ),
      ...(built.log ? [`build output: ${built.log.split('\n').slice(0, 6).join(' | ')}`] : []),
    ],
  };
}

function markdown(rows) {
  const files = (v) => v.files.map((f) => `${f.name} ${n(f.gzip)}`).join(', ');
  const head =
    '| bundler | engine.wasm | before login, gzip -9 | whole login | stateless login (`/protocol` + `/callback`) |';
  const body = rows.map(
    (r) =>
      `| ${r.bundler} ${r.version} | ${r.wasmEmitted.length ? 'emitted, fetched' : `not emitted: ${r.wasm404.length ? '404, ' : ''}inline fallback`} | ` +
      `**${n(r.beforeLogin.bytes)}** (${files(r.beforeLogin)}) | **${n(r.wholeLogin.bytes)}** (${files(r.wholeLogin)}) | ` +
      `**${n(r.stateless.bytes)}** (${files(r.stateless)}) |`,
  );
  return [head, '|---|---|---|---|---|', ...body].join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { only: null, json: null };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--only') opts.only = argv[i + 1].split(',');
    else if (argv[i] === '--json') opts.json = path.resolve(argv[i + 1]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-frameworks-js-'));
  let passed = 0;
  let failed = 0;
  const report = (name, ok, text, details = []) => {
    console.log(
      ok
        ? `frameworks-js: ${name} ok (${text})`
        : `frameworks-js: ${name} FAILED\n    ${text.split('\n').join('\n    ')}`,
    );
    for (const d of details) console.log(`           ${d}`);
    if (ok) passed++;
    else failed++;
  };

  let installed;
  try {
    const packed = await pack();
    installed = await install(packed);
    report(
      'install',
      true,
      `${path.basename(packed.tarball)} and the apps' dependencies: one npm install, ${secs(installed.ms)}`,
    );
  } catch (e) {
    report('install', false, e.message);
    return 1;
  }
  mock = await startMockServer({ port: 0, autoApprove: true });
  own(() => mock.close());
  browser = await launchChromium({ popupBlocker: true, timeout: WAIT_MS });
  own(() => browser.close());

  const webDir = path.join(tmp, 'web');
  fs.cpSync(path.join(HERE, 'web'), webDir, { recursive: true });
  const rows = [];
  const steps = [
    ['sveltekit', () => sveltekit(installed)],
    ...['esbuild', 'rollup', 'webpack'].map((b) => [b, () => bundler(b, webDir, installed)]),
  ];
  for (const [name, step] of steps) {
    if (aborted()) break;
    if (opts.only && !opts.only.includes(name)) continue;
    const started = Date.now();
    try {
      const r = await step();
      if (r.row) rows.push(r.row);
      report(name, true, `${r.summary}; ${secs(Date.now() - started)}`, r.details);
    } catch (e) {
      report(name, false, `${e.message}\n(NYLAS_PKCE_KEEP_APPS=1 keeps the apps)`);
    }
  }
  if (rows.length) console.log(`\n${markdown(rows)}\n`);
  if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
  console.log(`${passed} passed, ${failed} failed (${secs(Date.now() - t0)})`);
  return failed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`frameworks-js: ${e.stack ?? e}`);
} finally {
  await cleanup();
}
process.exit(code);
