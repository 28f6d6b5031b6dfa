// Several connected accounts (`accounts: 'multiple'`) in headless Chromium against the mock Nylas: a work
// and a personal mailbox connected through two popup logins in one page, each token used against the API,
// one account logged out while the other keeps working, and a second tab that follows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configureMock, demoUrl, mockStats, mockUrls, newContext, suiteEnv, WAIT_MS, waitReady } from './harness.mjs';

const T = { timeout: 90_000 };
const env = suiteEnv();

test('two accounts through popups: each token used, one logged out, the other tab follows', T, async (t) => {
  await configureMock(env, { autoApprove: true });
  const context = await newContext(env);
  t.after(() => context.close());
  await context.addInitScript(() => {
    window.__pkg = () => import(new URL('./pkg/index.js', location.href).href);
  });
  const [page, other] = [await context.newPage(), await context.newPage()];
  for (const p of [page, other]) {
    await p.goto(demoUrl(env));
    await waitReady(p);
  }
  const options = {
    clientId: 'demo-client',
    redirectUri: demoUrl(env).split('?')[0],
    apiBase: mockUrls(env).api,
    tokenStorage: 'local',
    accounts: 'multiple',
  };
  // The other tab: the same client, listening.
  await other.evaluate(async (options) => {
    const { NylasAuth } = await window.__pkg();
    window.__auth = new NylasAuth(options);
    window.__events = [];
    for (const e of ['tokens', 'logout']) window.__auth.on(e, (p) => window.__events.push([e, p.grantId]));
  }, options);
  // This page: a button per mailbox, each starting its popup login inside the click.
  await page.evaluate(async (options) => {
    const { NylasAuth } = await window.__pkg();
    const auth = new NylasAuth(options);
    window.__auth = auth;
    window.__logins = {};
    for (const [id, loginHint] of [
      ['work', 'ada@work.example'],
      ['home', 'ada@home.example'],
    ]) {
      const button = document.createElement('button');
      button.id = `connect-${id}`;
      button.addEventListener('click', () => {
        window.__logins[id] = auth.loginWithPopup({ loginHint, provider: 'google' }).then(
          (r) => ({ grantId: r.grantId, email: r.email }),
          (e) => ({ code: e.code }),
        );
      });
      document.body.append(button);
    }
  }, options);
  const logins = {};
  for (const id of ['work', 'home']) {
    await Promise.all([context.waitForEvent('page'), page.click(`#connect-${id}`)]);
    logins[id] = await page.evaluate((id) => window.__logins[id], id);
    assert.ok(logins[id].grantId, `${id}: ${JSON.stringify(logins[id])}`);
  }
  assert.notEqual(logins.work.grantId, logins.home.grantId);
  assert.equal((await mockStats(env)).requests.token, 2, 'one code exchange per account');

  // Both listed; each token is the account's own: /grants/me answers with that mailbox.
  const state = await page.evaluate(
    async (grants) => {
      const auth = window.__auth;
      const me = {};
      for (const [id, grantId] of Object.entries(grants)) me[id] = (await auth.grantInfo({ grantId })).email;
      const tokens = await Promise.all(Object.values(grants).map((grantId) => auth.getAccessToken({ grantId })));
      const keys = Object.keys(localStorage).filter((k) => k.startsWith('nylas-pkce:tokens:'));
      const bare = await auth.getAccessToken().catch((e) => e.field);
      return { accounts: auth.accounts().map((a) => a.email), me, distinct: new Set(tokens).size, keys, bare };
    },
    Object.fromEntries(Object.entries(logins).map(([id, l]) => [id, l.grantId])),
  );
  assert.deepEqual(state.accounts, ['ada@work.example', 'ada@home.example']);
  assert.deepEqual(state.me, { work: 'ada@work.example', home: 'ada@home.example' });
  assert.equal(state.distinct, 2);
  assert.equal(state.keys.length, 2, 'one stored token set per grant');
  assert.ok(state.keys.every((k) => k.endsWith(logins.work.grantId) || k.endsWith(logins.home.grantId)));
  assert.equal(state.bare, 'grantId', 'no token without a grant id while two accounts are connected');
  await other.waitForFunction(() => window.__auth.accounts().length === 2, null, { timeout: WAIT_MS });

  // Log the work account out: its token is revoked, the personal one keeps working, here and in the other tab.
  const after = await page.evaluate(async (grantId) => {
    const auth = window.__auth;
    const token = await auth.getAccessToken({ grantId });
    await auth.logout({ grantId });
    return {
      accounts: auth.accounts().map((a) => a.email),
      home: (await auth.grantInfo()).email,
      revoked: token,
      keys: Object.keys(localStorage).filter((k) => k.startsWith('nylas-pkce:tokens:')).length,
    };
  }, logins.work.grantId);
  assert.deepEqual(after.accounts, ['ada@home.example']);
  assert.equal(after.home, 'ada@home.example');
  assert.equal(after.keys, 1);
  const info = await fetch(`${mockUrls(env).api}/connect/tokeninfo?access_token=${after.revoked}`);
  assert.equal(info.status, 400, 'the logged-out account’s token is revoked at the server');
  await other.waitForFunction(() => window.__auth.accounts().length === 1, null, { timeout: WAIT_MS });
  const seen = await other.evaluate(() => ({
    events: window.__events,
    accounts: window.__auth.accounts().map((a) => a.email),
    valid: window.__auth.isAuthenticated({ grantId: window.__auth.accounts()[0].grantId }),
  }));
  assert.deepEqual(seen.accounts, ['ada@home.example']);
  assert.equal(seen.valid, true);
  assert.deepEqual(seen.events.at(-1), ['logout', logins.work.grantId]);
});
