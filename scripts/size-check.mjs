// The size budget (part of `npm test`): gzip -9 (zlib level 9) of what a browser loads, in two sums:
//   before login  import 'nylas-pkce'            pkg/index.js + pkg/error.js
//   whole login   + the lazily loaded second half pkg/callback.js
// Each wasm is inlined in its module, so these are all the bytes. The build is deterministic, so this is a
// test, not a benchmark; the budgets sit just above what the release build reaches and only go down
// (history in docs/size.md). `--report` prints the sums without failing (scripts/build.sh).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const BUDGETS = { beforeLogin: 40_300, wholeLogin: 85_000 };
const FILES = { beforeLogin: ['index.js', 'error.js'], wholeLogin: ['index.js', 'error.js', 'callback.js'] };

const gz = (f) => gzipSync(readFileSync(new URL(`../pkg/${f}`, import.meta.url)), { level: 9 }).length;
const sizes = Object.fromEntries(['index.js', 'error.js', 'callback.js'].map((f) => [f, gz(f)]));
for (const [f, n] of Object.entries(sizes)) console.log(`  pkg/${f.padEnd(12)} ${String(n).padStart(7)} bytes gzip -9`);
let over = false;
for (const [sum, files] of Object.entries(FILES)) {
  const total = files.reduce((a, f) => a + sizes[f], 0);
  console.log(`  ${sum.padEnd(12)} ${String(total).padStart(7)} bytes; budget ${BUDGETS[sum]}`);
  if (total > BUDGETS[sum]) {
    console.error(`size budget '${sum}' exceeded by ${total - BUDGETS[sum]} bytes`);
    over = true;
  }
}
if (over && !process.argv.includes('--report')) process.exit(1);
