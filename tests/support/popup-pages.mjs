// Two pages for the popup suites (tests/e2e/popups.test.mjs in Chromium, tests/engines/ in Firefox and
// WebKit): an app page whose buttons start popup logins, and a callback page that does only what the
// README says, `new NylasAuth(options).handleRedirectCallback()`. The app page records each login's outcome
// in `window.__results` ({ ok: type, email } or { code }); the callback page writes its own in #out.
//
//   #login  auth.loginWithPopup()
//   #own    the app opens a window in the click, awaits 300 ms, then loginWithPopup({ window })
//   ?preload  the page preloads the protocol before it reports ready (body[data-ready="true"])
import fs from 'node:fs';
import path from 'node:path';

export const APP = 'popup-app.html';
export const CALLBACK = 'popup-callback.html';

const page = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>popups</title></head>
<body>${body}</body></html>\n`;

/** Writes both pages into `root`, served at `siteUrl`, against the mock Nylas at `mockUrl`. */
export function writePopupPages(root, siteUrl, mockUrl) {
  const options = { clientId: 'demo-client', redirectUri: `${siteUrl}/${CALLBACK}`, apiBase: `${mockUrl}/v3` };
  fs.writeFileSync(
    path.join(root, APP),
    page(`<button id="login">Log in</button> <button id="own">Own window</button>
<script type="module">
import { NylasAuth } from './pkg/index.js';
const auth = new NylasAuth(${JSON.stringify(options)});
window.__results = [];
const record = (p) => p.then(
  (r) => window.__results.push({ ok: r.type, email: r.email }),
  (e) => window.__results.push({ code: e.code }),
);
document.getElementById('login').onclick = () => record(auth.loginWithPopup());
document.getElementById('own').onclick = () => {
  // The app opens the window in the click, then awaits something of its own before the login.
  const win = window.open('', '_blank', 'popup,width=500,height=600');
  setTimeout(() => record(auth.loginWithPopup({ window: win })), 300);
};
if (location.search.includes('preload')) await auth.preload();
document.body.dataset.ready = 'true';
</script>`),
  );
  fs.writeFileSync(
    path.join(root, CALLBACK),
    page(`<p id="out">…</p>
<script type="module">
import { NylasAuth } from './pkg/index.js';
const out = document.getElementById('out');
new NylasAuth(${JSON.stringify(options)}).handleRedirectCallback().then(
  (r) => { out.textContent = 'result ' + r.type; },
  (e) => { out.textContent = 'error ' + e.code; },
);
</script>`),
  );
}
