#!/usr/bin/env node
// examples/next-app from the packed tarball: a Next.js App Router app whose server layout renders
// <NylasAuthProvider>, built with Turbopack and with webpack, served by `next start` and driven in headless
// Chromium against the mock Nylas.
//
//   1. `npm pack` (pkg/ must be built: bash scripts/build.sh); the example is copied to a temporary directory,
//      its nylas-pkce dependency pointed at the tarball, and installed once (npm, --prefer-offline) for both
//      builds; the installed package must be exactly the tarball's files.
//   2. The packed `nylas-pkce/react` starts with the 'use client' directive.
//   3. In Node (a server), with the app's React (tests/next/ssr-check.mjs): importing nylas-pkce/react reads no
//      browser global and compiles no wasm of its own; a server render of the provider and the hook reads
//      none, compiles nothing, does not throw (even with options the browser would refuse) and shows the
//      first render's state (isLoading, nobody logged in, no client). A self-test first proves the probes see
//      a planted read of `window` and a planted wasm compile.
//   4. For each bundler (`next build`: Turbopack; `next build --webpack`): the build, then `next start` and in
//      Chromium: the server's HTML of the start and callback pages (status 200, the loading state), a popup
//      login (one token request, the popup closes), getAccessToken() calling /v3/grants/me, a reload of the
//      logged-in page, logout, a redirect login (one token request; the SDK cleans the callback's address
//      bar before the app goes home), and not one console error or page error on any page (the start page,
//      the popup's callback page, the redirect's callback page): no hydration error (React #418).
//
//   node tests/next/run.mjs
//
// Env: NYLAS_PKCE_KEEP_APPS=1 keeps the temporary directory; NYLAS_PKCE_NEXT_BUNDLERS=webpack (or turbopack)
// runs one build only; CHROMIUM_PATH overrides /usr/bin/chromium.
// Every wait is bounded; servers, the browser and child processes are stopped even on failure. Prints one
// line per check and `N passed, M failed`; exits 1 on any failure.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMockServer } from '../mock-server/server.mjs';
import { launchChromium } from '../support/chromium.mjs';
import { packInto, ROOT } from '../support/pack.mjs';
import { freePort } from '../support/ports.mjs';
import { children, killChild, run, runOk, secs, tail } from '../support/processes.mjs';

const KEEP = process.env.NYLAS_PKCE_KEEP_APPS === '1';
const EXAMPLE = path.join(ROOT, 'examples', 'next-app');
const EMAIL = 'user@example.com'; // the mock's default account
/** The app's API key: the Route Handler's, at build and at run time; it must never reach the browser. */
const API_KEY = 'nyk_v0_next_app_test_key_0123456789';
const WAIT_MS = 30_000;
const INSTALL_MS = 6 * 60_000;
const BUILD_MS = 5 * 60_000;
const TOTAL_MS = 25 * 60_000;
const BUNDLERS = [
  { name: 'turbopack', args: [] },
  { name: 'webpack', args: ['--webpack'] },
].filter(
  (b) => !process.env.NYLAS_PKCE_NEXT_BUNDLERS || process.env.NYLAS_PKCE_NEXT_BUNDLERS.split(',').includes(b.name),
);

const t0 = Date.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const closers = [];
let tmp;

let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    for (const c of children) killChild(c);
    while (closers.length)
      await closers
        .pop()()
        .catch(() => {});
    if (tmp && !KEEP) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    else if (tmp) console.log(`next: kept ${tmp}`);
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => cleanup().finally(() => process.exit(130)));
setTimeout(() => {
  console.error(`next: the whole run took over ${secs(TOTAL_MS)}; giving up`);
  cleanup().finally(() => process.exit(1));
}, TOTAL_MS).unref();

function walk(dir, base = dir) {
  const out = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

// ---------------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------------

/** The example, copied without its build output, with nylas-pkce from the tarball; installed once. */
async function installApp(packed) {
  const app = path.join(tmp, 'app');
  fs.cpSync(EXAMPLE, app, {
    recursive: true,
    filter: (src) => !/(^|\/)(node_modules|\.next|next-env\.d\.ts)$/.test(path.relative(EXAMPLE, src)),
  });
  const manifest = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
  if (!manifest.dependencies?.['nylas-pkce']) throw new Error('examples/next-app does not depend on nylas-pkce');
  manifest.dependencies['nylas-pkce'] = `file:${packed.tarball}`;
  fs.writeFileSync(path.join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  fs.copyFileSync(path.join(ROOT, 'tests', 'next', 'ssr-check.mjs'), path.join(app, 'ssr-check.mjs'));
  const base = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  let r = await run('npm', [...base, '--prefer-offline'], { cwd: app, timeoutMs: INSTALL_MS });
  let ms = r.ms;
  if (r.code !== 0) {
    r = await runOk('npm', base, { cwd: app, timeoutMs: INSTALL_MS }); // a stale npm cache
    ms += r.ms;
  }
  // The installed package is the tarball, byte for byte.
  const installed = path.join(app, 'node_modules', 'nylas-pkce');
  if (fs.lstatSync(installed).isSymbolicLink()) throw new Error('node_modules/nylas-pkce is a symlink');
  const files = walk(installed);
  if (JSON.stringify(files) !== JSON.stringify(packed.files))
    throw new Error(`installed files ${files} differ from the tarball's ${packed.files}`);
  for (const f of files) {
    if (sha256(path.join(installed, f)) !== sha256(path.join(packed.packageDir, f)))
      throw new Error(`installed ${f} differs from the tarball's`);
  }
  const version = (name) =>
    JSON.parse(fs.readFileSync(path.join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
  return { dir: app, ms, next: version('next'), react: version('react') };
}

/** The packed react module's first statement is the 'use client' directive. */
function useClient(packed) {
  const target = packed.manifest.exports?.['./react'];
  const file = typeof target === 'string' ? target : (target?.import ?? target?.default);
  if (!file) throw new Error('package.json exports has no ./react');
  const text = fs.readFileSync(path.join(packed.packageDir, file), 'utf8');
  if (!/^\s*(['"])use client\1\s*;?/.test(text))
    throw new Error(`${file} does not start with 'use client': ${JSON.stringify(text.slice(0, 80))}`);
  return file;
}

async function ssr(app) {
  const check = async (...args) => {
    const r = await runOk(process.execPath, ['ssr-check.mjs', ...args], { cwd: app.dir, timeoutMs: 60_000 });
    return JSON.parse(r.out.trim().split('\n').at(-1));
  };
  const self = await check('selftest');
  if (!self.touched.includes('window') || !self.wasm.some((w) => w.fn === 'new Module'))
    throw new Error(`self-test: the probes missed the planted reads: ${JSON.stringify(self)}`);
  const entry = await check('import', 'nylas-pkce');
  const react = await check('import', 'nylas-pkce/react');
  const problems = [];
  for (const [what, r] of [
    ['importing nylas-pkce', entry],
    ['importing nylas-pkce/react', react],
  ]) {
    if (r.touched.length) problems.push(`${what} read ${r.touched.join(', ')}`);
  }
  const reactOwn = react.wasm.filter((w) => w.from.some((f) => /\/react\.js$/.test(f)));
  if (reactOwn.length) problems.push(`nylas-pkce/react touches the wasm at import: ${JSON.stringify(reactOwn)}`);
  if (react.wasm.length || entry.wasm.length)
    problems.push(`importing nylas-pkce/react does more wasm work than the entry: ${JSON.stringify(react.wasm)}`);
  const render = await check('render');
  if (render.touched.length) problems.push(`the server render read ${render.touched.join(', ')}`);
  if (render.wasm.length) problems.push(`the server render touched the wasm: ${JSON.stringify(render.wasm)}`);
  const first =
    '{&quot;isLoading&quot;:true,&quot;isAuthenticated&quot;:false,&quot;user&quot;:null,&quot;accounts&quot;:[],&quot;error&quot;:null,&quot;auth&quot;:null}';
  for (const html of [render.html, render.htmlBadOptions]) {
    if (!html?.includes(first)) problems.push(`the server render is not the first render's state: ${html}`);
  }
  if (problems.length) throw new Error(problems.join('\n    '));
  return `import and render read no browser global, render compiles nothing; wasm compiled by importing the entry: ${entry.wasm.length ? entry.wasm.map((w) => w.fn).join(' + ') : 'none'}`;
}

/** `next start` on `port`; resolves `{ url, stop }` once it answers. */
async function startNext(app, port, env) {
  const bin = path.join(app.dir, 'node_modules', 'next', 'dist', 'bin', 'next');
  const child = spawn(process.execPath, [bin, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: app.dir,
    env: { ...process.env, ...env, NO_COLOR: '1', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.add(child);
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once('close', r));
      killChild(child);
      await Promise.race([closed, sleep(5000)]);
    }
    children.delete(child);
  };
  closers.push(stop);
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) })).ok) return { url, stop, log: () => out };
    } catch {
      /* not up yet */
    }
    await sleep(150);
  }
  await stop();
  throw new Error(`next start did not answer on ${url}\n${tail(out)}`);
}

async function mockStats(mock) {
  return (await fetch(`${mock.url}/__mock/stats`, { signal: AbortSignal.timeout(WAIT_MS) })).json();
}

/** The flows in Chromium against `next start`. */
async function flows(browser, site, mock) {
  // The server's HTML: the first render's state, on the start page and on a callback URL (static pages).
  for (const p of ['/', '/callback?code=x&state=y']) {
    const res = await fetch(`${site.url}${p}`, { signal: AbortSignal.timeout(WAIT_MS) });
    const html = await res.text();
    if (res.status !== 200) throw new Error(`GET ${p}: HTTP ${res.status}`);
    if (!html.includes('data-state="loading"'))
      throw new Error(`GET ${p}: the server did not render the loading state`);
  }

  const context = await browser.newContext();
  closers.push(() => context.close());
  context.setDefaultTimeout(WAIT_MS);
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${page.url()}: HTTP ${r.status()} for ${r.url()}`);
    });
  };
  context.on('page', watch);
  // Every address the page shows, in order (loads and history changes): the callback's must be cleaned by
  // the SDK (history.replaceState to the bare callback route) before the app goes home.
  await context.addInitScript(() => {
    const seen = [location.href];
    window.__addresses = seen;
    for (const m of ['pushState', 'replaceState']) {
      const real = history[m].bind(history);
      history[m] = (...args) => {
        const r = real(...args);
        seen.push(location.href);
        return r;
      };
    }
  });
  const page = await context.newPage();
  try {
    return await loggedIn(page, context, site, mock, errors);
  } catch (e) {
    e.message += errors.length ? `\n    console or page errors so far:\n    ${errors.join('\n    ')}` : '';
    e.message += `\n    page: ${page.url()}: ${(await page.textContent('body').catch(() => '')).slice(0, 300)}`;
    throw e;
  }
}

async function loggedIn(page, context, site, mock, errors) {
  const status = (state) => page.waitForSelector(`#status[data-state="${state}"]`);
  const tokens = async () => (await mockStats(mock)).requests.token;
  const steps = [];

  await page.goto(`${site.url}/`);
  await status('anonymous');

  // Popup login: opened in the click, the callback page (a Next page under the provider) forwards and closes.
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#popup')]);
  await status('authenticated');
  if ((await page.textContent('#status')) !== EMAIL)
    throw new Error(`popup login: ${await page.textContent('#status')}`);
  if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: WAIT_MS }).catch(() => {});
  if (!popup.isClosed()) throw new Error('the popup did not close');
  await page.waitForTimeout(300);
  if ((await tokens()) !== 1) throw new Error(`${await tokens()} token requests for one popup login`);
  steps.push('popup login (1 token request, the popup closed)');

  // getAccessToken() then GET /v3/grants/me with it.
  await page.click('#me');
  await page.waitForSelector(`#grant:text("${EMAIL}")`);
  if ((await mockStats(mock)).requests.grants !== 1) throw new Error('GET /v3/grants/me was not called once');
  steps.push('getAccessToken() → /v3/grants/me');

  // A logged-in page from the server: hydrated without a mismatch, then the stored tokens.
  await page.reload();
  await status('authenticated');
  steps.push('reload while logged in');

  await page.click('#logout');
  await status('anonymous');
  steps.push('logout');

  // Redirect login: out to the mock, back to /callback, home.
  await page.click('#redirect');
  await page.waitForURL(`${site.url}/`);
  await status('authenticated');
  if ((await tokens()) !== 2) throw new Error(`${await tokens()} token requests after a redirect login`);
  const addresses = await page.evaluate(() => window.__addresses);
  const hasCode = (a) => /[?&](code|state)=/.test(a);
  const lastWithCode = addresses.findLastIndex(hasCode);
  if (lastWithCode < 0 || !addresses.slice(lastWithCode + 1).includes(`${site.url}/callback`))
    throw new Error(`the callback's address was not cleaned by the SDK: ${addresses.join(' → ')}`);
  steps.push('redirect login (1 token request, /callback?code… → /callback → /)');

  await page.waitForTimeout(300); // late hydration or effect errors
  await context.close();
  if (errors.length) {
    const e = new Error(`console or page errors:\n    ${errors.join('\n    ')}`);
    errors.length = 0; // said once
    throw e;
  }
  return steps;
}

/**
 * Sessions through the app's backend (app/backend: codeExchange and refresh hooks to app/api/nylas, which uses
 * the API key): a popup login exchanged by the backend, then, with the page's clock two hours on, a fresh
 * token from getAccessToken() without a login. The API key is in no client file and in no request the
 * browser makes.
 */
async function backendFlow(browser, site, mock, app) {
  for (const file of walk(path.join(app.dir, '.next', 'static'))) {
    if (fs.readFileSync(path.join(app.dir, '.next', 'static', file), 'latin1').includes(API_KEY))
      throw new Error(`the API key is in the client bundle: .next/static/${file}`);
  }
  await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
  const context = await browser.newContext();
  closers.push(() => context.close());
  context.setDefaultTimeout(WAIT_MS);
  const errors = [];
  const leaks = [];
  context.on('page', (page) => {
    page.on('console', (m) => m.type() === 'error' && errors.push(`${page.url()}: console.error: ${m.text()}`));
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  });
  context.on('request', (r) => {
    const seen = `${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ''}`;
    if (seen.includes(API_KEY)) leaks.push(r.url());
  });
  context.on('response', async (r) => {
    const text = await r.text().catch(() => '');
    if (text.includes(API_KEY) || /refresh_token/.test(r.url().includes('/api/nylas') ? text : '')) leaks.push(r.url());
  });
  const page = await context.newPage();
  const status = (state) => page.waitForSelector(`#status[data-state="${state}"]`);
  await page.goto(`${site.url}/backend`);
  await status('anonymous');
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#popup')]);
  await status('authenticated');
  if (!popup.isClosed()) await popup.waitForEvent('close', { timeout: WAIT_MS }).catch(() => {});
  let stats = await mockStats(mock);
  if (stats.requests.token !== 1 || !stats.clientSecretSeen)
    throw new Error(`backend login: ${stats.requests.token} token requests, API key seen: ${stats.clientSecretSeen}`);
  // Two hours later (the access token lasts one): getAccessToken() gets a fresh token from the backend.
  await page.evaluate(() => {
    const real = Date.now.bind(Date);
    Date.now = () => real() + 2 * 3_600_000;
  });
  await page.click('#me');
  await page.waitForSelector(`#grant:text("${EMAIL}")`);
  stats = await mockStats(mock);
  if (stats.requests.token !== 2)
    throw new Error(`${stats.requests.token} token requests: want an exchange and a refresh`);
  const refresh = stats.tokenRequests.at(-1);
  if (refresh.grantType !== 'refresh_token') throw new Error(`the second token request: ${JSON.stringify(refresh)}`);
  if (context.pages().length !== 1) throw new Error('a login window opened for the refresh');
  await page.waitForTimeout(300);
  await context.close();
  if (leaks.length) throw new Error(`the API key or a refresh token reached the browser: ${leaks.join(', ')}`);
  if (errors.length) throw new Error(`console or page errors:\n    ${errors.join('\n    ')}`);
  return 'backend hooks: the code exchanged with the API key, a fresh token two hours on without a login; the key in no client file or request';
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------

async function main() {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-next-'));
  let passed = 0;
  let failed = 0;
  const report = (name, ok, text) => {
    console.log(ok ? `next: ${name} ok (${text})` : `next: ${name} FAILED\n    ${text}`);
    if (ok) passed++;
    else failed++;
    return ok;
  };
  const attempt = async (name, fn) => {
    try {
      return report(name, true, await fn());
    } catch (e) {
      return report(name, false, `${e.message}${tmp ? `\n    (app: ${tmp}; NYLAS_PKCE_KEEP_APPS=1 keeps it)` : ''}`);
    }
  };

  let packed;
  let app;
  const ready =
    (await attempt('tarball', async () => {
      packed = packInto(path.join(tmp, 'tarball'));
      return `${path.basename(packed.tarball)}, ${packed.files.length} files; react: ${useClient(packed)} is 'use client'`;
    })) &&
    (await attempt('install', async () => {
      app = await installApp(packed);
      return `next ${app.next}, react ${app.react}, from the tarball, in ${secs(app.ms)} (one install, both builds)`;
    }));
  if (ready) {
    await attempt('server render (Node)', () => ssr(app));
    const mock = await startMockServer({ port: 0, autoApprove: true });
    closers.push(() => mock.close());
    // NEXT_PUBLIC_ variables are inlined at build time, so the port the app will be served on is chosen first.
    const port = await freePort();
    const env = {
      NEXT_PUBLIC_NYLAS_CLIENT_ID: 'demo-client',
      NEXT_PUBLIC_NYLAS_REDIRECT_URI: `http://127.0.0.1:${port}/callback`,
      NEXT_PUBLIC_NYLAS_API_BASE: `${mock.url}/v3`,
      NYLAS_API_KEY: API_KEY,
    };
    const bin = path.join(app.dir, 'node_modules', 'next', 'dist', 'bin', 'next');
    let browser;
    for (const bundler of BUNDLERS) {
      await attempt(bundler.name, async () => {
        fs.rmSync(path.join(app.dir, '.next'), { recursive: true, force: true });
        const build = await runOk(process.execPath, [bin, 'build', ...bundler.args], {
          cwd: app.dir,
          env,
          timeoutMs: BUILD_MS,
        });
        // Under CI=true (as .ci/run runs), Next.js advises a build cache for CI hosts: not about this app.
        const warnings = build.out.split('\n').filter((l) => /⚠|warn/i.test(l) && !/No build cache found/.test(l));
        if (warnings.length) throw new Error(`build warnings:\n    ${warnings.join('\n    ')}`);
        await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
        if (!browser) {
          browser = await launchChromium({ timeout: WAIT_MS });
          closers.push(() => browser.close());
        }
        const site = await startNext(app, port, env);
        const started = Date.now();
        let steps;
        try {
          steps = await flows(browser, site, mock);
          steps.push(await backendFlow(browser, site, mock, app));
        } catch (e) {
          e.message += `\n    next start:\n${tail(site.log(), 15)}`;
          throw e;
        } finally {
          await site.stop();
        }
        return `build ${secs(build.ms)}, flows ${secs(Date.now() - started)}: ${steps.join(', ')}; no console error`;
      });
    }
  }
  console.log(`${passed} passed, ${failed} failed (${secs(Date.now() - t0)})`);
  return failed ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`next: ${e.stack ?? e}`);
} finally {
  await cleanup();
}
process.exit(code);
