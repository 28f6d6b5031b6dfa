// The demo and the package in Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver under Xvfb), through
// W3C WebDriver, against the mock Nylas: a redirect login; a popup login opened inside the click, a blocked
// popup and a closed one; popups behind Cross-Origin-Opener-Policy; every popup with a callback page that
// only calls handleRedirectCallback() (an SDK popup, a window the app opened, a second click), without and
// with COOP; a replayed callback; two tabs; a token-endpoint fault. (Chromium runs the same and more through Playwright in tests/e2e/.)
// Run: bash scripts/build.sh && node --test tests/engines/
//
// A popup that reaches a page sent with `Cross-Origin-Opener-Policy: same-origin` (Microsoft's login
// pages) moves to another browsing-context group. What the engines here do (Firefox ESR 153 with
// geckodriver 0.37, WebKitGTK 2.50 MiniBrowser; the COOP tests below check the first two columns on
// every run; the last column, the same popup without COOP, was seen once in both engines):
//
//                                                               Firefox ESR  WebKitGTK  no COOP
//   the opener's handle reads `closed` while the popup is open  yes          yes        no
//   the callback page has `window.opener`                       no           no         yes
//   its sessionStorage holds the opener's copy (the tx)         yes          yes        yes
//   `window.close()` in the cut-off callback page closes it     yes          yes        yes
//   the opener's `document.hasFocus()` while the popup is open  false        false      false
//
// The opener gets a `blur` when the popup opens and a `focus` event once the popup has closed itself, or
// once WebDriver has closed it and switched back to the opener.
//
// WebKitGTK implements COOP as Firefox does. Both move the focus as a real browser does, also headless
// or under Xvfb, so unlike Chromium (see `simulateFocus` in tests/e2e/real-world.test.mjs) nothing is
// simulated here (one exception: WebKitGTK leaves the focus with the opener when the app opens a window
// itself and navigates it later; see the `window` case): the tests check the focus instead, as the package
// relies on it to tell a cut-off popup from a closed one. Also seen: the cut-off popup's `window.name` is
// empty, and a WebDriver click does not reach a page in a window cut off by COOP in WebKitGTK.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeSiteRoot } from '../e2e/harness.mjs';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { APP, writePopupPages } from '../support/popup-pages.mjs';
import { ENGINES, startSession, startXvfb, WAIT_MS } from './webdriver.mjs';

const T = { timeout: 120_000 };
/** How long the user stays at the consent page in the COOP login (the Chromium suite covers 20 s). */
const CONSENT_MS = 4_000;
/** A callback page of the site's origin that does nothing: the COOP probe reads what a callback page sees. */
const PROBE = 'coop-probe.html';
let mock;
let site;
let root;
let xvfb;

before(async () => {
  root = makeSiteRoot();
  fs.writeFileSync(path.join(root, PROBE), '<!doctype html><meta charset="utf-8"><title>COOP probe</title>\n');
  mock = await startMockServer({ port: 0 });
  site = await startStaticServer({ root, port: 0 });
  writePopupPages(root, site.url, mock.url);
  xvfb = await startXvfb();
});

after(async () => {
  xvfb?.stop();
  await site?.close();
  await mock?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const control = (path, body) =>
  fetch(mock.url + path, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  }).then((r) => r.json());
const demo = () => `${site.url}/?api=${encodeURIComponent(`${mock.url}/v3`)}`;

const errorCode = () => {
  const e = document.getElementById('error');
  return e && !e.hidden && document.getElementById('error-code').textContent.trim();
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The handle of the window other than `opener`, once it has opened (bounded). */
async function popupHandle(s, opener) {
  const until = Date.now() + WAIT_MS;
  while (Date.now() < until) {
    const popup = (await s.handles()).find((h) => h !== opener);
    if (popup) return popup;
    await sleep(150);
  }
  assert.fail('no popup opened');
}

/** The window handles once only `opener` is left, or after WAIT_MS. */
async function windowsLeft(s, opener) {
  const until = Date.now() + WAIT_MS;
  while ((await s.handles()).some((h) => h !== opener) && Date.now() < until) await sleep(150);
  return s.handles();
}

/** In the page: keeps the `window` handle of the next popup it opens (the package opens it) as `__popup`. */
const keepPopupHandle = () => {
  const open = window.open;
  window.open = function (...args) {
    window.__popup = open.apply(this, args);
    return window.__popup;
  };
};

/**
 * In the opener: once its handle on the popup reads closed (the popup has reached the COOP page, which cut
 * it off), whether the opener has the focus and the demo's state.
 */
const cutOff = () =>
  window.__popup?.closed === true && {
    focused: document.hasFocus(),
    state: document.getElementById('status').dataset.state,
  };

async function openDemo(s) {
  await s.goto(demo());
  await s.waitFor(
    'the demo',
    () => document.body.dataset.ready === 'true' && document.getElementById('status').dataset.state,
  );
}

/** Runs the flows in one engine, each in the same session (fresh storage per flow where it matters). */
// NYLAS_ENGINES=firefox (or webkit) runs one engine, e.g. while working on it; the test command runs both.
const only = process.env.NYLAS_ENGINES?.split(',');
for (const key of Object.keys(ENGINES).filter((k) => !only || only.includes(k))) {
  const engine = ENGINES[key];
  test(
    `${engine.name}: redirect, popup (in the click, blocked, closed, behind COOP), replay, two tabs, token fault`,
    T,
    async (t) => {
      const s = await startSession(key, engine.display ? { DISPLAY: xvfb.display } : {});
      t.after(() => s.quit());

      await t.test('redirect login', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true });
        await openDemo(s);
        await s.click('#login-redirect');
        await s.waitFor(
          'signed in after the redirect',
          () => document.getElementById('status')?.dataset.state === 'signed-in',
        );
        const email = await s.run(() => document.getElementById('token-email').textContent);
        assert.equal(email, 'user@example.com');
        const url = new URL(await s.url());
        assert.ok(!url.searchParams.has('code') && !url.searchParams.has('state'), 'address bar cleaned');
        assert.equal((await control('/__mock/stats')).requests.token, 1);
      });

      await t.test('popup login opened inside the click', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true });
        await openDemo(s);
        const opener = await s.handle();
        await s.click('#login-popup');
        await s.waitFor(
          'signed in through the popup',
          () => document.getElementById('status')?.dataset.state === 'signed-in',
        );
        assert.deepEqual(await windowsLeft(s, opener), [opener], 'the popup closed itself');
      });

      await t.test('popup blocked', async () => {
        await control('/__mock/reset', {});
        await openDemo(s);
        await s.run(() => {
          window.open = () => null;
        });
        await s.click('#login-popup');
        assert.equal(await s.waitFor('popup_blocked', errorCode), 'popup_blocked');
        assert.equal((await control('/__mock/stats')).requests.auth, 0);
      });

      await t.test('popup closed by the user', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: false });
        await openDemo(s);
        const opener = await s.handle();
        await s.click('#login-popup');
        const popup = await popupHandle(s, opener);
        await s.switchTo(popup);
        await s.closeWindow();
        await s.switchTo(opener);
        assert.equal(await s.waitFor('popup_closed', errorCode), 'popup_closed');
        assert.equal((await control('/__mock/stats')).requests.token, 0);
      });

      await t.test('COOP popup: a few seconds at the consent page, then a login with one code exchange', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true, coop: 'same-origin', consentDelayMs: CONSENT_MS });
        await openDemo(s);
        const opener = await s.handle();
        await s.run(keepPopupHandle);
        await s.click('#login-popup');
        const popup = await popupHandle(s, opener);
        // Cut off at the consent page: the opener's handle reads closed, and the popup has the focus.
        const open = { focused: false, state: 'busy' };
        assert.deepEqual(await s.waitFor('the popup cut off by COOP', cutOff), open);
        await sleep(1_500); // three times the package's grace for a popup that reads closed
        assert.deepEqual(await s.run(cutOff), open, 'no popup_closed while the popup is open');
        assert.ok((await s.handles()).includes(popup), 'the popup is still open');
        await s.waitFor(
          'signed in through the cut-off popup',
          () => document.getElementById('status')?.dataset.state === 'signed-in',
        );
        assert.equal((await control('/__mock/stats')).requests.token, 1, 'exactly one code exchange');
        assert.deepEqual(await windowsLeft(s, opener), [opener], 'the callback page closed itself without an opener');
      });

      await t.test('COOP popup closed by the user: popup_closed once the opener has the focus again', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true, coop: 'same-origin', consentDelayMs: 600_000 });
        await openDemo(s);
        const opener = await s.handle();
        await s.run(keepPopupHandle);
        await s.click('#login-popup');
        const popup = await popupHandle(s, opener);
        assert.deepEqual(await s.waitFor('the popup cut off by COOP', cutOff), { focused: false, state: 'busy' });
        await sleep(1_000);
        assert.deepEqual(await s.run(cutOff), { focused: false, state: 'busy' }, 'still waiting');
        await s.switchTo(popup);
        await s.closeWindow();
        const closedAt = Date.now();
        await s.switchTo(opener);
        assert.equal(await s.waitFor('popup_closed', errorCode), 'popup_closed');
        assert.ok(Date.now() - closedAt < 5_000, 'reported promptly');
        assert.equal(await s.run(() => document.hasFocus()), true, 'the opener has the focus again');
        assert.equal((await control('/__mock/stats')).requests.token, 0);
      });

      await t.test("COOP popup's callback page: no opener, the opener's sessionStorage, closes itself", async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true, coop: 'same-origin' });
        await openDemo(s);
        const opener = await s.handle();
        // A popup the page opens in a click, to the mock's COOP pages, which redirect to a page that does
        // nothing, so that its state can be read before anything closes it.
        await s.run(
          async (api, redirectUri) => {
            const { NylasAuth } = await import(new URL('./pkg/index.js', location.href).href);
            const url = await new NylasAuth({ clientId: 'demo-client', redirectUri, apiBase: api }).authorizationUrl();
            const button = document.createElement('button');
            button.id = 'coop-probe';
            button.textContent = 'Open the probe';
            button.addEventListener('click', () => {
              window.__popup = window.open(url, '_blank', 'popup,width=500,height=600');
            });
            document.body.prepend(button);
          },
          `${mock.url}/v3`,
          `${site.url}/${PROBE}`,
        );
        await s.click('#coop-probe');
        const popup = await popupHandle(s, opener);
        assert.equal(await s.waitFor('the popup cut off by COOP', () => window.__popup?.closed), true);
        await s.switchTo(popup);
        const seen = await s.waitFor(
          'the probe page',
          (probe) =>
            location.pathname === `/${probe}` && {
              opener: window.opener !== null,
              transaction: Object.keys(sessionStorage).some((k) => k.startsWith('nylas-pkce:tx:')),
            },
          PROBE,
        );
        assert.deepEqual(seen, { opener: false, transaction: true }, "no opener, a copy of the opener's storage");
        await s.run(() => {
          setTimeout(() => window.close(), 50);
        });
        await s.switchTo(opener);
        assert.deepEqual(await windowsLeft(s, opener), [opener], 'window.close() closed the cut-off popup');
        // The probe's transaction stays in the opener's storage: later flows in this tab start without it.
        await s.run(() => {
          for (const k of Object.keys(sessionStorage)) if (k.startsWith('nylas-pkce:tx:')) sessionStorage.removeItem(k);
        });
      });

      // Every popup completes with a callback page that only runs handleRedirectCallback(): an SDK popup
      // (blank in the click, then the URL), a window the app opened, and a second click reusing the popup;
      // without and with COOP at the consent page.
      const results = (n) =>
        s.waitFor(`${n} popup result(s)`, (k) => window.__results?.length >= k && window.__results, n);
      const openApp = async () => {
        await s.goto(`${site.url}/${APP}`);
        await s.waitFor('the app page', () => document.body.dataset.ready === 'true');
        return s.handle();
      };
      for (const coop of [null, 'same-origin']) {
        const label = coop ? 'behind COOP' : 'without COOP';
        const consent = coop ? { coop, consentDelayMs: 1_500 } : {};
        for (const button of ['#login', '#own']) {
          const what = button === '#login' ? 'an SDK popup' : 'a window the app opened (window)';
          await t.test(`${label}: ${what} completes with a handleRedirectCallback-only page`, async () => {
            await control('/__mock/reset', {});
            await control('/__mock/config', { autoApprove: true, ...consent });
            const opener = await openApp();
            // WebKitGTK (under Xvfb, with no window manager) leaves the focus with the opener when the app
            // opens a window itself and a script navigates it later; a browser moves it to the popup, as
            // WebKitGTK does for the SDK's own popup. Simulated here, as the Chromium suite does throughout.
            if (key === 'webkit' && button === '#own') {
              await s.run(() => {
                Document.prototype.hasFocus = () => false;
              });
            }
            await s.click(button);
            assert.deepEqual(
              (await results(1)).map((r) => r.ok ?? r.code),
              ['tokens'],
            );
            assert.deepEqual(await windowsLeft(s, opener), [opener], 'the popup closed');
            assert.equal((await control('/__mock/stats')).requests.token, 1);
          });
        }
        await t.test(`${label}: a second click while the first popup waits at the consent page`, async () => {
          await control('/__mock/reset', {});
          // Without COOP the consent page waits for a click; behind COOP each consent page approves itself
          // 5 s after it loads (a WebDriver click does not reach a window cut off by COOP in WebKitGTK).
          await control(
            '/__mock/config',
            coop ? { autoApprove: true, coop, consentDelayMs: 5_000 } : { autoApprove: false },
          );
          const opener = await openApp();
          await s.click('#login');
          const first = await popupHandle(s, opener);
          if (!coop) {
            await s.switchTo(first);
            await s.waitFor('the consent page', () => !!document.getElementById('approve'));
            const before = await s.url();
            await s.switchTo(opener);
            await s.click('#login');
            assert.deepEqual(await results(1), [{ code: 'popup_closed' }], 'the first login ends');
            // The same window goes to the second login's URL.
            assert.equal((await s.handles()).length, 2, 'no second window');
            await s.switchTo(first);
            await s.waitFor(
              'the new login',
              (b) => location.href !== b && !!document.getElementById('approve'),
              before,
            );
            await s.click('#approve');
            await s.switchTo(opener);
          } else {
            // Cut off, the first window cannot be reused: a new one opens, and the first login ends. Its
            // consent given after all, the first window's callback finds its login cancelled and closes
            // itself, with no code exchange; then the second window's login completes.
            await sleep(1_500); // at the consent page by then: cut off
            await s.click('#login');
            assert.deepEqual(await results(1), [{ code: 'popup_closed' }], 'the first login ends');
            const until = Date.now() + WAIT_MS;
            let second;
            while (!second && Date.now() < until) {
              second = (await s.handles()).find((h) => h !== opener && h !== first);
              if (!second) await sleep(150);
            }
            assert.ok(second, 'a second window opened');
            const gone = Date.now() + WAIT_MS;
            while ((await s.handles()).includes(first) && Date.now() < gone) await sleep(150);
            assert.ok(!(await s.handles()).includes(first), 'the old window closed itself');
          }
          assert.deepEqual(
            (await results(2)).map((r) => r.ok ?? r.code),
            ['popup_closed', 'tokens'],
          );
          assert.deepEqual(await windowsLeft(s, opener), [opener], 'no window left open');
          assert.equal((await control('/__mock/stats')).requests.token, 1, 'one code exchange');
        });
      }

      await t.test('replayed callback', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true });
        await openDemo(s);
        const out = await s.run(
          async (api, echo) => {
            const { NylasAuth } = await import(new URL('./pkg/index.js', location.href).href);
            const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: echo, apiBase: api, storage: 'memory' });
            const callback = (await fetch(await auth.authorizationUrl())).url;
            const first = await auth.handleRedirectCallback(callback);
            const second = await auth.handleRedirectCallback(callback).then(
              () => 'completed',
              (e) => e.code,
            );
            return { first: first.type, second };
          },
          `${mock.url}/v3`,
          `${mock.url}/callback-echo`,
        );
        assert.deepEqual(out, { first: 'tokens', second: 'no_transaction' });
        assert.equal((await control('/__mock/stats')).requests.token, 1);
      });

      await t.test('two tabs, each with its own pending login', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true });
        const start = async () => {
          await openDemo(s);
          return s.run(
            async (api, echo) => {
              const { NylasAuth } = await import(new URL('./pkg/index.js', location.href).href);
              window.__auth = new NylasAuth({ clientId: 'demo-client', redirectUri: echo, apiBase: api });
              window.__callback = (await fetch(await window.__auth.authorizationUrl())).url;
              return Object.keys(sessionStorage).filter((k) => k.startsWith('nylas-pkce:tx:')).length;
            },
            `${mock.url}/v3`,
            `${mock.url}/callback-echo`,
          );
        };
        const finish = () => s.run(async () => (await window.__auth.handleRedirectCallback(window.__callback)).type);
        const a = await s.handle();
        assert.equal(await start(), 1);
        const b = await s.newTab();
        await s.switchTo(b);
        assert.equal(await start(), 1, 'tab B sees only its own pending login');
        assert.equal(await finish(), 'tokens', 'B completes first');
        await s.closeWindow();
        await s.switchTo(a);
        assert.equal(await finish(), 'tokens', 'then A');
        assert.equal((await control('/__mock/stats')).requests.token, 2);
      });

      await t.test('token endpoint fault', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true, faults: { token: '500' } });
        await openDemo(s);
        await s.click('#login-redirect');
        assert.equal(await s.waitFor('server_error', errorCode), 'server_error');
        await control('/__mock/config', { faults: { token: null } });
      });
    },
  );
}
