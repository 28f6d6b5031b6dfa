#!/usr/bin/env node

// Browser benchmark: nylas-pkce vs oauth4webapi, pkce-challenge, @nylas/connect, oidc-client-ts and
// @auth0/auth0-spa-js, in headless Chromium driven by playwright-core. All timings are taken in the page with
// performance.now(); pages are served cross-origin isolated (COOP/COEP) so the clock resolution is 5 µs
// instead of 100 µs. Prints one markdown report and writes it to bench-results/latest.md (raw samples in
// bench-results/latest.json).
//
// nylas-pkce is measured in the two layouts `scripts/build.sh --split target/npm-split` produces:
//   inline (pkg/, what npm ships): the wasm inlined in the JS modules. Served at /pkg/.
//   split (target/npm-split/): the same modules with the wasm as separate .wasm files. Served at /pkg-split/.
// Each variant's package files are its top-level .js and .wasm files, whatever they are. Its sizes are
// three page views, measured by what the browser fetches (tests/support/page-views.mjs): "before login"
// (build an authorization URL), "logged-in page" (tokens in storage, get the access token) and "whole
// login" (a real redirect login against the mock Nylas: start page + callback page). The peers are single
// numbers: their bundle for the whole API or for a minimal login.
// Both directories are snapshotted at start and served from the copies.
//
// usage: node scripts/bench.mjs [--runs 7] [--ops 10000] [--warmup 1000] [--loads 15]
//                               [--chromium /usr/bin/chromium]
// (normally via `bash scripts/bench.sh`, which builds both first). If pkg/index.js is missing the
// nylas-pkce rows are skipped and only the peers are measured; if only target/npm-split/ is missing,
// just the split rows are skipped.

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
const SPLIT_DIR = path.join(ROOT, 'target', 'npm-split');
// While scripts/build.sh runs, pkg/.raw holds the wasm halves; it is removed once pkg/ is complete.
const BUILD_MARKER = path.join(PKG_DIR, '.raw');

/**
 * The two nylas-pkce layouts. Each is snapshotted into `snapshot` at start and served at `mount`, so a
 * concurrent `scripts/build.sh` (which starts with `rm -rf pkg`) cannot pull files out from under a run.
 */
const VARIANTS = [
  {
    key: 'inline',
    label: 'inline wasm',
    src: PKG_DIR,
    srcRel: 'pkg',
    snapshot: path.join(BUILD_DIR, 'pkg'),
    mount: '/pkg/',
    roles: {
      'index.js': 'entry + login glue + login wasm inlined',
      'error.js': 'NylasPkceError, shared',
      'callback.js': '`nylas-pkce/callback`',
      'session.js': 'session glue + session wasm inlined (lazy)',
    },
  },
  {
    key: 'split',
    label: 'split .wasm files',
    src: SPLIT_DIR,
    srcRel: 'target/npm-split',
    snapshot: path.join(BUILD_DIR, 'pkg-split'),
    mount: '/pkg-split/',
    roles: {
      'index.js': 'entry + login glue',
      'error.js': 'NylasPkceError, shared',
      'callback.js': '`nylas-pkce/callback` + session glue (lazy)',
      'login.wasm': 'login half',
      'session.wasm': 'session half (lazy)',
    },
  },
];

// ---------------------------------------------------------------------------
// options
// ---------------------------------------------------------------------------

const USAGE =
  'usage: node scripts/bench.mjs [--runs N>=1] [--ops N>=1] [--warmup N>=0] [--loads N>=1] [--chromium PATH]';

function parseArgs(argv) {
  const opts = {
    runs: 7,
    ops: 10_000,
    warmup: 1_000,
    loads: 15,
    chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  };
  const ints = { '--runs': ['runs', 1], '--ops': ['ops', 1], '--warmup': ['warmup', 0], '--loads': ['loads', 1] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '-h' || flag === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
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

class UsageError extends Error {}

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
const ms3 = (x) => x.toFixed(3);
const us2 = (x) => x.toFixed(2);
const int = (n) => n.toLocaleString('en-US');
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const bytesCell = (n) => `${int(n)} (${kib(n)})`;
const ratio = (x) => `${x.toFixed(2)}×`;
/** A table cell for a measurement the package failed. */
const failedCell = (error) => `**failed**: ${String(error).replaceAll('|', '\\|')}`;

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
    out: 'oauth4webapi.pkce.js',
    what: 'PKCE flow only (3 helpers + URL)',
    entry: 'tests/bench/entries/oauth4webapi-pkce.js',
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
    what: 'whole public API',
    contents: "export * from '@nylas/connect';",
  },
  {
    lib: 'oidc-client-ts',
    out: 'oidc-client-ts.login.js',
    what: 'minimal login (`new UserManager()`: `signinRedirect`, `signinRedirectCallback`, `getUser`)',
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
 * Copies each variant's package files (its top-level .js and .wasm files: the layout is the build's business)
 * into its snapshot directory. If a build is rewriting them right now (pkg/.raw exists, or index.js is
 * missing), waits (up to 5 min) until index.js exists and every file is unchanged for a second, then copies
 * and re-checks. Returns the source mtime of each variant's index.js (ms).
 */
async function snapshotOurs(variants) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const stamp = () => {
    if (fs.existsSync(BUILD_MARKER)) return null;
    try {
      return variants
        .flatMap((v) => {
          const names = packageFiles(v.src);
          if (!names.includes('index.js')) throw new Error(`no ${v.srcRel}/index.js`);
          return names.map((n) => {
            const st = fs.statSync(path.join(v.src, n));
            return `${v.srcRel}/${n}:${st.size}:${st.mtimeMs}`;
          });
        })
        .join('|');
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
        for (const v of variants) {
          fs.rmSync(v.snapshot, { recursive: true, force: true });
          fs.mkdirSync(v.snapshot, { recursive: true });
          for (const n of packageFiles(v.src)) fs.copyFileSync(path.join(v.src, n), path.join(v.snapshot, n));
        }
        if (stamp() === before) {
          return Object.fromEntries(variants.map((v) => [v.key, fs.statSync(path.join(v.src, 'index.js')).mtimeMs]));
        }
      }
    } else {
      if (!warned)
        process.stderr.write('bench: pkg/ is incomplete or pkg/.raw exists (a build running?), waiting for it...\n');
      warned = true;
      await sleep(2000);
    }
  }
  throw new Error(
    `nylas-pkce build did not settle (pkg/.raw must be gone and index.js present in ${variants.map((v) => v.srcRel).join(', ')})`,
  );
}

/** Per-file sizes of each variant's package files (from its snapshot); the page views come later. */
function oursSizes(variants) {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const fileSizes = (v) =>
    packageFiles(v.snapshot).map((name) => ({
      name,
      ...compressedSizes(fs.readFileSync(path.join(v.snapshot, name))),
    }));
  return { version, variants: Object.fromEntries(variants.map((v) => [v.key, { files: fileSizes(v) }])) };
}

/**
 * The three page views of each variant (tests/support/page-views.mjs), measured by what the browser fetches
 * from the variant's snapshot; a page view the package fails gives `{ error }`.
 */
async function benchPageViews(browser, variants, ours) {
  for (const v of variants) {
    ours.variants[v.key].pageViews = await measurePageViews({ pkgDir: v.snapshot, browser });
  }
}

// ---------------------------------------------------------------------------
// static server (cross-origin isolated, never cached)
// ---------------------------------------------------------------------------

const CONTENT_TYPES = {
  '.wasm': 'application/wasm',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};

/** Serves `root`, except URL prefixes in `mounts` ({ '/pkg/': dir }) which map to other directories. */
async function startServer(root, mounts = {}) {
  const server = http.createServer((req, res) => {
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { ...ISOLATION_HEADERS, ...headers });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (req.url === '/favicon.ico') return send(204, ''); // browsers ask for it; keep the console clean
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      return send(400, 'bad request\n');
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
      res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': type, 'Content-Length': st.size });
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
 * Opens `url` in a fresh context; page errors and failed requests make the run fail: `check()` throws once
 * there are any, and `failed` rejects at the first one.
 */
async function openPage(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  const requests = []; // URL paths, in request order
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
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('pageerror', (e) => problem(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problem(`request failed: ${r.url()} (${r.failure()?.errorText})`));
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
  return { context, page, check, failed, requests };
}

/** Waits until `expr` is truthy in the page; a page problem ends the wait at once. */
async function waitFor({ page, check, failed }, expr) {
  await Promise.race([page.waitForFunction(expr, null, { timeout: 60_000, polling: 10 }), failed]);
  check();
}

/** The first line of an error's message, for a report cell. */
const firstLine = (e) => String(e?.message ?? e).split('\n')[0];

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

// ---------------------------------------------------------------------------
// benchmarks
// ---------------------------------------------------------------------------

/** The PKCE pair timings; if the page fails with nylas-pkce in it, the peers alone and `oursError`. */
async function benchPairs(browser, base, opts, withOurs) {
  if (!withOurs) return pairsOnce(browser, base, opts, false);
  try {
    return await pairsOnce(browser, base, opts, true);
  } catch (e) {
    process.stderr.write(`bench: PKCE pairs with nylas-pkce failed, measuring the peers alone: ${firstLine(e)}\n`);
    return { ...(await pairsOnce(browser, base, opts, false)), oursError: firstLine(e) };
  }
}

async function pairsOnce(browser, base, opts, withOurs) {
  const { context, page, check, failed } = await openPage(
    browser,
    `${base}/tests/bench/pair.html${withOurs ? '?ours=1' : ''}`,
  );
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
    return { info, samples };
  } finally {
    await context.close();
  }
}

const COLD_PAGES = [
  {
    name: 'nylas-pkce (inline)',
    page: 'cold-nylas-pkce.html',
    variant: 'inline',
    what: '`/pkg/index.js` → `error.js` (login wasm inlined, compiled synchronously on import), `buildAuthorizationUrl()`',
  },
  {
    name: 'nylas-pkce (split)',
    page: 'cold-nylas-pkce-split.html',
    variant: 'split',
    what: '`/pkg-split/index.js` → `error.js` + `login.wasm` (top-level await: fetch + compile + instantiate), `buildAuthorizationUrl()`',
  },
  {
    name: '@nylas/connect',
    page: 'cold-nylas-connect.html',
    what: 'bundle, `new NylasConnect()` + `connect({ method: "inline" })`',
  },
  {
    name: 'oauth4webapi (PKCE flow)',
    page: 'cold-oauth4webapi.html',
    what: 'PKCE-flow bundle, verifier + challenge + state + `URL`',
  },
];
const COLD_BASELINE = '@nylas/connect';

/** `variants`: keys of the nylas-pkce variants that are available (pages of missing ones are skipped). */
async function benchCold(browser, base, opts, variants) {
  const failed = {}; // nylas-pkce pages that failed their first load: name → error
  let pages = COLD_PAGES.filter((p) => !p.variant || variants.includes(p.variant));
  const urls = {};
  const requests = {}; // what each page fetched besides itself (last measured load)
  const one = async (p) => {
    const pagePath = `/tests/bench/${p.page}`;
    const opened = await openPage(browser, `${base}${pagePath}`);
    const { context, page, requests: reqs } = opened;
    try {
      await waitFor(opened, () => window.__cold);
      const r = await page.evaluate(() => window.__cold);
      return { ...r, requests: reqs.filter((u) => u !== pagePath && u !== '/favicon.ico') };
    } finally {
      await context.close();
    }
  };
  // One discarded load each (first-use costs in the browser process); a nylas-pkce page that fails it is
  // reported rather than timed.
  for (const p of pages) {
    await one(p).catch((e) => {
      if (!p.variant) throw e;
      failed[p.name] = firstLine(e);
    });
  }
  pages = pages.filter((p) => !failed[p.name]);
  const samples = Object.fromEntries(pages.map((p) => [p.name, { loadToUrl: [], importToUrl: [] }]));
  for (let i = 0; i < opts.loads; i++) {
    for (const p of pages) {
      const r = await one(p);
      if (!/^https:\/\/api\.us\.nylas\.com\/v3\/connect\/auth\?.*code_challenge=/.test(r.url)) {
        throw new Error(`${p.name}: unexpected authorization URL ${r.url}`);
      }
      urls[p.name] = r.url;
      requests[p.name] = r.requests;
      samples[p.name].loadToUrl.push(r.loadToUrl);
      samples[p.name].importToUrl.push(r.importToUrl);
    }
  }
  return { pages, samples, urls, requests, failed };
}

/** nylas-pkce's wasm memory, or `{ error }` if the page fails. */
async function benchMemory(browser, base) {
  return memoryOnce(browser, base).catch((e) => ({ error: firstLine(e) }));
}

async function memoryOnce(browser, base) {
  const opened = await openPage(browser, `${base}/tests/bench/memory.html`);
  const { context, page, check } = opened;
  try {
    await waitFor(opened, () => window.mem);
    const afterInit = await page.evaluate(() => window.mem.afterInit);
    const first = await page.evaluate(() => window.mem.run(10_000));
    const rest = await page.evaluate(() => window.mem.run(90_000));
    check();
    return {
      points: [
        { label: 'after init', calls: 0, bytes: afterInit },
        {
          label: 'after 10,000 `buildAuthorizationUrl`',
          calls: 10_000,
          bytes: first.bytes,
          usPerCall: (first.ms * 1000) / 10_000,
        },
        {
          label: 'after 100,000 `buildAuthorizationUrl`',
          calls: 100_000,
          bytes: rest.bytes,
          usPerCall: (rest.ms * 1000) / 90_000,
        },
      ],
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------
// report
// ---------------------------------------------------------------------------

/** The page views of nylas-pkce (tests/support/page-views.mjs), in report order. */
const PAGE_VIEWS = [
  ['beforeLogin', 'before login', 'imports nylas-pkce, `new NylasAuth()`, `authorizationUrl()`'],
  ['loggedIn', 'logged-in page', 'tokens in localStorage; a new page: `new NylasAuth()`, `await getAccessToken()`'],
  ['wholeLogin', 'whole login', 'a redirect login against the mock: start page + callback page'],
];

/** Section 2: per-file sizes and page views of each nylas-pkce variant, then the peers' bundles. */
function sizesSection(withOurs, ours, variants) {
  const base = ours?.variants.inline.pageViews.beforeLogin;
  const vs = (brotli) => (base?.brotli ? ratio(brotli / base.brotli) : 'n/a');
  const rows = [];
  for (const v of withOurs ? variants : []) {
    const s = ours.variants[v.key];
    const lib = `nylas-pkce ${ours.version} (${v.key})`;
    for (const f of s.files) {
      const role = v.roles[f.name] ? `: ${v.roles[f.name]}` : '';
      rows.push([
        lib,
        `\`${v.srcRel}/${f.name}\`${role}`,
        bytesCell(f.raw),
        bytesCell(f.gzip),
        bytesCell(f.brotli),
        '',
      ]);
    }
    for (const [key, label, what] of PAGE_VIEWS) {
      const t = s.pageViews[key];
      const fetched = t.files.length ? t.files.join(' + ') : 'nothing';
      const artifact = `**${label}**: ${what}; fetched ${fetched}`;
      if (t.error) rows.push([`**${lib}**`, artifact, '—', failedCell(t.error), '—', '—']);
      else
        rows.push([
          `**${lib}**`,
          artifact,
          `**${bytesCell(t.raw)}**`,
          `**${bytesCell(t.bytes)}**`,
          `**${bytesCell(t.brotli)}**`,
          vs(t.brotli),
        ]);
    }
  }
  for (const b of PEER_BUNDLES) {
    const { raw, gzip, brotli } = b.sizes;
    rows.push([
      `${b.lib} ${b.version}`,
      `${b.what} (esbuild, minified)`,
      bytesCell(raw),
      bytesCell(gzip),
      bytesCell(brotli),
      vs(brotli),
    ]);
  }
  const [inline, split] = ['inline', 'split'].map((k) => ours?.variants[k]?.pageViews.beforeLogin);
  let inlineCost = '';
  if (inline && split && !inline.error && !split.error) {
    const d = (k) => inline[k] - split[k];
    const sign = (n) => `${n >= 0 ? '+' : '−'}${int(Math.abs(n))}`;
    inlineCost =
      ` Before login, inline minus split: ${sign(d('raw'))} bytes raw, ${sign(d('bytes'))} gzip, ${sign(d('brotli'))} brotli ` +
      '(the inlined wasm is one character per byte, UTF-8 encoded; the split variant pays for an extra request instead).';
  }
  return [
    '## 2. Sizes',
    table(
      ['Library', 'Artifact', 'Raw bytes', 'gzip -9', 'brotli q11', 'brotli ÷ nylas-pkce before login (inline)'],
      rows,
    ),
    `Peers: esbuild ${esbuild.version} (\`bundle\`, \`format: esm\`, \`platform: browser\`, \`minify\`) of \`export * from '<peer>'\` ` +
      '(plus the default export for pkce-challenge), or, for a "minimal login", of an entry in `tests/bench/entries/` that ' +
      'imports what a redirect login with PKCE uses. nylas-pkce: the files as built by `scripts/build.sh --split target/npm-split`, ' +
      'unbundled (snapshotted at start and served from that copy); "inline" is `pkg/` (what npm ships, wasm inlined in the JS), ' +
      '"split" is `target/npm-split/` (the same modules with separate `.wasm` files). The page views are measured, not listed: ' +
      'each is a real page in headless Chromium (`tests/support/page-views.mjs`), and its sizes are the sum over every JS and ' +
      'wasm response it got from the package (each file once), compressed one by one, as the browser fetches (and a server ' +
      'compresses) each file separately. "logged-in page" and "whole login" log in for real against the mock Nylas ' +
      "(`tests/mock-server/`, auto-approve, `tokenStorage: 'local'`); a page view the package fails shows the error instead. " +
      'The last column is brotli size ÷ nylas-pkce before login (inline) (for peers: higher = nylas-pkce smaller).' +
      inlineCost,
  ].join('\n\n');
}

function report({ opts, machine, withOurs, ours, variants, build, pairs, cold, memory, elapsedS }) {
  const out = [];
  const push = (...blocks) => out.push(blocks.join('\n\n'), ''); // blank line between blocks (GFM tables)
  const has = (key) => variants.some((v) => v.key === key);
  push('# nylas-pkce benchmark');
  if (!withOurs)
    push(
      '> **pkg/index.js not found — nylas-pkce rows skipped** (run `bash scripts/build.sh --split target/npm-split`).',
    );
  else if (!has('split'))
    push(
      '> **target/npm-split/ not found — split-variant rows skipped** (run `bash scripts/build.sh --split target/npm-split`).',
    );
  if (build?.splitStaleMin > 1) {
    push(
      `> **target/npm-split/ is ${build.splitStaleMin.toFixed(0)} min older than pkg/**: it may come from an older build than the ` +
        'inline rows (run `bash scripts/build.sh --split target/npm-split`).',
    );
  }

  const buildRow = withOurs
    ? [
        [
          'nylas-pkce build',
          variants.map((v) => `\`${v.srcRel}/index.js\` ${new Date(build.mtimes[v.key]).toISOString()}`).join(', '),
        ],
      ]
    : [];
  push(
    '## 1. Machine',
    table(
      ['', ''],
      [
        ['Date', machine.date],
        ['CPU', `${machine.cpu} × ${machine.cores} logical cores`],
        ['OS', machine.os],
        [
          'Load average (1 min)',
          `${machine.loadStart.toFixed(2)} at start, ${machine.loadEnd.toFixed(2)} at end (other processes compete for the ${machine.cores} cores)`,
        ],
        ['Node', machine.node],
        [
          'Browser',
          `${machine.chromiumLine ?? 'chromium'} (Playwright \`browser.version()\`: ${machine.browserVersion}), headless`,
        ],
        [
          'Page clock',
          `crossOriginIsolated=${pairs.info.crossOriginIsolated}, performance.now() step ≈ ${us2(pairs.info.timerResolutionUs)} µs`,
        ],
        [
          'Settings',
          `PKCE pair: ${opts.warmup} warm-up + ${opts.runs} runs × ${int(opts.ops)} ops; cold start: ${opts.loads} loads (+1 discarded) per page`,
        ],
        ...buildRow,
      ],
    ),
  );

  push(sizesSection(withOurs, ours, variants));

  const oursUs = pairs.samples['nylas-pkce'] ? median(pairs.samples['nylas-pkce']) : null;
  const pairRows = Object.entries(pairs.samples).map(([name, xs]) => {
    const m = median(xs);
    return [
      name,
      `**${us2(m)}**`,
      `${us2(min(xs))} – ${us2(max(xs))}`,
      name === 'nylas-pkce' ? '1.00×' : oursUs ? ratio(m / oursUs) : 'n/a',
    ];
  });
  push(
    '## 3. PKCE pair time (verifier + S256 challenge, one page)',
    table(['Library', 'median µs/op', 'min – max µs/op (per run)', 'time vs nylas-pkce'], pairRows),
    'nylas-pkce (inline variant, `/pkg/index.js`): `generatePkcePair({ method: "S256", encoding: "rfc7636" })` (one synchronous call); "nylas-pkce (2 calls)": `generateCodeVerifier()` + `codeChallenge(v, { method: "S256", encoding: "rfc7636" })`. ' +
      'oauth4webapi: `generateRandomCodeVerifier()` + `await calculatePKCECodeChallenge(v)`. pkce-challenge: `await pkceChallenge()`. ' +
      'Async calls are awaited one after another. All libraries were checked against the RFC 7636 Appendix B vector first. ' +
      '"time vs nylas-pkce" = peer time / nylas-pkce time (higher = nylas-pkce faster).' +
      (pairs.oursError ? ` **nylas-pkce failed, so only the peers were timed**: ${pairs.oursError}` : ''),
  );

  const baseline = cold.samples[COLD_BASELINE];
  const baseLoad = median(baseline.loadToUrl);
  const baseImport = median(baseline.importToUrl);
  const coldRows = cold.pages.map((p) => {
    const s = cold.samples[p.name];
    const reqs = cold.requests[p.name] ?? [];
    return [
      p.name,
      p.what,
      `${reqs.length}: ${reqs.map((u) => `\`${path.posix.basename(u)}\``).join(', ')}`,
      `**${ms3(median(s.importToUrl))}**`,
      `${ms3(min(s.importToUrl))} – ${ms3(max(s.importToUrl))}`,
      ratio(median(s.importToUrl) / baseImport),
      `**${ms3(median(s.loadToUrl))}**`,
      `${ms3(min(s.loadToUrl))} – ${ms3(max(s.loadToUrl))}`,
      ratio(median(s.loadToUrl) / baseLoad),
    ];
  });
  for (const [name, error] of Object.entries(cold.failed)) {
    coldRows.push([name, COLD_PAGES.find((p) => p.name === name).what, '—', failedCell(error), ...Array(5).fill('—')]);
  }
  push(
    '## 4. Cold start (fresh browser context per load, `Cache-Control: no-store`)',
    table(
      [
        'Library',
        'Page does',
        'Requests (measured)',
        'import+init+first URL, median ms',
        'min – max ms',
        `÷ ${COLD_BASELINE}`,
        'page load → first URL, median ms',
        'min – max ms',
        `÷ ${COLD_BASELINE}`,
      ],
      coldRows,
    ),
    '"import+init+first URL" = `performance.now()` when the URL is ready minus `performance.now()` at the top of an inline classic ' +
      'script placed before the module script (covers fetching and evaluating the module graph, for nylas-pkce the wasm compile + ' +
      'instantiate — synchronous from the inlined bytes, or fetch + compile behind a top-level await for split — and the first URL). ' +
      '"page load → first URL" = the same end time with navigation start as origin. "÷ ' +
      COLD_BASELINE +
      '" = that median ÷ ' +
      COLD_BASELINE +
      '\'s median in this run (lower = faster). "Requests" = what the page fetched besides itself (last load). ' +
      'Served from 127.0.0.1, so network time is near zero. @nylas/connect makes no network request to build the URL ' +
      '(it reads/writes localStorage and uses crypto.subtle); it was given `debug: false` to keep its console logging out of the timing.',
  );

  if (memory?.error) {
    push('## 5. nylas-pkce wasm memory', `_failed: ${memory.error}_`);
  } else if (memory) {
    const base = memory.points[0].bytes;
    const memRows = memory.points.map((p) => [
      p.label,
      int(p.bytes),
      `${(p.bytes / 1048576).toFixed(2)} MiB`,
      p.calls ? `${p.bytes - base >= 0 ? '+' : ''}${int(p.bytes - base)}` : '—',
      p.usPerCall === undefined ? '—' : us2(p.usPerCall),
    ]);
    push(
      '## 5. nylas-pkce wasm memory',
      table(['Point', 'wasmMemoryBytes()', 'MiB', 'growth vs init (bytes)', 'µs per call in this batch'], memRows),
      "Fresh page importing `/pkg/index.js` (inline variant); `wasmMemoryBytes()` is the login half's linear memory (the session " +
        'half is not loaded). `buildAuthorizationUrl({ clientId, redirectUri, region: "us", provider: "google", scopes: ["email"] })` in a loop. ' +
        'Linear memory never shrinks, so this is the high-water mark.',
    );
  } else {
    push('## 5. nylas-pkce wasm memory', '_skipped (no pkg/)._');
  }

  push(`_Total bench time ${elapsedS.toFixed(1)} s._`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  const opts = parseArgs(process.argv.slice(2));
  const withOurs = fs.existsSync(path.join(PKG_DIR, 'index.js'));
  if (!withOurs) process.stderr.write('bench: pkg/index.js not found, skipping nylas-pkce rows\n');
  // The split variant is optional (a build without --split leaves it out); it needs the inline one as the baseline.
  const variants = VARIANTS.filter(
    (v) => withOurs && (v.key === 'inline' || fs.existsSync(path.join(v.src, 'index.js'))),
  );
  if (withOurs && variants.length < VARIANTS.length)
    process.stderr.write('bench: target/npm-split/ not found, skipping split rows\n');

  process.stderr.write('bench: bundling peers with esbuild...\n');
  await buildPeerBundles(); // (re)creates BUILD_DIR
  let build = null;
  if (withOurs) {
    const mtimes = await snapshotOurs(variants);
    // build.sh writes pkg/ and then target/npm-split/ within seconds; a split dir older than pkg/ is left over.
    build = { mtimes, splitStaleMin: mtimes.split === undefined ? 0 : (mtimes.inline - mtimes.split) / 60_000 };
    if (build.splitStaleMin > 1) {
      process.stderr.write(
        `bench: warning: target/npm-split/ is ${build.splitStaleMin.toFixed(0)} min older than pkg/ (stale split build?)\n`,
      );
    }
  }
  const ours = withOurs ? oursSizes(variants) : null;

  // A missing variant's mount maps to an empty snapshot dir (404) rather than to files that may appear mid-run.
  for (const v of VARIANTS) fs.mkdirSync(v.snapshot, { recursive: true });
  const server = await startServer(ROOT, Object.fromEntries(VARIANTS.map((v) => [v.mount, v.snapshot])));
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

    if (withOurs) {
      process.stderr.write('bench: page views (a real login against the mock)...\n');
      await benchPageViews(browser, variants, ours);
    }
    process.stderr.write('bench: PKCE pairs...\n');
    const pairs = await benchPairs(browser, server.url, opts, withOurs);
    process.stderr.write('bench: cold starts...\n');
    const cold = await benchCold(
      browser,
      server.url,
      opts,
      variants.map((v) => v.key),
    );
    let memory = null;
    if (withOurs) {
      process.stderr.write('bench: memory...\n');
      memory = await benchMemory(browser, server.url);
    }

    machine.loadEnd = os.loadavg()[0];
    const elapsedS = (Date.now() - t0) / 1000;
    const md = report({ opts, machine, withOurs, ours, variants, build, pairs, cold, memory, elapsedS });
    fs.mkdirSync(OUT_DIR, { recursive: true });
    fs.writeFileSync(path.join(OUT_DIR, 'latest.md'), `${md}\n`);
    fs.writeFileSync(
      path.join(OUT_DIR, 'latest.json'),
      `${JSON.stringify({ opts, machine, withOurs, variants: variants.map((v) => v.key), build, sizes: { ours, peers: PEER_BUNDLES }, pairs, cold, memory }, null, 2)}\n`,
    );
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
