// Tests for the mock Nylas service and the static file server.
// Run: node --test tests/mock-server/
// Every test talks real HTTP to servers bound to 127.0.0.1 on random ports.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { startMockServer } from './server.mjs';
import { startStaticServer } from './static.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLIENT = 'demo-client';
const REDIRECT = 'http://127.0.0.1:5173/callback.html';
const CUSTOM_SCHEME_REDIRECT = 'com.example.app:/oauth/callback';
const ORIGIN = 'http://localhost:5173';
// Vectors: Nylas docs (verifier "nylas") and RFC 7636 Appendix B.
const NYLAS_VERIFIER = 'nylas';
const NYLAS_CHALLENGE = 'ZTk2YmY2Njg2YTNjMzUxMGU5ZTkyN2RiNzA2OWNiMWNiYTliOTliMDIyZjQ5NDgzYTZjZTMyNzA4MDllNjhhMg';
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const ERROR_URI = 'https://developer.nylas.com/docs/api/errors/event-codes/#';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let mock;

before(async () => {
  mock = await startMockServer();
});
after(() => mock.close());
beforeEach(() => control('reset'));

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** fetch against the shared mock, never following redirects. */
function request(pathAndQuery, init = {}) {
  return fetch(`${mock.url}${pathAndQuery}`, { redirect: 'manual', ...init });
}

async function control(name, body) {
  const res = await request(`/__mock/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  assert.equal(res.status, 200, `control ${name}`);
  return res.json();
}

async function stats() {
  return (await request('/__mock/stats')).json();
}

function authPath(params = {}, prefix = '/v3') {
  const all = { client_id: CLIENT, redirect_uri: REDIRECT, response_type: 'code', ...params };
  const query = new URLSearchParams(Object.entries(all).filter(([, v]) => v !== undefined));
  return `${prefix}/connect/auth?${query}`;
}

/** Query parameters of a redirect Location (works for custom schemes too). */
const locationParams = (res) => new URL(res.headers.get('location')).searchParams;

/** GETs the consent page and returns its HTML and one-time request_id. */
async function openConsent(params, prefix = '/v3') {
  const res = await request(authPath(params, prefix));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const html = await res.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(requestId, 'consent page has a request_id');
  return { html, requestId };
}

function decide(requestId, decision, extra = {}, prefix = '/v3') {
  return request(`${prefix}/connect/auth/decision`, {
    method: 'POST',
    body: new URLSearchParams({ request_id: requestId, decision, ...extra }),
  });
}

/** Runs consent + approve; returns the redirect's query parameters. */
async function authorize(params = {}, { prefix = '/v3', form = {} } = {}) {
  const { requestId } = await openConsent(params, prefix);
  const res = await decide(requestId, 'approve', form, prefix);
  assert.equal(res.status, 302);
  return locationParams(res);
}

async function postToken(fields, { json = false, prefix = '/v3', headers = {} } = {}) {
  const res = await request(`${prefix}/connect/token`, {
    method: 'POST',
    headers: { 'Content-Type': json ? 'application/json' : 'application/x-www-form-urlencoded', ...headers },
    body: json ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
  });
  return { res, body: await res.json() };
}

function codeFields(code, extra = {}) {
  return { grant_type: 'authorization_code', client_id: CLIENT, code, redirect_uri: REDIRECT, ...extra };
}

/** Full code flow; returns the successful token response body. */
async function login(authParams = {}, tokenExtra = {}, options = {}) {
  const code = (await authorize(authParams, options)).get('code');
  const { res, body } = await postToken(codeFields(code, tokenExtra), options);
  assert.equal(res.status, 200, JSON.stringify(body.error));
  return body;
}

function assertOAuthError({ res, body }, error, eventCode, status = 400) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(body.error, error);
  assert.equal(body.error_code, eventCode);
  assert.equal(body.error_uri, `${ERROR_URI}${eventCode}`);
  assert.equal(typeof body.error_description, 'string');
  assert.match(body.request_id, UUID_RE);
}

async function assertNylasError(res, type, eventCode, status) {
  assert.equal(res.status, status);
  const body = await res.json();
  assert.equal(body.success, false);
  assert.equal(body.error.type, type);
  assert.equal(body.error.event_code, eventCode);
  assert.equal(body.error.http_code, status);
  assert.match(body.error.request_id, UUID_RE);
  return body;
}

/** Asserts an auth request is answered with a non-redirecting HTML error page. */
async function assertAuthErrorPage(res, eventCode) {
  assert.equal(res.status, 400);
  assert.equal(res.headers.get('location'), null);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const html = await res.text();
  assert.match(html, new RegExp(`id="error"[^]*error-code: ${eventCode}`));
  return html;
}

function assertAuthRedirectError(res, error, eventCode, state) {
  assert.equal(res.status, 302);
  const q = locationParams(res);
  assert.equal(q.get('error'), error);
  assert.ok(q.get('error_description'));
  assert.equal(q.get('error_uri'), `${ERROR_URI}${eventCode}`);
  assert.equal(q.get('state'), state ?? null);
  assert.equal(q.get('code'), null);
}

const tokenInfo = (query, prefix = '/v3') => request(`${prefix}/connect/tokeninfo?${new URLSearchParams(query)}`);
const grantsMe = (token, path = '/v3/grants/me') =>
  request(path, token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } });
const revoke = (token, prefix = '/v3') =>
  request(`${prefix}/connect/revoke${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`, {
    method: 'POST',
  });

function decodeJwt(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: decode(header), payload: decode(payload), signature };
}

/** Raw GET (fetch would normalise `..` and percent-encoded dots away). */
function rawGet(baseUrl, rawPath) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    http
      .get({ hostname, port, path: rawPath }, (res) => {
        res.resume();
        res.on('end', () => resolve(res));
      })
      .on('error', reject);
  });
}

/** Spawns a CLI, resolves with the child and its first stdout line. */
function spawnCli(script, args) {
  const child = spawn(process.execPath, [path.join(HERE, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const firstLine = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`CLI exited early with ${code}`)));
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout: () => stdout })),
  );
  return { child, firstLine, exited };
}

// ---------------------------------------------------------------------------
// GET /connect/auth
// ---------------------------------------------------------------------------

describe('authorization request', () => {
  it('shows a consent page with client, provider, scopes, login_hint and the decision form', async () => {
    const { html } = await openConsent({
      provider: 'google',
      scope: 'email calendar',
      login_hint: 'ana@example.com',
      state: 'xyz',
    });
    assert.match(html, /id="client-id">demo-client</);
    assert.match(html, /id="provider-name">google</);
    assert.match(html, /id="scopes">email calendar</);
    assert.match(html, /id="login-hint">ana@example.com</);
    assert.match(html, /<form method="post" action="\/v3\/connect\/auth\/decision">/);
    assert.match(html, /<input type="hidden" name="request_id" value="[A-Za-z0-9_-]{43}">/);
    assert.ok(html.includes('<button id="approve" name="decision" value="approve">Approve</button>'));
    assert.ok(html.includes('<button id="deny" name="decision" value="deny">Deny</button>'));
    assert.match(html, /<input id="email" name="email" value="ana@example.com">/);
    assert.doesNotMatch(html, /<select/);
    assert.doesNotMatch(html, /<script/i);
  });

  it('prefills user@example.com without login_hint and escapes HTML in parameters', async () => {
    const { html } = await openConsent({ scope: '<b>x</b>' });
    assert.match(html, /<input id="email" name="email" value="user@example.com">/);
    assert.ok(html.includes('&#60;b&#62;x&#60;/b&#62;'));
    assert.ok(!html.includes('<b>x</b>'));
  });

  it('approve redirects with code and state; state omitted when not given', async () => {
    const withState = await authorize({ state: 'st 1' });
    assert.match(withState.get('code'), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(withState.get('state'), 'st 1');
    const withoutState = await authorize();
    assert.ok(withoutState.get('code'));
    assert.equal(withoutState.has('state'), false);
  });

  it('deny redirects with access_denied and event 45002', async () => {
    const { requestId } = await openConsent({ state: 'abc' });
    const res = await decide(requestId, 'deny');
    assertAuthRedirectError(res, 'access_denied', 45002, 'abc');
    const location = res.headers.get('location');
    assert.ok(location.startsWith(`${REDIRECT}?error=access_denied&error_description=User%20denied%20consent&`));
    assert.ok(location.includes(encodeURIComponent(`${ERROR_URI}45002`)));
  });

  it('request_id is one-time: a second decision gets error 25004', async () => {
    const { requestId } = await openConsent();
    assert.equal((await decide(requestId, 'approve')).status, 302);
    await assertAuthErrorPage(await decide(requestId, 'approve'), 25004);
    await assertAuthErrorPage(await decide('forged', 'approve'), 25004);
  });

  it('select_provider shows a provider <select>; the chosen provider and email are used', async () => {
    const { html, requestId } = await openConsent({ prompt: 'select_provider,detect' });
    assert.match(html, /<select id="provider" name="provider">/);
    for (const p of ['google', 'microsoft', 'imap']) assert.ok(html.includes(`<option value="${p}">`));
    const res = await decide(requestId, 'approve', { provider: 'microsoft', email: 'bob@example.org' });
    const { body } = await postToken(codeFields(locationParams(res).get('code')));
    assert.equal(body.provider, 'microsoft');
    assert.equal(body.email, 'bob@example.org');
  });

  it('no provider <select> when a provider is given, even with select_provider', async () => {
    const { html } = await openConsent({ provider: 'imap', prompt: 'select_provider' });
    assert.doesNotMatch(html, /<select/);
  });

  it('autoApprove redirects straight to redirect_uri with a code', async () => {
    await control('config', { autoApprove: true });
    const res = await request(authPath({ state: 's', login_hint: 'auto@example.com' }));
    assert.equal(res.status, 302);
    const q = locationParams(res);
    assert.equal(q.get('state'), 's');
    const { body } = await postToken(codeFields(q.get('code')));
    assert.equal(body.email, 'auto@example.com');
    assert.equal(body.provider, 'google');
  });

  it('iss (RFC 9207): none by default, the mock\'s issuer with "auto", any string as given', async () => {
    await control('config', { autoApprove: true });
    assert.equal(locationParams(await request(authPath({ state: 's' }))).has('iss'), false);
    await control('config', { iss: 'auto' });
    assert.equal(locationParams(await request(authPath({ state: 's' }))).get('iss'), `${mock.url}/v3`);
    assert.equal(locationParams(await request(authPath({ state: 's' }, ''))).get('iss'), mock.url, 'legacy routes');
    await control('config', { iss: 'https://evil.example' });
    assert.equal(locationParams(await request(authPath({ state: 's' }))).get('iss'), 'https://evil.example');
    await control('config', { autoApprove: false, iss: 'auto' });
    const denied = await authorize({ state: 'd' }, { form: { decision: 'deny' } });
    assert.equal(denied.get('error'), 'access_denied');
    assert.equal(denied.get('iss'), `${mock.url}/v3`, 'error responses carry iss too');
  });

  it("include_grant_scopes=true: the new code carries the grant's scopes and the requested ones", async () => {
    await control('config', { autoApprove: true });
    const first = locationParams(
      await request(authPath({ state: 'a', scope: 'calendar', login_hint: 'g@example.com' })),
    );
    await postToken(codeFields(first.get('code')));
    const more = locationParams(
      await request(
        authPath({
          state: 'b',
          scope: 'https://www.googleapis.com/auth/gmail.readonly',
          login_hint: 'g@example.com',
          include_grant_scopes: 'true',
        }),
      ),
    );
    const { body } = await postToken(codeFields(more.get('code')));
    assert.deepEqual(body.scope.split(' ').sort(), ['calendar', 'https://www.googleapis.com/auth/gmail.readonly']);
    const alone = locationParams(
      await request(authPath({ state: 'c', scope: 'contacts', login_hint: 'g@example.com' })),
    );
    assert.equal(
      (await postToken(codeFields(alone.get('code')))).body.scope,
      'contacts',
      'without the flag: only the requested',
    );
  });

  it("a resource call without the scope it needs gets the reference's 403; providers/detect needs client_id", async () => {
    await control('config', { autoApprove: true });
    const q = locationParams(await request(authPath({ state: 's', scope: 'calendar' })));
    const { body } = await postToken(codeFields(q.get('code')));
    const res = await request('/v3/grants/me/messages', { headers: { Authorization: `Bearer ${body.access_token}` } });
    assert.equal(res.status, 403);
    const denied = await res.json();
    assert.equal(denied.type, 'api_error');
    assert.match(
      denied.message,
      /following scopes: \['calendar'\]\. You would need a token with at least one of the following scopes: \['https:\/\/www\.googleapis\.com\/auth\/gmail\.readonly'/,
    );
    const detect = await (await request(`/v3/providers/detect?email=a%40gmail.com&client_id=${CLIENT}`)).json();
    assert.deepEqual(detect.data, { provider: 'google', type: 'google', detected: true, email: 'a@gmail.com' });
    assert.equal(
      (await request(`/connect/providers/detect?email=a%40outlook.com&client_id=${CLIENT}`).then((r) => r.json())).data
        .provider,
      'microsoft',
    );
    const anonymous = await request('/v3/providers/detect?email=a%40gmail.com');
    assert.equal(anonymous.status, 401);
  });

  it('exact redirect registration: with allowAnyLoopbackRedirect off, only registered URIs', async () => {
    await control('config', { autoApprove: true, allowAnyLoopbackRedirect: false });
    const unregistered = await request(authPath({ redirect_uri: 'http://127.0.0.1:5173/other.html' }));
    assert.equal(unregistered.status, 400);
    assert.match(await unregistered.text(), /redirect_uri_mismatch/);
    const registered = await request(authPath({ redirect_uri: REDIRECT }));
    assert.equal(registered.status, 302);
  });

  it('custom-scheme redirect URIs are built without mangling and work end to end', async () => {
    await control('config', { autoApprove: true });
    const res = await request(authPath({ redirect_uri: CUSTOM_SCHEME_REDIRECT, state: 'a&b' }));
    const location = res.headers.get('location');
    assert.match(location, /^com\.example\.app:\/oauth\/callback\?code=[A-Za-z0-9_-]{43}&state=a%26b$/);
    const code = locationParams(res).get('code');
    const { res: tokenRes } = await postToken(codeFields(code, { redirect_uri: CUSTOM_SCHEME_REDIRECT }));
    assert.equal(tokenRes.status, 200);
  });

  it('appends to a redirect URI that already has a query string', async () => {
    await control('config', { autoApprove: true });
    const res = await request(authPath({ redirect_uri: 'http://127.0.0.1:4321/cb?x=1' }));
    assert.match(res.headers.get('location'), /^http:\/\/127\.0\.0\.1:4321\/cb\?x=1&code=/);
  });

  it('adminconsent approve redirects with admin_consent=true and no code', async () => {
    const q = await authorize({
      response_type: 'adminconsent',
      provider: 'microsoft',
      credential_id: 'cred-1',
      state: 'adm',
    });
    assert.equal(q.get('admin_consent'), 'true');
    assert.equal(q.get('state'), 'adm');
    assert.equal(q.has('code'), false);
  });

  it('unknown or missing client_id: HTML page with 45003, no redirect', async () => {
    const html = await assertAuthErrorPage(await request(authPath({ client_id: 'nope' })), 45003);
    assert.match(html, /invalid_client/);
    await assertAuthErrorPage(await request(authPath({ client_id: undefined })), 45003);
  });

  it('missing or unregistered redirect_uri: HTML page with 25003 mentioning 45006', async () => {
    for (const redirectUri of [
      undefined,
      'https://evil.example/cb',
      'http://localhost:80@evil.example/',
      'com.example.app:/other',
    ]) {
      const html = await assertAuthErrorPage(await request(authPath({ redirect_uri: redirectUri })), 25003);
      assert.match(html, /redirect_uri_not_allowed/);
      assert.match(html, /redirect_uri_mismatch/);
      assert.match(html, /45006/);
    }
  });

  it('any loopback redirect is allowed by default; only the exact list when disabled', async () => {
    assert.equal((await request(authPath({ redirect_uri: 'http://localhost:9999/x' }))).status, 200);
    await control('config', { allowAnyLoopbackRedirect: false });
    await assertAuthErrorPage(await request(authPath({ redirect_uri: 'http://localhost:9999/x' })), 25003);
    assert.equal((await request(authPath({ redirect_uri: REDIRECT }))).status, 200);
  });

  it('duplicate client_id or redirect_uri: HTML page with 45005, no redirect', async () => {
    const res = await request(`${authPath()}&client_id=${CLIENT}`);
    await assertAuthErrorPage(res, 45005);
  });

  it('other invalid parameters redirect with invalid_request 45005 (state kept when given)', async () => {
    const cases = [
      { response_type: 'token' },
      { response_type: undefined },
      { response_type: 'adminconsent', provider: 'microsoft' },
      { response_type: 'adminconsent', credential_id: 'c' },
      { code_challenge: NYLAS_CHALLENGE, code_challenge_method: 'S512' },
      { code_challenge: 'too-short' },
      { code_challenge: `${'a'.repeat(30)}!` },
      { code_challenge_method: 'S256' },
      { access_type: 'forever' },
      { state: 'x'.repeat(1025) },
    ];
    for (const params of cases) {
      const res = await request(authPath({ state: 's1', ...params }));
      assertAuthRedirectError(res, 'invalid_request', 45005, params.state ?? 's1');
    }
    const dup = await request(`${authPath({ state: 's2' })}&scope=a&scope=b`);
    assertAuthRedirectError(dup, 'invalid_request', 45005, 's2');
    assertAuthRedirectError(await request(authPath({ response_type: 'x' })), 'invalid_request', 45005);
  });

  it('accepts a state of 1024 characters and any provider string', async () => {
    const q = await authorize({ state: 's'.repeat(1024), provider: 'some-new-provider' });
    assert.equal(q.get('state').length, 1024);
  });
});

// ---------------------------------------------------------------------------
// Cross-Origin-Opener-Policy (coop) and a consent page that approves itself (consentDelayMs)
// ---------------------------------------------------------------------------

describe('coop and consentDelayMs', () => {
  const COOP = 'cross-origin-opener-policy';

  /** Runs a delayed consent page's inline script against a stand-in document; returns what it did. */
  function runConsentScript(html) {
    const script = /<script nonce="([^"]+)">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(script, 'the page has one nonce-bearing inline script');
    const clicked = [];
    const timers = [];
    const document = { getElementById: (id) => ({ click: () => clicked.push(id) }) };
    vm.runInNewContext(script[2], { document, setTimeout: (fn, ms) => timers.push({ fn, ms }) });
    return { nonce: script[1], clicked, timers };
  }

  it('off by default: no Cross-Origin-Opener-Policy on the consent page or the auto-approve redirect', async () => {
    assert.equal((await request(authPath())).headers.get(COOP), null);
    await control('config', { autoApprove: true });
    assert.equal((await request(authPath())).headers.get(COOP), null);
  });

  it('coop: "same-origin" is on the consent page (/v3 and legacy), its error pages and the decision redirect', async () => {
    const config = await control('config', { coop: 'same-origin' });
    assert.equal(config.coop, 'same-origin');
    for (const prefix of ['/v3', '']) {
      const page = await request(authPath({ state: 's' }, prefix));
      assert.equal(page.status, 200);
      assert.equal(page.headers.get(COOP), 'same-origin', `consent page at ${prefix}/connect/auth`);
      const requestId = /name="request_id" value="([^"]+)"/.exec(await page.text())[1];
      const decided = await decide(requestId, 'approve', {}, prefix);
      assert.equal(decided.status, 302);
      assert.equal(decided.headers.get(COOP), 'same-origin', 'the redirect to the app carries it too');
    }
    const badClient = await request(authPath({ client_id: 'nope' }));
    assert.equal(badClient.status, 400);
    assert.equal(badClient.headers.get(COOP), 'same-origin', 'error pages are pages the popup shows');
    const badParam = await request(authPath({ response_type: 'token' }));
    assert.equal(badParam.status, 302);
    assert.equal(badParam.headers.get(COOP), 'same-origin');
    assert.equal((await request('/v3/connect/tokeninfo?access_token=x')).headers.get(COOP), null, 'APIs are not pages');
  });

  it('coop with autoApprove: the immediate redirect carries the header; other values are sent as given', async () => {
    await control('config', { autoApprove: true, coop: 'same-origin' });
    for (const prefix of ['/v3', '']) {
      const res = await request(authPath({ state: 's' }, prefix));
      assert.equal(res.status, 302);
      assert.ok(locationParams(res).get('code'));
      assert.equal(res.headers.get(COOP), 'same-origin');
    }
    await control('config', { coop: 'same-origin-allow-popups' });
    assert.equal((await request(authPath())).headers.get(COOP), 'same-origin-allow-popups');
    await control('config', { coop: null });
    assert.equal((await request(authPath())).headers.get(COOP), null, 'null switches it off');
  });

  it('consentDelayMs: the consent page stays up (even with autoApprove) and approves itself after the delay', async () => {
    await control('config', { autoApprove: true, coop: 'same-origin', consentDelayMs: 20_000 });
    const res = await request(authPath({ state: 'slow', login_hint: 'stay@example.com' }));
    assert.equal(res.status, 200, 'no immediate redirect');
    assert.equal(res.headers.get(COOP), 'same-origin');
    const html = await res.text();
    assert.match(html, /<p id="auto-approve" data-delay-ms="20000">/);
    const { nonce, clicked, timers } = runConsentScript(html);
    assert.equal(
      res.headers.get('content-security-policy'),
      `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'`,
      'only that script may run',
    );
    assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(
      timers.map((t) => t.ms),
      [20_000],
      'the wait happens in the page, not in the HTTP response',
    );
    assert.deepEqual(clicked, []);
    timers[0].fn();
    assert.deepEqual(clicked, ['approve'], 'then it clicks #approve, which posts the form');
    // What that click posts: the form's request_id, the prefilled email and decision=approve.
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)[1];
    const decided = await decide(requestId, 'approve', { email: 'stay@example.com' });
    assert.equal(decided.status, 302);
    assert.equal(decided.headers.get(COOP), 'same-origin');
    const q = locationParams(decided);
    assert.equal(q.get('state'), 'slow');
    assert.equal((await postToken(codeFields(q.get('code')))).body.email, 'stay@example.com');
  });

  it('consentDelayMs without autoApprove also approves by itself; a new nonce per page', async () => {
    await control('config', { consentDelayMs: 0 });
    const first = await request(authPath());
    const second = await request(authPath());
    const a = runConsentScript(await first.text());
    const b = runConsentScript(await second.text());
    assert.deepEqual(
      a.timers.map((t) => t.ms),
      [0],
    );
    assert.notEqual(a.nonce, b.nonce);
    assert.equal(first.headers.get(COOP), null, 'the two switches are independent');
  });

  it('the plain consent page keeps its script-free CSP; reset clears both switches', async () => {
    await control('config', { coop: 'same-origin', consentDelayMs: 500 });
    const config = await control('reset');
    assert.equal(config.coop, null);
    assert.equal(config.consentDelayMs, null);
    const res = await request(authPath());
    assert.equal(res.headers.get(COOP), null);
    assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; style-src 'unsafe-inline'");
    assert.doesNotMatch(await res.text(), /<script|auto-approve/);
  });

  it("refuses unknown coop values and delays that are not whole milliseconds in setTimeout's range", async () => {
    for (const body of [
      { coop: 'same_origin' },
      { coop: 'SAME-ORIGIN' },
      { coop: true },
      { coop: '' },
      { consentDelayMs: -1 },
      { consentDelayMs: 1.5 },
      { consentDelayMs: '20000' },
      { consentDelayMs: 2 ** 31 },
    ]) {
      const res = await request('/__mock/config', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      await assertNylasError(res, 'invalid_request_payload', 700, 400);
    }
    assert.equal(mock.config.coop, null);
    assert.equal(mock.config.consentDelayMs, null);
  });

  it('CLI: --coop and --consent-delay-ms set the switches; bad values exit with status 2', async () => {
    const cli = spawnCli('server.mjs', [
      '--port',
      '0',
      '--auto-approve',
      '--coop',
      'same-origin',
      '--consent-delay-ms',
      '20000',
    ]);
    try {
      const url = (await cli.firstLine).slice('mock nylas listening on '.length);
      const res = await fetch(
        `${url}/v3/connect/auth?client_id=${CLIENT}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code`,
        { redirect: 'manual' },
      );
      assert.equal(res.status, 200);
      assert.equal(res.headers.get(COOP), 'same-origin');
      assert.match(await res.text(), /data-delay-ms="20000"/);
    } finally {
      cli.child.kill('SIGTERM');
    }
    assert.equal((await cli.exited).code, 0);
    for (const args of [
      ['--coop', 'nope'],
      ['--consent-delay-ms', '5s'],
      ['--consent-delay-ms', ''],
    ]) {
      const bad = spawnCli('server.mjs', ['--port', '0', ...args]);
      bad.firstLine.catch(() => {});
      assert.equal((await bad.exited).code, 2, args.join(' '));
    }
  });
});

// ---------------------------------------------------------------------------
// POST /connect/token
// ---------------------------------------------------------------------------

describe('token endpoint', () => {
  for (const json of [false, true]) {
    it(`exchanges a code (${json ? 'JSON' : 'form'} body) with the documented response shape`, async () => {
      const code = (await authorize({ scope: 'email calendar', login_hint: 'shape@example.com' })).get('code');
      const { res, body } = await postToken(codeFields(code), { json });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.match(body.access_token, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(body.expires_in, 3600);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.scope, 'email calendar');
      assert.match(body.grant_id, UUID_RE);
      assert.equal(body.email, 'shape@example.com');
      assert.equal(body.provider, 'google');
      assert.equal('refresh_token' in body, false, 'online access has no refresh_token');
      const s = await stats();
      assert.deepEqual(s.tokenRequests.at(-1), {
        contentType: json ? 'application/json' : 'application/x-www-form-urlencoded',
        grantType: 'authorization_code',
        fields: ['client_id', 'code', 'grant_type', 'redirect_uri'],
      });
      assert.equal(s.clientSecretSeen, false);
    });
  }

  it('id_token is an HS256 JWT with iss/aud/sub/email/provider/iat/exp', async () => {
    const body = await login({ login_hint: 'jwt@example.com', provider: 'microsoft' });
    const { header, payload, signature } = decodeJwt(body.id_token);
    assert.deepEqual(header, { alg: 'HS256', typ: 'JWT' });
    assert.equal(payload.iss, `${mock.url}/v3`);
    assert.equal(payload.aud, CLIENT);
    assert.equal(payload.sub, body.grant_id);
    assert.equal(payload.email, 'jwt@example.com');
    assert.equal(payload.provider, 'microsoft');
    assert.equal(payload.exp - payload.iat, 3600);
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 5);
    assert.match(signature, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!body.id_token.includes('='));
  });

  it('default scope, stable grant_id per (client, email), refresh_token only for offline', async () => {
    const a = await login({ login_hint: 'same@example.com' });
    const b = await login({ login_hint: 'same@example.com', access_type: 'offline' });
    const c = await login({ login_hint: 'other@example.com' });
    assert.equal(a.scope, 'email calendar contacts');
    assert.equal(a.grant_id, b.grant_id);
    assert.notEqual(a.grant_id, c.grant_id);
    assert.notEqual(a.access_token, b.access_token);
    assert.notEqual(a.id_token, b.id_token, 'id_tokens are unique even for the same grant and second');
    assert.match(b.refresh_token, /^[A-Za-z0-9_-]{43}$/);
  });

  it('accessTokenTtlSec controls expires_in', async () => {
    await control('config', { accessTokenTtlSec: 5 });
    assert.equal((await login()).expires_in, 5);
  });

  it('rejects other content types with invalid_request 45005', async () => {
    const res = await request('/v3/connect/token', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'grant_type=authorization_code',
    });
    assertOAuthError({ res, body: await res.json() }, 'invalid_request', 45005);
    const bad = await request('/v3/connect/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    assertOAuthError({ res: bad, body: await bad.json() }, 'invalid_request', 45005);
  });

  it('maps request errors to OAuth errors with Nylas event codes', async () => {
    const code = async () => (await authorize()).get('code');
    assertOAuthError(await postToken({ client_id: CLIENT, code: await code() }), 'invalid_request', 45005);
    assertOAuthError(
      await postToken({ grant_type: 'authorization_code', client_id: CLIENT, redirect_uri: REDIRECT }),
      'invalid_request',
      45005,
    );
    assertOAuthError(await postToken(codeFields(await code(), { client_id: 'nope' })), 'invalid_client', 45003, 401);
    assertOAuthError(await postToken({ grant_type: 'password', client_id: CLIENT }), 'unsupported_grant_type', 45007);
    assertOAuthError(await postToken(codeFields('bogus-code')), 'invalid_grant', 45004);
    const mismatch = await postToken(codeFields(await code(), { redirect_uri: 'http://127.0.0.1:5173/' }));
    assertOAuthError(mismatch, 'invalid_grant', 45004);
    assert.match(mismatch.body.error_description, /redirect_uri/);
  });

  it('rejects a code issued to another client', async () => {
    await control('config', {
      clients: { [CLIENT]: { redirectUris: [REDIRECT] }, other: { redirectUris: [REDIRECT] } },
    });
    const code = (await authorize()).get('code');
    assertOAuthError(await postToken(codeFields(code, { client_id: 'other' })), 'invalid_grant', 45004);
  });

  it('codes are single-use; reuse revokes every token issued from the code', async () => {
    const code = (await authorize({ access_type: 'offline' })).get('code');
    const first = await postToken(codeFields(code));
    assert.equal(first.res.status, 200);
    assert.equal((await grantsMe(first.body.access_token)).status, 200);
    assertOAuthError(await postToken(codeFields(code)), 'invalid_grant', 45004);
    await assertNylasError(await grantsMe(first.body.access_token), 'invalid_token', 45008, 401);
    await assertNylasError(await tokenInfo({ id_token: first.body.id_token }), 'invalid_token', 45008, 400);
    await control('config', { publicRefresh: true });
    assertOAuthError(
      await postToken({ grant_type: 'refresh_token', client_id: CLIENT, refresh_token: first.body.refresh_token }),
      'invalid_grant',
      45004,
    );
  });

  it('a code is consumed by a failed first attempt, whatever the failure', async () => {
    const pkce = { code_challenge: NYLAS_CHALLENGE, code_challenge_method: 'S256' };
    const failures = [
      [{ code_verifier: 'wrong' }, 'invalid_grant', 45004, 400],
      [{ client_id: 'nope' }, 'invalid_client', 45003, 401],
      [{ redirect_uri: '' }, 'invalid_request', 45005, 400],
    ];
    for (const [override, error, eventCode, status] of failures) {
      const code = (await authorize(pkce)).get('code');
      assertOAuthError(
        await postToken(codeFields(code, { code_verifier: NYLAS_VERIFIER, ...override })),
        error,
        eventCode,
        status,
      );
      const retry = await postToken(codeFields(code, { code_verifier: NYLAS_VERIFIER }));
      assertOAuthError(retry, 'invalid_grant', 45004);
      assert.match(retry.body.error_description, /already used/);
    }
  });

  it('codes expire after codeTtlMs', async () => {
    await control('config', { codeTtlMs: 50 });
    const code = (await authorize()).get('code');
    await sleep(120);
    const result = await postToken(codeFields(code));
    assertOAuthError(result, 'invalid_grant', 45004);
    assert.match(result.body.error_description, /expired/);
  });

  it('client_secret is recorded in stats but the request is still processed', async () => {
    const body = await login({}, { client_secret: 'shh' });
    assert.ok(body.access_token);
    const s = await stats();
    assert.equal(s.clientSecretSeen, true);
    assert.deepEqual(s.tokenRequests.at(-1).fields, [
      'client_id',
      'client_secret',
      'code',
      'grant_type',
      'redirect_uri',
    ]);
  });

  it('an HTTP Basic Authorization header also counts as a client secret', async () => {
    const code = (await authorize()).get('code');
    const basic = `Basic ${Buffer.from(`${CLIENT}:shh`).toString('base64')}`;
    assert.equal((await postToken(codeFields(code), { headers: { Authorization: basic } })).res.status, 200);
    assert.equal((await stats()).clientSecretSeen, true);
  });
});

// ---------------------------------------------------------------------------
// PKCE
// ---------------------------------------------------------------------------

describe('PKCE', () => {
  /**
   * Authorizes with a challenge and redeems it with a verifier under a challenge
   * encoding. `method: null` omits code_challenge_method.
   */
  async function redeem(encoding, challenge, verifier, method = 'S256') {
    await control('config', { challengeEncoding: encoding });
    const code = (await authorize({ code_challenge: challenge, code_challenge_method: method ?? undefined })).get(
      'code',
    );
    return postToken(codeFields(code, verifier === undefined ? {} : { code_verifier: verifier }));
  }

  it("'nylas' encoding (default) accepts the Nylas docs vector", async () => {
    assert.equal(mock.config.challengeEncoding, 'nylas');
    assert.equal((await redeem('nylas', NYLAS_CHALLENGE, NYLAS_VERIFIER)).res.status, 200);
    assertOAuthError(await redeem('nylas', RFC_CHALLENGE, RFC_VERIFIER), 'invalid_grant', 45004);
  });

  it("'rfc7636' encoding accepts the RFC 7636 Appendix B vector only", async () => {
    assert.equal((await redeem('rfc7636', RFC_CHALLENGE, RFC_VERIFIER)).res.status, 200);
    assertOAuthError(await redeem('rfc7636', NYLAS_CHALLENGE, NYLAS_VERIFIER), 'invalid_grant', 45004);
  });

  it("'any' encoding accepts both vectors", async () => {
    assert.equal((await redeem('any', RFC_CHALLENGE, RFC_VERIFIER)).res.status, 200);
    assert.equal((await redeem('any', NYLAS_CHALLENGE, NYLAS_VERIFIER)).res.status, 200);
  });

  it('wrong verifier -> invalid_grant; missing verifier -> invalid_request', async () => {
    assertOAuthError(await redeem('any', RFC_CHALLENGE, `${RFC_VERIFIER}x`), 'invalid_grant', 45004);
    assertOAuthError(await redeem('any', RFC_CHALLENGE, undefined), 'invalid_request', 45005);
  });

  it('plain method, and plain is the default when no method is given', async () => {
    const verifier = 'plain-verifier-0123456789abcdef';
    assert.equal((await redeem('nylas', verifier, verifier, 'plain')).res.status, 200);
    assert.equal((await redeem('nylas', verifier, verifier, null)).res.status, 200);
    assertOAuthError(await redeem('nylas', verifier, 'other-verifier', 'plain'), 'invalid_grant', 45004);
  });

  it('a code_verifier without a stored challenge is rejected', async () => {
    const code = (await authorize()).get('code');
    assertOAuthError(await postToken(codeFields(code, { code_verifier: NYLAS_VERIFIER })), 'invalid_grant', 45004);
  });
});

// ---------------------------------------------------------------------------
// Refresh
// ---------------------------------------------------------------------------

describe('refresh_token grant', () => {
  const refreshFields = (refreshToken, extra = {}) => ({
    grant_type: 'refresh_token',
    client_id: CLIENT,
    refresh_token: refreshToken,
    ...extra,
  });

  it('without client_secret (publicRefresh off) -> invalid_request 45005', async () => {
    const { refresh_token: rt } = await login({ access_type: 'offline' });
    const result = await postToken(refreshFields(rt));
    assertOAuthError(result, 'invalid_request', 45005);
    assert.equal(result.body.error_description, 'client_secret is required to refresh');
  });

  it('with client_secret: new access token, rotated refresh token, old one invalid', async () => {
    const first = await login({ access_type: 'offline', login_hint: 'r@example.com' });
    const { res, body } = await postToken(refreshFields(first.refresh_token, { client_secret: 'secret' }), {
      json: true,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.notEqual(body.access_token, first.access_token);
    assert.ok(body.refresh_token && body.refresh_token !== first.refresh_token);
    assert.equal(body.grant_id, first.grant_id);
    assert.equal(body.email, 'r@example.com');
    assert.ok(body.id_token);
    assert.equal((await grantsMe(body.access_token)).status, 200);
    assertOAuthError(
      await postToken(refreshFields(first.refresh_token, { client_secret: 'secret' })),
      'invalid_grant',
      45004,
    );
    assert.equal((await stats()).clientSecretSeen, true);
  });

  it('publicRefresh allows refreshing without a secret', async () => {
    await control('config', { publicRefresh: true });
    const { refresh_token: rt } = await login({ access_type: 'offline' });
    const { res, body } = await postToken(refreshFields(rt));
    assert.equal(res.status, 200);
    assert.ok(body.refresh_token);
    assert.equal((await stats()).clientSecretSeen, false);
  });

  it('unknown or revoked refresh token -> invalid_grant 45004', async () => {
    await control('config', { publicRefresh: true });
    assertOAuthError(await postToken(refreshFields('unknown')), 'invalid_grant', 45004);
    const { refresh_token: rt } = await login({ access_type: 'offline' });
    assert.equal((await revoke(rt)).status, 200);
    assertOAuthError(await postToken(refreshFields(rt)), 'invalid_grant', 45004);
    assertOAuthError(await postToken({ grant_type: 'refresh_token', client_id: CLIENT }), 'invalid_request', 45005);
  });
});

// ---------------------------------------------------------------------------
// Revoke, tokeninfo, grants/me
// ---------------------------------------------------------------------------

describe('revoke', () => {
  it('revoking the access token revokes sibling id/refresh tokens but not other sessions', async () => {
    await control('config', { publicRefresh: true });
    const a = await login({ access_type: 'offline' });
    const b = await login({ access_type: 'offline' });
    const res = await revoke(a.access_token);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    await assertNylasError(await tokenInfo({ access_token: a.access_token }), 'invalid_token', 45008, 400);
    await assertNylasError(await tokenInfo({ id_token: a.id_token }), 'invalid_token', 45008, 400);
    assertOAuthError(
      await postToken({ grant_type: 'refresh_token', client_id: CLIENT, refresh_token: a.refresh_token }),
      'invalid_grant',
      45004,
    );
    assert.equal((await tokenInfo({ access_token: b.access_token })).status, 200);
  });

  it('revoking the refresh token revokes the access token', async () => {
    const a = await login({ access_type: 'offline' });
    assert.equal((await revoke(a.refresh_token)).status, 200);
    await assertNylasError(await grantsMe(a.access_token), 'invalid_token', 45008, 401);
  });

  it('unknown token -> 200 {}; missing token -> 400 invalid_request 45005', async () => {
    const res = await revoke('never-issued');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {});
    const body = await assertNylasError(await revoke(undefined), 'invalid_request', 45005, 400);
    assert.ok(body.error.message);
  });
});

describe('tokeninfo', () => {
  it('describes a valid access token and id_token', async () => {
    const t = await login({ scope: 'email', login_hint: 'ti@example.com', provider: 'imap' });
    for (const query of [{ access_token: t.access_token }, { id_token: t.id_token }]) {
      const res = await tokenInfo(query);
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.match(body.request_id, UUID_RE);
      assert.deepEqual(Object.keys(body.data).sort(), [
        'aud',
        'email',
        'exp',
        'iat',
        'iss',
        'provider',
        'scope',
        'sub',
      ]);
      assert.equal(body.data.iss, `${mock.url}/v3`);
      assert.equal(body.data.aud, CLIENT);
      assert.equal(body.data.sub, t.grant_id);
      assert.equal(body.data.email, 'ti@example.com');
      assert.equal(body.data.scope, 'email');
      assert.equal(body.data.provider, 'imap');
      assert.equal(body.data.exp - body.data.iat, 3600);
    }
  });

  it('unknown token -> 400 invalid_token 45008 "Token expired or revoked"', async () => {
    const body = await assertNylasError(await tokenInfo({ access_token: 'nope' }), 'invalid_token', 45008, 400);
    assert.equal(body.error.message, 'Token expired or revoked');
  });

  it('expired token -> 400 invalid_token 45008', async () => {
    await control('config', { accessTokenTtlSec: 1 });
    const t = await login();
    assert.equal((await tokenInfo({ access_token: t.access_token })).status, 200);
    await sleep(1100);
    await assertNylasError(await tokenInfo({ access_token: t.access_token }), 'invalid_token', 45008, 400);
    await assertNylasError(await grantsMe(t.access_token), 'invalid_token', 45008, 401);
  });

  it('no token parameter -> 400 invalid_request 45005', async () => {
    await assertNylasError(await tokenInfo({}), 'invalid_request', 45005, 400);
  });
});

describe('grants/me', () => {
  it('returns the grant for a valid Bearer token', async () => {
    const t = await login({ scope: 'email calendar', login_hint: 'me@example.com', provider: 'microsoft' });
    const res = await grantsMe(t.access_token);
    assert.equal(res.status, 200);
    const { request_id: requestId, data } = await res.json();
    assert.match(requestId, UUID_RE);
    assert.equal(data.id, t.grant_id);
    assert.equal(data.provider, 'microsoft');
    assert.equal(data.grant_status, 'valid');
    assert.equal(data.email, 'me@example.com');
    assert.deepEqual(data.scope, ['email', 'calendar']);
    assert.ok(Number.isInteger(data.created_at) && Number.isInteger(data.updated_at));
  });

  it('missing Authorization -> 401 invalid_request_error 401; bad token -> 401 invalid_token 45008', async () => {
    await assertNylasError(await grantsMe(undefined), 'invalid_request_error', 401, 401);
    await assertNylasError(
      await request('/v3/grants/me', { headers: { Authorization: 'Basic abc' } }),
      'invalid_request_error',
      401,
      401,
    );
    await assertNylasError(await grantsMe('bogus'), 'invalid_token', 45008, 401);
    const t = await login();
    await assertNylasError(await grantsMe(t.id_token), 'invalid_token', 45008, 401);
  });
});

// ---------------------------------------------------------------------------
// Legacy paths, routing, CORS
// ---------------------------------------------------------------------------

describe('legacy (un-prefixed) routes', () => {
  it('support the whole flow without /v3', async () => {
    const { html, requestId } = await openConsent({ access_type: 'offline' }, '');
    assert.match(html, /action="\/connect\/auth\/decision"/);
    const code = locationParams(await decide(requestId, 'approve', {}, '')).get('code');
    const { res, body } = await postToken(codeFields(code, { client_secret: 'x' }), { prefix: '' });
    assert.equal(res.status, 200);
    assert.equal(decodeJwt(body.id_token).payload.iss, mock.url);
    const info = await tokenInfo({ access_token: body.access_token }, '');
    assert.equal((await info.json()).data.iss, mock.url);
    assert.equal((await grantsMe(body.access_token, '/connect/grants/me')).status, 200);
    const refreshed = await postToken(
      { grant_type: 'refresh_token', client_id: CLIENT, client_secret: 'x', refresh_token: body.refresh_token },
      { prefix: '' },
    );
    assert.equal(refreshed.res.status, 200);
    assert.equal((await revoke(refreshed.body.access_token, '')).status, 200);
    await assertNylasError(
      await grantsMe(refreshed.body.access_token, '/connect/grants/me'),
      'invalid_token',
      45008,
      401,
    );
    const s = await stats();
    assert.deepEqual(s.requests, { auth: 1, token: 2, revoke: 1, tokeninfo: 1, grants: 2, messages: 0, detect: 0 });
  });

  it('unknown routes -> 404 not_found_error; wrong method -> 405', async () => {
    await assertNylasError(await request('/v3/nothing'), 'not_found_error', 404, 404);
    await assertNylasError(await request('/v3/grants/me', { method: 'POST' }), 'method_not_allowed', 405, 405);
    assert.equal((await request('/v3/connect/token')).headers.get('allow'), 'POST, OPTIONS');
  });
});

describe('CORS', () => {
  const preflight = (pathName, origin) =>
    request(pathName, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });

  it('answers preflights with 204 and reflects loopback origins', async () => {
    for (const p of ['/v3/connect/token', '/connect/token', '/v3/connect/revoke', '/v3/grants/me', '/__mock/config']) {
      for (const origin of [ORIGIN, 'http://127.0.0.1:8080']) {
        const res = await preflight(p, origin);
        assert.equal(res.status, 204);
        assert.equal(res.headers.get('access-control-allow-origin'), origin);
        assert.equal(res.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
        assert.equal(res.headers.get('access-control-allow-headers'), 'Content-Type, Authorization');
        assert.equal(res.headers.get('access-control-max-age'), '600');
        assert.match(res.headers.get('vary'), /Origin/);
        assert.equal(res.headers.get('access-control-allow-credentials'), null);
      }
    }
  });

  it('does not allow foreign origins', async () => {
    for (const origin of ['https://evil.example', 'http://localhost.evil.example:5173', 'null']) {
      const res = await preflight('/v3/connect/token', origin);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    }
  });

  it('adds CORS headers to actual responses, including errors', async () => {
    const res = await request('/v3/connect/tokeninfo?access_token=x', { headers: { Origin: ORIGIN } });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
  });

  it('corsOrigins array allows exact origins only', async () => {
    await control('config', { corsOrigins: ['https://app.example'] });
    assert.equal(
      (await preflight('/v3/connect/token', 'https://app.example')).headers.get('access-control-allow-origin'),
      'https://app.example',
    );
    assert.equal((await preflight('/v3/connect/token', ORIGIN)).headers.get('access-control-allow-origin'), null);
  });
});

// ---------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------

describe('faults', () => {
  const endpointRequests = {
    token: () => request('/v3/connect/token', { method: 'POST', headers: { Origin: ORIGIN } }),
    revoke: () => request('/v3/connect/revoke?token=x', { method: 'POST', headers: { Origin: ORIGIN } }),
    tokeninfo: () => request('/v3/connect/tokeninfo?access_token=x', { headers: { Origin: ORIGIN } }),
    grants: () => request('/v3/grants/me', { headers: { Origin: ORIGIN } }),
  };

  for (const [endpoint, send] of Object.entries(endpointRequests)) {
    it(`"500" on ${endpoint} -> Nylas internal_error with CORS`, async () => {
      await control('config', { faults: { [endpoint]: '500' } });
      const res = await send();
      assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
      await assertNylasError(res, 'internal_error', 500, 500);
    });
  }

  it('"html502" -> 502 text/html with CORS', async () => {
    await control('config', { faults: { token: 'html502' } });
    const res = await endpointRequests.token();
    assert.equal(res.status, 502);
    assert.match(res.headers.get('content-type'), /^text\/html/);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(await res.text(), '<html><body><h1>502 Bad Gateway</h1></body></html>');
  });

  it('"slow" delays by faults.slowMs, then answers normally with CORS', async () => {
    await control('config', { faults: { tokeninfo: 'slow', slowMs: 200 } });
    const started = Date.now();
    const res = await endpointRequests.tokeninfo();
    assert.ok(Date.now() - started >= 190);
    assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
    await assertNylasError(res, 'invalid_token', 45008, 400);
  });

  it('"drop" destroys the socket without a response', async () => {
    await control('config', { faults: { grants: 'drop' } });
    await assert.rejects(endpointRequests.grants(), TypeError);
  });

  it('faults stay until changed; null clears one; reset clears all; counted in stats', async () => {
    await control('config', { faults: { revoke: '500', tokeninfo: '500' } });
    assert.equal((await endpointRequests.revoke()).status, 500);
    assert.equal((await endpointRequests.revoke()).status, 500);
    const config = await control('config', { faults: { revoke: null } });
    assert.deepEqual(config.faults, { tokeninfo: '500' });
    assert.equal((await endpointRequests.revoke()).status, 200);
    assert.equal((await endpointRequests.tokeninfo()).status, 500);
    assert.equal((await stats()).requests.revoke, 3);
    await control('reset');
    assert.equal((await endpointRequests.tokeninfo()).status, 400);
  });

  it('close() does not wait for a pending "slow" response', async () => {
    const own = await startMockServer({ faults: { token: 'slow', slowMs: 10_000 } });
    const pending = fetch(`${own.url}/v3/connect/token`, { method: 'POST' });
    await sleep(100);
    const started = Date.now();
    await own.close();
    assert.ok(Date.now() - started < 1000, 'close() was prompt');
    await assert.rejects(pending);
  });
});

// ---------------------------------------------------------------------------
// Host check (DNS rebinding)
// ---------------------------------------------------------------------------

describe('Host check', () => {
  /**
   * A request with a Host header of our choosing (fetch always sends the URL's own host).
   * `host: null` sends none. Resolves with { status, headers, body }.
   */
  function withHost(host, pathAndQuery, { method = 'GET', headers = {}, body } = {}) {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          hostname: '127.0.0.1',
          port: mock.port,
          path: pathAndQuery,
          method,
          setHost: false, // else Node puts its own Host in place of an empty one
          headers: { ...(host === null ? {} : { Host: host }), ...headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            text += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const postJson = (host, pathName, value) =>
    withHost(host, pathName, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(value),
    });

  function assertForbidden(res, what) {
    assert.equal(res.status, 403, what);
    const body = JSON.parse(res.body);
    assert.equal(body.success, false);
    assert.equal(body.error.type, 'forbidden');
    assert.equal(body.error.http_code, 403);
    assert.match(body.error.message, /Host/);
  }

  it('a rebinding page (Host: evil.example:PORT) cannot change switches, reset or read stats', async () => {
    const evil = `evil.example:${mock.port}`;
    await login();
    assertForbidden(await postJson(evil, '/__mock/config', { autoApprove: true }), 'config');
    assert.equal(mock.config.autoApprove, false, 'the switch did not change');
    assertForbidden(await postJson(evil, '/__mock/reset', {}), 'reset');
    assertForbidden(await withHost(evil, '/__mock/stats'), 'stats');
    assert.equal((await stats()).requests.token, 1, 'nothing was reset');
    const preflight = await withHost(evil, '/__mock/config', {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  it('the Nylas routes are checked too: no consent page, code or token for a foreign Host', async () => {
    const evil = `evil.example:${mock.port}`;
    assertForbidden(await withHost(evil, authPath()), 'auth');
    await control('config', { autoApprove: true });
    assertForbidden(await withHost(evil, authPath()), 'auth with autoApprove');
    assertForbidden(
      await withHost(evil, '/v3/connect/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=x',
      }),
      'token',
    );
    assertForbidden(await withHost(evil, '/connect/tokeninfo?access_token=x'), 'legacy tokeninfo');
    assertForbidden(await withHost(evil, '/v3/nothing'), 'unknown routes too');
    assert.deepEqual(Object.values((await stats()).requests), [0, 0, 0, 0, 0, 0, 0], 'refused before routing');
  });

  it('accepts 127.0.0.1, localhost and [::1] in any case, with the port the server listens on', async () => {
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', 'LocalHost', '[::1]']) {
      const res = await withHost(`${name}:${mock.port}`, '/__mock/stats');
      assert.equal(res.status, 200, name);
      assert.deepEqual(Object.keys(JSON.parse(res.body)), ['requests', 'tokenRequests', 'clientSecretSeen']);
    }
    const changed = await postJson(`localhost:${mock.port}`, '/__mock/config', { autoApprove: true });
    assert.equal(changed.status, 200);
    assert.equal(mock.config.autoApprove, true);
  });

  it('refuses other names, look-alikes, another port, no port and no Host', async () => {
    const p = mock.port;
    const otherPort = p === 65535 ? p - 1 : p + 1;
    const hosts = [
      'evil.example',
      `evil.example:${p}`,
      `127.0.0.1.evil.example:${p}`,
      `localhost.evil.example:${p}`,
      `evil.localhost:${p}`,
      `localhost.:${p}`,
      `127.0.0.2:${p}`,
      `0.0.0.0:${p}`,
      `[::ffff:127.0.0.1]:${p}`,
      `2130706433:${p}`,
      `::1:${p}`,
      `[::1]x:${p}`,
      `localhost:${p}@evil.example`,
      `127.0.0.1:${otherPort}`,
      `localhost:0${p}`,
      'localhost',
      '127.0.0.1',
      '',
    ];
    for (const host of hosts) assertForbidden(await withHost(host, '/__mock/stats'), JSON.stringify(host));
    const none = await withHost(null, '/__mock/stats');
    assert.ok([400, 403].includes(none.status), `no Host -> ${none.status}`);
  });
});

// ---------------------------------------------------------------------------
// Control API and startMockServer()
// ---------------------------------------------------------------------------

describe('control API and startMockServer()', () => {
  it('POST /__mock/config merges into the live config and returns it', async () => {
    const config = await control('config', { autoApprove: true, accessTokenTtlSec: 5 });
    assert.equal(config.autoApprove, true);
    assert.equal(config.accessTokenTtlSec, 5);
    assert.equal(config.challengeEncoding, 'nylas');
    assert.deepEqual(Object.keys(config.clients), [CLIENT]);
    assert.equal(mock.config.autoApprove, true, 'the returned config object is live');
  });

  it('rejects unknown keys and invalid values with invalid_request_payload 700', async () => {
    for (const body of ['{"bogus":1}', '{"challengeEncoding":"md5"}', '{"faults":{"token":"explode"}}', '[]', '{']) {
      const res = await request('/__mock/config', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      await assertNylasError(res, 'invalid_request_payload', 700, 400);
    }
  });

  it('POST /__mock/reset restores defaults and clears tokens and stats', async () => {
    const t = await login();
    await control('config', { publicRefresh: true });
    const config = await control('reset');
    assert.equal(config.publicRefresh, false);
    assert.deepEqual(await stats(), {
      requests: { auth: 0, token: 0, revoke: 0, tokeninfo: 0, grants: 0, messages: 0, detect: 0 },
      tokenRequests: [],
      clientSecretSeen: false,
    });
    assert.equal((await tokenInfo({ access_token: t.access_token })).status, 400);
  });

  it('GET /__mock/stats counts requests; the returned stats object is live', async () => {
    await login();
    assert.equal(mock.stats.requests.auth, 1);
    assert.equal(mock.stats.requests.token, 1);
    assert.deepEqual((await stats()).requests, mock.stats.requests);
  });

  it('url/port/options: binds 127.0.0.1, custom clients and redirect prefixes', async () => {
    const own = await startMockServer({
      clients: { app: { redirectUris: ['https://app.example/cb'] } },
      allowAnyLoopbackRedirect: false,
      autoApprove: true,
    });
    try {
      assert.equal(own.url, `http://127.0.0.1:${own.port}`);
      const ok = await fetch(
        `${own.url}/v3/connect/auth?client_id=app&redirect_uri=${encodeURIComponent('https://app.example/cb')}&response_type=code`,
        { redirect: 'manual' },
      );
      assert.match(ok.headers.get('location'), /^https:\/\/app\.example\/cb\?code=/);
      const bad = await fetch(
        `${own.url}/v3/connect/auth?client_id=app&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code`,
        { redirect: 'manual' },
      );
      await assertAuthErrorPage(bad, 25003);
    } finally {
      await own.close();
    }
    await assert.rejects(startMockServer({ notAnOption: true }), /unknown config key/);
  });

  it('CLI prints one line, applies --client-id/--redirect-uri and exits on SIGTERM', async () => {
    const cli = spawnCli('server.mjs', [
      '--port',
      '0',
      '--client-id',
      'cli-client',
      '--redirect-uri',
      'https://cli.example/cb',
    ]);
    const line = await cli.firstLine;
    assert.match(line, /^mock nylas listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('mock nylas listening on '.length);
    const ok = await fetch(
      `${url}/v3/connect/auth?client_id=cli-client&redirect_uri=${encodeURIComponent('https://cli.example/cb')}&response_type=code`,
    );
    assert.equal(ok.status, 200);
    const unknown = await fetch(
      `${url}/v3/connect/auth?client_id=${CLIENT}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code`,
    );
    await assertAuthErrorPage(unknown, 45003);
    cli.child.kill('SIGTERM');
    const { code, stdout } = await cli.exited;
    assert.equal(code, 0);
    assert.equal(stdout(), `${line}\n`, 'exactly one line of output');
  });
});

// ---------------------------------------------------------------------------
// Static server
// ---------------------------------------------------------------------------

describe('static server', () => {
  let root;
  let outside;
  let server;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-static-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
    fs.writeFileSync(path.join(root, 'index.html'), '<h1>root</h1>');
    fs.mkdirSync(path.join(root, 'pkg'));
    fs.mkdirSync(path.join(root, 'sub'));
    fs.writeFileSync(path.join(root, 'sub', 'index.html'), '<h1>sub</h1>');
    const files = {
      'pkg/app_bg.wasm': '\0asm',
      'pkg/app.js': '',
      'pkg/app.mjs': '',
      'pkg/app.d.ts': '',
      'pkg/app.js.map': '{}',
      'pkg/package.json': '{}',
      'style.css': '',
      'callback.html': '',
    };
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(root, name), content);
    fs.symlinkSync(outside, path.join(root, 'escape'));
    server = await startStaticServer({ root });
  });

  after(async () => {
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('serves files with the right content types and no-store', async () => {
    const expected = {
      '/pkg/app_bg.wasm': 'application/wasm',
      '/pkg/app.js': 'text/javascript',
      '/pkg/app.mjs': 'text/javascript',
      '/pkg/app.d.ts': 'application/typescript',
      '/pkg/app.js.map': 'application/json',
      '/pkg/package.json': 'application/json',
      '/style.css': 'text/css',
      '/callback.html': 'text/html',
    };
    for (const [file, type] of Object.entries(expected)) {
      const res = await fetch(`${server.url}${file}`);
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('content-type').split(';')[0], type, file);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      await res.arrayBuffer();
    }
  });

  it('serves index.html for / and directories (redirecting to a trailing slash)', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await (await fetch(`${server.url}/`)).text(), '<h1>root</h1>');
    assert.equal(await (await fetch(`${server.url}/sub/`)).text(), '<h1>sub</h1>');
    const res = await fetch(`${server.url}/sub?x=1`, { redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/sub/?x=1');
  });

  it('refuses path traversal and symlink escapes; 404 for missing files; 405 for POST', async () => {
    for (const raw of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2f..%2fetc%2fpasswd',
      '/sub/..%5c..%5csecret.txt',
    ]) {
      const res = await rawGet(server.url, raw);
      assert.ok([400, 403, 404].includes(res.statusCode), `${raw} -> ${res.statusCode}`);
    }
    assert.equal((await rawGet(server.url, '/escape/secret.txt')).statusCode, 403);
    assert.equal((await fetch(`${server.url}/missing.js`)).status, 404);
    assert.equal((await fetch(`${server.url}/index.html`, { method: 'POST' })).status, 405);
  });

  it('CLI prints one line and serves --root', async () => {
    const cli = spawnCli('static.mjs', ['--root', root, '--port', '0']);
    const line = await cli.firstLine;
    assert.match(line, /^static server on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('static server on '.length);
    assert.equal(await (await fetch(`${url}/`)).text(), '<h1>root</h1>');
    cli.child.kill('SIGTERM');
    assert.equal((await cli.exited).code, 0);
  });
});
