// Sessions and what a login keeps, from the built package in Node against the mock Nylas (public refresh,
// tokens already within the clock skew, so every getAccessToken() refreshes): a refresh answered after the
// session ended stores nothing, also when another tab's logout removed the key an instant before the
// answer (its storage event not yet here); a refresh answer naming another grant is refused; appState that
// the callback could not read back is refused at the start. Each of these went wrong before.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startMockServer } from '../mock-server/server.mjs';

const { NylasAuth } = await import('../../pkg/index.js');

let mock;
before(async () => {
  mock = await startMockServer({ port: 0, autoApprove: true, publicRefresh: true, accessTokenTtlSec: 5 });
});
after(() => mock?.close());

const control = (path, body) =>
  fetch(mock.url + path, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  }).then((r) => r.json());

/** A Storage like the browser's localStorage (what another tab shares), without its events. */
class SharedStorage {
  #m = new Map();
  get length() {
    return this.#m.size;
  }
  key(i) {
    return [...this.#m.keys()][i] ?? null;
  }
  getItem(k) {
    return this.#m.has(k) ? this.#m.get(k) : null;
  }
  setItem(k, v) {
    this.#m.set(k, String(v));
  }
  removeItem(k) {
    this.#m.delete(k);
  }
}

const options = () => ({
  clientId: 'demo-client',
  redirectUri: `${mock.url}/callback-echo`,
  apiBase: `${mock.url}/v3`,
  storage: 'memory',
  publicRefresh: true,
  accessType: 'offline', // a refresh token
});

async function login(auth, loginHint) {
  const url = (await fetch(await auth.authorizationUrl(loginHint ? { loginHint } : {}))).url;
  return auth.handleRedirectCallback(url);
}

/**
 * Holds the answers of refresh requests until `release()`: the request reaches the server at once (so the
 * answer is a good one), and comes back when the test says.
 */
function holdRefreshes() {
  const realFetch = globalThis.fetch;
  let release;
  const gate = new Promise((r) => {
    release = r;
  });
  globalThis.fetch = async (url, init) => {
    const res = await realFetch(url, init);
    if (String(url).endsWith('/connect/token') && String(init?.body).includes('refresh_token')) await gate;
    return res;
  };
  return {
    release,
    restore: () => {
      globalThis.fetch = realFetch;
    },
  };
}

for (const logout of [true, false]) {
  const how = logout ? 'logout() and another user login' : 'another user login (no logout)';
  test(`a refresh answered after ${how}: session_ended, the new user stays`, async () => {
    await control('/__mock/reset', {});
    await control('/__mock/config', { publicRefresh: true, accessTokenTtlSec: 5 });
    const auth = new NylasAuth(options());
    const alice = await login(auth, 'alice@example.com');
    const held = holdRefreshes();
    try {
      const refresh = auth.getAccessToken().then(
        (t) => ({ token: t }),
        (e) => ({ code: e.code }),
      );
      await new Promise((r) => setTimeout(r, 200)); // answered by the server, held on the way back
      if (logout) await auth.logout();
      const bob = await login(auth, 'bob@example.com');
      assert.notEqual(bob.grantId, alice.grantId);
      held.release();
      assert.deepEqual(await refresh, { code: 'session_ended' });
      assert.equal(auth.getTokenSet().accessToken, bob.accessToken, "Bob's tokens, not Alice's refreshed ones");
    } finally {
      held.release();
      held.restore();
    }
  });
}

test("another tab's logout an instant before the refresh answer: the tokens are not written back", async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { publicRefresh: true, accessTokenTtlSec: 5 });
  const shared = new SharedStorage();
  const real = globalThis.localStorage;
  globalThis.localStorage = shared;
  try {
    const auth = new NylasAuth({ ...options(), tokenStorage: 'local' });
    await login(auth);
    const key = shared.key(0);
    assert.match(key, /^nylas-pkce:tokens:/);
    await control('/__mock/config', { faults: { token: 'slow', slowMs: 500 } });
    const refresh = auth.getAccessToken().then(
      (t) => ({ token: t }),
      (e) => ({ code: e.code }),
    );
    await new Promise((r) => setTimeout(r, 300));
    shared.removeItem(key); // the other tab logged out; its storage event has not arrived here yet
    assert.deepEqual(await refresh, { code: 'session_ended' });
    assert.equal(shared.getItem(key), null, 'the logged-out tokens stay gone');
    assert.equal(auth.isAuthenticated(), false);
  } finally {
    if (real === undefined) delete globalThis.localStorage;
    else globalThis.localStorage = real;
    await control('/__mock/config', { faults: { token: null } });
  }
});

test('a refresh answer naming another grant: invalid_response, both accounts as they were', async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { publicRefresh: true, accessTokenTtlSec: 5 });
  const auth = new NylasAuth({ ...options(), accounts: 'multiple' });
  const a = await login(auth, 'alice@example.com');
  const b = await login(auth, 'bob@example.com');
  assert.notEqual(a.grantId, b.grantId);
  const before = auth.accounts().map((x) => x.grantId);
  const sets = [auth.getTokenSet({ grantId: a.grantId }), auth.getTokenSet({ grantId: b.grantId })];
  // The server (or something between) answers Alice's refresh with Bob's grant.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const res = await realFetch(url, init);
    if (!String(url).endsWith('/connect/token')) return res;
    const body = await res.json();
    return new Response(JSON.stringify({ ...body, grant_id: b.grantId }), { status: res.status, headers: res.headers });
  };
  try {
    await assert.rejects(auth.getAccessToken({ grantId: a.grantId }), (e) => {
      assert.equal(e.code, 'invalid_response');
      assert.equal(e.status, 200);
      return true;
    });
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(
    auth.accounts().map((x) => x.grantId),
    before,
  );
  assert.deepEqual([auth.getTokenSet({ grantId: a.grantId }), auth.getTokenSet({ grantId: b.grantId })], sets);
});

test('appState holding a lone surrogate is refused when the login starts, not after the consent', async () => {
  const auth = new NylasAuth(options());
  for (const appState of ['\uD800', { note: 'x\uDC00y' }, ['ok', '\uDBFF']]) {
    await assert.rejects(
      auth.authorizationUrl({ appState }),
      (e) => e.code === 'invalid_option' && e.field === 'appState',
    );
  }
  // Well-formed text, an escaped backslash before "ud800", and pairs are fine.
  for (const appState of ['😀', '\\ud800', { a: 'é' }]) assert.ok(await auth.authorizationUrl({ appState }));
});
