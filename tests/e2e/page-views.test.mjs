// What each page view of an app makes the browser fetch, in headless Chromium against the mock Nylas
// (tests/support/page-views.mjs): before login and a logged-in page load the entry only, no protocol and
// no wasm (a page that only calls getAccessToken() with a valid token never fetches engine.js); a whole
// login adds the protocol module and its wasm, as a file. Each view stays within the size budget of scripts/size-check.mjs, measured on the bytes fetched.
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUDGETS, PAGE_VIEWS } from '../../scripts/size-check.mjs';
import { measurePageViews } from '../support/page-views.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let views;

before(async () => {
  views = await measurePageViews({ pkgDir: path.join(root, 'pkg') });
});

for (const view of ['beforeLogin', 'loggedIn', 'wholeLogin']) {
  test(`${view}: fetches ${PAGE_VIEWS[view].join(' + ')}, within ${BUDGETS[view]} bytes gzip -9`, () => {
    const v = views[view];
    assert.equal(v.error, undefined, `the page view failed: ${v.error}`);
    assert.deepEqual(v.files, [...PAGE_VIEWS[view]].sort());
    assert.ok(v.bytes <= BUDGETS[view], `${v.bytes} > ${BUDGETS[view]}`);
  });
}

test('a page that runs no protocol fetches no protocol and no wasm', () => {
  for (const view of ['beforeLogin', 'loggedIn']) {
    assert.deepEqual(
      views[view].files.filter((f) => /engine|protocol|callback|\.wasm$/.test(f)),
      [],
      view,
    );
  }
});
