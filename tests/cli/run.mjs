// The command-line login (examples/cli-login: nylas-pkce's `native` feature, a loopback redirect on
// 127.0.0.1) end to end against the mock, with headless Chromium playing the user: the CLI runs with
// --no-browser and prints the authorization URL, which this test opens in Chromium. What happened is read
// from the mock's stats, not from the CLI's word.
//
// Needs the CLI built first: bash scripts/build-cli.sh. Run: node tests/cli/run.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '../mock-server/server.mjs';
import { launchChromium } from '../support/chromium.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'examples/cli-login/target/debug/cli-login');
/** How long one run of the CLI may take before this test kills it. */
const RUN_LIMIT_MS = 60_000;

let browser;

before(async () => {
  assert.ok(existsSync(CLI), `${CLI} is missing: run bash scripts/build-cli.sh first`);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/**
 * Runs the CLI against `mock`; once it prints the authorization URL, calls `user(url, redirectUri)` (the
 * user's part, in Chromium). Resolves to `{ status, stdout, stderr, url, user }` (`user`: what `user`
 * resolved to).
 */
function runCli(mock, { args = [], user = async () => {} } = {}) {
  const child = spawn(CLI, [
    '--client-id',
    'demo-client',
    '--api-base',
    `${mock.url}/v3`,
    '--port',
    '0',
    '--no-browser',
    ...args,
  ]);
  let stdout = '';
  let stderr = '';
  let url;
  let userDone = Promise.resolve();
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    const found = stderr.split('\n').find((l) => l.startsWith('http://127.0.0.1:'));
    if (found && !url) {
      url = found;
      const redirectUri = new URL(url).searchParams.get('redirect_uri');
      userDone = user(url, redirectUri);
    }
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(limit);
      userDone.then((userResult) => resolve({ status, stdout, stderr, url, user: userResult }), reject);
    });
  });
}

/** Opens `url` in a fresh Chromium context; `act(page)` plays the user once it loaded. Returns `act`'s result. */
async function inChromium(url, act = async () => {}) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const response = await page.goto(url);
    return await act(page, response);
  } finally {
    await context.close();
  }
}

/**
 * The CLI printed no token: every token-like word in its output (outside the authorization URL, which
 * carries the state and challenge only) is unknown to the mock's tokeninfo endpoint.
 */
async function assertNoTokenPrinted(mock, { stdout, stderr, url }) {
  const text = `${stdout}\n${stderr.replace(url, '')}`;
  const words = new Set(text.match(/[A-Za-z0-9_-]{20,}/g) ?? []);
  for (const word of words) {
    const res = await fetch(`${mock.url}/v3/connect/tokeninfo?access_token=${encodeURIComponent(word)}`);
    assert.notEqual(res.status, 200, `the CLI printed a token (${word.slice(0, 4)}…)`);
  }
}

test('a login in Chromium: one token request with a code_verifier and no secret; email and expiry printed, no token', async () => {
  const mock = await startMockServer({ autoApprove: true });
  try {
    const run = await runCli(mock, {
      user: (url) =>
        inChromium(url, async (page, response) => ({
          status: response.status(),
          text: await page.textContent('body'),
        })),
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.url, /^http:\/\/127\.0\.0\.1:\d+\/v3\/connect\/auth\?/);
    const redirectUri = new URL(run.url).searchParams.get('redirect_uri');
    assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    assert.equal(run.user.status, 200);
    assert.match(run.user.text, /You are signed in/);
    assert.match(run.stdout, /^email: user@example\.com$/m);
    const expiry = run.stdout.match(/^expires: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) \(in (\d+) s\)$/m);
    assert.ok(expiry, run.stdout);
    assert.equal(Number(expiry[2]), 3600);
    const at = Date.parse(expiry[1]);
    assert.ok(Math.abs(at - (Date.now() + 3600_000)) < 120_000, `expiry ${expiry[1]}`);

    const { stats } = mock;
    assert.equal(stats.requests.auth, 1);
    assert.equal(stats.tokenRequests.length, 1, 'exactly one token request');
    const [exchange] = stats.tokenRequests;
    assert.equal(exchange.grantType, 'authorization_code');
    assert.ok(exchange.fields.includes('code_verifier'), `fields: ${exchange.fields}`);
    assert.ok(!exchange.fields.includes('client_secret'));
    assert.equal(stats.clientSecretSeen, false);
    await assertNoTokenPrinted(mock, run);
  } finally {
    await mock.close();
  }
});

test('a denied consent: a typed error (authorization_error), exit 1, no token request', async () => {
  const mock = await startMockServer({ autoApprove: false });
  try {
    const run = await runCli(mock, {
      user: (url) =>
        inChromium(url, async (page) => {
          await Promise.all([page.waitForURL(/127\.0\.0\.1:\d+\/callback\?/), page.click('#deny')]);
          return page.textContent('body');
        }),
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^cli-login: error: authorization_error: /m);
    assert.match(run.user, /Sign-in failed: .*\(authorization_error\)/);
    assert.equal(run.stdout, '');
    assert.equal(mock.stats.requests.auth, 1);
    assert.equal(mock.stats.tokenRequests.length, 0);
  } finally {
    await mock.close();
  }
});

test('no callback in time: timeout, exit 1, no token request', async () => {
  const mock = await startMockServer({ autoApprove: false }); // the consent page waits for a click that never comes
  try {
    const started = Date.now();
    const run = await runCli(mock, { args: ['--timeout', '2'], user: (url) => inChromium(url) });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^cli-login: error: timeout: /m);
    assert.equal(run.stdout, '');
    const took = Date.now() - started;
    assert.ok(took >= 2000 && took < 15_000, `gave up after ${took} ms`);
    assert.equal(mock.stats.requests.auth, 1);
    assert.equal(mock.stats.tokenRequests.length, 0);
  } finally {
    await mock.close();
  }
});

test('a wrong state and another path are refused and ignored; the real callback afterwards completes the login', async () => {
  const mock = await startMockServer({ autoApprove: false });
  try {
    const run = await runCli(mock, {
      user: (url, redirectUri) =>
        inChromium(url, async (page) => {
          const origin = new URL(redirectUri).origin;
          // In another tab of the same browser: a forged callback, then another path of the listener.
          const other = await page.context().newPage();
          const forged = await other.goto(`${redirectUri}?code=forged&state=forged-state-0123456789abcdef`);
          const forgedText = await other.textContent('body');
          const favicon = await other.goto(`${origin}/favicon.ico`);
          const noState = await other.goto(`${redirectUri}?code=forged`);
          await other.close();
          // Then the user approves; the real callback follows.
          await Promise.all([page.waitForURL(/127\.0\.0\.1:\d+\/callback\?/), page.click('#approve')]);
          return {
            refused: [forged.status(), favicon.status(), noState.status()],
            forgedText,
            text: await page.textContent('body'),
          };
        }),
    });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.user.refused, [400, 404, 400]);
    assert.match(run.user.forgedText, /not the sign-in this app is waiting for/);
    assert.match(run.user.text, /You are signed in/);
    assert.match(run.stdout, /^email: user@example\.com$/m);
    assert.equal(mock.stats.tokenRequests.length, 1, 'exactly one token request, for the real callback');
    assert.ok(mock.stats.tokenRequests[0].fields.includes('code_verifier'));
    assert.equal(mock.stats.clientSecretSeen, false);
    await assertNoTokenPrinted(mock, run);
  } finally {
    await mock.close();
  }
});
