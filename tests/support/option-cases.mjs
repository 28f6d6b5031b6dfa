// Every option of the JS API with a value of the wrong type and a value of the right type that cannot be
// honoured, and the error each must get: invalid_config (the NylasAuth constructor) or invalid_option (a
// call), naming the option. One table for the Node suite and the browser suite; its values are JSON, with
// `{ $: 'Infinity' }`, `{ $: 'function' }` and `{ $: 'deep' }` (arrays 40 deep) for what JSON cannot carry or say briefly (see `materialize`).
export const BASE = { clientId: 'demo-client', redirectUri: 'http://127.0.0.1:5173/callback.html' };

/** [option, value, field (defaults to option), code (defaults by where)] for `new NylasAuth({ ...BASE, [option]: value })`. */
export const CONSTRUCTOR = [
  ['clientId', 5],
  ['clientId', '  '],
  ['redirectUri', 5],
  ['redirectUri', 'javascript:alert(1)'],
  ['region', 5],
  ['region', 'mars'],
  ['apiBase', 5],
  ['apiBase', 'ftp://api.example', 'authorizationEndpoint'],
  ['endpoints', 'https://i.example'],
  ['endpoints', {}, 'authorizationEndpoint'],
  [
    'endpoints',
    { authorizationEndpoint: 'https://i.example/a', tokenEndpoint: 'https://i.example/t', tokenUrl: 'x' },
    'tokenUrl',
  ],
  ['issuer', 5],
  ['issuer', 'ftp://i.example'],
  ['requireIss', 'yes'],
  ['requireIss', true],
  ['challengeEncoding', 5],
  ['challengeEncoding', 'hex'],
  ['tokenBody', 5],
  ['tokenBody', 'xml'],
  ['transactionTtlMs', '10m'],
  ['transactionTtlMs', 0],
  ['clockSkewMs', -1],
  ['clockSkewMs', 3_600_001],
  ['fetchTimeoutMs', { $: 'Infinity' }],
  ['fetchTimeoutMs', 2 ** 31],
  ['publicRefresh', 'yes'],
  ['storage', 5],
  ['storage', 'Memory'],
  ['storage', { get() {}, set() {}, remove() {} }],
  ['tokenStorage', 5],
  ['tokenStorage', 'none'],
  ['openUrl', 'https://example.com'],
  ['popup', 'large'],
  ['popup', { timeoutMs: { $: 'Infinity' } }, 'timeoutMs'],
  ['popup', { timeoutMs: 2 ** 31 }, 'timeoutMs'],
  ['popup', { width: 5 }, 'width'],
  ['popup', { size: 5 }, 'size'],
  ['cleanUrl', 'no'],
  ['accounts', 'many'],
  ['accounts', true],
  ['provider', 5],
  ['scopes', 5],
  ['scopes', []],
  ['scope', [1], 'scope'],
  ['prompt', { a: 1 }],
  ['accessType', 5],
  ['accessType', 'forever'],
  ['includeGrantScopes', 'yes'],
  ['extraParams', 'a=1'],
  ['extraParams', { a: 1 }],
  ['challengeMethod', 5],
  ['challengeMethod', 'plain'],
  ['challengeMethod', 'S512'],
  ['verifierLength', '64'],
  ['allowScopeConflicts', 'yes'],
  ['state', 'not-a-default-but-a-per-call-option'],
  ['codeVerifier', 'x'.repeat(43)],
  ['provder', 'google'],
];

/** [option, value, field?, code?] for `auth.authorizationUrl({ [option]: value })`. */
export const CALL = [
  ['state', 5],
  ['state', 'too-short'],
  ['loginHint', 5],
  ['responseType', 5],
  ['responseType', 'token'],
  ['credentialId', 5],
  ['codeVerifier', 5],
  ['codeVerifier', 'too-short', null, 'invalid_verifier'],
  ['verifierLength', 200, null, 'invalid_verifier'],
  ['appState', { $: 'function' }],
  ['appState', 'x'.repeat(5000)],
  ['appState', { $: 'deep' }],
  ['scopes', ['a b']],
  ['prompt', ['']],
  ['extraParams', { state: 'x' }],
  ['openUrl', 5],
  ['popup', 5],
  ['window', 5],
  ['clientId', 'other'],
];

/** Turns the table's markers into the values JSON cannot carry. */
export function materialize(v) {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if (v.$ === 'Infinity') return Number.POSITIVE_INFINITY;
    if (v.$ === 'function') return () => {};
    if (v.$ === 'deep') return JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]));
  }
  return v;
}

/**
 * Runs every row against the package `pkg` and returns the rows whose outcome differs from what they
 * expect, as readable strings (empty when all hold). Also the per-call page options of loginWithPopup,
 * requestScopes' method and the event names of `on`.
 */
export function runCases(pkg, base = BASE) {
  const wrong = [];
  const expect = (what, fn, field, code) => {
    try {
      fn();
      wrong.push(`${what}: accepted`);
    } catch (e) {
      if (e?.name !== 'NylasPkceError' || e.code !== code || (field !== null && e.field !== field)) {
        wrong.push(`${what}: ${e?.name} ${e?.code} ${e?.field} (want ${code} ${field})`);
      }
    }
  };
  for (const [option, value, field = option, code = 'invalid_config'] of CONSTRUCTOR) {
    expect(
      `new NylasAuth({ ${option}: ${JSON.stringify(value)} })`,
      () => new pkg.NylasAuth({ ...base, [option]: materialize(value) }),
      field,
      code,
    );
  }
  const auth = new pkg.NylasAuth({ ...base, storage: 'memory' });
  for (const [option, value, field = option, code = 'invalid_option'] of CALL) {
    expect(
      `authorizationUrl({ ${option}: ${JSON.stringify(value).slice(0, 40)} })`,
      () => auth.authorizationUrl({ [option]: materialize(value) }),
      field,
      code,
    );
  }
  expect("on('tokenz')", () => auth.on('tokenz', () => {}), 'event', 'invalid_option');
  expect("on('tokens', 'x')", () => auth.on('tokens', 'x'), 'listener', 'invalid_option');
  return wrong;
}

/** The same for the promise-returning calls: resolves with the rows that do not hold. */
export async function runAsyncCases(pkg, base = BASE) {
  const auth = new pkg.NylasAuth({ ...base, storage: 'memory' });
  const wrong = [];
  const rows = [
    ['requestScopes method', () => auth.requestScopes(['calendar'], { method: 'Popup' }), 'method'],
    [
      'loginWithPopup popup.timeoutMs',
      () => auth.loginWithPopup({ popup: { timeoutMs: Number.POSITIVE_INFINITY } }),
      'timeoutMs',
    ],
    ['loginWithRedirect openUrl', () => auth.loginWithRedirect({ openUrl: 'https://x' }), 'openUrl'],
    ['loginWithPopup window', () => auth.loginWithPopup({ window: {} }), 'window'],
    ['getAccessToken grantId', () => auth.getAccessToken({ grantId: 5 }), 'grantId'],
    ['getAccessToken grant', () => auth.getAccessToken({ grant: 'g1' }), 'grant'],
    ['logout grantId', () => auth.logout({ grantId: ['g1'] }), 'grantId'],
    ['tokenInfo grantId', () => auth.tokenInfo({ grantId: 5 }), 'grantId'],
    ['reauthenticate grantId', () => auth.reauthenticate({ grantId: 5 }), 'grantId'],
    ['requestScopes grantId', () => auth.requestScopes(['calendar'], { grantId: 5 }), 'grantId'],
  ];
  for (const [what, fn, field] of rows) {
    const e = await Promise.resolve()
      .then(fn)
      .then(
        () => null,
        (e) => e,
      );
    if (e?.code !== 'invalid_option' || e.field !== field) wrong.push(`${what}: ${e?.code} ${e?.field}`);
  }
  return wrong;
}
