// Test harness for the end-to-end suite: serves the real demo page (www/ + the built pkg/, copied into a
// temporary root) and the mock Nylas on random loopback ports, drives headless Debian Chromium through
// playwright-core, and reads the page's output areas.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { launchChromium } from '../support/chromium.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Every wait in the suite is bounded by this. */
export const WAIT_MS = 15_000;
const WWW_FILES = ['index.html', 'app.js', 'style.css'];

/** The built package files to serve: pkg/'s top-level files (the layout is the build script's business). */
function pkgFiles(pkg) {
  const names = fs.existsSync(pkg) ? fs.readdirSync(pkg, { withFileTypes: true }) : [];
  return names.filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => d.name);
}

/** Waits (bounded) while a concurrent `scripts/build.sh` is rewriting pkg/ (it works in pkg/.raw). */
function waitForQuietPkg(pkg, ms = 120_000) {
  const until = Date.now() + ms;
  while (fs.existsSync(path.join(pkg, '.raw')) && Date.now() < until) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
}

/** Copies www/ (without www/pkg) and the built pkg/ into a fresh temporary directory: the demo's layout. */
export function makeSiteRoot() {
  const pkg = path.join(ROOT, 'pkg');
  waitForQuietPkg(pkg);
  const files = pkgFiles(pkg);
  if (!files.includes('index.js') || !files.includes('callback.js')) {
    throw new Error(
      'pkg/ is not built (pkg/index.js or pkg/callback.js is missing): run `bash scripts/build.sh` first ' +
        '(npm test builds it before this suite)',
    );
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-e2e-'));
  for (const f of WWW_FILES) fs.copyFileSync(path.join(ROOT, 'www', f), path.join(root, f));
  const callback = path.join(ROOT, 'www', 'callback.html');
  if (fs.existsSync(callback)) fs.copyFileSync(callback, path.join(root, 'callback.html'));
  fs.mkdirSync(path.join(root, 'pkg'));
  for (const f of files) fs.copyFileSync(path.join(pkg, f), path.join(root, 'pkg', f));
  return root;
}

/**
 * A suite's environment: started once before the file's tests, closed after them, the mock reset before
 * each test. Call it at the top of a test file; the returned object is filled in by the time tests run.
 */
export function suiteEnv() {
  const env = {};
  before(async () => {
    Object.assign(env, await startEnv());
  });
  after(async () => {
    await env.close?.();
  });
  beforeEach(async () => {
    await resetMock(env);
  });
  return env;
}

/**
 * The mock's URLs for logins that `follow` a redirect: a fetch may follow a cross-origin redirect only to a
 * server that answers CORS, so they come back to the mock's echo page.
 */
export const mockUrls = (env) => ({
  mock: env.mock.url,
  api: `${env.mock.url}/v3`,
  echo: `${env.mock.url}/callback-echo`,
});

/** Starts everything; `env.close()` stops it and removes the temporary root. */
export async function startEnv() {
  const root = makeSiteRoot();
  const env = { root, mock: null, site: null, browser: null };
  try {
    env.mock = await startMockServer({ port: 0 });
    env.site = await startStaticServer({ root, port: 0 });
    // The popup blocker stays on: a popup must come from a click, as in a user's browser.
    env.browser = await launchChromium({ popupBlocker: true });
  } catch (e) {
    await closeEnv(env);
    throw e;
  }
  env.close = () => closeEnv(env);
  return env;
}

async function closeEnv(env) {
  await env.browser?.close().catch(() => {});
  await env.site?.close().catch(() => {});
  await env.mock?.close().catch(() => {});
  fs.rmSync(env.root, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------------
// Mock control API
// ---------------------------------------------------------------------------------------------------------

async function control(env, method, route, body) {
  const res = await fetch(`${env.mock.url}/__mock/${route}`, {
    method,
    headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`mock ${route}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}
export const resetMock = (env) => control(env, 'POST', 'reset');
export const configureMock = (env, patch) => control(env, 'POST', 'config', patch);
export const mockStats = (env) => control(env, 'GET', 'stats');

// ---------------------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------------------

/** The demo's URL pointed at the mock, plus more query parameters. */
export function demoUrl(env, params = {}) {
  const q = new URLSearchParams({ api: `${env.mock.url}/v3`, ...params });
  return `${env.site.url}/?${q}`;
}

/**
 * A fresh browser context (own storage) that records, per page, console messages and uncaught errors, so
 * tests can assert that nothing secret is logged and nothing blew up.
 */
export async function newContext(env) {
  const context = await env.browser.newContext();
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  context.consoleText = [];
  context.pageErrors = [];
  const watch = (page) => {
    page.on('console', (m) => context.consoleText.push(m.text()));
    page.on('pageerror', (e) => context.pageErrors.push(`${page.url()}: ${e.message}`));
  };
  context.on('page', watch);
  return context;
}

/** Opens the demo in a new tab of `context` and waits until it is initialised (callback handled, if any). */
export async function openDemo(env, context, params = {}) {
  const page = await context.newPage();
  await page.goto(demoUrl(env, params));
  await waitReady(page);
  return page;
}

export async function waitReady(page) {
  await page.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
}

/** Waits for the mock's consent page in `page`, optionally types an email, and clicks approve or deny. */
export async function decide(env, page, { decision = 'approve', email } = {}) {
  await page.waitForURL((u) => u.href.startsWith(`${env.mock.url}/v3/connect/auth?`), { timeout: WAIT_MS });
  if (email !== undefined) await page.fill('#email', email);
  await page.click(decision === 'deny' ? '#deny' : '#approve');
}

/** The next navigation of `page` back to the demo that carries callback parameters. */
export function nextCallbackRequest(env, page) {
  return page.waitForRequest(
    (r) => {
      if (!r.isNavigationRequest() || !r.url().startsWith(`${env.site.url}/`)) return false;
      const q = new URL(r.url()).searchParams;
      return q.has('state') || q.has('code') || q.has('error') || q.has('admin_consent');
    },
    { timeout: WAIT_MS },
  );
}

/** Redirect login through the consent page; resolves with the callback URL the browser loaded. */
export async function loginWithRedirect(env, page, { email } = {}) {
  const callback = nextCallbackRequest(env, page);
  await page.click('#login-redirect');
  await decide(env, page, { email });
  const url = (await callback).url();
  await waitReady(page);
  return url;
}

/** Waits for the status line to reach `state` ('signed-in', 'signed-out', 'expired', …). */
export async function waitStatus(page, state) {
  await page.waitForSelector(`#status[data-state="${state}"]`, { timeout: WAIT_MS });
}

const ERROR_FIELDS = {
  name: '#error-name',
  code: '#error-code',
  error: '#error-error',
  errorDescription: '#error-description',
  eventCode: '#error-event-code',
  status: '#error-status',
  message: '#error-message',
};

/** Waits for the error area and returns its fields as shown ('—' where absent). */
export async function readError(page) {
  await page.waitForSelector('#error:not([hidden])', { timeout: WAIT_MS });
  const out = {};
  for (const [k, sel] of Object.entries(ERROR_FIELDS)) out[k] = (await page.textContent(sel)).trim();
  return out;
}

export async function errorVisible(page) {
  return page.isVisible('#error');
}

/** The token set as the page shows it. */
export async function readTokens(page) {
  const ids = ['access', 'refresh', 'id', 'expires-at', 'scope', 'grant-id', 'email', 'provider', 'claims'];
  const out = { visible: await page.isVisible('#tokens') };
  for (const id of ids) out[id] = (await page.textContent(`#token-${id}`)).trim();
  return out;
}

/** The `#result` JSON. */
export async function readResult(page) {
  return JSON.parse(await page.textContent('#result'));
}

/** Event names in the page's event log, oldest first. */
export async function readEvents(page) {
  return page.$$eval('#events li', (lis) => lis.map((li) => li.dataset.event));
}

/**
 * A page on the demo's origin, and `run(fn, arg)`, which runs `fn(arg)` in it. Inside, `await window.__pkg()`
 * is the package plus two helpers: `follow(auth, options)` starts a login and lets the mock answer, giving
 * the callback URL; `code(promise)` gives a promise's outcome as `{ ok }` or `{ code, field, name }`. The
 * demo's CSP forbids eval, so the helpers come in as an init script and `fn` through Playwright.
 */
export async function pageWithPackage(env, t) {
  const context = await newContext(env);
  t.after(() => context.close());
  await context.addInitScript(() => {
    window.__pkg = async () => ({
      ...(await import(new URL('./pkg/index.js', location.href).href)),
      ...window.__helpers,
    });
    // The synchronous low-level functions (nylas-pkce/protocol), imported only by the tests that use them.
    window.__protocol = () => import(new URL('./pkg/protocol.js', location.href).href);
    window.__helpers = {
      follow: async (auth, options) => (await fetch(await auth.authorizationUrl(options))).url,
      code: (p) =>
        p.then(
          (r) => ({ ok: r.type }),
          (e) => ({ code: e.code, field: e.field, name: e.name }),
        ),
    };
  });
  const page = await openDemo(env, context);
  const run = (fn, arg) => page.evaluate(fn, arg);
  return { page, context, run };
}

/**
 * Makes `opener` report focus as a real browser would: it loses the focus to each popup it opens, and
 * gets it back (with a `focus` event) when the last of them has closed (a browser gives the focus to the
 * window used most recently, another popup while one is open).
 */
export async function simulateFocus(context, opener) {
  await opener.addInitScript(() => {
    window.__focused = true;
    Document.prototype.hasFocus = () => window.__focused;
  });
  const set = (focused) =>
    opener
      .evaluate((f) => {
        window.__focused = f;
        window.dispatchEvent(new Event(f ? 'focus' : 'blur'));
      }, focused)
      .catch(() => {});
  let open = 0;
  context.on('page', (popup) => {
    if (popup.opener && popup !== opener) {
      open++;
      set(false);
      popup.on('close', () => {
        if (--open === 0) set(true);
      });
    }
  });
}
