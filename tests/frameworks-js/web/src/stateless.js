// A login run by the app itself with the stateless functions (nylas-pkce/protocol builds the URL,
// nylas-pkce/callback checks the callback and the token answer); this page is its own redirect URI.
import { parseCallback, parseTokenResponse, tokenRequest } from 'nylas-pkce/callback';
import { buildAuthorizationUrl } from 'nylas-pkce/protocol';
import { failed, options, show } from './options.js';

const config = { ...options, redirectUri: location.origin + location.pathname };
const params = new URLSearchParams(location.search);

document.getElementById('login').addEventListener('click', () => {
  try {
    const start = buildAuthorizationUrl(config);
    sessionStorage.setItem('login', JSON.stringify({ state: start.state, codeVerifier: start.codeVerifier }));
    location.assign(start.url);
  } catch (e) {
    failed(e);
  }
});

async function finish() {
  const saved = JSON.parse(sessionStorage.getItem('login') ?? 'null');
  sessionStorage.removeItem('login');
  const callback = parseCallback(location.href, { state: saved?.state ?? '' });
  history.replaceState(null, '', location.pathname);
  const req = tokenRequest({ ...config, code: callback.code, codeVerifier: saved.codeVerifier });
  const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'error' });
  const tokens = parseTokenResponse(res.status, await res.text());
  return {
    type: 'tokens',
    email: tokens.email,
    tokenType: tokens.tokenType,
    hasAccessToken: Boolean(tokens.accessToken),
  };
}

if (params.has('code') || params.has('error')) finish().then(show, failed);
document.body.dataset.ready = 'true';
