// The demo and the package in Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver under Xvfb), through
// W3C WebDriver, against the mock Nylas: a redirect login; a popup login opened inside the click, a blocked
// popup and a closed one; a replayed callback; two tabs; a token-endpoint fault. (Chromium runs the same
// and more through Playwright in tests/e2e/.) Run: bash scripts/build.sh && node --test tests/engines/

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { makeSiteRoot } from '../e2e/harness.mjs';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { ENGINES, startSession, startXvfb, WAIT_MS } from './webdriver.mjs';

const T = { timeout: 120_000 };
let mock;
let site;
let root;
let xvfb;

before(async () => {
  root = makeSiteRoot();
  mock = await startMockServer({ port: 0 });
  site = await startStaticServer({ root, port: 0 });
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
    `${engine.name}: redirect, popup (in the click, blocked, closed), replay, two tabs, token fault`,
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
        const until = Date.now() + WAIT_MS;
        while ((await s.handles()).length > 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 150));
        assert.deepEqual(await s.handles(), [opener], 'the popup closed itself');
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
        const until = Date.now() + WAIT_MS;
        let popup;
        while (!popup && Date.now() < until) {
          popup = (await s.handles()).find((h) => h !== opener);
          if (!popup) await new Promise((r) => setTimeout(r, 150));
        }
        assert.ok(popup, 'a popup opened');
        await s.switchTo(popup);
        await s.closeWindow();
        await s.switchTo(opener);
        assert.equal(await s.waitFor('popup_closed', errorCode), 'popup_closed');
        assert.equal((await control('/__mock/stats')).requests.token, 0);
      });

      await t.test('replayed callback', async () => {
        await control('/__mock/reset', {});
        await control('/__mock/config', { autoApprove: true });
        await openDemo(s);
        const out = await s.run(
          async (api, echo) => {
            const { NylasAuth } = await import(new URL('./pkg/index.js', location.href).href);
            const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: echo, apiBase: api, storage: 'memory' });
            const callback = (await fetch(auth.authorizationUrl())).url;
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
              window.__callback = (await fetch(window.__auth.authorizationUrl())).url;
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
