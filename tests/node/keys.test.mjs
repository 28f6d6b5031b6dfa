// What the entry computes without the protocol (js/keys.js, js/sha256.js) against the protocol's own answers
// (the wasm in pkg/engine.js), so that tokens are never written under one key and read under another, and a
// stored token set is judged the same way by the page and by the protocol:
// - keys(options) against `configure(…)`'s tokenKey, accountKey and transactionPrefix, for every valid
//   configuration built from the option table (tests/support/option-cases.mjs) and a list of varied ones;
// - tokenState(fields, skew, now) against the wasm's `restore(…)`, called as js/auth.js called it before the
//   entry computed it (`#tokenState`, commit e91f9d0^), over a generated corpus of token records;
// - skewOf(options) against the protocol's clockSkewMs;
// - sha256 and base64url against node:crypto and Buffer.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { BASE, CONSTRUCTOR, materialize } from '../support/option-cases.mjs';

// nylas-pkce/protocol first: it instantiates the protocol's wasm (pkg/engine.js) synchronously.
await import('../../pkg/protocol.js').catch((e) => {
  throw new Error(`pkg/ is not built (run scripts/build.sh): ${e.message}`);
});
const engine = await import('../../pkg/engine.js');
const { keys, skewOf, tokenState } = await import('../../js/keys.js');
const { pack } = await import('../../js/options.js');
const { CLIENT, CONFIG } = await import('../../js/fields.js');
const { base64url, sha256 } = await import('../../js/sha256.js');

/**
 * The protocol's settings for options `o` (as `NylasAuth` packs them), or null when the constructor (a
 * JavaScript type) or the protocol (a value) refuses the configuration: no keys are used then.
 */
function protocolSettings(o) {
  let config;
  let client;
  try {
    config = pack(CONFIG, o, true);
    client = pack(CLIENT, o, true);
  } catch {
    return null;
  }
  const r = engine.configure(config, client, '');
  return r.startsWith('!') ? null : JSON.parse(r);
}

/** Varied configurations: every way to name the server, with and without an issuer, and varied client ids. */
function variedConfigurations() {
  const servers = [
    {},
    ...['us', 'eu', 'US', 'EU', 'Us', 'uS', 'eU', 'Eu', '', 'mars', null].map((region) => ({ region })),
    ...[
      'https://api.us.nylas.com/v3',
      'https://api.us.nylas.com/v3/',
      'https://api.us.nylas.com/v3//',
      'https://api.eu.nylas.com/v3///',
      'https://API.EU.NYLAS.COM/v3',
      'https://myapp.us.nylas.com',
      'https://myapp.us.nylas.com/',
      'https://myapp.eu.nylas.com//',
      'http://127.0.0.1:4010/v3',
      'http://127.0.0.1:4010/v3/',
      'http://localhost:4010/v3',
      'http://[::1]:4010/v3',
      'https://auth.white-label.example/nylas/v3',
      'https://auth.white-label.example:8443/v3/',
      'https://auth.example/%7Euser/v3',
      'https://auth.example/v3?x=1',
      'https://auth.example/v3#f',
      'https://bücher.example/v3',
      'https://auth.example/ä/v3',
      'https://auth.example/v3 ',
      ' https://auth.example/v3',
      'https:/auth.example/v3',
      'ftp://auth.example/v3',
      '',
      '/',
      null,
    ].map((apiBase) => ({ apiBase })),
    ...[
      { authorizationEndpoint: 'https://idp.example/authorize', tokenEndpoint: 'https://idp.example/token' },
      { authorizationEndpoint: 'https://idp.example/authorize', tokenEndpoint: 'https://idp.example/token/' },
      { authorizationEndpoint: 'https://idp.example/authorize', tokenEndpoint: 'https://idp.example/token//' },
      {
        authorizationEndpoint: 'https://idp.example/a',
        tokenEndpoint: 'https://idp.example/t',
        issuer: 'https://idp.example',
      },
      {
        authorizationEndpoint: 'https://idp.example/a',
        tokenEndpoint: 'https://idp.example/t',
        issuer: 'https://idp.example/',
        revocationEndpoint: 'https://idp.example/r',
      },
      {
        authorizationEndpoint: 'https://idp.example/a',
        tokenEndpoint: 'https://idp.example/t',
        issuer: null,
        tokenInfoEndpoint: 'https://idp.example/i',
      },
      { authorizationEndpoint: 'https://idp.example/a', tokenEndpoint: 'http://127.0.0.1:9/token?realm=ü' },
      { authorizationEndpoint: 'https://idp.example/a', tokenEndpoint: 'https://ÏDP.example/token' },
      { authorizationEndpoint: 'https://idp.example/a', tokenEndpoint: '' },
      { authorizationEndpoint: 'https://idp.example/a' },
      { authorizationEndpoint: 'https://idp.example/a', tokenEndpoint: 'https://idp.example/t', issuer: '' },
    ].map((endpoints) => ({ endpoints })),
    { region: 'us', apiBase: 'https://api.us.nylas.com/v3' },
    {
      apiBase: 'https://api.us.nylas.com/v3',
      endpoints: { authorizationEndpoint: 'https://i/a', tokenEndpoint: 'https://i/t' },
    },
  ];
  const issuers = [
    {},
    { issuer: 'https://issuer.example' },
    { issuer: 'https://issuer.example/' },
    { issuer: 'https://issuer.example', requireIss: true },
    { issuer: 'https://ïssuer.example/ä' },
    { issuer: '' },
    { issuer: null },
    { requireIss: true },
  ];
  const clients = [
    { clientId: 'demo-client' },
    { clientId: 'c' },
    { clientId: 'ünïcödé-клиент-客户端-🔑' },
    { clientId: '\u00e9' }, // é precomposed…
    { clientId: 'e\u0301' }, // …and decomposed: different keys, as in Rust
    { clientId: 'a'.repeat(300) },
    { clientId: 'id with spaces and "quotes" \\ / : ; \t' },
    { clientId: '0123e4567-e89b-12d3-a456-426614174000', redirectUri: 'com.example.app:/oauth/callback' },
    { clientId: '  ' },
  ];
  const others = [{}, { challengeEncoding: 'rfc7636', tokenBody: 'form', clockSkewMs: 0, transactionTtlMs: 1 }];
  const out = [];
  for (const server of servers) {
    for (const issuer of issuers) {
      for (const client of clients) {
        for (const other of others) out.push({ ...BASE, ...server, ...issuer, ...client, ...other });
      }
    }
  }
  return out;
}

test("the entry's storage keys are the protocol's, for every valid configuration", () => {
  const table = CONSTRUCTOR.map(([option, value]) => ({ ...BASE, [option]: materialize(value) }));
  const varied = variedConfigurations();
  const seen = { compared: 0, refused: 0, region: 0, apiBase: 0, endpoints: 0, issuer: 0, unicode: 0 };
  const mismatches = [];
  for (const o of [BASE, ...table, ...varied]) {
    const settings = protocolSettings(o);
    if (!settings) {
      seen.refused++;
      continue;
    }
    const want = {
      transactionPrefix: settings.transactionPrefix,
      tokenKey: settings.tokenKey,
      accountKey: settings.accountKey,
    };
    const got = keys(o);
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches.push(`${JSON.stringify(o)}: entry ${JSON.stringify(got)}, protocol ${JSON.stringify(want)}`);
    }
    seen.compared++;
    if (o.region != null) seen.region++;
    if (o.apiBase != null) seen.apiBase++;
    if (o.endpoints != null) seen.endpoints++;
    if (o.issuer || o.endpoints?.issuer) seen.issuer++;
    if ([...o.clientId].some((c) => c.charCodeAt(0) > 0x7f)) seen.unicode++;
  }
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} configurations with other keys`);
  // The comparison covered every way to name the server, issuers and non-ASCII client ids, and the
  // refused ones were refused by the protocol (not skipped for another reason).
  assert.ok(seen.compared >= 1000, JSON.stringify(seen));
  for (const k of ['region', 'apiBase', 'endpoints', 'issuer', 'unicode']) assert.ok(seen[k] >= 20, `${k}: ${seen[k]}`);
  assert.ok(seen.refused > 0);
  // Distinct configurations get distinct namespaces where the protocol says so, and the same where it does:
  // the region's case, the base's trailing slashes and the default region are one client.
  const k = (o) => keys({ ...BASE, ...o }).tokenKey;
  assert.equal(k({ region: 'EU' }), k({ region: 'eu' }));
  assert.equal(k({ region: 'Us' }), k({}));
  assert.equal(k({ apiBase: 'https://api.us.nylas.com/v3///' }), k({}));
  assert.notEqual(k({ region: 'eu' }), k({}));
  assert.notEqual(k({ issuer: 'https://issuer.example' }), k({}));
  assert.notEqual(k({ clientId: '\u00e9' }), k({ clientId: 'e\u0301' }));
  assert.match(k({}), /^nylas-pkce:tokens:[\w-]{22}$/);
});

test("the entry's clock skew is the protocol's", () => {
  for (const o of [
    BASE,
    { ...BASE, clockSkewMs: 0 },
    { ...BASE, clockSkewMs: 3_600_000 },
    { ...BASE, clockSkewMs: null },
  ]) {
    assert.equal(skewOf(o), protocolSettings(o).clockSkewMs, JSON.stringify(o));
  }
});

const str = (v) => (typeof v === 'string' ? v : undefined);

/** The wasm's verdict, asked as js/auth.js asked it before the entry judged token sets itself. */
function wasmState(t, skew, now) {
  if (!t || typeof t !== 'object') return 0;
  const at = Number.isSafeInteger(t.expiresAt) ? t.expiresAt : -1;
  return engine.restore(str(t.accessToken) ?? '', str(t.tokenType) ?? '', at, str(t.refreshToken), now, skew);
}

/** A seeded generator (xorshift32), so a failure can be reproduced. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

test("the entry's token check is the protocol's, over a generated corpus of token records", () => {
  const NOW = 1_765_000_000_000;
  const ascii = Array.from({ length: 128 }, (_, b) => String.fromCharCode(b));
  const nonAscii = ['é', '€', '😀', '\u0080', '\u00a0', '\u00ff', '\u2028', '\ufeff', '\ud800', '\udc00x', 'ﬀ'];
  const texts = [
    ...ascii,
    ...ascii.map((c) => `tok${c}en`),
    ...ascii.map((c) => `${c}token`),
    ...ascii.map((c) => `token${c}`),
    ...nonAscii,
    ...nonAscii.map((c) => `tok${c}en`),
    '',
    ' ',
    'a',
    'x'.repeat(5000),
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_-+/=~',
  ];
  const nonStrings = [undefined, null, 0, 5, true, false, {}, [], ['a'], { toString: () => 'a' }, 1n];
  const accessTokens = [...texts, ...nonStrings];
  const refreshTokens = [...texts, ...nonStrings];
  const tokenTypes = [
    'Bearer',
    'bearer',
    'BEARER',
    'Bearer ',
    ' Bearer',
    'Bearer\0',
    'Bеarer',
    'MAC',
    '',
    ...nonStrings,
  ];
  const skews = [0, 1, 30_000, 3_600_000];
  const expiries = (now, skew) => [
    0,
    -0,
    1,
    -1,
    now - 1,
    now,
    now + 1,
    now + skew - 1,
    now + skew,
    now + skew + 1,
    now + skew + 0.5,
    now + skew - 0.5,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53) + 1,
    1.5,
    1e21,
    Number.MAX_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    String(now + skew + 1000),
    null,
    undefined,
    true,
    [now + skew + 1000],
    { valueOf: () => now + skew + 1000 },
  ];
  const differ = [];
  let compared = 0;
  const counts = [0, 0, 0];
  const compare = (t, skew, now) => {
    const want = wasmState(t, skew, now);
    const got = tokenState(t, skew, now);
    counts[want]++;
    compared++;
    if (got !== want && differ.length < 10) {
      const shown =
        t && typeof t === 'object'
          ? Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v).slice(0, 40)]))
          : String(t);
      differ.push(`${JSON.stringify(shown)} skew ${skew} now ${now}: entry ${got}, protocol ${want}`);
    }
  };
  const good = { accessToken: 'at', tokenType: 'Bearer', expiresAt: NOW + 3_600_000 };
  // One field at a time, around a valid record, at each skew and at several clocks.
  for (const now of [NOW, 0, 2 ** 53 - 1]) {
    for (const skew of skews) {
      for (const accessToken of accessTokens) compare({ ...good, accessToken }, skew, now);
      for (const refreshToken of refreshTokens) compare({ ...good, refreshToken }, skew, now);
      for (const tokenType of tokenTypes) compare({ ...good, tokenType }, skew, now);
      for (const expiresAt of expiries(now, skew)) compare({ ...good, expiresAt }, skew, now);
    }
  }
  // Missing fields, extra fields, and what is not a token record at all.
  const { accessToken, tokenType, expiresAt } = good;
  for (const t of [
    { tokenType, expiresAt },
    { accessToken, expiresAt },
    { accessToken, tokenType },
    {},
    { ...good, refreshToken: 'rt', grantId: 'g', email: 'a@b.c', provider: 'google', scope: ['x'], idToken: 'i.d.t' },
    { ...good, expiresIn: 3600, extra: { nested: [1, 2] }, __proto__: { accessToken: 'inherited' } },
    Object.assign(Object.create({ expiresAt: NOW + 3_600_000 }), { accessToken, tokenType }),
    [],
    Object.assign([], good),
    null,
    undefined,
    0,
    'a string',
    true,
  ]) {
    for (const skew of skews) compare(t, skew, NOW);
  }
  // Random records mixing every pool, and the same records through JSON (as token storage holds them).
  const rnd = random(19);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  for (let i = 0; i < 20_000; i++) {
    const skew = pick(skews);
    const now = pick([NOW, NOW + Math.floor(rnd() * 1e7), 0]);
    const t = {};
    if (rnd() < 0.9) t.accessToken = pick(accessTokens);
    if (rnd() < 0.9) t.tokenType = rnd() < 0.7 ? 'Bearer' : pick(tokenTypes);
    if (rnd() < 0.5) t.refreshToken = pick(refreshTokens);
    if (rnd() < 0.95) t.expiresAt = pick(expiries(now, skew));
    compare(t, skew, now);
    let json;
    try {
      json = JSON.stringify(t);
    } catch {
      continue; // a BigInt
    }
    compare(JSON.parse(json), skew, now);
  }
  assert.deepEqual(differ, [], 'records the entry and the protocol judge differently');
  assert.ok(compared > 40_000, `${compared}`);
  // Each verdict is well represented: not a token set, expired, valid.
  for (const n of counts) assert.ok(n > 1000, `verdicts ${counts}`);
});

test("the SHA-256 of the entry (js/sha256.js) is node:crypto's, and base64url is Buffer's", () => {
  const hex = (b) => Buffer.from(b).toString('hex');
  // FIPS 180-4 examples.
  assert.equal(hex(sha256(new Uint8Array())), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(
    hex(sha256(new TextEncoder().encode('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  assert.equal(
    hex(sha256(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  // Every length from 0 to 300 (every padding case around the 55/56/64-byte block edges), random bytes.
  for (let len = 0; len <= 300; len++) {
    for (let i = 0; i < 4; i++) {
      const bytes = new Uint8Array(randomBytes(len));
      const want = createHash('sha256').update(bytes).digest();
      assert.equal(hex(sha256(bytes)), want.toString('hex'), `length ${len}`);
      assert.equal(base64url(sha256(bytes)), want.toString('base64url'), `length ${len}`);
      assert.equal(base64url(bytes), Buffer.from(bytes).toString('base64url'), `base64url, length ${len}`);
    }
  }
  // Bytes that a sign or a shift would get wrong, and a long input.
  for (const bytes of [
    new Uint8Array(300).fill(0xff),
    new Uint8Array(64).fill(0x80),
    new Uint8Array(randomBytes(100_000)),
  ]) {
    assert.equal(hex(sha256(bytes)), createHash('sha256').update(bytes).digest('hex'));
  }
  // A view into a larger buffer hashes its own bytes only.
  const big = new Uint8Array(randomBytes(200));
  const view = big.subarray(17, 150);
  assert.equal(hex(sha256(view)), createHash('sha256').update(view).digest('hex'));
});
