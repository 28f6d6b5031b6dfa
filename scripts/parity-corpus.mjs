// Writes tests/support/parity-corpus.json: the inputs on which the entry's copy of two core rules
// (js/keys.js: the storage keys, a stored token set's check) is checked against the core. The core reads
// this file and writes its answers (npm/src/parity.rs → tests/support/core-parity.json, a drift-checked test:
// `BLESS=1 cargo test -p nylas-pkce-npm parity`); tests/node/keys.test.mjs compares the entry's answers with
// them. Both sides expand the corpus in the same order (see parity.rs). Run it after changing the lists:
//   node scripts/parity-corpus.mjs && BLESS=1 cargo test -p nylas-pkce-npm parity
import { writeFileSync } from 'node:fs';

const base = { clientId: 'demo-client', redirectUri: 'http://127.0.0.1:5173/callback.html' };
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
  { clientId: 'e\u0301' }, // …and decomposed: different keys, in Rust too
  { clientId: 'a'.repeat(300) },
  { clientId: 'id with spaces and "quotes" \\ / : ; \t' },
  { clientId: '0123e4567-e89b-12d3-a456-426614174000', redirectUri: 'com.example.app:/oauth/callback' },
  { clientId: '  ' },
  { clientId: 5 },
];
const others = [{}, { challengeEncoding: 'rfc7636', tokenBody: 'form', clockSkewMs: 0, transactionTtlMs: 1 }];

// Token records, as token storage holds them (JSON): one field at a time around a valid record, at each
// clock and skew, then whole records with fields missing, extra or of the wrong kind.
const ascii = Array.from({ length: 128 }, (_, b) => String.fromCharCode(b));
const nonAscii = ['é', '€', '😀', '\u0080', '\u00a0', '\u00ff', '\u2028', '\ufeff', 'ﬀ'];
const texts = [
  ...ascii,
  ...ascii.map((c) => `tok${c}en`),
  ...nonAscii,
  ...nonAscii.map((c) => `tok${c}en`),
  '',
  ' ',
  'x'.repeat(5000),
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_-+/=~',
];
const nonStrings = [null, 0, 5, true, false, {}, [], ['a']];
const NOW = 1_765_000_000_000;
const runs = [];
for (const now of [NOW, 0, 2 ** 53 - 1]) {
  for (const skew of [0, 1, 30_000, 3_600_000]) {
    const expiresAt = [
      0,
      1,
      -1,
      now - 1,
      now,
      now + 1,
      now + skew - 1,
      now + skew,
      now + skew + 1,
      now + skew + 0.5,
      2 ** 53 - 1,
      2 ** 53,
      2 ** 53 + 2,
      1.5,
      1e21,
      `${now + skew + 1000}`,
      null,
      true,
      [now + skew + 1000],
      {},
    ];
    runs.push({ now, skew, expiresAt });
  }
}
const good = { accessToken: 'at', tokenType: 'Bearer' };
const corpus = {
  configs: { base, servers, issuers, clients, others },
  tokens: {
    good,
    valid: 3_600_000,
    runs,
    accessToken: [...texts, ...nonStrings],
    refreshToken: [...texts, ...nonStrings],
    tokenType: ['Bearer', 'bearer', 'BEARER', 'Bearer ', ' Bearer', 'Bearer\0', 'Bеarer', 'MAC', '', ...nonStrings],
    records: [
      { tokenType: 'Bearer', expiresAt: NOW + 3_600_000 },
      { accessToken: 'at', expiresAt: NOW + 3_600_000 },
      { accessToken: 'at', tokenType: 'Bearer' },
      {},
      {
        ...good,
        expiresAt: NOW + 3_600_000,
        refreshToken: 'rt',
        grantId: 'g',
        email: 'a@b.c',
        provider: 'google',
        scope: ['x'],
        idToken: 'i.d.t',
      },
      { ...good, expiresAt: NOW + 3_600_000, expiresIn: 3600, extra: { nested: [1, 2] } },
      [],
      null,
      0,
      'a string',
      true,
    ],
  },
};
writeFileSync(new URL('../tests/support/parity-corpus.json', import.meta.url), `${JSON.stringify(corpus)}\n`);
