// What real providers, apps and users do to the flows, in headless Chromium against the mock Nylas:
// - popups behind Cross-Origin-Opener-Policy (Microsoft's login pages): the opener's handle reads `closed`
//   while the popup is still open, and the callback page has no opener;
// - a popup window the app opened itself in the click;
// - logout while a code exchange or a refresh is in flight, concurrent refreshes, two tabs sharing token
//   storage.
//
// Headless pages all report focus. A real browser moves the focus to a popup it opens and gives it back to
// the opener when the popup closes; `simulateFocus` does that for the opener page, since the SDK relies on
// it to tell a popup cut off by COOP from one the user closed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  configureMock,
  demoUrl,
  mockStats,
  mockUrls,
  newContext,
  pageWithPackage,
  ROOT,
  readError,
  simulateFocus,
  suiteEnv,
  WAIT_MS,
  waitReady,
} from './harness.mjs';

const T = { timeout: 90_000 };
const env = suiteEnv();

/** The demo in a fresh context with focus simulated, ready. */
async function demoWithFocus(t) {
  const context = await newContext(env);
  t.after(() => context.close());
  const page = await context.newPage();
  await simulateFocus(context, page);
  await page.goto(demoUrl(env));
  await waitReady(page);
  return { context, page };
}

test(
  'COOP: a user who stays 20 s at a consent page sent with Cross-Origin-Opener-Policy still logs in, with one code exchange',
  T,
  async (t) => {
    await configureMock(env, { coop: 'same-origin', consentDelayMs: 20_000 });
    const { context, page } = await demoWithFocus(t);
    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#login-popup')]);
    await popup.waitForSelector('#auto-approve', { timeout: WAIT_MS });
    // The opener is cut off: its handle reads closed while the popup shows the consent page.
    await page.waitForTimeout(2_000);
    assert.equal(await page.getAttribute('#status', 'data-state'), 'busy', 'no popup_closed while the popup is open');
    await page.waitForSelector('#status[data-state="signed-in"]', { timeout: 45_000 });
    assert.equal((await mockStats(env)).requests.token, 1, 'exactly one code exchange');
    await popup.waitForEvent('close', { timeout: WAIT_MS }).catch(() => {});
    assert.ok(popup.isClosed(), 'the callback page closes itself though it has no opener');
  },
);

test('COOP: a popup the user closes is popup_closed once the app has the focus again', T, async (t) => {
  await configureMock(env, { coop: 'same-origin', consentDelayMs: 600_000 });
  const { context, page } = await demoWithFocus(t);
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#login-popup')]);
  await popup.waitForSelector('#auto-approve', { timeout: WAIT_MS });
  await page.waitForTimeout(1_500);
  assert.equal(await page.getAttribute('#status', 'data-state'), 'busy');
  const closedAt = Date.now();
  await popup.close();
  const err = await readError(page);
  assert.equal(err.code, 'popup_closed');
  assert.ok(Date.now() - closedAt < 5_000, 'reported promptly');
  assert.equal((await mockStats(env)).requests.token, 0);
});

test('without COOP, a popup the user closes is still popup_closed', T, async (t) => {
  const { context, page } = await demoWithFocus(t);
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#login-popup')]);
  await popup.waitForLoadState();
  await popup.close();
  assert.equal((await readError(page)).code, 'popup_closed');
});

test('a popup window the app opened in the click and handed over after an await completes the login', T, async (t) => {
  const { page, context, run } = await pageWithPackage(env, t);
  await configureMock(env, { autoApprove: true });
  await run(({ api }) => {
    const button = document.createElement('button');
    button.id = 'own-window';
    document.body.append(button);
    button.addEventListener('click', () => {
      // The app opens the window inside the click, then awaits something before it knows it will log in.
      const win = window.open('', '_blank', 'popup,width=500,height=600');
      window.__result = (async () => {
        const { NylasAuth, code } = await window.__pkg();
        await new Promise((r) => setTimeout(r, 300));
        const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: location.href.split('?')[0], apiBase: api });
        return code(auth.loginWithPopup({ window: win }));
      })();
    });
  }, mockUrls(env));
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#own-window')]);
  assert.deepEqual(await page.evaluate(() => window.__result), { ok: 'tokens' });
  assert.ok(popup.isClosed() || (await popup.waitForEvent('close').then(() => true)), 'the SDK closed the window');
  const refused = await run(async ({ api }) => {
    const { NylasAuth, code } = await window.__pkg();
    const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: location.href.split('?')[0], apiBase: api });
    return code(auth.loginWithPopup({ window: 'not a window' }));
  }, mockUrls(env));
  assert.deepEqual(refused, { code: 'invalid_option', field: 'window', name: 'NylasPkceError' });
});

test('logout while the code is being exchanged: the answer stores nothing (session_ended)', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  await configureMock(env, { autoApprove: true, faults: { token: 'slow', slowMs: 1_500 } });
  const out = await run(async ({ api, echo }) => {
    const { NylasAuth, follow, code } = await window.__pkg();
    const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: echo, apiBase: api, tokenStorage: 'local' });
    const pending = code(auth.handleRedirectCallback(await follow(auth)));
    await new Promise((r) => setTimeout(r, 300));
    await auth.logout().catch(() => {});
    const result = await pending;
    await new Promise((r) => setTimeout(r, 100));
    return {
      result,
      tokens: auth.getTokenSet(),
      stored: Object.keys(localStorage).filter((k) => k.includes('tokens')),
    };
  }, mockUrls(env));
  assert.equal(out.result.code, 'session_ended');
  assert.equal(out.tokens, null);
  assert.deepEqual(out.stored, []);
});

/** Logs in (tokens in localStorage) and makes the access token expire, so the next use refreshes. */
async function loggedInExpired(run, extra = {}) {
  return run(
    async ({ api, echo, extra }) => {
      const { NylasAuth, follow } = await window.__pkg();
      const options = {
        clientId: 'demo-client',
        redirectUri: echo,
        apiBase: api,
        tokenStorage: 'local',
        publicRefresh: true,
        accessType: 'offline', // a refresh token
        ...extra,
      };
      const auth = new NylasAuth(options);
      await auth.handleRedirectCallback(await follow(auth));
      const key = Object.keys(localStorage).find((k) => k.startsWith('nylas-pkce:tokens:'));
      const record = JSON.parse(localStorage.getItem(key));
      localStorage.setItem(key, JSON.stringify({ ...record, expiresAt: Date.now() - 1000 }));
      window.__options = options;
      return key;
    },
    { ...mockUrls(env), extra },
  );
}

test('logout while a refresh is in flight: the refreshed tokens are not stored', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  await configureMock(env, { autoApprove: true, publicRefresh: true });
  const key = await loggedInExpired(run);
  // The revocation fails at the server, so the refresh answers with new tokens after the logout: the SDK
  // alone must drop them.
  await configureMock(env, { faults: { token: 'slow', slowMs: 1_500, revoke: '500' } });
  const out = await run(async (key) => {
    const { NylasAuth, code } = await window.__pkg();
    const auth = new NylasAuth(window.__options);
    const pending = code(auth.getAccessToken());
    await new Promise((r) => setTimeout(r, 300));
    await auth.logout().catch(() => {});
    const result = await pending;
    return { result, tokens: auth.getTokenSet(), stored: localStorage.getItem(key) };
  }, key);
  assert.equal(out.result.code, 'session_ended');
  assert.equal(out.tokens, null);
  assert.equal(out.stored, null);
});

test('concurrent getAccessToken() calls that need a refresh send one refresh request', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  await configureMock(env, { autoApprove: true, publicRefresh: true });
  await loggedInExpired(run);
  const before = (await mockStats(env)).requests.token;
  await configureMock(env, { faults: { token: 'slow', slowMs: 500 } });
  const tokens = await run(async () => {
    const { NylasAuth } = await window.__pkg();
    const a = new NylasAuth(window.__options);
    const b = new NylasAuth(window.__options); // another client of the same tab and storage: the lock serialises
    return Promise.all([a.getAccessToken(), a.getAccessToken(), a.getAccessToken(), b.getAccessToken()]);
  });
  assert.equal(new Set(tokens).size, 1, 'every caller gets the same new token');
  assert.equal((await mockStats(env)).requests.token - before, 1, 'one refresh request');
});

test('two tabs sharing token storage: a login and a logout in tab A reach tab B, with events', T, async (t) => {
  const context = await newContext(env);
  t.after(() => context.close());
  await configureMock(env, { autoApprove: true });
  const init = () => {
    window.__pkg = async () => import(new URL('./pkg/index.js', location.href).href);
  };
  await context.addInitScript(init);
  const [a, b] = [await context.newPage(), await context.newPage()];
  for (const p of [a, b]) {
    await p.goto(demoUrl(env));
    await waitReady(p);
  }
  const options = {
    clientId: 'demo-client',
    redirectUri: mockUrls(env).echo,
    apiBase: mockUrls(env).api,
    tokenStorage: 'local',
  };
  await b.evaluate(async (options) => {
    const { NylasAuth } = await window.__pkg();
    window.__b = new NylasAuth(options);
    window.__events = [];
    for (const e of ['tokens', 'logout']) window.__b.on(e, () => window.__events.push(e));
  }, options);
  await a.evaluate(async (options) => {
    const { NylasAuth } = await window.__pkg();
    window.__a = new NylasAuth(options);
    const url = (await fetch(await window.__a.authorizationUrl())).url;
    await window.__a.handleRedirectCallback(url);
  }, options);
  await b.waitForFunction(() => window.__events.includes('tokens'), null, { timeout: WAIT_MS });
  assert.equal(await b.evaluate(() => window.__b.isAuthenticated()), true, 'tab B is logged in');
  assert.equal(
    await b.evaluate(() => window.__b.getAccessToken()),
    await a.evaluate(() => window.__a.getAccessToken()),
    'with tab A token',
  );
  await a.evaluate(() => window.__a.logout());
  await b.waitForFunction(() => window.__events.includes('logout'), null, { timeout: WAIT_MS });
  assert.equal(await b.evaluate(() => window.__b.isAuthenticated()), false, 'tab B is logged out');
});

test('callbacks are de-duplicated per client: two clients handling one URL do not share a result', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  await configureMock(env, { autoApprove: true });
  const out = await run(async ({ api, echo }) => {
    const { NylasAuth, follow, code } = await window.__pkg();
    const mine = new NylasAuth({ clientId: 'demo-client', redirectUri: echo, apiBase: api, storage: 'memory' });
    const other = new NylasAuth({ clientId: 'other-client', redirectUri: echo, apiBase: api, storage: 'memory' });
    const url = await follow(mine);
    return Promise.all([code(mine.handleRedirectCallback(url)), code(other.handleRedirectCallback(url))]);
  }, mockUrls(env));
  assert.deepEqual(out[0], { ok: 'tokens' });
  assert.equal(out[1].code, 'no_transaction', "the other client's own answer, not the first client's tokens");
});

test('every option is checked by type and value, naming it, in a browser too', T, async (t) => {
  fs.copyFileSync(path.join(ROOT, 'tests/support/option-cases.mjs'), path.join(env.root, 'option-cases.js'));
  const { run } = await pageWithPackage(env, t);
  const wrong = await run(async () => {
    const pkg = await window.__pkg();
    const cases = await import(new URL('./option-cases.js', location.href).href);
    return [...cases.runCases(pkg), ...(await cases.runAsyncCases(pkg))];
  });
  assert.deepEqual(wrong, []);
});

test(
  'a crafted link with a popup-looking state, opened in a tab of its own, is refused, not forwarded',
  T,
  async (t) => {
    const context = await newContext(env);
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(demoUrl(env, { code: 'x', state: `popup.${'a'.repeat(30)}` }));
    assert.equal((await readError(page)).code, 'no_transaction');
    assert.ok(!page.isClosed(), 'the page did not close itself');
  },
);
