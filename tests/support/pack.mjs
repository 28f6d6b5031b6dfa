// The packed tarball, as npm would publish it: `npm pack` of the repository (pkg/ must be built:
// `bash scripts/build.sh`), extracted. Shared by the suites that test what users install (types, the package
// standard, the Next.js app); tests/package/run.mjs keeps its own, stricter, copy of this step.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Packs the repository into `dir` (made if missing) and extracts it to `dir/package`. Returns `{ tarball,
 * packageDir, manifest, files }` (files: the tarball's paths, sorted). Throws if pkg/ is not built.
 */
export function packInto(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const f of exportTargets(manifest)) {
    if (!fs.existsSync(path.join(ROOT, f)))
      throw new Error(`${f} is missing: build the package first (bash scripts/build.sh)`);
  }
  fs.mkdirSync(dir, { recursive: true });
  // --ignore-scripts: pack what pkg/ holds now, never rebuild.
  const out = execFileSync(
    'npm',
    ['pack', '--pack-destination', dir, '--json', '--ignore-scripts', '--loglevel=error'],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const [info] = JSON.parse(out);
  const tarball = path.join(dir, info.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  const packageDir = path.join(dir, 'package');
  return {
    tarball,
    packageDir,
    manifest: JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')),
    files: info.files.map((f) => f.path).sort(),
  };
}

/** Every file the `exports` map of `manifest` points at (conditions and subpaths walked), without `./`. */
export function exportTargets(manifest) {
  const out = new Set();
  const visit = (v) => {
    if (typeof v === 'string') out.add(v.replace(/^\.\//, ''));
    else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x);
  };
  visit(manifest.exports);
  return [...out].filter((f) => !f.includes('*')).sort();
}

/** The subpaths of `exports` a user imports (`nylas-pkce`, `nylas-pkce/callback`, …), `./package.json` left out. */
export function exportSubpaths(manifest) {
  return Object.keys(manifest.exports ?? {})
    .filter((k) => k !== './package.json' && !k.includes('*'))
    .map((k) => (k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`));
}
