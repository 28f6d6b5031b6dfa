// What a page of an app using nylas-pkce makes the browser fetch, measured in headless Chromium: every JS or
// wasm response from the package's mount (/pkg/), as the browser received it, gzip -9 each and summed.
// Three page views:
//   beforeLogin: imports nylas-pkce, `new NylasAuth(options)`, `auth.isAuthenticated()`, then idle;
//   wholeLogin:  a real redirect login against the mock Nylas (auto-approved): the start page
//                (`loginWithRedirect()`) and the callback page (`handleRedirectCallback()`), distinct files
//                of both pages;
//   loggedIn:    then a fresh page in the same browser context (tokens in localStorage:
//                `tokenStorage: 'local'`) that constructs NylasAuth with the same options and calls
//                `await auth.getAccessToken()`;
//   expired:     then a returning user whose access token has expired (its `expiresAt` set in the past in
//                localStorage): a fresh page whose `await auth.getAccessToken()` refreshes it (the mock
//                allows public refresh; `accessType: 'offline'` gave a refresh token), loading the protocol.
// A page view whose page fails (the import, a call, an uncaught error, an HTTP error from the mount) gives
// `{ error }` instead of a size: the package may be broken while it is being rewritten.
//
//   import { measurePageViews } from './tests/support/page-views.mjs';
//   const { beforeLogin, loggedIn, expired, wholeLogin } = await measurePageViews({ pkgDir: 'pkg' });
//   // each: { bytes (gzip -9 sum), raw, brotli, files: ['index.js', ...] } or { error, files }
//
// Options: pkgDir (required; its package files are copied, so a rebuild cannot change them mid-run);
// mockUrl (a running mock Nylas, which is switched to auto-approve and public refresh; default: one is
// started here);
// chromiumPath (default /usr/bin/chromium) or browser (a running playwright-core Browser to reuse);
// timeoutMs per page view (default 30 s).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { CHROMIUM_PATH, launchChromium } from './chromium.mjs';

const MOUNT = '/pkg/';
const PACKAGE_FILE = /\.(m?js|wasm)$/;

/** A built package directory's files that a page can load: its top-level .js, .mjs and .wasm files, sorted. */
export function packageFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  return entries
    .filter((d) => d.isFile() && PACKAGE_FILE.test(d.name))
    .map((d) => d.name)
    .sort();
}

/** Compressed sizes of one response body, as a server would send it (each file on its own). */
export function compressedSizes(buf) {
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_LGWIN]: zlib.constants.BROTLI_MAX_WINDOW_BITS,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The pages. Each imports the package dynamically, so a failing import is reported like any other failure,
// and sets window.__done to { ok, ... } or { error }.
// ---------------------------------------------------------------------------------------------------------

/** Where expire.html leaves the token key it changed, for expired.html. */
const EXPIRED_KEY = 'page-views:expired-key';

const PAGE_STEPS = {
  'before-login.html': `if (auth.isAuthenticated()) throw new Error('isAuthenticated() before any login');
    await new Promise((r) => setTimeout(r, 500)); // ready and idle: nothing more is fetched
    return {};`,
  'login.html': 'await auth.loginWithRedirect(); return {};',
  'callback.html': `const r = await auth.handleRedirectCallback();
    if (r?.type !== 'tokens') throw new Error('handleRedirectCallback() gave ' + JSON.stringify(r?.type));
    return {};`,
  'logged-in.html': `const token = await auth.getAccessToken();
    if (typeof token !== 'string' || !token) throw new Error('getAccessToken() gave no token');
    return {};`,
  'expired.html': `const before = JSON.parse(localStorage.getItem(localStorage.getItem('${EXPIRED_KEY}')));
    const token = await auth.getAccessToken();
    if (typeof token !== 'string' || !token || token === before.accessToken)
      throw new Error('getAccessToken() did not refresh the expired token');
    return {};`,
};

/** Makes the stored access token expire (no package loaded): the next page must refresh it. */
const EXPIRE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>expire the stored token</title></head><body>
<script type="module">
const key = Object.keys(localStorage).find((k) => k.startsWith('nylas-pkce:tokens:'));
if (key) {
  const record = JSON.parse(localStorage.getItem(key));
  localStorage.setItem(key, JSON.stringify({ ...record, expiresAt: Date.now() - 60_000 }));
  localStorage.setItem('${EXPIRED_KEY}', key);
  window.__done = { ok: true };
} else window.__done = { error: 'no stored token set to expire' };
</script>
</body></html>
`;

function pageHtml(steps, options) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nylas-pkce page view</title></head><body>
<script type="module">
const done = (r) => { window.__done = r; };
try {
  const { NylasAuth } = await import('${MOUNT}index.js');
  const auth = new NylasAuth(${JSON.stringify(options)});
  done({ ok: true, ...(await (async () => { ${steps} })()) });
} catch (e) {
  done({ error: [e?.name, e?.code, e?.message].filter(Boolean).join(': ') || String(e) });
}
</script>
</body></html>
`;
}

// ---------------------------------------------------------------------------------------------------------
// Recording one page
// ---------------------------------------------------------------------------------------------------------

/**
 * Records which package files `page` fetches from the mount (from now on, across its navigations) and what
 * goes wrong in it. The bytes are those of the site's copy (`pkgRoot`): response bodies of a page that has
 * navigated away are gone, and the Content-Length check ties each response to that copy.
 */
function record(page, { url: origin, pkgRoot }) {
  const rec = { files: new Map(), problems: [] };
  page.on('pageerror', (e) => rec.problems.push(`uncaught: ${e.message}`));
  const fromMount = (r) => {
    const url = new URL(r.url());
    return url.origin === origin && url.pathname.startsWith(MOUNT) ? url.pathname.slice(MOUNT.length) : null;
  };
  page.on('requestfailed', (r) => {
    // A request that a navigation cancels (net::ERR_ABORTED) is no failure of the package.
    const reason = r.failure()?.errorText;
    if (fromMount(r) !== null && reason !== 'net::ERR_ABORTED') rec.problems.push(`${r.url()} failed (${reason})`);
  });
  page.on('response', (r) => {
    const name = fromMount(r);
    if (name === null) return;
    if (r.status() >= 400) {
      rec.problems.push(`HTTP ${r.status()} for ${MOUNT}${name}`);
      return;
    }
    if (!PACKAGE_FILE.test(name)) return;
    const body = fs.readFileSync(path.join(pkgRoot, name));
    const length = Number(r.headers()['content-length']);
    if (length !== body.length) rec.problems.push(`${MOUNT}${name}: ${length} bytes sent, ${body.length} served`);
    rec.files.set(name, body);
  });
  return rec;
}

/** The page view's result: sizes of the distinct files fetched (by name), or its first problem. */
function summarize({ rec, error }) {
  const names = [...rec.files.keys()].sort();
  const problems = [error, ...rec.problems].filter(Boolean);
  if (problems.length) return { error: problems.slice(0, 2).join('; '), files: names };
  const total = { bytes: 0, raw: 0, brotli: 0, files: names };
  for (const body of rec.files.values()) {
    const s = compressedSizes(body);
    total.bytes += s.gzip;
    total.raw += s.raw;
    total.brotli += s.brotli;
  }
  return total;
}

/**
 * Waits until the page at `pathname` has set window.__done; returns it. Polls rather than waitForFunction,
 * which a navigation (the login leaving for the mock) would break; a page that reports before reaching
 * `pathname` (an error on the start page) ends the wait too.
 */
async function waitDone(page, pathname, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = await page.evaluate(() => window.__done ?? null).catch(() => null); // null mid-navigation
    if (done?.error) return done;
    if (done && new URL(page.url()).pathname === pathname) return done;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { error: `timed out after ${timeoutMs} ms waiting for ${pathname} (the page is at ${page.url()})` };
}

/**
 * Opens `pathname` in a new page of `context` and waits for `donePath` (the same page, or where the page
 * navigates to) to report; returns what the page fetched on the way and the error, if any.
 */
async function view(context, site, pathname, donePath, timeoutMs) {
  const page = await context.newPage();
  const rec = record(page, site);
  try {
    await page.goto(`${site.url}/${pathname}`);
    const done = await waitDone(page, `/${donePath}`, timeoutMs);
    return { rec, error: done.error };
  } catch (e) {
    return { rec, error: e.message.split('\n')[0] };
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------------------

export async function measurePageViews({ pkgDir, mockUrl, chromiumPath = CHROMIUM_PATH, browser, timeoutMs = 30_000 }) {
  if (!pkgDir || !fs.existsSync(path.join(pkgDir, 'index.js'))) throw new Error(`no index.js in pkgDir ${pkgDir}`);
  const own = {}; // what is started here, and stopped at the end
  try {
    if (mockUrl) await setAutoApprove(mockUrl);
    else own.mock = await startMockServer({ port: 0, autoApprove: true, publicRefresh: true });
    own.site = await startSite(pkgDir, `${mockUrl ?? own.mock.url}/v3`);
    if (!browser) {
      own.browser = await launchChromium({ executablePath: chromiumPath });
    }
    return await measure(browser ?? own.browser, own.site, timeoutMs);
  } finally {
    await own.browser?.close();
    await own.site?.close();
    await own.mock?.close();
  }
}

/**
 * The page views, each in a fresh browser context but the logged-in and the expired pages, which follow the
 * login.
 */
async function measure(browser, site, timeoutMs) {
  const inContext = async (steps) => {
    const context = await browser.newContext();
    const open = (page, donePage = page) => view(context, site, page, donePage, timeoutMs).then(summarize);
    try {
      return await steps(open);
    } finally {
      await context.close();
    }
  };
  const beforeLogin = await inContext((open) => open('before-login.html'));
  // One context: the login leaves its tokens in localStorage for the logged-in page.
  return inContext(async (open) => {
    const wholeLogin = await open('login.html', 'callback.html');
    const noLogin = { error: `no login to start from (${wholeLogin.error})`, files: [] };
    const loggedIn = wholeLogin.error ? noLogin : await open('logged-in.html');
    let expired = noLogin;
    if (!wholeLogin.error) {
      const expire = await open('expire.html');
      expired = expire.error
        ? { error: `cannot expire the token (${expire.error})`, files: [] }
        : await open('expired.html');
    }
    return { beforeLogin, loggedIn, expired, wholeLogin };
  });
}

/**
 * Serves a temporary root: the pages, and pkgDir's package files under pkg/. The pages need the site's own
 * URL (redirectUri), known once it listens: it starts on the empty root, which is filled in then.
 * `{ url, pkgRoot, close() }`; close() removes the root.
 */
async function startSite(pkgDir, api) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-page-views-'));
  let server;
  try {
    server = await startStaticServer({ root, port: 0 });
    const options = {
      clientId: 'demo-client',
      redirectUri: `${server.url}/callback.html`,
      apiBase: api,
      tokenStorage: 'local',
      publicRefresh: true,
      accessType: 'offline', // a refresh token, for the expired page view
    };
    fillRoot(root, pkgDir, options);
  } catch (e) {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const close = async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  };
  return { url: server.url, pkgRoot: path.join(root, 'pkg'), close };
}

/** The site: the pages (written for `options`), and pkgDir's package files under pkg/. */
function fillRoot(root, pkgDir, options) {
  const pkg = path.join(root, 'pkg');
  fs.mkdirSync(pkg);
  for (const name of packageFiles(pkgDir)) fs.copyFileSync(path.join(pkgDir, name), path.join(pkg, name));
  for (const [name, steps] of Object.entries(PAGE_STEPS))
    fs.writeFileSync(path.join(root, name), pageHtml(steps, options));
  fs.writeFileSync(path.join(root, 'expire.html'), EXPIRE_HTML);
}

async function setAutoApprove(mockUrl) {
  const res = await fetch(`${mockUrl}/__mock/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ autoApprove: true, publicRefresh: true }),
  });
  if (!res.ok) throw new Error(`mock ${mockUrl}: cannot switch on auto-approve (HTTP ${res.status})`);
}
