// What the entry computes without the protocol (js/keys.js, js/sha256.js) against the core's own answers, so
// that tokens are never written under one key and read under another, and a stored token set is judged the
// same way by the page and by the protocol:
// - keys(options) and tokenState(record, skew, now) against the core's answers on the corpus
//   (tests/support/parity-corpus.json, written by scripts/parity-corpus.mjs; the answers,
//   tests/support/core-parity.json, are written by the core itself: npm/src/parity.rs, drift-checked by
//   `cargo test`): over 1,000 configurations the package accepts, and thousands of token records;
// - skewOf(options) against the protocol's clockSkewMs (the wasm's `configure`);
// - sha256 and base64url against node:crypto and Buffer.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { BASE } from '../support/option-cases.mjs';

// nylas-pkce/protocol first: it instantiates the protocol's wasm (pkg/engine.js) synchronously.
await import('../../pkg/protocol.js').catch((e) => {
  throw new Error(`pkg/ is not built (run scripts/build.sh): ${e.message}`);
});
const engine = await import('../../pkg/engine.js');
const { keys, skewOf, tokenState } = await import('../../js/keys.js');
const { pack } = await import('../../js/options.js');
const { CLIENT, CONFIG, TOKEN_KEY_PREFIX, TRANSACTION_KEY_PREFIX } = await import('../../js/fields.js');
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

const corpus = JSON.parse(readFileSync(new URL('../support/parity-corpus.json', import.meta.url), 'utf8'));
const core = JSON.parse(readFileSync(new URL('../support/core-parity.json', import.meta.url), 'utf8'));

test("the entry's storage keys are the core's, for every configuration of the corpus it accepts", () => {
  const { base, servers, issuers, clients, others } = corpus.configs;
  const seen = { compared: 0, refused: 0, region: 0, apiBase: 0, endpoints: 0, issuer: 0, unicode: 0 };
  const mismatches = [];
  let i = 0;
  // The order of npm/src/parity.rs.
  for (const server of servers) {
    for (const issuer of issuers) {
      for (const client of clients) {
        for (const other of others) {
          const o = { ...base, ...server, ...issuer, ...client, ...other };
          const ns = core.configs[i++];
          if (ns === null) {
            seen.refused++;
            continue;
          }
          const want = {
            transactionPrefix: `${TRANSACTION_KEY_PREFIX}${ns}:`,
            tokenKey: `${TOKEN_KEY_PREFIX}${ns}`,
            accountKey: `${TOKEN_KEY_PREFIX}${ns}:`,
          };
          const got = keys(o);
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            mismatches.push(`${JSON.stringify(o)}: entry ${JSON.stringify(got)}, core ${JSON.stringify(want)}`);
          }
          seen.compared++;
          if (o.region != null) seen.region++;
          if (o.apiBase != null) seen.apiBase++;
          if (o.endpoints != null) seen.endpoints++;
          if (o.issuer || o.endpoints?.issuer) seen.issuer++;
          if ([...o.clientId].some((c) => c.charCodeAt(0) > 0x7f)) seen.unicode++;
        }
      }
    }
  }
  assert.equal(i, core.configs.length, 'the corpus and the core answers line up');
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} configurations with other keys`);
  // The comparison covered every way to name the server, issuers and non-ASCII client ids, and the
  // refused ones were refused by the core (not skipped for another reason).
  assert.ok(seen.compared >= 1000, JSON.stringify(seen));
  for (const k of ['region', 'apiBase', 'endpoints', 'issuer', 'unicode']) assert.ok(seen[k] >= 20, `${k}: ${seen[k]}`);
  assert.ok(seen.refused > 0);
  // Distinct configurations get distinct namespaces where the core says so, and the same where it does:
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

test("the entry's token check is the core's, over the corpus of stored token records", () => {
  const t = corpus.tokens;
  const differ = [];
  const counts = [0, 0, 0];
  let compared = 0;
  t.runs.forEach(({ now, skew, expiresAt }, r) => {
    const good = { ...t.good, expiresAt: now + t.valid };
    // The order of npm/src/parity.rs.
    const records = [
      ...t.accessToken.map((accessToken) => ({ ...good, accessToken })),
      ...t.refreshToken.map((refreshToken) => ({ ...good, refreshToken })),
      ...t.tokenType.map((tokenType) => ({ ...good, tokenType })),
      ...expiresAt.map((at) => ({ ...good, expiresAt: at })),
      ...t.records,
    ];
    const want = core.tokens[r];
    assert.equal(records.length, want.length, `run ${r}: the corpus and the core answers line up`);
    records.forEach((record, i) => {
      const got = tokenState(record, skew, now);
      const expected = Number(want[i]);
      counts[expected]++;
      compared++;
      if (got !== expected && differ.length < 10) {
        differ.push(`${JSON.stringify(record).slice(0, 120)} skew ${skew} now ${now}: entry ${got}, core ${expected}`);
      }
    });
  });
  assert.deepEqual(differ, [], 'records the entry and the core judge differently');
  assert.ok(compared > 5_000, `${compared}`);
  // Each verdict is well represented: not a token set, expired, valid.
  for (const n of counts) assert.ok(n > 100, `verdicts ${counts}`);
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
