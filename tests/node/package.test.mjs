// The built npm package (pkg/) imported from Node 20: the entry (nylas-pkce: NylasAuth, no wasm on import)
// and the subpaths (nylas-pkce/protocol, nylas-pkce/callback), vectors, typed errors, 30+ malformed inputs
// each with its specific code, and the NylasAuth flow against the in-process mock Nylas server.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '../mock-server/server.mjs';
import { CALLBACK_EXPORTS, ENTRY_EXPORTS, PROTOCOL_EXPORTS } from '../support/exports.mjs';

const np = await import('../../pkg/index.js').catch((e) => {
  throw new Error(`pkg/ is not built (run scripts/build.sh): ${e.message}`);
});
const proto = await import('../../pkg/protocol.js');
const cbm = await import('../../pkg/callback.js');
const { NylasAuth, NylasPkceError } = np;

let mock;
before(async () => {
  mock = await startMockServer({ port: 0 });
});
after(async () => {
  await mock?.close();
});

const control = (path, body) =>
  fetch(mock.url + path, {
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  }).then((r) => r.json());

function codeOf(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof NylasPkceError, `not a NylasPkceError: ${e}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'NylasPkceError');
    return e.code;
  }
  assert.fail('expected a throw');
}

/** What `npm pack` would publish: the paths, sorted. */
function packedFiles() {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  );
  return packed[0].files.map((f) => f.path).sort();
}

test('package.json publishes pkg/ as an ESM package with types', async () => {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.name, 'nylas-pkce');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.sideEffects, false);
  for (const [sub, file] of [
    ['.', 'index'],
    ['./protocol', 'protocol'],
    ['./callback', 'callback'],
    ['./react', 'react'],
  ]) {
    assert.equal(pkg.exports[sub].types, `./pkg/${file}.d.ts`, sub);
    assert.equal(pkg.exports[sub].import, `./pkg/${file}.js`, sub);
  }
  const files = packedFiles();
  assert.deepEqual(
    files,
    [
      'CHANGELOG.md',
      'LICENSE-APACHE',
      'LICENSE-MIT',
      'README.md',
      'package.json',
      'pkg/callback.d.ts',
      'pkg/callback.js',
      'pkg/engine.js',
      'pkg/engine.wasm',
      'pkg/engine_inline.js',
      'pkg/error.js',
      'pkg/index.d.ts',
      'pkg/index.js',
      'pkg/protocol.d.ts',
      'pkg/protocol.js',
      'pkg/react.d.ts',
      'pkg/react.js',
    ].sort(),
    'the tarball holds the modules, their declarations, the wasm and the documents, nothing else',
  );
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('tests/')), 'sources must not be published');
  // Every module a published file imports (statically, dynamically, or as `new URL(…, import.meta.url)`)
  // is published too, and the declarations' relative imports resolve.
  const root = new URL('../../', import.meta.url);
  for (const f of files.filter((f) => /\.(js|d\.ts)$/.test(f) && f !== 'pkg/engine_inline.js')) {
    const text = await readFile(new URL(f, root), 'utf8');
    const refs = [
      ...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g),
      ...text.matchAll(/new URL\(\s*["'](\.\.?\/[^"']+)["']/g),
    ].map((m) => m[1]);
    for (const ref of refs) {
      const target = join('pkg', ref).replace(/\.js$/, f.endsWith('.d.ts') ? '.d.ts' : '.js');
      assert.ok(files.includes(target), `${f} refers to ${ref}, which is not published`);
    }
  }
});

test('every documented export is there; the low-level functions are in nylas-pkce/protocol, ready without an await', () => {
  assert.deepEqual(Object.keys(np).sort(), [...ENTRY_EXPORTS].sort(), 'nylas-pkce exports the page API only');
  for (const name of ENTRY_EXPORTS) assert.equal(typeof np[name], 'function', name);
  for (const name of PROTOCOL_EXPORTS.filter((n) => n !== 'NylasPkceError')) {
    assert.ok(!(name in np), `${name} is not exported by the entry any more (nylas-pkce/protocol has it)`);
  }
  assert.deepEqual(Object.keys(proto).sort(), [...PROTOCOL_EXPORTS].sort(), 'nylas-pkce/protocol exports');
  for (const name of PROTOCOL_EXPORTS) assert.equal(typeof proto[name], 'function', `nylas-pkce/protocol: ${name}`);
  assert.deepEqual(Object.keys(cbm).sort(), CALLBACK_EXPORTS, 'nylas-pkce/callback exports its public functions only');
  for (const name of CALLBACK_EXPORTS) assert.equal(typeof cbm[name], 'function', `nylas-pkce/callback: ${name}`);
  assert.equal(proto.NylasPkceError, NylasPkceError, 'one error class for every entry');
  assert.equal(cbm.NylasPkceError, NylasPkceError, 'one error class for every entry');
  assert.ok(!('parseCallback' in np), 'the callback half is not part of what a page loads before login');
  // Ready on import: the subpath instantiated its wasm synchronously.
  assert.equal(proto.generateCodeVerifier().length, 43);
  assert.ok(proto.wasmMemoryBytes() > 0);
});

test('isCallbackUrl: a result parameter in the query or the fragment', () => {
  assert.equal(np.isCallbackUrl('https://a.example/cb?code=x&state=y'), true);
  assert.equal(np.isCallbackUrl('https://a.example/cb#error=access_denied'), true);
  assert.equal(np.isCallbackUrl('https://a.example/cb?success=true&grant_id=g'), true);
  assert.equal(np.isCallbackUrl('https://a.example/cb?page=2'), false);
  assert.equal(np.isCallbackUrl('https://a.example/'), false);
});

test('PKCE vectors: Nylas hex encoding and RFC 7636 Appendix B', () => {
  assert.equal(
    proto.codeChallenge('nylas'),
    'ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg',
  );
  assert.equal(
    proto.codeChallenge('nylas', { method: 'S256', encoding: 'nylas' }),
    'ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg',
  );
  assert.equal(
    proto.codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', { encoding: 'rfc7636' }),
    'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  );
  assert.equal(proto.codeChallenge('x'.repeat(43), { method: 'plain' }), 'x'.repeat(43));
  const pair = proto.generatePkcePair({ encoding: 'rfc7636' });
  assert.equal(pair.codeChallenge, proto.codeChallenge(pair.codeVerifier, { encoding: 'rfc7636' }));
  assert.equal(pair.codeChallengeMethod, 'S256');
  assert.equal(proto.generatePkcePair({ length: 128 }).codeVerifier.length, 128);
  assert.equal(
    codeOf(() => proto.codeChallenge('x', { method: 'S512' })),
    'invalid_option',
  );
  assert.equal(
    codeOf(() => proto.generatePkcePair({ encoding: 'hex' })),
    'invalid_option',
  );
  assert.equal(
    codeOf(() => proto.generatePkcePair({ method: 'toString' })),
    'invalid_option',
  );
  assert.equal(
    codeOf(() => proto.generatePkcePair({ encoding: '__proto__' })),
    'invalid_option',
  );
  assert.equal(
    codeOf(() => proto.generatePkcePair({ length: 42 })),
    'invalid_verifier',
  );
  assert.equal(proto.generatePkcePair({ method: 'plain' }).codeChallenge.length, 43);
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    const v = proto.generateCodeVerifier(64);
    assert.match(v, /^[A-Za-z0-9\-._~]{64}$/);
    seen.add(v);
  }
  assert.equal(seen.size, 200);
});

test('the reference PKCE authorization request', () => {
  const r = proto.buildAuthorizationUrl({
    clientId: '<your_nylas_app_client_id>',
    redirectUri: 'https://myapp.com/callback-handler',
    apiBase: 'https://myapp.us.nylas.com',
    provider: 'google',
    scopes: ['https://www.googleapis.com/auth/gmail.readonly', 'profile'],
    state: 'sQ6vFQN-sQ6vFQN-sQ6vFQN', // the reference's sQ6vFQN, padded to the 22 characters (128 bits) a caller's state needs
  });
  const u = new URL(r.url);
  assert.equal(u.origin + u.pathname, 'https://myapp.us.nylas.com/connect/auth');
  assert.deepEqual(
    [...u.searchParams.keys()],
    [
      'client_id',
      'redirect_uri',
      'response_type',
      'provider',
      'scope',
      'access_type',
      'state',
      'code_challenge',
      'code_challenge_method',
    ],
  );
  assert.equal(u.searchParams.get('scope'), 'https://www.googleapis.com/auth/gmail.readonly profile');
  assert.ok(r.url.includes('scope=https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fgmail.readonly%20profile&'));
  assert.equal(u.searchParams.get('access_type'), 'online');
  assert.equal(u.searchParams.get('code_challenge'), proto.codeChallenge(r.codeVerifier));
  assert.equal(r.codeChallengeMethod, 'S256');
  assert.equal(JSON.parse(r.transaction).state, 'sQ6vFQN-sQ6vFQN-sQ6vFQN');
});

test('at least 30 malformed inputs, each with its specific code', () => {
  const cfg = { clientId: 'c', redirectUri: 'https://a.com/cb' };
  const S = { state: 'st' };
  const cases = [
    // configs
    [() => proto.buildAuthorizationUrl({ redirectUri: 'https://a.com/cb' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ clientId: 'c' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ clientId: 'c', redirectUri: 'http://evil.com/cb' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ clientId: 'c', redirectUri: 'https://a.com/cb#f' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ clientId: 'c', redirectUri: '/cb' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ clientId: 'c', redirectUri: 'javascript:alert(1)' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ ...cfg, region: 'mars' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ ...cfg, apiBase: 'http://api.example.com' }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ ...cfg, endpoints: { tokenEndpoint: 'https://i/t' } }), 'invalid_config'],
    [() => proto.buildAuthorizationUrl({ ...cfg, challengeEncoding: 'hex' }), 'invalid_config'],
    // options
    [() => proto.buildAuthorizationUrl({ ...cfg, state: '' }), 'invalid_option'],
    [() => proto.buildAuthorizationUrl({ ...cfg, state: 'x'.repeat(21) }), 'invalid_option'],
    [() => proto.buildAuthorizationUrl({ ...cfg, state: 'x'.repeat(257) }), 'invalid_option'],
    [() => proto.buildAuthorizationUrl({ ...cfg, scopes: ['a b'] }), 'invalid_option'],
    [() => proto.buildAuthorizationUrl({ ...cfg, responseType: 'adminconsent' }), 'invalid_option'],
    [() => proto.buildAuthorizationUrl({ ...cfg, extraParams: { code_challenge: 'x' } }), 'invalid_option'],
    [() => proto.buildAuthorizationUrl({ ...cfg, codeVerifier: 'too-short' }), 'invalid_verifier'],
    [() => proto.buildAuthorizationUrl({ ...cfg, codeVerifier: `${'a'.repeat(42)}+` }), 'invalid_verifier'],
    [() => proto.generateCodeVerifier(200), 'invalid_verifier'],
    // callbacks
    [() => cbm.parseCallback('https://a.com/cb?code=x', S), 'missing_state'],
    [() => cbm.parseCallback('https://a.com/cb?code=x&state=other', S), 'state_mismatch'],
    [() => cbm.parseCallback('https://a.com/cb?state=st', S), 'missing_code'],
    [() => cbm.parseCallback('https://a.com/cb?code=x&code=y&state=st', S), 'invalid_callback'],
    [() => cbm.parseCallback('https://a.com/cb?code=x&error=e&state=st', S), 'invalid_callback'],
    [() => cbm.parseCallback('https://a.com/cb', S), 'invalid_callback'],
    [() => cbm.parseCallback('https://a.com/cb?code=%E0%A4%A&state=st', S), 'invalid_callback'],
    [
      () =>
        cbm.parseCallback('https://a.com/cb?code=x&state=st&iss=https%3A%2F%2Fevil', {
          state: 'st',
          issuer: 'https://good',
        }),
      'issuer_mismatch',
    ],
    [() => cbm.parseCallback('https://a.com/cb?error=access_denied&state=st', S), 'authorization_error'],
    [
      () => cbm.parseCallback('https://a.com/cb?success=false&error=auth_limit_reached&state=st', S),
      'authorization_error',
    ],
    // token bodies
    [() => cbm.parseTokenResponse(200, '{"token_type":"Bearer"}'), 'invalid_response'],
    [() => cbm.parseTokenResponse(200, '{"access_token":"a","token_type":"MAC"}'), 'invalid_response'],
    [
      () => cbm.parseTokenResponse(200, '{"access_token":"a","token_type":"Bearer","expires_in":"later"}'),
      'invalid_response',
    ],
    [() => cbm.parseTokenResponse(200, 'not json'), 'invalid_response'],
    [() => cbm.parseTokenResponse(502, '<html><h1>502 Bad Gateway</h1></html>'), 'invalid_response'],
    [() => cbm.parseTokenResponse(400, '{"error":"invalid_grant"}'), 'invalid_grant'],
    [() => cbm.parseTokenResponse(401, '{"error":"invalid_client","error_code":45003}'), 'invalid_client'],
    [
      () => cbm.parseTokenResponse(400, '{"success":false,"error":{"type":"invalid_token","event_code":45008}}'),
      'invalid_token',
    ],
    [
      () => cbm.parseTokenResponse(500, '{"success":false,"error":{"type":"internal_error","event_code":500}}'),
      'server_error',
    ],
    [
      () =>
        cbm.parseTokenResponse(
          403,
          JSON.stringify({
            message:
              "You provided a token which has the following scopes ['email.read_only', 'email.send']. You would need a token with at least one of the following scopes: ['email.modify']",
            type: 'api_error',
          }),
        ),
      'insufficient_scope',
    ],
  ];
  assert.ok(cases.length >= 30);
  for (const [fn, code] of cases) assert.equal(codeOf(fn), code, fn.toString());
});

test('errors carry OAuth and Nylas fields but never a secret', () => {
  const verifier = proto.generateCodeVerifier();
  try {
    cbm.parseTokenResponse(
      400,
      JSON.stringify({
        error: 'invalid_grant',
        error_description: 'bad code',
        error_uri: 'https://x/#45004',
        error_code: 45004,
        request_id: 'req-1',
      }),
    );
    assert.fail('should throw');
  } catch (e) {
    assert.deepEqual(
      {
        code: e.code,
        error: e.error,
        errorDescription: e.errorDescription,
        status: e.status,
        eventCode: e.eventCode,
        requestId: e.requestId,
        type: e.type,
      },
      {
        code: 'invalid_grant',
        error: 'invalid_grant',
        errorDescription: 'bad code',
        status: 400,
        eventCode: 45004,
        requestId: 'req-1',
        type: 'invalid_grant',
      },
    );
  }
  try {
    cbm.parseCallback(`https://a.com/cb?code=${verifier}&state=nope`, { state: verifier });
  } catch (e) {
    assert.equal(e.code, 'state_mismatch');
    assert.ok(!e.message.includes(verifier) && !JSON.stringify(e).includes(verifier));
  }
  try {
    cbm.parseTokenResponse(
      403,
      JSON.stringify({
        message:
          "You provided a token which has the following scopes: ['a']. You would need a token with at least one of the following scopes: ['b', 'c']",
      }),
    );
  } catch (e) {
    assert.deepEqual([e.providedScopes, e.requiredScopes, e.status], [['a'], ['b', 'c'], 403]);
  }
});

test('token request as data: JSON by default for Nylas, form on request, never a client_secret', () => {
  const v = proto.generateCodeVerifier();
  const json = cbm.tokenRequest({ clientId: 'c', redirectUri: 'https://a.com/cb', code: 'the-code', codeVerifier: v });
  assert.equal(json.headers['Content-Type'], 'application/json');
  assert.deepEqual(JSON.parse(json.body), {
    client_id: 'c',
    grant_type: 'authorization_code',
    code: 'the-code',
    redirect_uri: 'https://a.com/cb',
    code_verifier: v,
  });
  const form = cbm.tokenRequest({
    clientId: 'c',
    redirectUri: 'https://a.com/cb',
    code: 'the-code',
    codeVerifier: v,
    tokenBody: 'form',
  });
  assert.equal(form.headers['Content-Type'], 'application/x-www-form-urlencoded');
  assert.equal(new URLSearchParams(form.body).get('code_verifier'), v);
  assert.ok(!form.body.includes('client_secret'));
  const generic = cbm.tokenRequest({
    clientId: 'c',
    redirectUri: 'https://a.com/cb',
    endpoints: { authorizationEndpoint: 'https://idp/a', tokenEndpoint: 'https://idp/t' },
    refreshToken: 'rt',
  });
  assert.equal(generic.url, 'https://idp/t');
  assert.equal(generic.body, 'client_id=c&grant_type=refresh_token&refresh_token=rt');
});

async function callbackFor(auth, options = {}) {
  const url = await auth.authorizationUrl({ provider: 'google', ...options });
  const r = await fetch(url, { redirect: 'manual' });
  assert.equal(r.status, 302, await r.text());
  return r.headers.get('location');
}

test('NylasAuth in Node: redirect flow against the mock, dedupe, replay, lifecycle, events', async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { autoApprove: true });
  const auth = new NylasAuth({
    clientId: 'demo-client',
    redirectUri: 'http://127.0.0.1:5173/callback.html',
    apiBase: `${mock.url}/v3`,
    scopes: ['email'],
  });
  const events = [];
  for (const e of ['tokens', 'expired', 'logout', 'error']) auth.on(e, (p) => events.push([e, p?.code ?? typeof p]));
  const cb = await callbackFor(auth);
  assert.match(cb, /^http:\/\/127\.0\.0\.1:5173\/callback\.html\?code=/);
  const [a, b] = await Promise.all([auth.handleRedirectCallback(cb), auth.handleRedirectCallback(cb)]);
  assert.equal(a, b, 'a second call in flight shares the first one');
  assert.equal(a.type, 'tokens');
  assert.equal(a.tokenType, 'Bearer');
  assert.equal(a.refreshToken, undefined, 'access_type=online: no refresh token');
  assert.ok(a.expiresAt > Date.now());
  assert.equal(a.idTokenClaims.aud, 'demo-client');
  assert.equal(auth.isAuthenticated(), true);
  assert.equal(await auth.getAccessToken(), a.accessToken);
  await assert.rejects(auth.handleRedirectCallback(cb), (e) => e.code === 'no_transaction');
  const stats = await control('/__mock/stats');
  assert.equal(stats.requests.token, 1);
  assert.equal(stats.clientSecretSeen, false);
  assert.deepEqual(stats.tokenRequests[0].fields, ['client_id', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
  assert.equal((await auth.grantInfo()).email, a.email);
  assert.equal((await auth.tokenInfo()).sub, a.grantId);
  await auth.revoke();
  await assert.rejects(auth.tokenInfo(), (e) => e.code === 'invalid_token' && e.eventCode === 45008);
  await auth.logout();
  assert.equal(auth.getTokenSet(), null);
  await assert.rejects(auth.getAccessToken(), (e) => e.code === 'login_required');
  assert.deepEqual(
    events.map((e) => e[0]),
    ['tokens', 'error', 'error', 'logout', 'error'],
  );
  assert.ok(events.filter((e) => e[0] === 'error').every((e) => typeof e[1] === 'string'));
});

test('NylasAuth: admin consent, hosted results, expired transactions, form bodies', async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { autoApprove: true });
  const auth = new NylasAuth({
    clientId: 'demo-client',
    redirectUri: 'com.example.app:/oauth/callback',
    apiBase: `${mock.url}/v3`,
    tokenBody: 'form',
    transactionTtlMs: 60_000,
  });
  const consent = await callbackFor(auth, {
    responseType: 'adminconsent',
    credentialId: 'cred-1',
    provider: 'microsoft',
  });
  assert.match(consent, /^com\.example\.app:\/oauth\/callback\?admin_consent=true&state=/);
  assert.deepEqual(await auth.handleRedirectCallback(consent), { type: 'admin_consent' });
  const cb = await callbackFor(auth);
  const tokens = await auth.handleRedirectCallback(cb);
  assert.equal(tokens.type, 'tokens');
  const stats = await control('/__mock/stats');
  assert.equal(stats.tokenRequests.at(-1).contentType, 'application/x-www-form-urlencoded');
  const short = new NylasAuth({
    clientId: 'demo-client',
    redirectUri: 'com.example.app:/oauth/callback',
    apiBase: `${mock.url}/v3`,
    transactionTtlMs: 1,
  });
  const late = await callbackFor(short);
  await new Promise((r) => setTimeout(r, 20));
  await assert.rejects(short.handleRedirectCallback(late), (e) =>
    ['transaction_expired', 'no_transaction'].includes(e.code),
  );
});

test('NylasAuth: user storage adapters, and storage that throws', async () => {
  const m = new Map();
  const adapter = {
    get: (k) => m.get(k) ?? null,
    set: (k, v) => m.set(k, v),
    remove: (k) => m.delete(k),
    keys: (p) => [...m.keys()].filter((k) => k.startsWith(p)),
  };
  const auth = new NylasAuth({ clientId: 'c', redirectUri: 'https://a.com/cb', storage: adapter });
  await auth.authorizationUrl();
  await auth.authorizationUrl();
  assert.equal(m.size, 2, 'one transaction per flow, keyed by state');
  assert.ok([...m.keys()].every((k) => k.startsWith('nylas-pkce:tx:')));
  assert.ok(![...m.values()].some((v) => v.includes('client_secret')));
  const broken = new NylasAuth({
    clientId: 'c',
    redirectUri: 'https://a.com/cb',
    storage: {
      get() {
        throw new Error('no');
      },
      set() {
        throw new Error('no');
      },
      remove() {},
      keys: () => [],
    },
  });
  await assert.rejects(
    broken.authorizationUrl(),
    (e) => e instanceof NylasPkceError && e.code === 'storage_unavailable',
  );
  const asyncAdapter = new NylasAuth({
    clientId: 'c',
    redirectUri: 'https://a.com/cb',
    storage: { get: async () => null, set: async () => {}, remove: async () => {}, keys: () => [] },
  });
  await assert.rejects(
    asyncAdapter.authorizationUrl(),
    (e) => e instanceof NylasPkceError && e.code === 'storage_unavailable',
  );
});

test('NylasAuth: option errors in redirect and popup logins reject and emit "error"', async () => {
  const auth = new NylasAuth({ clientId: 'c', redirectUri: 'https://a.com/cb', storage: 'memory' });
  const seen = [];
  const off = auth.on('error', (e) => seen.push(e.code));
  await assert.rejects(
    auth.loginWithRedirect({ responseType: 'adminconsent' }),
    (e) => e.code === 'invalid_option' && e.field === 'credentialId',
  );
  await assert.rejects(auth.reauthenticate({ state: '' }), (e) => e.code === 'invalid_option' && e.field === 'state');
  await assert.rejects(
    auth.loginWithPopup({ scopes: ['a b'] }),
    (e) => e.code === 'invalid_option' && e.field === 'scopes',
  );
  assert.deepEqual(seen, ['invalid_option', 'invalid_option', 'invalid_option']);
  off();
  await assert.rejects(auth.loginWithRedirect({ responseType: 'adminconsent' }));
  assert.equal(seen.length, 3, 'unsubscribed listeners are not called');
  const opened = [];
  const urlOnly = new NylasAuth({
    clientId: 'c',
    redirectUri: 'com.example.app:/cb',
    storage: 'memory',
    openUrl: (u) => opened.push(u),
  });
  await urlOnly.loginWithRedirect({ provider: 'google', loginHint: 'a@b.c' });
  assert.match(
    opened[0],
    /^https:\/\/api\.us\.nylas\.com\/v3\/connect\/auth\?client_id=c&redirect_uri=com\.example\.app%3A%2Fcb&response_type=code&provider=google&/,
  );
  assert.ok(opened[0].includes('login_hint=a%40b.c'));
});

test('every option is checked by type and value, naming it (the table in tests/support/option-cases.mjs)', async () => {
  const cases = await import('../support/option-cases.mjs');
  assert.deepEqual(cases.runCases(np), []);
  assert.deepEqual(await cases.runAsyncCases(np), []);
  assert.ok(cases.CONSTRUCTOR.length >= 50 && cases.CALL.length >= 15);
  // Both moments are exercised, and every row names one.
  const moments = cases.CONSTRUCTOR.map((row) => row[2]);
  assert.ok(moments.every((m) => m === cases.CONSTRUCT || m === cases.READY));
  assert.ok(moments.filter((m) => m === cases.READY).length >= 15);
  assert.ok(moments.filter((m) => m === cases.CONSTRUCT).length >= 35);
});

test('ready() rejects naming the option a value only the protocol judges; preload() never rejects', async () => {
  const cfg = { clientId: 'c', redirectUri: 'https://a.example/cb', storage: 'memory' };
  const good = new NylasAuth(cfg);
  assert.equal(await good.ready(), undefined);
  assert.equal(await good.preload(), undefined);
  assert.equal(await good.ready(), undefined, 'ready() again: the same answer');
  for (const [option, value] of [
    ['clockSkewMs', 3_600_001],
    ['redirectUri', 'http://evil.example/cb'],
    ['challengeMethod', 'plain'],
    ['requireIss', true],
  ]) {
    const bad = new NylasAuth({ ...cfg, [option]: value }); // names and types are fine: no throw
    const errors = [];
    bad.on('error', (e) => errors.push(e.field));
    assert.equal(await bad.preload(), undefined, `${option}: preload() resolves all the same`);
    assert.deepEqual(errors, [], `${option}: preload() reports nothing`);
    await assert.rejects(
      bad.ready(),
      (e) => e instanceof NylasPkceError && e.code === 'invalid_config' && e.field === option,
      option,
    );
    await assert.rejects(bad.authorizationUrl(), (e) => e.code === 'invalid_config' && e.field === option, option);
    assert.deepEqual(errors, [option, option], `${option}: each rejection is an 'error' event`);
    assert.equal(bad.isAuthenticated(), false, 'the page part works all the same');
  }
});

test('a protocol that cannot be loaded: preload() resolves, ready() and the steps reject network_error, the next call tries again', async (t) => {
  // A copy of the entry without the protocol module (a deploy that removed it, a file the server lost).
  const dir = mkdtempSync(join(tmpdir(), 'nylas-pkce-noproto-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pkgDir = fileURLToPath(new URL('../../pkg/', import.meta.url));
  for (const f of ['index.js', 'error.js']) cpSync(join(pkgDir, f), join(dir, f));
  const copy = await import(new URL(`file://${join(dir, 'index.js')}`).href);
  const auth = new copy.NylasAuth({ clientId: 'c', redirectUri: 'https://a.example/cb', storage: 'memory' });
  assert.equal(await auth.preload(), undefined);
  await assert.rejects(auth.ready(), (e) => e.code === 'network_error' && e.name === 'NylasPkceError');
  await assert.rejects(auth.authorizationUrl(), (e) => e.code === 'network_error');
  await assert.rejects(
    auth.handleRedirectCallback('https://a.example/cb?code=x&state=y'),
    (e) => e.code === 'network_error',
  );
  // The files are back: the next step loads them.
  for (const f of ['engine.js', 'engine_inline.js']) cpSync(join(pkgDir, f), join(dir, f));
  assert.equal(await auth.ready(), undefined);
  assert.match(await auth.authorizationUrl(), /^https:\/\/api\.us\.nylas\.com\/v3\/connect\/auth\?client_id=c&/);
});

/**
 * Runs `code` (an ES module's body) in a fresh Node process after patching every way to compile or
 * instantiate wasm and tracing every module loaded; `code` sees `INDEX` (pkg/index.js's URL), `env`, and
 * `snapshot(label)`, which records the wasm calls and the package's modules loaded so far. Resolves with
 * `{ snapshots, out }` (`out`: what `code` returned).
 */
function inFreshNode(code, env = {}) {
  const hooks = `
    let port;
    export function initialize(data) { port = data.port; }
    export async function load(url, context, next) { port.postMessage(url); return next(url, context); }`;
  const script = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const wasmCalls = [];
    for (const f of ['compile', 'instantiate', 'compileStreaming', 'instantiateStreaming', 'validate']) {
      const original = WebAssembly[f];
      if (original) WebAssembly[f] = function (...args) { wasmCalls.push(f); return original.apply(this, args); };
    }
    for (const c of ['Module', 'Instance']) {
      WebAssembly[c] = new Proxy(WebAssembly[c], {
        construct(target, args, newTarget) { wasmCalls.push(c); return Reflect.construct(target, args, newTarget); },
      });
    }
    const loaded = [];
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (url) => loaded.push(url));
    port1.unref();
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}), {
      data: { port: port2 },
      transferList: [port2],
    });
    const INDEX = ${JSON.stringify(new URL('../../pkg/index.js', import.meta.url).href)};
    const PKG = new URL('./', INDEX).href;
    const env = JSON.parse(process.env.CHILD_ENV);
    const snapshots = {};
    const snapshot = async (label) => {
      await new Promise((r) => setTimeout(r, 100)); // the loader hooks' messages arrive asynchronously
      snapshots[label] = {
        wasm: [...wasmCalls],
        modules: [...new Set(loaded.filter((u) => u.startsWith(PKG)).map((u) => u.slice(PKG.length)))].sort(),
      };
    };
    const out = await (async () => { ${code} })();
    process.stdout.write(JSON.stringify({ snapshots, out }));`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, CHILD_ENV: JSON.stringify(env) },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

test('importing the entry instantiates no wasm; a page with a valid stored token never loads the protocol', async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { autoApprove: true });
  // An earlier login against the mock leaves its token record in token storage.
  const tokenStorage = mapStorage();
  const options = {
    clientId: 'demo-client',
    redirectUri: 'http://127.0.0.1:5173/callback.html',
    apiBase: `${mock.url}/v3`,
    storage: 'memory',
  };
  const login = new NylasAuth({ ...options, tokenStorage });
  const tokens = await login.handleRedirectCallback(await callbackFor(login, { loginHint: 'ada@work.example' }));
  assert.equal(tokenStorage.items.size, 1);

  const { snapshots, out } = inFreshNode(
    `
    const { NylasAuth, isCallbackUrl } = await import(INDEX);
    await snapshot('import');
    const items = new Map(env.records);
    const tokenStorage = {
      get: (k) => items.get(k) ?? null,
      set: (k, v) => void items.set(k, v),
      remove: (k) => void items.delete(k),
      keys: (p) => [...items.keys()].filter((k) => k.startsWith(p)),
    };
    const auth = new NylasAuth({ ...env.options, tokenStorage });
    const events = [];
    auth.on('tokens', () => events.push('tokens'));
    const page = {
      authenticated: auth.isAuthenticated(),
      token: await auth.getAccessToken(),
      again: await auth.getAccessToken(),
      accounts: auth.accounts(),
      email: auth.getTokenSet()?.email,
      callback: isCallbackUrl('https://a.example/cb?code=x&state=y'),
    };
    const empty = new NylasAuth({ ...env.options, clientId: 'another-client' });
    page.otherClient = empty.isAuthenticated();
    page.loginRequired = await empty.getAccessToken().catch((e) => e.code);
    await empty.logout(); // nothing to revoke: the local part only
    await snapshot('page');
    await auth.ready();
    const url = await auth.authorizationUrl();
    await snapshot('protocol');
    return { page, url, events };
  `,
    { records: [...tokenStorage.items], options },
  );
  // The entry: no wasm compiled or instantiated, only its own two modules.
  assert.deepEqual(snapshots.import, { wasm: [], modules: ['error.js', 'index.js'] });
  // The page: its token, accounts and a login_required answer, without the protocol.
  assert.deepEqual(snapshots.page, { wasm: [], modules: ['error.js', 'index.js'] }, 'the protocol was not loaded');
  assert.deepEqual(out.page, {
    authenticated: true,
    token: tokens.accessToken,
    again: tokens.accessToken,
    accounts: [{ grantId: tokens.grantId, email: 'ada@work.example', provider: 'google', expiresAt: tokens.expiresAt }],
    email: 'ada@work.example',
    callback: true,
    otherClient: false,
    loginRequired: 'login_required',
  });
  // The probe sees the protocol when it does load: compiled asynchronously (never `new WebAssembly.Module`),
  // from the inline fallback (Node has no file to fetch).
  assert.deepEqual(snapshots.protocol.wasm, ['compile', 'Instance']);
  assert.deepEqual(snapshots.protocol.modules, ['engine.js', 'engine_inline.js', 'error.js', 'index.js']);
  assert.ok(out.url.startsWith(`${mock.url}/v3/connect/auth?client_id=demo-client&`), out.url);
  assert.deepEqual(out.events, []);
});

test('a popup-looking callback that this client did not start is not handed to an opener', async () => {
  const auth = new np.NylasAuth({ clientId: 'c', redirectUri: 'https://a.example/cb' });
  const crafted = `https://a.example/cb?code=x&state=popup.${'a'.repeat(30)}`;
  await assert.rejects(auth.handleRedirectCallback(crafted), (e) => e.code === 'no_transaction');
  assert.equal(np.NylasAuth.completePopup(crafted), false, 'no transaction here and no opener');
});

test("Nylas's current parameters: smtpRequired is options=smtp_required; credentialId on a code flow", async () => {
  const cfg = { clientId: 'c', redirectUri: 'https://a.example/cb' };
  const u = new URL(proto.buildAuthorizationUrl({ ...cfg, smtpRequired: true, credentialId: 'cred-1' }).url);
  assert.equal(u.searchParams.get('options'), 'smtp_required');
  assert.equal(u.searchParams.get('credential_id'), 'cred-1');
  assert.equal(u.searchParams.get('response_type'), 'code');
  assert.ok(!new URL(proto.buildAuthorizationUrl(cfg).url).searchParams.has('options'), 'absent by default');
  assert.throws(
    () => proto.buildAuthorizationUrl({ ...cfg, smtpRequired: 'yes' }),
    (e) => e.field === 'smtpRequired',
  );
  assert.throws(
    () => proto.buildAuthorizationUrl({ ...cfg, extraParams: { options: 'x' } }),
    (e) => e.field === 'extraParams',
  );
  // As a NylasAuth default too.
  const auth = new np.NylasAuth({ ...cfg, storage: 'memory', smtpRequired: true });
  assert.equal(new URL(await auth.authorizationUrl()).searchParams.get('options'), 'smtp_required');
});

test('appState comes back as given: fractions, large numbers, nested values; over 4 KiB is refused', async () => {
  const mock = await startMockServer({ port: 0, autoApprove: true });
  try {
    const auth = new NylasAuth({
      clientId: 'demo-client',
      redirectUri: `${mock.url}/callback-echo`,
      apiBase: `${mock.url}/v3`,
      storage: 'memory',
    });
    // biome-ignore lint/correctness/noPrecisionLoss: a number past 2^53 on purpose (it must come back as JSON gave it)
    const appState = { n: 1.5, big: 12345678901234567890, neg: -0.25, e: 1e-7, s: 'x"y', nested: [1, { a: null }] };
    const url = (await fetch(await auth.authorizationUrl({ appState }))).url;
    const r = await auth.handleRedirectCallback(url);
    assert.deepEqual(r.appState, appState);
    await assert.rejects(
      auth.authorizationUrl({ appState: 'x'.repeat(4096) }),
      (e) => e.code === 'invalid_option' && e.field === 'appState',
    );
  } finally {
    await mock.close();
  }
});

test('isEmbeddedWebview over real user agents (the table the Rust test reads too); a login for Google there is refused', async () => {
  const table = JSON.parse(await readFile(new URL('../support/user-agents.json', import.meta.url), 'utf8'));
  for (const { name, userAgent, embedded } of table) assert.equal(proto.isEmbeddedWebview(userAgent), embedded, name);
  const webview = table.find((r) => r.name === 'Android WebView').userAgent;
  const real = globalThis.navigator;
  Object.defineProperty(globalThis, 'navigator', { value: { userAgent: webview }, configurable: true });
  try {
    const options = { clientId: 'c', redirectUri: 'https://a.example/cb', storage: 'memory' };
    const auth = new NylasAuth({ ...options, provider: 'google' });
    await assert.rejects(
      auth.loginWithRedirect(),
      (e) => e.code === 'embedded_webview' && /system browser/.test(e.message),
    );
    // With an openUrl hook (the system browser), with the override, or for another provider: it goes ahead.
    let opened = null;
    await auth.loginWithRedirect({
      openUrl: (url) => {
        opened = url;
      },
    });
    assert.ok(opened?.includes('provider=google'));
    await auth.loginWithRedirect({ allowEmbeddedWebview: true, openUrl: () => {} });
    const microsoft = new NylasAuth({ ...options, provider: 'microsoft', openUrl: undefined });
    await assert.rejects(microsoft.loginWithRedirect(), (e) => e.code !== 'embedded_webview');
  } finally {
    if (real === undefined) delete globalThis.navigator;
    else Object.defineProperty(globalThis, 'navigator', { value: real, configurable: true });
  }
});

/** A token storage adapter over a Map, to see the keys the SDK writes. */
function mapStorage() {
  const items = new Map();
  return {
    items,
    get: (k) => items.get(k) ?? null,
    set: (k, v) => void items.set(k, v),
    remove: (k) => void items.delete(k),
    keys: (prefix) => [...items.keys()].filter((k) => k.startsWith(prefix)),
  };
}

test("several connected accounts (accounts: 'multiple'): one token set per grant, each used, one logged out", async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { autoApprove: true });
  const tokenStorage = mapStorage();
  const options = {
    clientId: 'demo-client',
    redirectUri: 'http://127.0.0.1:5173/callback.html',
    apiBase: `${mock.url}/v3`,
    storage: 'memory',
    tokenStorage,
    accounts: 'multiple',
  };
  const auth = new NylasAuth(options);
  const events = [];
  for (const e of ['tokens', 'logout', 'expired']) auth.on(e, (p) => events.push([e, p.grantId]));
  const work = await auth.handleRedirectCallback(await callbackFor(auth, { loginHint: 'ada@work.example' }));
  const home = await auth.handleRedirectCallback(await callbackFor(auth, { loginHint: 'ada@home.example' }));
  assert.notEqual(work.grantId, home.grantId);
  assert.deepEqual(
    auth.accounts(),
    [work, home].map((t) => ({ grantId: t.grantId, email: t.email, provider: 'google', expiresAt: t.expiresAt })),
  );
  assert.ok(!JSON.stringify(auth.accounts()).includes(work.accessToken), 'no secret in the list');

  // Each account's own token, by grant id; none without one while two are connected.
  assert.equal(await auth.getAccessToken({ grantId: work.grantId }), work.accessToken);
  assert.equal(await auth.getAccessToken({ grantId: home.grantId }), home.accessToken);
  assert.notEqual(work.accessToken, home.accessToken);
  await assert.rejects(auth.getAccessToken(), (e) => e.code === 'invalid_option' && e.field === 'grantId');
  await assert.rejects(auth.getAccessToken({ grantId: 'nope' }), (e) => e.code === 'login_required');
  assert.throws(
    () => auth.getTokenSet(),
    (e) => e.field === 'grantId',
  );
  assert.equal(auth.getTokenSet({ grantId: home.grantId }).email, 'ada@home.example');
  assert.equal(auth.isAuthenticated(), true);
  assert.equal(auth.isAuthenticated({ grantId: 'nope' }), false);
  assert.equal((await auth.grantInfo({ grantId: work.grantId })).email, 'ada@work.example');
  assert.equal((await auth.tokenInfo({ grantId: home.grantId })).sub, home.grantId);

  // One key per grant inside the client's namespace; another client on the same storage has both.
  const keys = [...tokenStorage.items.keys()];
  assert.equal(keys.length, 2);
  const prefix = keys[0].slice(0, keys[0].length - work.grantId.length);
  assert.match(prefix, /^nylas-pkce:tokens:[\w-]{22}:$/);
  assert.deepEqual(keys.sort(), [work.grantId, home.grantId].map((g) => prefix + g).sort());
  const again = new NylasAuth(options);
  assert.deepEqual(
    again
      .accounts()
      .map((a) => a.grantId)
      .sort(),
    [work.grantId, home.grantId].sort(),
  );

  // A new login of the same mailbox replaces its grant's tokens only.
  const work2 = await auth.handleRedirectCallback(await callbackFor(auth, { loginHint: 'ada@work.example' }));
  assert.equal(work2.grantId, work.grantId);
  assert.deepEqual(
    auth.accounts().map((a) => a.grantId),
    [home.grantId, work.grantId],
  );
  assert.equal(await auth.getAccessToken({ grantId: work.grantId }), work2.accessToken);

  // Re-authentication and incremental consent use that grant's login_hint.
  const urls = [];
  const openUrl = (url) => void urls.push(new URL(url).searchParams);
  await auth.reauthenticate({ grantId: home.grantId, openUrl });
  await auth.requestScopes(['calendar'], { grantId: work.grantId, openUrl });
  assert.equal(urls[0].get('login_hint'), 'ada@home.example');
  assert.equal(urls[1].get('login_hint'), 'ada@work.example');
  assert.equal(urls[1].get('include_grant_scopes'), 'true');
  await assert.rejects(auth.reauthenticate({ openUrl }), (e) => e.field === 'grantId');
  await assert.rejects(auth.reauthenticate({ grantId: 'nope', openUrl }), (e) => e.code === 'login_required');

  // Logging one account out revokes its token only; the other keeps working, without a grant id now.
  events.length = 0;
  await auth.logout({ grantId: work.grantId });
  assert.deepEqual(events, [['logout', work.grantId]]);
  assert.deepEqual(
    auth.accounts().map((a) => a.grantId),
    [home.grantId],
  );
  assert.deepEqual([...tokenStorage.items.keys()], [prefix + home.grantId]);
  assert.equal(await auth.getAccessToken(), home.accessToken);
  assert.equal((await auth.grantInfo()).email, 'ada@home.example');
  const revoked = await fetch(`${mock.url}/v3/connect/tokeninfo?access_token=${work2.accessToken}`);
  assert.equal(revoked.status, 400, "the logged-out account's token is revoked at the server");
  await assert.rejects(auth.logout({ grantId: work.grantId }), (e) => e.code === 'login_required');

  // Logout without a grant id logs every account out.
  events.length = 0;
  await auth.logout();
  assert.deepEqual(events, [['logout', home.grantId]]);
  assert.deepEqual(auth.accounts(), []);
  assert.equal(tokenStorage.items.size, 0);
  assert.equal(auth.isAuthenticated(), false);
});

test('one account by default: a login of another mailbox replaces the first', async () => {
  await control('/__mock/reset', {});
  await control('/__mock/config', { autoApprove: true });
  const tokenStorage = mapStorage();
  const auth = new NylasAuth({
    clientId: 'demo-client',
    redirectUri: 'http://127.0.0.1:5173/callback.html',
    apiBase: `${mock.url}/v3`,
    storage: 'memory',
    tokenStorage,
  });
  await auth.handleRedirectCallback(await callbackFor(auth, { loginHint: 'ada@work.example' }));
  const home = await auth.handleRedirectCallback(await callbackFor(auth, { loginHint: 'ada@home.example' }));
  assert.deepEqual(
    auth.accounts().map((a) => a.email),
    ['ada@home.example'],
  );
  assert.equal(await auth.getAccessToken(), home.accessToken);
  const [key] = tokenStorage.items.keys();
  assert.equal(tokenStorage.items.size, 1);
  assert.match(key, /^nylas-pkce:tokens:[\w-]{22}$/);
  const events = [];
  auth.on('logout', (p) => events.push(p));
  await auth.logout({ grantId: home.grantId });
  assert.deepEqual(events, [{ grantId: home.grantId }]);
  assert.equal(auth.isAuthenticated(), false);
});
