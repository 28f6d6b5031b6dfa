// The native shell (examples/webview-shell: wry + tao, WebKitGTK) end to end against the mock, under Xvfb
// unless DISPLAY is set: the app page's `openUrl` hands the authorization URL to the shell, the shell's second
// window (the system browser's stand-in) loads it, the redirect to com.example.shell:/callback is caught there
// and handed back to the page. What happened is read from the mock's stats, not from the page's word.
//
// Needs the shell built first: bash scripts/build-shell.sh. Run: node tests/shell/run.mjs
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startMockServer } from '../mock-server/server.mjs';
import { startStaticServer } from '../mock-server/static.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHELL = path.join(ROOT, 'examples/webview-shell/target/debug/webview-shell');
const PAGE = '/examples/webview-shell/page/index.html';
const REDIRECT_URI = 'com.example.shell:/callback';
/** How long one run of the shell may take before this test kills it (the shell's own time-out is 60 s). */
const RUN_LIMIT_MS = 90_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let site;
let xvfb;
let display = process.env.DISPLAY;

/**
 * Starts Xvfb on the first free display from :90 (as scripts/test.sh picks one: no X socket yet) and waits for
 * its socket. Returns the child process and its display.
 */
async function startXvfb() {
  for (let n = 90; n <= 110; n++) {
    if (existsSync(`/tmp/.X11-unix/X${n}`)) continue;
    const child = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    for (let i = 0; i < 50 && child.exitCode === null; i++) {
      if (existsSync(`/tmp/.X11-unix/X${n}`)) return { child, display: `:${n}` };
      await sleep(100);
    }
    child.kill();
  }
  throw new Error('Xvfb did not start on any display from :90 to :110');
}

/**
 * A mock that knows only the shell's redirect URI (exact redirects: no loopback URI would do), so a login can
 * only succeed through com.example.shell:/callback.
 */
function startMock(options) {
  return startMockServer({
    clients: { 'demo-client': { redirectUris: [REDIRECT_URI] } },
    allowAnyLoopbackRedirect: false,
    ...options,
  });
}

/** Runs the shell on the app page against `mock`; resolves to `{ status, results, stderr }`. */
function runShell(mock, args) {
  const page = `${site.url}${PAGE}?api=${encodeURIComponent(`${mock.url}/v3`)}`;
  const child = spawn(SHELL, [...args, page], { env: { ...process.env, DISPLAY: display } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const limit = setTimeout(() => child.kill('SIGKILL'), RUN_LIMIT_MS);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => {
      clearTimeout(limit);
      const lines = stdout.split('\n').filter(Boolean);
      const results = lines.filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice('RESULT '.length)));
      assert.equal(lines.length, results.length, `stdout has only RESULT lines:\n${stdout}`);
      resolve({ status, signal, results, stderr });
    });
  });
}

before(async () => {
  assert.ok(existsSync(SHELL), `${SHELL} is missing: run bash scripts/build-shell.sh first`);
  site = await startStaticServer({ root: ROOT });
  if (!display) {
    xvfb = await startXvfb();
    display = xvfb.display;
  }
});

after(async () => {
  xvfb?.child.kill();
  await site?.close();
});

test('a login through the browser window: one code exchange, with a verifier and no secret; the token works', async () => {
  const mock = await startMock({ autoApprove: true });
  try {
    const { status, results, stderr } = await runShell(mock, ['--auto']);
    assert.equal(status, 0, stderr);
    // The shell's own messages start with its name (WebKit and GTK may log warnings of their own).
    assert.doesNotMatch(stderr, /^webview-shell:/m, 'the shell refused or ignored nothing');
    assert.equal(results.length, 1);
    const [result] = results;
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.authenticated, true);
    assert.equal(result.tokenValid, true);
    assert.ok(result.expiresInSec > 3500 && result.expiresInSec <= 3600, `expires in ${result.expiresInSec} s`);

    const { stats } = mock;
    // The authorization request reached the mock once. The app window refuses every navigation off the app's
    // origin, so it came from the browser window (the only window that loaded it).
    assert.equal(stats.requests.auth, 1);
    assert.equal(stats.tokenRequests.length, 1, 'exactly one code exchange');
    const [exchange] = stats.tokenRequests;
    assert.equal(exchange.grantType, 'authorization_code');
    assert.ok(exchange.fields.includes('code_verifier'), `fields: ${exchange.fields}`);
    assert.ok(exchange.fields.includes('redirect_uri'));
    assert.ok(!exchange.fields.includes('client_secret'));
    assert.equal(stats.clientSecretSeen, false);
    // The page used the token once, at the grant endpoint, which the mock answered only for a token it issued.
    assert.equal(stats.requests.grants, 1);
    assert.equal(result.grant.email, 'user@example.com');
    assert.equal(result.email, 'user@example.com');
  } finally {
    await mock.close();
  }
});

test('consent denied in the browser window: the page reports authorization_error (access_denied), no exchange', async () => {
  const mock = await startMock({ autoApprove: false });
  try {
    // The user clicks Deny on the mock's consent page (the shell clicks it for them).
    const { status, results, stderr } = await runShell(mock, ['--auto', '--click', '#deny']);
    assert.equal(status, 1, stderr);
    assert.equal(results.length, 1);
    const [result] = results;
    assert.equal(result.ok, false);
    assert.equal(result.code, 'authorization_error', JSON.stringify(result));
    assert.equal(result.error, 'access_denied');
    assert.equal(mock.stats.requests.auth, 1);
    assert.equal(mock.stats.tokenRequests.length, 0);
  } finally {
    await mock.close();
  }
});

test('no answer from the browser window: the shell gives up at its time-out (exit 2, no result)', async () => {
  const mock = await startMock({ autoApprove: false }); // the consent page waits for a click that never comes
  try {
    const started = Date.now();
    const { status, results, stderr } = await runShell(mock, ['--auto', '--timeout', '3']);
    assert.equal(status, 2, stderr);
    assert.deepEqual(results, []);
    assert.match(stderr, /no result within 3 s/);
    assert.ok(Date.now() - started < 15_000, 'the time-out fires on time');
    assert.equal(mock.stats.requests.auth, 1);
    assert.equal(mock.stats.tokenRequests.length, 0);
  } finally {
    await mock.close();
  }
});
