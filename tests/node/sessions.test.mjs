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

/** The app's backend: exchanges and refreshes at the token endpoint with its API key (client_secret). */
function backend() {
  const calls = { exchange: [], refresh: [] };
  const token = (body) =>
    fetch(`${mock.url}/v3/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, client_id: 'demo-client', client_secret: 'nyk_v0_test_api_key' }),
    });
  return {
    calls,
    codeExchange: async ({ code, codeVerifier, redirectUri, clientId }) => {
      calls.exchange.push({ code: !!code, codeVerifier: !!codeVerifier, redirectUri, clientId });
      const res = await token({
        grant_type: 'authorization_code',
        code,
        code_verifier: codeVerifier,
        redirect_uri: redirectUri,
      });
      // The backend keeps the refresh token and hands the browser the rest.
      const { refresh_token, ...rest } = await res.json();
      calls.kept = refresh_token;
      return rest;
    },
    refresh: async ({ grantId, refreshToken }) => {
      calls.refresh.push({ grantId, refreshToken });
      return token({ grant_type: 'refresh_token', refresh_token: calls.kept }); // a Response
    },
  };
}

test('backend hooks: the code exchanged and the token refreshed by the app backend, checked as the SDK own', async () => {
  await control('/__mock/reset', {});
  // No public refresh: only the API key can refresh (as at Nylas).
  await control('/__mock/config', { publicRefresh: false, accessTokenTtlSec: 5 });
  const app = backend();
  const auth = new NylasAuth({
    ...options(),
    publicRefresh: false,
    codeExchange: app.codeExchange,
    refresh: app.refresh,
  });
  const first = await login(auth, 'alice@example.com');
  assert.equal(first.type, 'tokens');
  assert.equal(first.refreshToken, undefined, 'the browser never held the refresh token');
  assert.deepEqual(app.calls.exchange, [
    { code: true, codeVerifier: true, redirectUri: `${mock.url}/callback-echo`, clientId: 'demo-client' },
  ]);
  // Within the clock skew already (a 5 s token): getAccessToken() asks the backend, once for two callers.
  const [a, b] = await Promise.all([auth.getAccessToken(), auth.getAccessToken()]);
  assert.equal(a, b);
  assert.notEqual(a, first.accessToken);
  assert.deepEqual(app.calls.refresh, [{ grantId: first.grantId, refreshToken: undefined }]);
  const stats = await control('/__mock/stats');
  assert.equal(stats.requests.token, 2, 'one exchange, one refresh');
  // The new token works at the API.
  const me = await fetch(`${mock.url}/v3/grants/me`, { headers: { authorization: `Bearer ${a}` } });
  assert.equal(me.status, 200);
});

test('backend hooks: a hook that fails is network_error with its cause; a tampered answer is refused', async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { accessTokenTtlSec: 3600 });
  const boom = new Error('backend down');
  const failing = new NylasAuth({ ...options(), codeExchange: () => Promise.reject(boom) });
  await assert.rejects(login(failing), (e) => e.code === 'network_error' && e.cause === boom);
  assert.equal(failing.isAuthenticated(), false);
  const tampered = new NylasAuth({
    ...options(),
    codeExchange: () => ({ access_token: 'a\r\nX-Injected: 1', token_type: 'Bearer', expires_in: 3600 }),
  });
  await assert.rejects(login(tampered), (e) => e.code === 'invalid_response');
  assert.equal(tampered.isAuthenticated(), false);
  // Not a function: refused by name at construction.
  assert.throws(
    () => new NylasAuth({ ...options(), refresh: 'https://backend.example/refresh' }),
    (e) => e.code === 'invalid_config' && e.field === 'refresh',
  );
});
