// Every option of the JS API with a value of the wrong type and a value of the right type that cannot be
// honoured, and the error each must get: invalid_config (the NylasAuth constructor's options) or
// invalid_option (a call's), naming the option. One table for the Node suite and the browser suite; its
// values are JSON, with `{ $: 'Infinity' }`, `{ $: 'function' }` and `{ $: 'deep' }` (arrays 40 deep) for what
// JSON cannot carry or say briefly (see `materialize`).
//
// Each constructor row says WHEN its error appears (issue 19: the entry loads no protocol until a step needs
// it): CONSTRUCT, thrown by `new NylasAuth` (an unknown name, a JavaScript type, and the page's own options,
// which the page checks itself), or READY, a value only the protocol can judge, which `new NylasAuth`
// accepts and `await auth.ready()` rejects, as does the first protocol step (`authorizationUrl()`,
// `loginWithRedirect()`) of a client that never called ready().
export const BASE = { clientId: 'demo-client', redirectUri: 'http://127.0.0.1:5173/callback.html' };

export const CONSTRUCT = 'construct';
export const READY = 'ready';
const C = CONSTRUCT;
const R = READY;

/**
 * [option, value, moment, field (defaults to option), code (defaults to invalid_config)] for
 * `new NylasAuth({ ...BASE, [option]: value })`.
 */
export const CONSTRUCTOR = [
  ['clientId', 5, C],
  ['clientId', '  ', R],
  ['redirectUri', 5, C],
  ['redirectUri', 'javascript:alert(1)', R],
  ['region', 5, C],
  ['region', 'mars', R],
  ['apiBase', 5, C],
  ['apiBase', 'ftp://api.example', R, 'authorizationEndpoint'],
  ['endpoints', 'https://i.example', C],
  ['endpoints', {}, R, 'authorizationEndpoint'],
  [
    'endpoints',
    { authorizationEndpoint: 'https://i.example/a', tokenEndpoint: 'https://i.example/t', tokenUrl: 'x' },
    C,
    'tokenUrl',
  ],
  ['endpoints', { authorizationEndpoint: 'https://i.example/a', tokenEndpoint: 5 }, C, 'tokenEndpoint'],
  ['issuer', 5, C],
  ['issuer', 'ftp://i.example', R],
  ['requireIss', 'yes', C],
  ['requireIss', true, R],
  ['challengeEncoding', 5, C],
  ['challengeEncoding', 'hex', R],
  ['tokenBody', 5, C],
  ['tokenBody', 'xml', R],
  ['transactionTtlMs', '10m', C],
  ['transactionTtlMs', 0, R],
  ['clockSkewMs', -1, C],
  ['clockSkewMs', 1.5, C],
  ['clockSkewMs', 3_600_001, R],
  ['fetchTimeoutMs', { $: 'Infinity' }, C],
  ['fetchTimeoutMs', 2 ** 31, R],
  ['publicRefresh', 'yes', C],
  ['storage', 5, C],
  ['storage', 'Memory', C],
  ['storage', { get() {}, set() {}, remove() {} }, C],
  ['tokenStorage', 5, C],
  ['tokenStorage', 'none', C],
  ['openUrl', 'https://example.com', C],
  ['codeExchange', 'https://backend.example/token', C],
  ['refresh', { url: '/refresh' }, C],
  ['popup', 'large', C],
  ['popup', { timeoutMs: { $: 'Infinity' } }, C, 'timeoutMs'],
  ['popup', { timeoutMs: 2 ** 31 }, C, 'timeoutMs'],
  ['popup', { width: 5 }, C, 'width'],
  ['popup', { size: 5 }, C, 'size'],
  ['popup', { openWithUrl: 'yes' }, C, 'openWithUrl'],
  ['cleanUrl', 'no', C],
  ['allowEmbeddedWebview', 'yes', C],
  ['accounts', 'many', C],
  ['accounts', true, C],
  ['provider', 5, C],
  ['scopes', 5, C],
  ['scopes', ['a b'], R],
  ['scopes', [], R],
  ['scope', [1], C, 'scope'],
  ['scope', [''], R, 'scope'],
  ['prompt', { a: 1 }, C],
  ['prompt', [''], R],
  ['accessType', 5, C],
  ['accessType', 'forever', R],
  ['includeGrantScopes', 'yes', C],
  ['extraParams', 'a=1', C],
  ['extraParams', { a: 1 }, C],
  ['extraParams', { state: 'x' }, R],
  ['challengeMethod', 5, C],
  ['challengeMethod', 'plain', R],
  ['challengeMethod', 'S512', R],
  ['verifierLength', '64', C],
  ['verifierLength', 200, R],
  ['allowScopeConflicts', 'yes', C],
  ['smtpRequired', 'yes', C],
  ['state', 'not-a-default-but-a-per-call-option', C],
  ['codeVerifier', 'x'.repeat(43), C],
  ['provder', 'google', C],
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

/** A readable name for a row's call. */
const rowName = (option, value) => `new NylasAuth({ ${option}: ${JSON.stringify(value)?.slice(0, 60)} })`;

/** Whether `e` is the NylasPkceError a row wants (`field` null: any field). */
const matches = (e, field, code) =>
  e?.name === 'NylasPkceError' && e.code === code && (field === null || e.field === field);
const describe = (e) => `${e?.name} ${e?.code} ${e?.field}`;

/**
 * Runs the synchronous rows against the package entry `pkg` and returns the rows whose outcome differs
 * from what they expect, as readable strings (empty when all hold): every CONSTRUCT row throws from
 * `new NylasAuth`, every READY row does not (its error comes later: `runAsyncCases`), and `on`'s event
 * names and listeners.
 */
export function runCases(pkg, base = BASE) {
  const wrong = [];
  for (const [option, value, moment, field = option, code = 'invalid_config'] of CONSTRUCTOR) {
    const what = rowName(option, value);
    let thrown = null;
    try {
      new pkg.NylasAuth({ ...base, [option]: materialize(value) });
    } catch (e) {
      thrown = e ?? 'a nullish throw';
    }
    if (moment === CONSTRUCT) {
      if (!thrown) wrong.push(`${what}: accepted by the constructor (want it thrown there: ${code} ${field})`);
      else if (!matches(thrown, field, code)) wrong.push(`${what}: threw ${describe(thrown)} (want ${code} ${field})`);
    } else if (moment === READY) {
      if (thrown) wrong.push(`${what}: threw at construction ${describe(thrown)} (want it from ready())`);
    } else wrong.push(`${what}: the row names no moment (${moment})`);
  }
  const auth = new pkg.NylasAuth({ ...base, storage: 'memory' });
  const expect = (what, fn, field, code) => {
    try {
      fn();
      wrong.push(`${what}: accepted`);
    } catch (e) {
      if (!matches(e, field, code)) wrong.push(`${what}: ${describe(e)} (want ${code} ${field})`);
    }
  };
  expect("on('tokenz')", () => auth.on('tokenz', () => {}), 'event', 'invalid_option');
  expect("on('tokens', 'x')", () => auth.on('tokens', 'x'), 'listener', 'invalid_option');
  return wrong;
}

/**
 * The outcome of a call that must return a promise: the error it rejects with, `null` when it resolves,
 * and a failure of its own when it throws instead of returning a promise.
 */
async function rejection(what, fn, wrong) {
  let promise;
  try {
    promise = fn();
  } catch (e) {
    wrong.push(`${what}: threw synchronously ${describe(e)} (want a rejected promise)`);
    return undefined;
  }
  if (typeof promise?.then !== 'function') {
    wrong.push(`${what}: returned ${typeof promise}, not a promise`);
    return undefined;
  }
  return promise.then(
    () => null,
    (e) => e ?? 'a nullish rejection',
  );
}

/**
 * The promise-returning calls: resolves with the rows that do not hold. Every READY row: `ready()`
 * rejects with its error, so does a first protocol step of a client that did not call `ready()`
 * (`authorizationUrl()`; `loginWithRedirect()` with an `openUrl`), and a step after a failed `ready()`;
 * `preload()` resolves all the same. Every CALL row rejects from `authorizationUrl`, and the page's own
 * options of the other calls reject naming the option.
 */
export async function runAsyncCases(pkg, base = BASE) {
  const wrong = [];
  for (const [option, value, moment, field = option, code = 'invalid_config'] of CONSTRUCTOR) {
    if (moment !== READY) continue;
    const what = rowName(option, value);
    const make = () => {
      try {
        return new pkg.NylasAuth({ ...base, storage: 'memory', [option]: materialize(value) });
      } catch {
        return null; // reported by runCases
      }
    };
    const first = make();
    if (!first) continue;
    const steps = [
      ['ready()', first, (a) => a.ready()],
      ['after a failed ready(), authorizationUrl()', first, (a) => a.authorizationUrl()],
      ['authorizationUrl() as the first step', make(), (a) => a.authorizationUrl()],
      ['loginWithRedirect({ openUrl }) as the first step', make(), (a) => a.loginWithRedirect({ openUrl: () => {} })],
    ];
    for (const [step, auth, fn] of steps) {
      const e = await rejection(`${what}: ${step}`, () => fn(auth), wrong);
      if (e === null) wrong.push(`${what}: ${step} resolved (want ${code} ${field})`);
      else if (e !== undefined && !matches(e, field, code)) {
        wrong.push(`${what}: ${step} rejected with ${describe(e)} (want ${code} ${field})`);
      }
    }
    const preloaded = await rejection(`${what}: preload()`, () => make().preload(), wrong);
    if (preloaded !== null && preloaded !== undefined)
      wrong.push(`${what}: preload() rejected (${describe(preloaded)})`);
  }
  const auth = new pkg.NylasAuth({ ...base, storage: 'memory' });
  for (const [option, value, field = option, code = 'invalid_option'] of CALL) {
    const what = `authorizationUrl({ ${option}: ${JSON.stringify(value)?.slice(0, 40)} })`;
    const e = await rejection(what, () => auth.authorizationUrl({ [option]: materialize(value) }), wrong);
    if (e === null) wrong.push(`${what}: accepted`);
    else if (e !== undefined && !matches(e, field, code)) wrong.push(`${what}: ${describe(e)} (want ${code} ${field})`);
  }
  const rows = [
    ['requestScopes method', () => auth.requestScopes(['calendar'], { method: 'Popup' }), 'method'],
    [
      'loginWithPopup popup.timeoutMs',
      () => auth.loginWithPopup({ popup: { timeoutMs: Number.POSITIVE_INFINITY } }),
      'timeoutMs',
    ],
    ['loginWithPopup popup.openWithUrl', () => auth.loginWithPopup({ popup: { openWithUrl: 1 } }), 'openWithUrl'],
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
    const e = await rejection(what, fn, wrong);
    if (e !== undefined && !matches(e, field, 'invalid_option')) wrong.push(`${what}: ${describe(e)}`);
  }
  // A good configuration: ready() and preload() resolve with nothing.
  const good = new pkg.NylasAuth({ ...base, storage: 'memory' });
  const ready = await rejection('ready() of a good configuration', () => good.ready(), wrong);
  if (ready !== null && ready !== undefined) wrong.push(`ready() of a good configuration: ${describe(ready)}`);
  return wrong;
}
