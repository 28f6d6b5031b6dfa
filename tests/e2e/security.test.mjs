// The security review's fixes, in headless Chromium through the built package on the demo's origin, against
// the mock Nylas: RFC 9207 `iss` (match, mismatch, missing with requireIss), exact redirect registration,
// grant substitution, two clients on one page (mix-up), unknown options, popup window names, and logout
// while a popup login is pending. Run: bash scripts/build.sh && node --test tests/e2e/

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configureMock, mockStats, mockUrls, newContext, openDemo, pageWithPackage, suiteEnv } from './harness.mjs';

const T = { timeout: 60_000 };
const env = suiteEnv();

const base = () => mockUrls(env);

test(
  'RFC 9207: a matching iss completes; a wrong iss is issuer_mismatch; none with requireIss is missing_issuer',
  T,
  async (t) => {
    const { run } = await pageWithPackage(env, t);
    const attempt = (iss) =>
      run(
        async ({ api, echo, requireIss }) => {
          const { NylasAuth, follow, code } = await window.__pkg();
          const auth = new NylasAuth({
            clientId: 'demo-client',
            redirectUri: echo,
            apiBase: api,
            issuer: api,
            requireIss,
            storage: 'memory',
          });
          return code(auth.handleRedirectCallback(await follow(auth)));
        },
        { ...base(), requireIss: iss !== 'omit-optional' },
      );

    await configureMock(env, { autoApprove: true, iss: 'auto' });
    assert.deepEqual(await attempt('auto'), { ok: 'tokens' });
    await configureMock(env, { iss: 'https://evil.example' });
    assert.equal((await attempt('wrong')).code, 'issuer_mismatch');
    await configureMock(env, { iss: null });
    assert.equal((await attempt('none')).code, 'missing_issuer');
    // Without requireIss, a server that sends no iss still works (Nylas sends none today).
    assert.deepEqual(await attempt('omit-optional'), { ok: 'tokens' });
    assert.equal((await mockStats(env)).requests.token, 2, 'refused callbacks never reach the token endpoint');
  },
);

test('exact redirect registration: an unregistered redirect URI gets no code', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  await configureMock(env, { autoApprove: true, allowAnyLoopbackRedirect: false });
  const out = await run(async ({ api }) => {
    const { NylasAuth } = await window.__pkg();
    const auth = new NylasAuth({
      clientId: 'demo-client',
      redirectUri: `${location.origin}/not-registered`,
      apiBase: api,
    });
    const r = await fetch(await auth.authorizationUrl());
    return { status: r.status, url: r.url };
  }, base());
  assert.equal(out.status, 400);
  assert.ok(!out.url.includes('code='), out.url);
});

test('grant substitution: a hosted-auth shaped callback never completes a code-flow login', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  const out = await run(async ({ api }) => {
    const { NylasAuth, code } = await window.__pkg();
    const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: `${location.origin}/`, apiBase: api });
    const url = new URL(await auth.authorizationUrl());
    const state = url.searchParams.get('state');
    const forged = `${location.origin}/?success=true&grant_id=VICTIM&email=x%40y.z&provider=google&state=${encodeURIComponent(state)}`;
    const first = await code(auth.handleRedirectCallback(forged));
    const replay = await code(auth.handleRedirectCallback(`${forged}&x=1`));
    return { first, replay, authenticated: auth.isAuthenticated() };
  }, base());
  assert.equal(out.first.code, 'missing_code');
  assert.equal(out.first.name, 'NylasPkceError');
  assert.equal(out.replay.code, 'no_transaction', 'the transaction is used up');
  assert.equal(out.authenticated, false);
});

test(
  'mix-up: two clients on one page keep their transactions apart; the other client cannot complete a flow',
  T,
  async (t) => {
    const { run } = await pageWithPackage(env, t);
    await configureMock(env, { autoApprove: true });
    const out = await run(async ({ mock, api, echo }) => {
      const { NylasAuth, follow, code } = await window.__pkg();
      const redirectUri = echo;
      // The same client id at two servers (v3 and legacy routes: different token endpoints), one storage.
      const a = new NylasAuth({ clientId: 'demo-client', redirectUri, apiBase: api, storage: 'session' });
      const b = new NylasAuth({ clientId: 'demo-client', redirectUri, apiBase: mock, storage: 'session' });
      const callback = await follow(a);
      const keys = Object.keys(sessionStorage).filter((k) => k.startsWith('nylas-pkce:tx:'));
      const byB = await code(b.handleRedirectCallback(`${callback}&b=1`));
      const byA = await code(a.handleRedirectCallback(callback));
      return { keys: keys.length, byB, byA };
    }, base());
    assert.equal(out.keys, 1);
    assert.equal(out.byB.code, 'no_transaction');
    assert.deepEqual(out.byA, { ok: 'tokens' });
    const stats = await mockStats(env);
    assert.equal(stats.requests.token, 1, 'the other client sent nothing');
  },
);

test('unknown options are refused by name; scope is an alias of scopes', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  const out = await run(async ({ api }) => {
    const { NylasAuth } = await window.__pkg();
    const { buildAuthorizationUrl } = await window.__protocol();
    const grab = (fn) => {
      try {
        fn();
        return null;
      } catch (e) {
        return [e.code, e.field];
      }
    };
    const grabAsync = (p) =>
      p.then(
        () => null,
        (e) => [e.code, e.field],
      );
    const cfg = { clientId: 'demo-client', redirectUri: `${location.origin}/`, apiBase: api };
    return {
      ctor: grab(() => new NylasAuth({ ...cfg, provder: 'google' })),
      call: await grabAsync(new NylasAuth(cfg).authorizationUrl({ scoeps: ['x'] })),
      stateless: grab(() => buildAuthorizationUrl({ ...cfg, provder: 'google' })),
      alias: new URL(buildAuthorizationUrl({ ...cfg, scope: ['email', 'calendar'] }).url).searchParams.get('scope'),
    };
  }, base());
  assert.deepEqual(out.ctor, ['invalid_config', 'provder']);
  assert.deepEqual(out.call, ['invalid_option', 'scoeps']);
  assert.deepEqual(out.stateless, ['invalid_option', 'provder']);
  assert.equal(out.alias, 'email calendar');
});

test('popups: a random window name per flow; a blocked popup leaves no transaction behind', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  const out = await run(async ({ api }) => {
    const { NylasAuth, code } = await window.__pkg();
    const names = [];
    const realOpen = window.open;
    window.open = (_url, name) => {
      names.push(name);
      return null;
    };
    const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: `${location.origin}/`, apiBase: api });
    const a = await code(auth.loginWithPopup());
    const b = await code(auth.loginWithPopup());
    window.open = realOpen;
    return { names, a, b, left: Object.keys(sessionStorage).filter((k) => k.startsWith('nylas-pkce:tx:')).length };
  }, base());
  assert.equal(out.a.code, 'popup_blocked');
  assert.equal(out.b.code, 'popup_blocked');
  assert.equal(out.names.length, 2);
  assert.notEqual(out.names[0], out.names[1]);
  for (const n of out.names) assert.match(n, /^nylas-pkce-[A-Za-z0-9_-]{43}$/);
  assert.equal(out.left, 0, 'no verifier stays in storage');
});

test(
  'logout while a popup login is pending: the popup flow ends, its window closes, nothing is pending',
  T,
  async (t) => {
    const { run } = await pageWithPackage(env, t);
    // Consent stays open (no autoApprove): the popup waits on the mock's consent page.
    const out = await run(async ({ api }) => {
      const { NylasAuth, code } = await window.__pkg();
      const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: `${location.origin}/`, apiBase: api });
      const flow = code(auth.loginWithPopup());
      await new Promise((r) => setTimeout(r, 300));
      const pendingBefore = Object.keys(sessionStorage).filter((k) => k.startsWith('nylas-pkce:tx:')).length;
      await auth.logout();
      const result = await flow;
      return {
        result,
        pendingBefore,
        pendingAfter: Object.keys(sessionStorage).filter((k) => k.startsWith('nylas-pkce:tx:')).length,
      };
    }, base());
    assert.equal(out.pendingBefore, 1);
    assert.equal(out.result.code, 'popup_closed');
    assert.equal(out.pendingAfter, 0);
    assert.equal((await mockStats(env)).requests.token, 0);
  },
);

test('demo: ?api= may only name a server on this machine', T, async (t) => {
  const context = await newContext(env);
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(`${env.site.url}/?api=${encodeURIComponent('https://evil.example/v3')}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getAttribute('#status', 'data-state'), 'error');
  assert.match(await page.textContent('#error'), /this machine/);
  assert.equal((await mockStats(env)).requests.auth, 0);
});

test('demo: connect-src is pinned to the API origin in use', T, async (t) => {
  const context = await newContext(env);
  t.after(() => context.close());
  const page = await openDemo(env, context);
  const other = env.mock.url.replace('127.0.0.1', 'localhost'); // same server, another origin
  const blocked = await page.evaluate(async (url) => {
    const seen = new Promise((resolve) =>
      document.addEventListener('securitypolicyviolation', (e) => resolve(e.blockedURI), { once: true }),
    );
    await fetch(`${url}/__mock/stats`).catch(() => {});
    return Promise.race([seen, new Promise((r) => setTimeout(() => r(null), 2000))]);
  }, other);
  assert.ok(blocked?.startsWith(other), `a fetch to ${other} must violate the pinned CSP (got ${blocked})`);
  const allowed = await page.evaluate(async (url) => (await fetch(`${url}/__mock/stats`)).ok, env.mock.url);
  assert.equal(allowed, true, 'the configured API origin stays reachable');
});
