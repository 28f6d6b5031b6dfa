// End-to-end: the framework examples (examples/leptos-app over adapters/leptos, examples/dioxus-app over
// adapters/dioxus) in headless Chromium against the mock Nylas. Both apps show the same page (same ids,
// `<body data-state>`), so every test runs against each. This suite builds nothing: run
// `bash scripts/build-framework-examples.sh` first, then `node --test tests/frameworks/`.
// FRAMEWORK_APPS=leptos-app (comma-separated) limits the run to some of the apps.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { configureMock, mockStats, newContext, ROOT, resetMock, WAIT_MS } from '../e2e/harness.mjs';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { launchChromium } from '../support/chromium.mjs';

const ALL_APPS = ['leptos-app', 'dioxus-app'];
const APPS = process.env.FRAMEWORK_APPS ? process.env.FRAMEWORK_APPS.split(',') : ALL_APPS;
/** Every test gets this long at most; each wait inside is bounded by WAIT_MS (15 s). */
const T = { timeout: 60_000 };
/** What an authorization response may leave in the address bar. */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'iss'];

/** The mock and Chromium, shared by the apps' suites. */
const shared = {};

before(async () => {
  shared.mock = await startMockServer({ port: 0 });
  shared.browser = await launchChromium();
});

after(async () => {
  await shared.browser?.close().catch(() => {});
  await shared.mock?.close().catch(() => {});
});

for (const app of APPS) {
  describe(app, () => {
    const dir = path.join(ROOT, 'examples', app);
    const crate = app.replaceAll('-', '_');
    /** `{ mock, site, browser }`, the shape harness.mjs's helpers take. */
    const env = {};

    before(async () => {
      const built = [`${crate}.js`, `${crate}_bg.wasm`];
      const missing = built.filter((f) => !fs.existsSync(path.join(dir, 'pkg', f)));
      if (missing.length) {
        throw new Error(
          `examples/${app}/pkg is not built (${missing.join(', ')} missing): ` +
            'run `bash scripts/build-framework-examples.sh` first',
        );
      }
      env.mock = shared.mock;
      env.browser = shared.browser;
      env.site = await startStaticServer({ root: dir, port: 0 });
    });

    after(async () => {
      await env.site?.close().catch(() => {});
    });

    beforeEach(async () => {
      await resetMock(env);
    });

    /** The app pointed at the mock, plus more query parameters. */
    const appUrl = (params = {}) => `${env.site.url}/?${new URLSearchParams({ api: `${env.mock.url}/v3`, ...params })}`;

    /** A new tab in a fresh browser context (own storage), closed when the test ends. */
    async function newPage(t) {
      const context = await newContext(env);
      t.after(() => context.close());
      const page = await context.newPage();
      return { context, page };
    }

    const waitState = (page, state) => page.waitForSelector(`body[data-state="${state}"]`, { timeout: WAIT_MS });
    const text = async (page, selector) => (await page.textContent(selector)).trim();

    function assertCleanAddressBar(page) {
      const u = new URL(page.url());
      for (const p of CALLBACK_PARAMS) {
        assert.ok(!u.searchParams.has(p), `"${p}" is still in the address bar: ${u.search}`);
      }
      assert.equal(`${u.origin}${u.pathname}`, `${env.site.url}/`);
    }

    test('redirect login: one token request for two providers, access_token() on the API, logout', T, async (t) => {
      await configureMock(env, { autoApprove: true }); // no consent page: the mock redirects straight back
      const { context, page } = await newPage(t);
      await page.goto(appUrl());
      await waitState(page, 'signed-out');
      assert.equal(await text(page, '#status-text'), 'Not connected');

      const authRequest = page.waitForRequest((r) => r.url().startsWith(`${env.mock.url}/v3/connect/auth?`));
      const callbackRequest = page.waitForRequest(
        (r) =>
          r.isNavigationRequest() &&
          r.url().startsWith(`${env.site.url}/?`) &&
          new URL(r.url()).searchParams.has('code'),
      );
      await page.click('#connect');
      const auth = new URL((await authRequest).url()).searchParams;
      assert.equal(auth.get('client_id'), 'demo-client');
      assert.equal(auth.get('redirect_uri'), `${env.site.url}/`, 'the redirect URI is the page without its query');
      assert.equal(auth.get('provider'), 'google', "the provider's options reached the request");
      assert.equal(auth.get('code_challenge_method'), 'S256');
      const callback = new URL((await callbackRequest).url()).searchParams;

      await waitState(page, 'signed-in');
      assert.equal(await text(page, '#email'), 'user@example.com');
      // The second root (Leptos) or second provider (Dioxus) shows the same login.
      await page.waitForSelector('#status-text:has-text("Connected: user@example.com")', { timeout: WAIT_MS });
      assertCleanAddressBar(page);
      const html = await page.content();
      for (const k of ['code', 'state'])
        assert.ok(!html.includes(callback.get(k)), `the callback's ${k} is in the DOM`);

      let stats = await mockStats(env);
      assert.equal(stats.requests.token, 1, 'exactly one token request, though two providers saw the callback');
      assert.equal(stats.tokenRequests[0].grantType, 'authorization_code');
      assert.ok(stats.tokenRequests[0].fields.includes('code_verifier'), 'the exchange carries the PKCE verifier');
      assert.equal(stats.clientSecretSeen, false, 'no client secret reached the token endpoint');

      // access_token() gives the token the app sends to the API.
      await page.click('#call-api');
      await page.waitForSelector('#api-email', { timeout: WAIT_MS });
      assert.equal(await text(page, '#api-email'), 'user@example.com', 'GET /v3/grants/me answered for the grant');
      stats = await mockStats(env);
      assert.equal(stats.requests.grants, 1);
      assert.equal(stats.requests.token, 1, 'a valid token is not refreshed');

      // Tokens are in sessionStorage (Persist::Session): a reload stays signed in without another exchange.
      await page.reload();
      await waitState(page, 'signed-in');
      assert.equal(await text(page, '#email'), 'user@example.com');
      assert.equal((await mockStats(env)).requests.token, 1);

      await page.click('#logout');
      await waitState(page, 'signed-out');
      assert.equal(await text(page, '#status-text'), 'Not connected');
      assert.equal((await mockStats(env)).requests.revoke, 1, 'logout revoked the token at the server');
      await page.reload();
      await waitState(page, 'signed-out'); // and forgot it locally

      assert.deepEqual(context.pageErrors, [], 'uncaught errors in the page');
      for (const line of context.consoleText) {
        for (const k of ['code', 'state']) assert.ok(!line.includes(callback.get(k)), `the ${k} was logged`);
      }
    });

    test('a denied consent is shown as an error, with no token request; Connect tries again', T, async (t) => {
      const { context, page } = await newPage(t);
      await page.goto(appUrl());
      await waitState(page, 'signed-out');
      await page.click('#connect');
      await page.waitForURL((u) => u.href.startsWith(`${env.mock.url}/v3/connect/auth?`), { timeout: WAIT_MS });
      await page.click('#deny');

      await waitState(page, 'error');
      assert.equal(await text(page, '.error-code'), 'authorization_error');
      assert.match(await page.textContent('.error'), /denied/i);
      assertCleanAddressBar(page);
      assert.equal((await mockStats(env)).requests.token, 0, 'no code, no exchange');
      assert.equal(await text(page, '#status-text'), 'Not connected');
      assert.ok(await page.isVisible('#connect'), 'a way to try again');
      assert.deepEqual(context.pageErrors, [], 'uncaught errors in the page');
    });

    test('a tampered callback is refused and exchanges nothing', T, async (t) => {
      const { page } = await newPage(t);
      await page.goto(appUrl({ code: 'x', state: 'tampered' }));
      await waitState(page, 'error');
      assert.equal(await text(page, '.error-code'), 'no_transaction');
      assertCleanAddressBar(page);
      assert.equal((await mockStats(env)).requests.token, 0);
    });

    test('an ?api= link may only name a server on this machine', T, async (t) => {
      const { page } = await newPage(t);
      await page.goto(appUrl({ api: 'https://attacker.example/v3' }));
      await waitState(page, 'error');
      assert.equal(await text(page, '.error-code'), 'invalid_api_link');
      assert.equal(await page.$('#connect'), null, 'no way to log in against that server');
    });
  });
}
