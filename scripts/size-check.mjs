// The size budget (part of `npm test`): gzip -9 (zlib level 9) of what a browser loads, for three page
// views of an app that uses NylasAuth:
//   before login       import 'nylas-pkce', new NylasAuth(), isAuthenticated()   pkg/index.js + pkg/error.js
//   a logged-in page   tokens in storage, getAccessToken()                        the same two files
//   a whole login      + the protocol, loaded by the login and the callback       + engine.js + engine.wasm
// The end-to-end suites check in a real browser that these are the files fetched (a page that runs no
// protocol never fetches engine.js). The build is deterministic, so this is a test, not a benchmark; the
// budgets sit just above what the release build reaches and only go down (history in docs/size.md).
// `--report` prints the sums without failing (scripts/build.sh).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const BUDGETS = { beforeLogin: 9_100, loggedIn: 9_100, wholeLogin: 63_950 };
export const PAGE_VIEWS = {
  beforeLogin: ['index.js', 'error.js'],
  loggedIn: ['index.js', 'error.js'],
  wholeLogin: ['index.js', 'error.js', 'engine.js', 'engine.wasm'],
};
const FILES = ['index.js', 'error.js', 'engine.js', 'engine.wasm', 'engine_inline.js', 'protocol.js', 'callback.js'];

const gz = (f) => gzipSync(readFileSync(new URL(`../pkg/${f}`, import.meta.url)), { level: 9 }).length;
const sizes = Object.fromEntries(FILES.map((f) => [f, gz(f)]));
for (const [f, n] of Object.entries(sizes)) console.log(`  pkg/${f.padEnd(12)} ${String(n).padStart(7)} bytes gzip -9`);
let over = false;
for (const [view, files] of Object.entries(PAGE_VIEWS)) {
  const total = files.reduce((a, f) => a + sizes[f], 0);
  console.log(`  ${view.padEnd(12)} ${String(total).padStart(7)} bytes; budget ${BUDGETS[view]}`);
  if (total > BUDGETS[view]) {
    console.error(`size budget '${view}' exceeded by ${total - BUDGETS[view]} bytes`);
    over = true;
  }
}
if (over && !process.argv.includes('--report')) process.exit(1);
