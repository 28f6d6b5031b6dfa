// Scopes and providers in headless Chromium through the built package, against the mock Nylas: provider
// scope strings, Google's conflict check, incremental consent end to end (a resource call answered 403,
// requestScopes, a token covering both), appState, and provider detection.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configureMock, mockStats, mockUrls, pageWithPackage, suiteEnv } from './harness.mjs';

const T = { timeout: 60_000 };
const env = suiteEnv();

const base = () => mockUrls(env);

test('providerScopes gives Google scope strings; a metadata conflict is refused before the redirect', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  const out = await run(async ({ api }) => {
    const { NylasAuth } = await window.__pkg();
    const { providerScopes } = await window.__protocol();
    const grabAsync = async (fn) => {
      try {
        return await fn();
      } catch (e) {
        return { code: e.code, field: e.field, message: e.message };
      }
    };
    const grab = (fn) => {
      try {
        return fn();
      } catch (e) {
        return { code: e.code, field: e.field, message: e.message };
      }
    };
    const auth = new NylasAuth({
      clientId: 'demo-client',
      redirectUri: `${location.origin}/`,
      apiBase: api,
      provider: 'google',
    });
    const gmail = providerScopes('google', ['email.metadata', 'email.read_only'], { required: false });
    return {
      google: providerScopes('google', ['email.read_only', 'calendar']),
      microsoft: grab(() => providerScopes('microsoft', ['email.read_only'])),
      unknown: grab(() => providerScopes('google', ['email.read'])),
      conflict: await grabAsync(() => auth.authorizationUrl({ scopes: gmail })),
      allowed: typeof (await grabAsync(() => auth.authorizationUrl({ scopes: gmail, allowScopeConflicts: true }))),
      repeated: await grabAsync(() => auth.authorizationUrl({ scopes: ['calendar', 'calendar'] })),
      empty: await grabAsync(() => auth.authorizationUrl({ scopes: [] })),
    };
  }, base());
  assert.deepEqual(out.google, [
    'https://www.googleapis.com/auth/gmail.readonly',
    'https://www.googleapis.com/auth/calendar',
    'https://www.googleapis.com/auth/userinfo.email',
    'https://www.googleapis.com/auth/userinfo.profile',
    'openid',
  ]);
  assert.equal(out.microsoft.code, 'invalid_option');
  assert.match(out.microsoft.message, /email\.read_only/);
  assert.deepEqual([out.unknown.code, out.unknown.field], ['invalid_option', 'scopes']);
  assert.deepEqual([out.conflict.code, out.conflict.field], ['invalid_option', 'scopes']);
  assert.match(out.conflict.message, /gmail\.metadata.*gmail\.readonly/);
  assert.equal(out.allowed, 'string', 'the opt-out builds the URL');
  assert.equal(out.repeated.code, 'invalid_option');
  assert.equal(out.empty.code, 'invalid_option');
  assert.equal((await mockStats(env)).requests.auth, 0);
});

test(
  'incremental consent: a 403 names the missing scope, requestScopes adds it, the new token covers both',
  T,
  async (t) => {
    const { run } = await pageWithPackage(env, t);
    await configureMock(env, { autoApprove: true });
    const out = await run(async ({ api, echo }) => {
      const { NylasAuth, follow, code } = await window.__pkg();
      const { parseApiResponse } = await import(new URL('./pkg/callback.js', location.href).href);
      const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: echo, apiBase: api, storage: 'memory' });
      await auth.handleRedirectCallback(await follow(auth, { scopes: ['calendar'], loginHint: 'inc@example.com' }));
      const messages = async () => {
        const r = await fetch(`${api}/grants/me/messages`, {
          headers: { Authorization: `Bearer ${await auth.getAccessToken()}` },
        });
        return parseApiResponse(r.status, await r.text());
      };
      let denied;
      try {
        await messages();
      } catch (e) {
        denied = { code: e.code, provided: e.providedScopes, required: e.requiredScopes };
      }
      // One call fixes it: re-authenticate for exactly the missing scope (here by redirect, through openUrl).
      let url;
      await auth.requestScopes([denied.required[0]], {
        openUrl: (u) => {
          url = u;
        },
      });
      const q = new URL(url).searchParams;
      const sent = { scope: q.get('scope'), include: q.get('include_grant_scopes'), hint: q.get('login_hint') };
      const result = await auth.handleRedirectCallback((await fetch(url)).url);
      const after = await code(messages().then(() => ({ type: 'ok' })));
      const empty = await code(auth.requestScopes([], { openUrl: () => {} }));
      return { denied, sent, scope: result.scope, after, empty };
    }, base());
    assert.equal(out.denied.code, 'insufficient_scope');
    assert.deepEqual(out.denied.provided, ['calendar']);
    assert.ok(out.denied.required.includes('https://www.googleapis.com/auth/gmail.readonly'));
    assert.deepEqual(out.sent, {
      scope: 'https://www.googleapis.com/auth/gmail.readonly',
      include: 'true',
      hint: 'inc@example.com',
    });
    assert.deepEqual([...out.scope].sort(), ['calendar', 'https://www.googleapis.com/auth/gmail.readonly']);
    assert.deepEqual(out.after, { ok: 'ok' });
    assert.deepEqual([out.empty.code, out.empty.field], ['invalid_option', 'scopes']);
  },
);

test('appState comes back with the callback result and is never sent', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  await configureMock(env, { autoApprove: true });
  const out = await run(async ({ api, echo }) => {
    const { NylasAuth, follow } = await window.__pkg();
    const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: echo, apiBase: api, storage: 'memory' });
    const appState = { returnTo: '/inbox?tab=2', n: [1, true, null] };
    let url;
    await auth.loginWithRedirect({
      appState,
      openUrl: (u) => {
        url = u;
      },
    });
    const result = await auth.handleRedirectCallback((await fetch(url)).url);
    const plain = await auth.handleRedirectCallback(await follow(auth));
    return { url, appState: result.appState, type: result.type, plain: 'appState' in plain };
  }, base());
  assert.equal(out.type, 'tokens');
  assert.deepEqual(out.appState, { returnTo: '/inbox?tab=2', n: [1, true, null] });
  assert.ok(!out.url.includes('inbox') && !out.url.includes('returnTo'), 'never in the URL');
  assert.equal(out.plain, false, 'no appState, no member');
});

test('detectProvider asks the detection endpoint with the client id, no secret', T, async (t) => {
  const { run } = await pageWithPackage(env, t);
  const out = await run(async ({ api }) => {
    const { NylasAuth, code } = await window.__pkg();
    const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: `${location.origin}/`, apiBase: api });
    const stranger = new NylasAuth({ clientId: 'not-registered', redirectUri: `${location.origin}/`, apiBase: api });
    return {
      google: await auth.detectProvider('someone@gmail.com'),
      microsoft: (await auth.detectProvider('someone@outlook.com')).provider,
      bad: await code(auth.detectProvider('not an address')),
      refused: await stranger.detectProvider('someone@gmail.com').catch((e) => ({ code: e.code, status: e.status })),
    };
  }, base());
  assert.deepEqual(out.google, { provider: 'google', type: 'google', detected: true, email: 'someone@gmail.com' });
  assert.equal(out.microsoft, 'microsoft');
  assert.deepEqual([out.bad.code, out.bad.field], ['invalid_option', 'email']);
  assert.deepEqual(out.refused, { code: 'api_error', status: 401 });
  assert.equal((await mockStats(env)).requests.detect, 3);
});
