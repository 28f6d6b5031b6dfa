// Every popup login completes, in headless Chromium against the mock Nylas, with a callback page that does
// only what the README says: `new NylasAuth(options).handleRedirectCallback()`. The entry loads no
// protocol, so a popup opens blank inside the click and goes to the authorization URL once the protocol
// has built it; the popup's sessionStorage is a copy made before the login existed, so the callback page
// knows it is a popup from the login's marker in localStorage (or its opener), not from its own storage.
//
// Each case runs without and with Cross-Origin-Opener-Policy at the consent page (Microsoft's pages): an
// SDK popup, a window the app opened itself (`{ window }`), and a second click that reuses the popup (behind
// COOP the opener can no longer reach it, so a new window opens, the old login is cancelled, and the old
// window closes itself when its callback arrives). One token request each, and the popup closes.
//
// Headless pages all report focus; `simulateFocus` moves it as a real browser does (the SDK relies on it
// to tell a popup cut off by COOP from one the user closed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APP, CALLBACK, writePopupPages } from '../support/popup-pages.mjs';
import { configureMock, decide, mockStats, newContext, simulateFocus, suiteEnv, WAIT_MS } from './harness.mjs';

const T = { timeout: 90_000 };
const env = suiteEnv();

const writePages = () => writePopupPages(env.root, env.site.url, env.mock.url);

async function app(t, query = '') {
  writePages();
  const context = await newContext(env);
  t.after(() => context.close());
  const opener = await context.newPage();
  await simulateFocus(context, opener);
  await opener.goto(`${env.site.url}/${APP}${query}`);
  await opener.waitForSelector('body[data-ready="true"]', { timeout: WAIT_MS });
  return { context, opener };
}

const results = (opener, n) =>
  opener
    .waitForFunction((k) => window.__results.length >= k && window.__results, n, { timeout: 45_000 })
    .then((h) => h.jsonValue());

const closed = (popup) =>
  popup.isClosed() ? true : popup.waitForEvent('close', { timeout: WAIT_MS }).then(() => true);

/** Whether the page loaded the protocol (engine.js) at all. */
const protocolRequests = (context) => {
  const seen = [];
  context.on('request', (r) => {
    if (/\/pkg\/engine/.test(r.url())) seen.push(new URL(r.url()).pathname.split('/').pop());
  });
  return seen;
};

for (const coop of [null, 'same-origin']) {
  const label = coop ? 'behind COOP' : 'without COOP';
  // Behind COOP the consent page is shown a moment, so that the opener's handle is cut off before the callback.
  const consent = coop ? { coop, consentDelayMs: 1_500 } : { autoApprove: true };

  test(
    `${label}: an SDK popup opened blank in the click completes, and its callback page loads no protocol`,
    T,
    async (t) => {
      await configureMock(env, { autoApprove: true, ...consent });
      const { context, opener } = await app(t);
      const fetched = protocolRequests(context);
      const [popup] = await Promise.all([context.waitForEvent('page'), opener.click('#login')]);
      const [r] = await results(opener, 1);
      assert.equal(r.ok, 'tokens');
      assert.ok(await closed(popup), 'the popup closes');
      assert.equal((await mockStats(env)).requests.token, 1, 'one code exchange');
      // The opener loaded the protocol once (module + wasm); the popup's callback page did not.
      assert.deepEqual(fetched.sort(), ['engine.js', 'engine.wasm']);
    },
  );

  test(`${label}: a window the app opened in the click and handed over (window) completes`, T, async (t) => {
    await configureMock(env, { autoApprove: true, ...consent });
    const { context, opener } = await app(t);
    const [popup] = await Promise.all([context.waitForEvent('page'), opener.click('#own')]);
    assert.equal((await results(opener, 1))[0].ok, 'tokens');
    assert.ok(await closed(popup), 'the SDK closed the window');
    assert.equal((await mockStats(env)).requests.token, 1);
  });

  test(`${label}: with the protocol preloaded, the popup opens at its URL and completes`, T, async (t) => {
    await configureMock(env, { autoApprove: true, ...consent });
    const { context, opener } = await app(t, '?preload');
    const [popup] = await Promise.all([context.waitForEvent('page'), opener.click('#login')]);
    assert.equal((await results(opener, 1))[0].ok, 'tokens');
    assert.ok(await closed(popup));
    assert.equal((await mockStats(env)).requests.token, 1);
  });

  test(`${label}: a second click while the first popup waits at the consent page`, T, async (t) => {
    // The consent page waits for a click (behind COOP it is a cut-off window by then).
    await configureMock(env, { autoApprove: false, ...(coop && { coop }) });
    const { context, opener } = await app(t);
    const [first] = await Promise.all([context.waitForEvent('page'), opener.click('#login')]);
    await first.waitForURL((u) => u.href.startsWith(`${env.mock.url}/v3/connect/auth?`), { timeout: WAIT_MS });
    await first.waitForSelector('#approve');
    if (!coop) {
      // The same window goes to the new login's URL; the first login ends as popup_closed.
      const before = first.url();
      const nav = first.waitForURL((u) => u.href.startsWith(`${env.mock.url}/v3/connect/auth?`) && u.href !== before);
      await opener.click('#login');
      assert.deepEqual(await results(opener, 1), [{ code: 'popup_closed' }]);
      await nav;
      assert.equal(context.pages().length, 2, 'no second window');
      await decide(env, first);
      assert.equal((await results(opener, 2))[1].ok, 'tokens');
      assert.ok(await closed(first));
    } else {
      // The opener cannot reach the first window any more: a new window opens, the first login is cancelled.
      const [second] = await Promise.all([context.waitForEvent('page'), opener.click('#login')]);
      assert.deepEqual(await results(opener, 1), [{ code: 'popup_closed' }]);
      // The first window's consent is given after all: its callback finds its login cancelled and closes
      // the window, with no code exchange.
      await decide(env, first);
      assert.ok(await closed(first), 'the old window closes itself');
      assert.equal((await mockStats(env)).requests.token, 0);
      await decide(env, second);
      assert.equal((await results(opener, 2))[1].ok, 'tokens');
      assert.ok(await closed(second));
    }
    assert.equal((await mockStats(env)).requests.token, 1, 'one code exchange');
  });
}

test('a crafted link with a popup-looking state closes nothing and exchanges nothing', T, async (t) => {
  writePages();
  const context = await newContext(env);
  t.after(() => context.close());
  const tab = await context.newPage();
  await tab.goto(`${env.site.url}/${CALLBACK}?code=abc&state=popup.crafted-state-123456789`);
  await tab.waitForFunction(() => document.getElementById('out').textContent !== '…', null, { timeout: WAIT_MS });
  assert.equal(await tab.textContent('#out'), 'error no_transaction');
  // With transactions in memory too (out of the page's sight, nothing in storage to prove a popup).
  const memory = await tab.evaluate(async (api) => {
    const { NylasAuth } = await import('./pkg/index.js');
    const auth = new NylasAuth({
      clientId: 'demo-client',
      redirectUri: location.href.split('?')[0],
      apiBase: api,
      storage: 'memory',
    });
    const crafted = `${location.origin}${location.pathname}?code=abc&state=popup.crafted-state-123456789`;
    return auth.handleRedirectCallback(crafted).then(
      (r) => r.type,
      (e) => e.code,
    );
  }, `${env.mock.url}/v3`);
  assert.equal(memory, 'no_transaction');
  await tab.waitForTimeout(300);
  assert.ok(!tab.isClosed());
  assert.equal((await mockStats(env)).requests.token, 0);
});
