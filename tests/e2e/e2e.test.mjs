// End-to-end tests: the real demo page (www/) with the built package (pkg/) in headless Chromium, against the
// mock Nylas. Run: bash scripts/build.sh && node --test tests/e2e/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  configureMock,
  decide,
  demoUrl,
  errorVisible,
  loginWithRedirect,
  mockStats,
  newContext,
  nextCallbackRequest,
  openDemo,
  readError,
  readEvents,
  readResult,
  readTokens,
  suiteEnv,
  WAIT_MS,
  waitReady,
  waitStatus,
} from './harness.mjs';

/** Every test gets this long at most; each wait inside is bounded by WAIT_MS (15 s). */
const T = { timeout: 60_000 };
/** A masked token as the demo shows it: 4 characters and an ellipsis, never more. */
const MASKED = /^[A-Za-z0-9._~+/=-]{4}…$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const env = suiteEnv();

/** A fresh browser context for this test, closed when the test ends. */
async function contextFor(t) {
  const context = await newContext(env);
  t.after(() => context.close());
  return context;
}

/** No uncaught page errors and no Content-Security-Policy violations happened in `context`. */
function assertCleanConsole(context) {
  assert.deepEqual(context.pageErrors, [], 'uncaught errors in the page');
  const csp = context.consoleText.filter((m) => /Content Security Policy/i.test(m));
  assert.deepEqual(csp, [], 'CSP violations');
}

/** The secret values of a callback URL must appear neither in the DOM nor in the console. */
async function assertNoSecretsLeaked(context, page, callbackUrl) {
  const q = new URL(callbackUrl).searchParams;
  const secrets = ['code', 'state'].map((k) => q.get(k)).filter(Boolean);
  assert.ok(secrets.length > 0, 'the callback URL carries secrets to look for');
  const html = await page.content();
  for (const s of secrets) {
    assert.ok(!html.includes(s), 'a callback code/state is in the DOM');
    assert.ok(!context.consoleText.some((m) => m.includes(s)), 'a callback code/state was logged to the console');
  }
}

function assertNoCallbackParams(page) {
  const u = new URL(page.url());
  for (const p of ['code', 'state', 'error', 'error_description', 'admin_consent']) {
    assert.ok(!u.searchParams.has(p), `"${p}" is still in the address bar: ${u.search}`);
  }
  assert.equal(u.hash, '');
}

// ---------------------------------------------------------------------------------------------------------
// Logins
// ---------------------------------------------------------------------------------------------------------

test(
  'redirect login: consent approved, token set shown masked, code and state removed from the address bar',
  T,
  async (t) => {
    const context = await contextFor(t);
    const page = await openDemo(env, context);
    await waitStatus(page, 'signed-out');
    assert.equal(await page.textContent('#effective-api'), `${env.mock.url}/v3`);

    const authRequest = page.waitForRequest((r) => r.url().startsWith(`${env.mock.url}/v3/connect/auth?`));
    const callback = nextCallbackRequest(env, page);
    await page.click('#login-redirect');
    const auth = new URL((await authRequest).url()).searchParams;
    assert.equal(auth.get('client_id'), 'demo-client');
    assert.equal(auth.get('redirect_uri'), `${env.site.url}/`, 'the redirect URI is the page itself');
    assert.equal(auth.get('response_type'), 'code');
    assert.equal(auth.get('code_challenge_method'), 'S256');
    assert.ok(auth.get('code_challenge')?.length >= 43);
    assert.equal(auth.get('access_type'), 'online', 'access_type defaults to online');
    assert.ok(!auth.has('client_secret'));

    await page.waitForURL((u) => u.href.startsWith(`${env.mock.url}/v3/connect/auth?`));
    assert.equal(await page.textContent('#access-type'), 'online', 'the consent page shows access_type online');
    await decide(env, page, { email: 'ada@example.com' });
    const callbackUrl = (await callback).url();
    assert.ok(new URL(callbackUrl).searchParams.has('code'));
    await waitReady(page);
    await waitStatus(page, 'signed-in');

    assert.equal(page.url(), `${env.site.url}/`, 'code and state are removed from the address bar');
    assertNoCallbackParams(page);

    const tokens = await readTokens(page);
    assert.ok(tokens.visible);
    assert.match(tokens.access, MASKED);
    assert.match(tokens.id, MASKED);
    assert.ok(tokens.id.startsWith('eyJ'), 'the ID token is a JWT');
    assert.equal(tokens.refresh, '(none)', 'access_type online: no refresh token');
    assert.equal(tokens.email, 'ada@example.com');
    assert.equal(tokens.provider, 'google');
    assert.match(tokens['grant-id'], UUID);
    assert.equal(tokens.scope, 'email calendar contacts');
    const expiresAt = Date.parse(tokens['expires-at'].match(/\(([^)]+)\)$/)[1]);
    assert.ok(
      Math.abs(expiresAt - (Date.now() + 3600_000)) < 120_000,
      `expiresAt ≈ now + 1 h: ${tokens['expires-at']}`,
    );
    const claims = JSON.parse(tokens.claims);
    assert.equal(claims.email, 'ada@example.com');
    assert.equal(claims.sub, tokens['grant-id']);
    assert.equal(claims.aud, 'demo-client');
    assert.equal(claims.iss, `${env.mock.url}/v3`);

    assert.match(await page.textContent('#status'), /ada@example\.com \(google\)/);
    assert.deepEqual(await readResult(page), {
      type: 'tokens',
      grantId: tokens['grant-id'],
      email: 'ada@example.com',
      provider: 'google',
      scope: ['email', 'calendar', 'contacts'],
      expiresAt,
    });
    assert.deepEqual(await readEvents(page), ['tokens']);
    assert.equal(await errorVisible(page), false);

    const stats = await mockStats(env);
    assert.equal(stats.requests.token, 1);
    assert.equal(stats.tokenRequests[0].grantType, 'authorization_code');
    assert.ok(stats.tokenRequests[0].fields.includes('code_verifier'));
    assert.equal(stats.clientSecretSeen, false, 'no client secret reaches the token endpoint');

    await assertNoSecretsLeaked(context, page, callbackUrl);
    assertCleanConsole(context);
  },
);

test(
  'popup login: opened synchronously in the click, approved in the popup, which closes; the opener shows tokens',
  T,
  async (t) => {
    const context = await contextFor(t);
    const page = await context.newPage();
    // Records whether window.open runs while a click listener's own code is still on the stack: any await
    // before it (in the demo or in the SDK), even of a resolved promise, would run it after the listener returned.
    await page.addInitScript(() => {
      let depth = 0;
      const add = EventTarget.prototype.addEventListener;
      EventTarget.prototype.addEventListener = function (type, listener, options) {
        if (type !== 'click' || typeof listener !== 'function') return add.call(this, type, listener, options);
        const wrapped = function (...args) {
          depth += 1;
          try {
            return listener.apply(this, args);
          } finally {
            depth -= 1;
          }
        };
        return add.call(this, type, wrapped, options);
      };
      const open = window.open;
      window.__opens = [];
      window.open = function (...args) {
        window.__opens.push({ inClick: depth > 0, activation: navigator.userActivation?.isActive ?? null });
        return open.apply(this, args);
      };
    });
    await page.goto(demoUrl(env));
    await waitReady(page);
    const before = page.url();

    const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#login-popup')]);
    assert.deepEqual(
      await page.evaluate(() => window.__opens),
      [{ inClick: true, activation: true }],
      'loginWithPopup calls window.open synchronously inside the click handler',
    );
    await waitStatus(page, 'busy');
    await decide(env, popup, { email: 'pop@example.com' });
    const closed = popup.waitForEvent('close', { timeout: WAIT_MS });
    await (popup.isClosed() ? Promise.resolve() : closed);
    assert.ok(popup.isClosed(), 'the popup closes itself');

    await waitStatus(page, 'signed-in');
    assert.equal(page.url(), before, 'the opener did not navigate');
    const tokens = await readTokens(page);
    assert.match(tokens.access, MASKED);
    assert.equal(tokens.refresh, '(none)');
    assert.equal(tokens.email, 'pop@example.com');
    const result = await readResult(page);
    assert.equal(result.type, 'tokens');
    assert.equal(result.email, 'pop@example.com');
    assert.deepEqual(await readEvents(page), ['tokens']);
    assert.equal(await errorVisible(page), false);
    const stats = await mockStats(env);
    assert.equal(stats.requests.token, 1);
    assert.equal(stats.clientSecretSeen, false);
    assertCleanConsole(context);
  },
);

test(
  'two tabs with shared localStorage transactions: start A, start B, complete B then A: both get tokens',
  T,
  async (t) => {
    const context = await contextFor(t);
    const a = await openDemo(env, context, { storage: 'local' });
    const b = await openDemo(env, context, { storage: 'local' });
    await a.click('#login-redirect');
    await a.waitForURL((u) => u.href.startsWith(env.mock.url));
    await b.click('#login-redirect');
    await b.waitForURL((u) => u.href.startsWith(env.mock.url));

    // A same-origin document to look into the shared localStorage.
    const probe = await context.newPage();
    await probe.goto(`${env.site.url}/style.css`);
    const pending = () =>
      probe.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('nylas-pkce:tx:')).length);
    assert.equal(await pending(), 2, 'two transactions pending in localStorage');

    const cbB = nextCallbackRequest(env, b);
    await decide(env, b, { email: 'bob@example.com' });
    await cbB;
    await waitReady(b);
    await waitStatus(b, 'signed-in');
    assert.equal(await pending(), 1, "B's transaction was consumed, A's is still pending");

    const cbA = nextCallbackRequest(env, a);
    await decide(env, a, { email: 'alice@example.com' });
    await cbA;
    await waitReady(a);
    await waitStatus(a, 'signed-in');
    assert.equal(await pending(), 0);

    const ta = await readTokens(a);
    const tb = await readTokens(b);
    assert.equal(ta.email, 'alice@example.com');
    assert.equal(tb.email, 'bob@example.com');
    assert.notEqual(ta['grant-id'], tb['grant-id']);
    assert.equal(await errorVisible(a), false);
    assert.equal(await errorVisible(b), false);
    assert.equal((await mockStats(env)).requests.token, 2);
    assertCleanConsole(context);
  },
);

test('two tabs with per-tab sessionStorage (the default): each tab completes its own flow', T, async (t) => {
  const context = await contextFor(t);
  const a = await openDemo(env, context);
  const b = await openDemo(env, context);
  await a.click('#login-redirect');
  await a.waitForURL((u) => u.href.startsWith(env.mock.url));
  await b.click('#login-redirect');
  await b.waitForURL((u) => u.href.startsWith(env.mock.url));

  const cbB = nextCallbackRequest(env, b);
  await decide(env, b, { email: 'bob@example.com' });
  await cbB;
  await waitReady(b);
  const cbA = nextCallbackRequest(env, a);
  await decide(env, a, { email: 'alice@example.com' });
  await cbA;
  await waitReady(a);
  await waitStatus(a, 'signed-in');
  await waitStatus(b, 'signed-in');
  assert.equal((await readTokens(a)).email, 'alice@example.com');
  assert.equal((await readTokens(b)).email, 'bob@example.com');
  assert.equal((await mockStats(env)).requests.token, 2);
  assertCleanConsole(context);
});

test(
  'admin consent round trip: adminconsent + credential id + microsoft, admin_consent=true shown, no token request',
  T,
  async (t) => {
    const context = await contextFor(t);
    const page = await openDemo(env, context);
    const authRequest = page.waitForRequest((r) => r.url().startsWith(`${env.mock.url}/v3/connect/auth?`));
    const callback = nextCallbackRequest(env, page);
    await page.click('#admin-consent');
    const q = new URL((await authRequest).url()).searchParams;
    assert.equal(q.get('response_type'), 'adminconsent');
    assert.equal(q.get('credential_id'), 'demo-credential');
    assert.equal(q.get('provider'), 'microsoft');
    assert.ok(q.get('state'));
    assert.ok(!q.has('code_challenge'), 'admin consent has no PKCE challenge (no code to exchange)');

    await page.waitForURL((u) => u.href.startsWith(env.mock.url));
    assert.equal(await page.textContent('#response-type'), 'adminconsent');
    assert.equal(await page.textContent('#provider-name'), 'microsoft');
    await decide(env, page);
    const cb = new URL((await callback).url()).searchParams;
    assert.equal(cb.get('admin_consent'), 'true');
    await waitReady(page);

    assert.deepEqual(await readResult(page), { type: 'admin_consent', admin_consent: true });
    assert.equal(await errorVisible(page), false);
    await waitStatus(page, 'signed-out');
    assertNoCallbackParams(page);
    const stats = await mockStats(env);
    assert.equal(stats.requests.token, 0);
    assertCleanConsole(context);
  },
);

test(
  'custom-scheme callback (com.example.app:/oauth/callback) handed to handleRedirectCallback returns tokens',
  T,
  async (t) => {
    const context = await contextFor(t);
    const page = await openDemo(env, context);
    const authUrl = await page.evaluate(async (apiBase) => {
      const { NylasAuth } = await import(new URL('./pkg/index.js', location.href).href);
      const auth = new NylasAuth({
        clientId: 'demo-client',
        redirectUri: 'com.example.app:/oauth/callback',
        apiBase,
        storage: 'memory',
      });
      window.__nativeAuth = auth; // test-only handle, in this page only
      return auth.authorizationUrl();
    }, `${env.mock.url}/v3`);
    assert.equal(new URL(authUrl).searchParams.get('redirect_uri'), 'com.example.app:/oauth/callback');

    await configureMock(env, { autoApprove: true });
    const res = await fetch(authUrl, { redirect: 'manual' });
    assert.equal(res.status, 302);
    const location = res.headers.get('location');
    assert.match(location, /^com\.example\.app:\/oauth\/callback\?code=[^&]+&state=[^&]+$/);

    const before = page.url();
    const result = await page.evaluate(async (url) => {
      const r = await window.__nativeAuth.handleRedirectCallback(url);
      return {
        type: r.type,
        accessTokenLength: r.accessToken?.length ?? 0,
        refreshToken: r.refreshToken ?? null,
        grantId: r.grantId,
        email: r.email,
        provider: r.provider,
        authenticated: window.__nativeAuth.isAuthenticated(),
      };
    }, location);
    assert.equal(result.type, 'tokens');
    assert.ok(result.accessTokenLength >= 20);
    assert.equal(result.refreshToken, null);
    assert.match(result.grantId, UUID);
    assert.equal(result.email, 'user@example.com');
    assert.equal(result.provider, 'google');
    assert.equal(result.authenticated, true);
    assert.equal(page.url(), before, 'a callback URL that is not the page leaves the address bar alone');
    const stats = await mockStats(env);
    assert.equal(stats.requests.token, 1);
    assert.ok(stats.tokenRequests[0].fields.includes('redirect_uri'));
    assert.equal(stats.clientSecretSeen, false);
    assertCleanConsole(context);
  },
);

test('re-authenticate: a new redirect with login_hint = the grant email; new tokens', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page, { email: 'alice@example.com' });
  await waitStatus(page, 'signed-in');
  const first = await readTokens(page);

  const authRequest = page.waitForRequest((r) => r.url().startsWith(`${env.mock.url}/v3/connect/auth?`));
  const callback = nextCallbackRequest(env, page);
  await page.click('#reauth');
  const q = new URL((await authRequest).url()).searchParams;
  assert.equal(q.get('login_hint'), 'alice@example.com');
  assert.equal(q.get('provider'), 'google');
  await page.waitForURL((u) => u.href.startsWith(env.mock.url));
  assert.equal(await page.textContent('#login-hint'), 'alice@example.com');
  await decide(env, page); // email prefilled from login_hint
  await callback;
  await waitReady(page);
  await waitStatus(page, 'signed-in');
  const second = await readTokens(page);
  assert.equal(second.email, 'alice@example.com');
  assert.equal(second['grant-id'], first['grant-id'], 'same account, same grant');
  assert.equal((await mockStats(env)).requests.token, 2);
  assertCleanConsole(context);
});

// ---------------------------------------------------------------------------------------------------------
// Callback errors
// ---------------------------------------------------------------------------------------------------------

test('consent denied: authorization_error with error access_denied in #error', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  const callback = nextCallbackRequest(env, page);
  await page.click('#login-redirect');
  await decide(env, page, { decision: 'deny' });
  assert.equal(new URL((await callback).url()).searchParams.get('error'), 'access_denied');
  await waitReady(page);

  const err = await readError(page);
  assert.equal(err.name, 'NylasPkceError');
  assert.equal(err.code, 'authorization_error');
  assert.equal(err.error, 'access_denied');
  assert.equal(err.errorDescription, 'User denied consent');
  assert.equal(err.eventCode, '45002');
  assert.equal(await page.getAttribute('#error', 'data-code'), 'authorization_error');
  await waitStatus(page, 'signed-out');
  assert.equal((await readTokens(page)).visible, false);
  assert.deepEqual(await readEvents(page), ['error']);
  assertNoCallbackParams(page);
  assert.equal((await mockStats(env)).requests.token, 0);
  assertCleanConsole(context);
});

test('tampered state in the callback URL: state_mismatch, no token request', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  // Take the consent decision's redirect out of the browser's hands, then load the callback with the state
  // edited (a page route does not see redirect targets, so intercept the decision POST itself).
  let genuine = null;
  await page.route(
    (u) => u.pathname.endsWith('/connect/auth/decision'),
    async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      genuine = response.headers().location ?? null;
      await route.abort();
    },
  );
  await page.click('#login-redirect');
  await decide(env, page);
  const deadline = Date.now() + WAIT_MS;
  while (!genuine && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(genuine?.startsWith(`${env.site.url}/?code=`), `the genuine callback was captured: ${genuine}`);
  await page.unrouteAll();

  const tampered = new URL(genuine);
  const state = tampered.searchParams.get('state');
  tampered.searchParams.set('state', `${state.slice(0, -2)}${state.endsWith('xx') ? 'yy' : 'xx'}`);
  await page.goto(tampered.href);
  await waitReady(page);

  const err = await readError(page);
  assert.equal(err.code, 'state_mismatch');
  await waitStatus(page, 'signed-out');
  assertNoCallbackParams(page);
  assert.equal((await mockStats(env)).requests.token, 0, 'the code was not exchanged');
  assertCleanConsole(context);
});

test(
  'replayed callback (same URL loaded again in the same tab): no_transaction, exactly one token request',
  T,
  async (t) => {
    const context = await contextFor(t);
    const page = await openDemo(env, context);
    const callbackUrl = await loginWithRedirect(env, page);
    await waitStatus(page, 'signed-in');

    await page.goto(callbackUrl);
    await waitReady(page);
    const err = await readError(page);
    assert.equal(err.code, 'no_transaction');
    await waitStatus(page, 'signed-out'); // memory tokens do not survive a page load
    assertNoCallbackParams(page);

    const stats = await mockStats(env);
    assert.equal(stats.requests.token, 1, 'the replayed code never reached the token endpoint');
    assert.equal(stats.tokenRequests.length, 1);
    assertCleanConsole(context);
  },
);

// ---------------------------------------------------------------------------------------------------------
// Popup failures
// ---------------------------------------------------------------------------------------------------------

test('popup closed by the user: popup_closed', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  const [popup] = await Promise.all([context.waitForEvent('page'), page.click('#login-popup')]);
  await popup.waitForURL((u) => u.href.startsWith(`${env.mock.url}/v3/connect/auth?`));
  await popup.waitForSelector('#approve');
  await popup.close();

  const err = await readError(page);
  assert.equal(err.code, 'popup_closed');
  assert.equal(err.name, 'NylasPkceError');
  await waitStatus(page, 'signed-out');
  assert.deepEqual(await readEvents(page), ['error']);
  assert.equal((await mockStats(env)).requests.token, 0);
  assertCleanConsole(context);
});

test(
  'a second loginWithPopup while one is pending: the first ends at once with popup_closed, the second completes',
  T,
  async (t) => {
    const context = await contextFor(t);
    const page = await openDemo(env, context);
    await configureMock(env, { autoApprove: true });
    const outcome = await page.evaluate(async (apiBase) => {
      const { NylasAuth } = await import(new URL('./pkg/index.js', location.href).href);
      const auth = new NylasAuth({
        clientId: 'demo-client',
        redirectUri: location.origin + location.pathname,
        apiBase,
        storage: 'memory',
      });
      const started = Date.now();
      const first = auth.loginWithPopup().then(
        (r) => ({ ok: r.type }),
        (e) => ({ code: e.code, ms: Date.now() - started }),
      );
      const second = auth.loginWithPopup().then(
        (r) => ({ ok: r.type, email: r.email }),
        (e) => ({ code: e.code }),
      );
      return { first: await first, second: await second };
    }, `${env.mock.url}/v3`);
    assert.equal(outcome.first.code, 'popup_closed');
    assert.ok(outcome.first.ms < 400, `the replaced flow ends at once, not after a poll (${outcome.first.ms} ms)`);
    assert.deepEqual(outcome.second, { ok: 'tokens', email: 'user@example.com' });
    assert.equal((await mockStats(env)).requests.token, 1);
    assertCleanConsole(context);
  },
);

test('popup blocked (window.open returns null): popup_blocked, no window, no request', T, async (t) => {
  const context = await contextFor(t);
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.open = () => null;
  });
  await page.goto(demoUrl(env));
  await waitReady(page);
  let opened = 0;
  context.on('page', () => {
    opened += 1;
  });
  await page.click('#login-popup');

  const err = await readError(page);
  assert.equal(err.code, 'popup_blocked');
  await waitStatus(page, 'signed-out');
  assert.equal(opened, 0);
  assert.equal((await mockStats(env)).requests.auth, 0);
  assertCleanConsole(context);
});

test('popup without a user gesture is blocked by Chromium itself: popup_blocked', T, async (t) => {
  const context = await contextFor(t);
  const page = await context.newPage();
  let opened = 0;
  context.on('page', () => {
    opened += 1;
  });
  // A click from a page script that no user input ever preceded (page.evaluate would count as a gesture).
  await page.addInitScript(() => {
    const poll = setInterval(() => {
      if (document.body?.dataset.ready !== 'true') return;
      clearInterval(poll);
      document.getElementById('login-popup').click();
    }, 20);
  });
  await page.goto(demoUrl(env));
  const err = await readError(page);
  assert.equal(err.code, 'popup_blocked');
  await waitStatus(page, 'signed-out');
  assert.equal(opened, 0, 'Chromium opened no window');
  assert.equal((await mockStats(env)).requests.auth, 0);
  assertCleanConsole(context);
});

test('popup left open past popup.timeoutMs: timeout, and the SDK closes the popup', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await page.evaluate(async (apiBase) => {
    const { NylasAuth } = await import(new URL('./pkg/index.js', location.href).href);
    window.__popupAuth = new NylasAuth({
      clientId: 'demo-client',
      redirectUri: `${location.origin}/`,
      apiBase,
      popup: { timeoutMs: 1000 },
    });
  }, `${env.mock.url}/v3`);
  const popupEvent = context.waitForEvent('page');
  // page.evaluate counts as a user gesture, so Chromium lets this open the popup.
  const outcome = page.evaluate(() =>
    window.__popupAuth.loginWithPopup().then(
      (r) => ({ resolved: r.type }),
      (e) => ({ name: e.name, code: e.code }),
    ),
  );
  const popup = await popupEvent;
  const closed = popup.waitForEvent('close', { timeout: WAIT_MS });
  assert.deepEqual(await outcome, { name: 'NylasPkceError', code: 'timeout' });
  await (popup.isClosed() ? Promise.resolve() : closed);
  assert.ok(popup.isClosed(), 'the timed-out popup was closed');
  assert.equal((await mockStats(env)).requests.token, 0);
  assertCleanConsole(context);
});

// ---------------------------------------------------------------------------------------------------------
// Token endpoint faults
// ---------------------------------------------------------------------------------------------------------

test('token endpoint 500: server_error with status 500', T, async (t) => {
  await configureMock(env, { faults: { token: '500' } });
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page);
  const err = await readError(page);
  assert.equal(err.code, 'server_error');
  assert.equal(err.status, '500');
  assert.equal(err.error, 'internal_error');
  assert.equal(err.eventCode, '500');
  await waitStatus(page, 'signed-out');
  assertNoCallbackParams(page);
  assert.equal((await mockStats(env)).requests.token, 1);
  assertCleanConsole(context);
});

test('token endpoint 502 HTML: invalid_response with status 502', T, async (t) => {
  await configureMock(env, { faults: { token: 'html502' } });
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page);
  const err = await readError(page);
  assert.equal(err.code, 'invalid_response');
  assert.equal(err.status, '502');
  await waitStatus(page, 'signed-out');
  assert.equal((await mockStats(env)).requests.token, 1);
  assertCleanConsole(context);
});

test('slow token endpoint with ?fetchTimeoutMs=500: timeout', T, async (t) => {
  await configureMock(env, { faults: { token: 'slow', slowMs: 3000 } });
  const context = await contextFor(t);
  const page = await openDemo(env, context, { fetchTimeoutMs: '500' });
  const started = Date.now();
  await loginWithRedirect(env, page);
  const err = await readError(page);
  assert.equal(err.code, 'timeout');
  assert.ok(Date.now() - started < 3000, 'gave up before the slow answer arrived');
  await waitStatus(page, 'signed-out');
  assert.equal((await mockStats(env)).requests.token, 1);
  assertCleanConsole(context);
});

test('token endpoint drops the connection: network_error', T, async (t) => {
  await configureMock(env, { faults: { token: 'drop' } });
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page);
  const err = await readError(page);
  assert.equal(err.code, 'network_error');
  assert.equal(err.status, '—', 'no HTTP status: there was no answer');
  await waitStatus(page, 'signed-out');
  assertCleanConsole(context);
});

// ---------------------------------------------------------------------------------------------------------
// Token lifecycle
// ---------------------------------------------------------------------------------------------------------

test('grant info and token info work; after revoke, token info fails with invalid_token', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page, { email: 'rev@example.com' });
  await waitStatus(page, 'signed-in');
  const tokens = await readTokens(page);

  await page.click('#grant-info');
  await waitStatus(page, 'signed-in');
  const grant = await readResult(page);
  assert.equal(grant.id, tokens['grant-id']);
  assert.equal(grant.email, 'rev@example.com');
  assert.equal(grant.grant_status, 'valid');

  await page.click('#token-info');
  await waitStatus(page, 'signed-in');
  const info = await readResult(page);
  assert.equal(info.email, 'rev@example.com');
  assert.equal(info.sub, tokens['grant-id']);
  assert.equal(info.aud, 'demo-client');

  await page.click('#revoke');
  await waitStatus(page, 'signed-in'); // revoke keeps the local token set
  assert.equal((await readResult(page)).revoked, true);
  assert.equal(await errorVisible(page), false);
  assert.equal((await mockStats(env)).requests.revoke, 1);

  await page.click('#token-info');
  const err = await readError(page);
  assert.equal(err.code, 'invalid_token');
  assert.equal(err.eventCode, '45008');
  assert.equal(err.status, '400');
  assert.deepEqual(await readEvents(page), ['tokens', 'error']);
  assertCleanConsole(context);
});

test('log out: local tokens cleared, token revoked at the server, logout event', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page);
  await waitStatus(page, 'signed-in');
  await page.click('#logout');
  await waitStatus(page, 'signed-out');
  assert.equal((await readTokens(page)).visible, false);
  assert.deepEqual(await readResult(page), { loggedOut: true, revokedAtNylas: true });
  assert.deepEqual(await readEvents(page), ['tokens', 'logout']);
  assert.equal(await page.isDisabled('#token-info'), true);
  assert.equal(await errorVisible(page), false);
  assert.equal((await mockStats(env)).requests.revoke, 1);
  assertCleanConsole(context);
});

test('log out while revocation fails: local tokens are still cleared, and the error is shown', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page);
  await waitStatus(page, 'signed-in');
  await configureMock(env, { faults: { revoke: '500' } });
  await page.click('#logout');
  const err = await readError(page);
  assert.equal(err.code, 'server_error');
  assert.equal(err.status, '500');
  await waitStatus(page, 'signed-out');
  assert.equal((await readTokens(page)).visible, false);
  assert.deepEqual(await readResult(page), { loggedOut: true, revokedAtNylas: false });
  assert.deepEqual(await readEvents(page), ['tokens', 'logout', 'error']);
  assertCleanConsole(context);
});

test('expired access token: the expired event fires, tokens are dropped, login_required', T, async (t) => {
  // 30 s tokens are expired at once under the SDK's 30 s clock-skew margin.
  await configureMock(env, { accessTokenTtlSec: 30 });
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await loginWithRedirect(env, page);
  await page.waitForSelector('#events li[data-event="expired"]', { timeout: WAIT_MS });
  await waitStatus(page, 'signed-out');
  const err = await readError(page);
  assert.equal(err.code, 'login_required');
  assert.deepEqual(await readEvents(page), ['tokens', 'expired', 'error']);
  assertCleanConsole(context);
});

// ---------------------------------------------------------------------------------------------------------
// API surface and settings
// ---------------------------------------------------------------------------------------------------------

test('errors are NylasPkceError instances of Error with a code and no secret in them', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  const out = await page.evaluate(async (apiBase) => {
    const mod = await import(new URL('./pkg/index.js', location.href).href);
    const describe = (e, secret) => ({
      isError: e instanceof Error,
      isNylas: e instanceof mod.NylasPkceError,
      name: e.name,
      code: e.code,
      field: e.field ?? null,
      hasStack: typeof e.stack === 'string',
      leaks: secret ? e.message.includes(secret) || JSON.stringify(e).includes(secret) : false,
    });
    let sync;
    try {
      new mod.NylasAuth({ redirectUri: location.href, apiBase });
    } catch (e) {
      sync = describe(e);
    }
    const auth = new mod.NylasAuth({
      clientId: 'demo-client',
      redirectUri: `${location.origin}/`,
      apiBase,
      storage: 'memory',
    });
    const state = new URL(await auth.authorizationUrl()).searchParams.get('state');
    let async;
    try {
      await auth.handleRedirectCallback(`${location.origin}/?code=c0de&state=${state}X`);
    } catch (e) {
      async = describe(e, state);
    }
    return { sync, async };
  }, `${env.mock.url}/v3`);
  assert.deepEqual(out.sync, {
    isError: true,
    isNylas: true,
    name: 'NylasPkceError',
    code: 'invalid_config',
    field: 'clientId',
    hasStack: true,
    leaks: false,
  });
  assert.deepEqual(out.async, {
    isError: true,
    isNylas: true,
    name: 'NylasPkceError',
    code: 'state_mismatch',
    field: null,
    hasStack: true,
    leaks: false,
  });
  assertCleanConsole(context);
});

test('settings panel: saved in localStorage, client id used; region eu targets api.eu.nylas.com', T, async (t) => {
  const context = await contextFor(t);
  const page = await openDemo(env, context);
  await page.click('#settings summary');
  assert.equal(await page.inputValue('#setting-client-id'), 'demo-client');
  assert.equal(await page.isChecked('#setting-region-custom'), true);
  assert.equal(await page.inputValue('#setting-api-base'), 'http://127.0.0.1:4010/v3');
  assert.equal(await page.textContent('#redirect-uri'), `${env.site.url}/`);
  assert.match(await page.textContent('#overrides-text'), /api=/);

  await page.fill('#setting-client-id', 'unknown-client');
  await Promise.all([page.waitForNavigation(), page.click('#settings-save')]);
  await waitReady(page);
  assert.equal(await page.textContent('#effective-client'), 'unknown-client');
  assert.equal(await page.textContent('#effective-api'), `${env.mock.url}/v3`, '?api= is remembered for the tab');
  assert.equal(
    JSON.parse(await page.evaluate(() => localStorage.getItem('nylas-pkce-demo:settings'))).clientId,
    'unknown-client',
  );
  await page.click('#login-redirect');
  await page.waitForURL((u) => u.href.startsWith(env.mock.url));
  assert.match(await page.textContent('#error'), /45003/, 'the mock rejects the unknown client id');

  await page.goto(`${env.site.url}/`);
  await waitReady(page);
  await page.click('#settings summary');
  await page.check('#setting-region-eu');
  assert.equal(await page.isDisabled('#setting-api-base'), true);
  await Promise.all([page.waitForNavigation(), page.click('#settings-save')]);
  await waitReady(page);
  await Promise.all([page.waitForNavigation(), page.click('#clear-overrides')]);
  await waitReady(page);
  assert.equal(await page.textContent('#effective-api'), 'region eu');
  let seen = null;
  await page.route('https://api.eu.nylas.com/**', (route) => {
    seen = route.request().url();
    return route.fulfill({ status: 200, contentType: 'text/plain', body: 'intercepted by the test' });
  });
  await page.click('#login-redirect');
  await page.waitForURL((u) => u.href.startsWith('https://api.eu.nylas.com/'));
  const q = new URL(seen).searchParams;
  assert.ok(seen.startsWith('https://api.eu.nylas.com/v3/connect/auth?'), seen);
  assert.equal(q.get('client_id'), 'unknown-client');
  assert.equal(q.get('redirect_uri'), `${env.site.url}/`);

  // Bad overrides are reported, not thrown.
  const bad = await openDemo(env, context, { storage: 'bogus' });
  assert.match((await readError(bad)).message, /storage/);
  assert.equal(await bad.isDisabled('#login-redirect'), true);
  assertCleanConsole(context);
});
