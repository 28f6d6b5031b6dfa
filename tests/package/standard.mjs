#!/usr/bin/env node
// The packed tarball (`npm pack`; pkg/ must be built: bash scripts/build.sh) against the publishing standard:
//
//   publint       every message fails, suggestions included (`strict`: warnings count as errors)
//   attw          Are the Types Wrong?, on the tarball, every subpath of `exports`, with the `esm-only`
//                 profile: it leaves out two resolution modes that cannot apply to an ESM-only package (below);
//                 any problem in the others fails
//   the licenses  LICENSE-MIT and LICENSE-APACHE in the tarball, and the `license` field naming both
//
// Why `--profile esm-only` (the only thing left out): the package is ESM only (`"type": "module"`, `import`
// conditions, Node 20+).
//   - `node10` (TypeScript's `moduleResolution: node`) predates `exports`: it cannot see a subpath
//     (`nylas-pkce/callback`, `nylas-pkce/react`, …) of any package that, like this one, ships them only
//     through `exports`, and it would make CommonJS of the code anyway.
//   - `node16` from a CommonJS file: attw warns that `require()` meets an ES module (CJSResolvesToESM).
//     That is what an ESM-only package is; a CommonJS consumer uses `import()`.
// Both rows are still printed by `attw` (informational), they just do not fail the check.
//
//   node tests/package/standard.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { exportSubpaths, packInto, ROOT } from '../support/pack.mjs';

const failures = [];
const passes = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-standard-'));
try {
  const packed = packInto(tmp);
  const bytes = fs.readFileSync(packed.tarball);

  // publint, from the tarball's bytes: what would be published, not the working tree.
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  for (const m of messages) failures.push(`publint ${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
  if (!messages.length) passes.push('publint: no error, warning or suggestion');

  // attw on the tarball (its CLI: the profile and the entry points are its own logic).
  const attw = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js'),
      packed.tarball,
      '--profile',
      'esm-only',
      '--no-color',
      '--no-emoji',
    ],
    { encoding: 'utf8' },
  );
  const report = `${attw.stdout}${attw.stderr}`.trim();
  const subpaths = exportSubpaths(packed.manifest);
  const missing = subpaths.filter((s) => !report.includes(`"${s}"`));
  if (attw.status !== 0) failures.push(`attw (--profile esm-only) found problems:\n${report}`);
  else if (missing.length) failures.push(`attw did not check ${missing.join(', ')}:\n${report}`);
  else passes.push(`attw --profile esm-only: no problem in ${subpaths.length} subpaths (${subpaths.join(', ')})`);

  // The licenses.
  const want = ['LICENSE-MIT', 'LICENSE-APACHE'];
  const absent = want.filter((f) => !packed.files.includes(f));
  if (absent.length) failures.push(`the tarball lacks ${absent.join(', ')}`);
  if (packed.manifest.license !== 'MIT OR Apache-2.0')
    failures.push(`license is ${JSON.stringify(packed.manifest.license)}, not "MIT OR Apache-2.0"`);
  const mit = fs.readFileSync(path.join(packed.packageDir, 'LICENSE-MIT'), 'utf8');
  const apache = fs.readFileSync(path.join(packed.packageDir, 'LICENSE-APACHE'), 'utf8');
  if (!mit.includes('Permission is hereby granted, free of charge'))
    failures.push('LICENSE-MIT is not the MIT license');
  if (!/Apache License\s+Version 2\.0, January 2004/.test(apache)) failures.push('LICENSE-APACHE is not Apache-2.0');
  if (!absent.length) passes.push('LICENSE-MIT and LICENSE-APACHE in the tarball, license "MIT OR Apache-2.0"');
} catch (e) {
  failures.push(e.stack ?? String(e));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
for (const p of passes) console.log(`standard: ${p}`);
for (const f of failures) console.error(`standard: FAIL ${f}`);
process.exit(failures.length ? 1 : 0);
