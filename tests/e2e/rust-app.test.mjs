// End-to-end: the Rust web app example (examples/rust-web-app: nylas-pkce's browser client, built with plain
// wasm-bindgen) in headless Chromium against the mock Nylas, consent auto-approved. This suite builds nothing:
// run `bash scripts/build-rust-example.sh` first, then `node --test tests/e2e/rust-app.test.mjs`.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';
import { launchChromium } from '../support/chromium.mjs';
import { configureMock, mockStats, newContext, ROOT, resetMock, WAIT_MS } from './harness.mjs';

const APP = path.join(ROOT, 'examples', 'rust-web-app');
const BUILT = ['rust_web_app.js', 'rust_web_app_bg.wasm'];
/** Every test gets this long at most; each wait inside is bounded by WAIT_MS (15 s). */
const T = { timeout: 60_000 };
/** What an authorization response may leave in the address bar. */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'iss'];

/** `{ mock, site, browser }`, the shape harness.mjs's helpers take. */
let env;

before(async () => {
  const missing = BUILT.filter((f) => !fs.existsSync(path.join(APP, 'pkg', f)));
  if (missing.length) {
    throw new Error(
      `examples/rust-web-app/pkg is not built (${missing.join(', ')} missing): ` +
        'run `bash scripts/build-rust-example.sh` first',
    );
  }
  env = {};
  env.mock = await startMockServer({ port: 0 });
  env.site = await startStaticServer({ root: APP, port: 0 });
  env.browser = await launchChromium();
});

after(async () => {
  await env?.browser?.close().catch(() => {});
  await env?.site?.close().catch(() => {});
  await env?.mock?.close().catch(() => {});
});

beforeEach(async () => {
  await resetMock(env);
  await configureMock(env, { autoApprove: true }); // no consent page: the mock redirects straight back
});

/** The app pointed at the mock, plus more query parameters. */
function appUrl(params = {}) {
  return `${env.site.url}/?${new URLSearchParams({ api: `${env.mock.url}/v3`, ...params })}`;
}

/** A new tab in a fresh browser context (own storage), closed when the test ends. */
async function newPage(t) {
  const context = await newContext(env);
  t.after(() => context.close());
  const page = await context.newPage();
  return { context, page };
}

async function waitState(page, state) {
  await page.waitForSelector(`body[data-state="${state}"]`, { timeout: WAIT_MS });
}

function assertCleanAddressBar(page) {
  const u = new URL(page.url());
  for (const p of CALLBACK_PARAMS) assert.ok(!u.searchParams.has(p), `"${p}" is still in the address bar: ${u.search}`);
  assert.equal(`${u.origin}${u.pathname}`, `${env.site.url}/`);
}

test('Connect logs in with a redirect, shows the grant email, survives a reload; Log out revokes', T, async (t) => {
  const { context, page } = await newPage(t);
  await page.goto(appUrl());
  await waitState(page, 'signed-out');

  const authRequest = page.waitForRequest((r) => r.url().startsWith(`${env.mock.url}/v3/connect/auth?`));
  const callbackRequest = page.waitForRequest(
    (r) =>
      r.isNavigationRequest() && r.url().startsWith(`${env.site.url}/?`) && new URL(r.url()).searchParams.has('code'),
  );
  await page.click('#connect');
  const auth = new URL((await authRequest).url()).searchParams;
  assert.equal(auth.get('client_id'), 'demo-client');
  assert.equal(auth.get('redirect_uri'), `${env.site.url}/`, 'the redirect URI is the page without its query');
  assert.equal(auth.get('provider'), 'google');
  assert.equal(auth.get('code_challenge_method'), 'S256');
  const callback = new URL((await callbackRequest).url()).searchParams;

  await waitState(page, 'signed-in');
  assert.equal((await page.textContent('#email')).trim(), 'user@example.com');
  assertCleanAddressBar(page);
  const html = await page.content();
  for (const k of ['code', 'state']) assert.ok(!html.includes(callback.get(k)), `the callback's ${k} is in the DOM`);

  let stats = await mockStats(env);
  assert.equal(stats.requests.token, 1, 'exactly one token request');
  assert.equal(stats.tokenRequests.length, 1);
  assert.equal(stats.tokenRequests[0].grantType, 'authorization_code');
  assert.ok(stats.tokenRequests[0].fields.includes('code_verifier'), 'the exchange carries the PKCE verifier');
  assert.ok(!stats.tokenRequests[0].fields.includes('client_secret'));
  assert.equal(stats.clientSecretSeen, false, 'no client secret reached the token endpoint');

  // Tokens are in sessionStorage (Persist::Session): a reload stays signed in without another exchange.
  await page.reload();
  await waitState(page, 'signed-in');
  assert.equal((await page.textContent('#email')).trim(), 'user@example.com');
  assert.equal((await mockStats(env)).requests.token, 1);

  await page.click('#logout');
  await waitState(page, 'signed-out');
  stats = await mockStats(env);
  assert.equal(stats.requests.revoke, 1, 'logout revoked the token at the server');
  await page.reload();
  await waitState(page, 'signed-out'); // and forgot it locally

  assert.deepEqual(context.pageErrors, [], 'uncaught errors in the page');
});

test('a tampered callback is refused: no_transaction, or state_mismatch while a login is pending', T, async (t) => {
  const { context, page } = await newPage(t);
  // No login started in this tab: nothing to match.
  await page.goto(appUrl({ code: 'x', state: 'tampered' }));
  await waitState(page, 'error');
  assert.equal((await page.textContent('#error-code')).trim(), 'no_transaction');
  assertCleanAddressBar(page);

  // A login started (its navigation to the mock answered 204, so the tab stays), then a forged callback.
  await page.route(`${env.mock.url}/v3/connect/auth?*`, (route) => route.fulfill({ status: 204 }));
  const authRequest = page.waitForRequest((r) => r.url().startsWith(`${env.mock.url}/v3/connect/auth?`));
  await page.click('#connect');
  await authRequest;
  await page.goto(appUrl({ code: 'x', state: 'tampered' }));
  await waitState(page, 'error');
  assert.equal((await page.textContent('#error-code')).trim(), 'state_mismatch');
  assertCleanAddressBar(page);

  assert.equal((await mockStats(env)).requests.token, 0, 'no code was exchanged');
  assert.deepEqual(context.pageErrors, [], 'uncaught errors in the page');
});

test('an ?api= link may only name a server on this machine', T, async (t) => {
  const { page } = await newPage(t);
  await page.goto(appUrl({ api: 'https://attacker.example/v3' }));
  await waitState(page, 'error');
  assert.equal((await page.textContent('#error-code')).trim(), 'invalid_api_link');
  assert.equal(await page.$('#connect'), null, 'no way to log in against that server');
});
