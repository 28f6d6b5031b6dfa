#!/usr/bin/env node
// The API reference: TypeDoc over the type declarations the package ships, read from the packed tarball
// (`npm pack`; pkg/ must be built: bash scripts/build.sh), one entry point per subpath of package.json's
// `exports` (its `types`), each named as it is imported (`nylas-pkce`, `nylas-pkce/react`, …). Markdown
// (typedoc-plugin-markdown), one page per subpath, written to docs/api/ and committed, so that it reads on
// the repository's pages and the README links it.
//
// TypeDoc's validation runs with warnings as errors: every export, and every method of a class or
// interface, has a doc comment (`requiredToBeDocumented` below); no link is broken; nothing the
// declarations use is left unexported.
//
//   node scripts/docs.mjs           writes docs/api/
//   node scripts/docs.mjs --check   validates, and fails if docs/api/ is not what the declarations give
//                                   (npm test; run `node scripts/docs.mjs` after changing a .d.ts)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Application, Converter, LogLevel, ReflectionKind } from 'typedoc';
import { packInto, ROOT } from '../tests/support/pack.mjs';

const check = process.argv.includes('--check');
const OUT = path.join(ROOT, 'docs', 'api');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-docs-'));
let failed = false;
try {
  const packed = packInto(path.join(tmp, 'tarball'));
  const pkg = packed.packageDir;
  // The declarations import React's types (nylas-pkce/react): the repository's @types/react.
  fs.mkdirSync(path.join(pkg, 'node_modules', '@types'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules/@types/react'), path.join(pkg, 'node_modules/@types/react'), 'dir');

  // subpath specifier → its declaration file, from `exports`.
  const entries = [];
  for (const [sub, target] of Object.entries(packed.manifest.exports ?? {})) {
    const types = typeof target === 'object' ? target?.types : undefined;
    if (!types) continue;
    const name = sub === '.' ? packed.manifest.name : `${packed.manifest.name}/${sub.slice(2)}`;
    entries.push({ name, file: path.join(pkg, types) });
  }
  if (!entries.length) throw new Error('package.json exports names no types');

  fs.writeFileSync(
    path.join(pkg, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: [],
        noEmit: true,
      },
      files: entries.map((e) => e.file),
    }),
  );

  const out = check ? path.join(tmp, 'api') : OUT;
  const app = await Application.bootstrapWithPlugins({
    name: `${packed.manifest.name} API`,
    entryPoints: entries.map((e) => e.file),
    tsconfig: path.join(pkg, 'tsconfig.json'),
    plugin: ['typedoc-plugin-markdown'],
    out,
    readme: 'none',
    disableSources: true, // no line numbers that change with every edit
    excludePrivate: true,
    excludeInternal: true,
    sort: ['source-order'],
    sortEntryPoints: false, // the subpaths in package.json's order: the entry first
    validation: {
      notExported: true,
      invalidLink: true,
      invalidPath: true,
      rewrittenLink: true,
      notDocumented: true,
      unusedMergeModuleWith: true,
    },
    requiredToBeDocumented: [
      'Enum',
      'EnumMember',
      'Variable',
      'Function',
      'Class',
      'Interface',
      'TypeAlias',
      'Method',
      'Accessor',
    ],
    treatWarningsAsErrors: true,
    logLevel: LogLevel.Warn,
    // typedoc-plugin-markdown: one page per subpath, tables for members.
    outputFileStrategy: 'modules',
    entryFileName: 'README.md',
    hideBreadcrumbs: true,
    hidePageHeader: true,
    useCodeBlocks: true,
  });
  // Modules named as they are imported, not by their file names.
  const byFile = new Map(entries.map((e) => [fs.realpathSync(e.file), e.name]));
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const name = file && byFile.get(fs.realpathSync(file));
    if (name) reflection.name = name;
  });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the declarations');
  app.validate(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw new Error('TypeDoc validation failed (above)');
  if (!check) fs.rmSync(OUT, { recursive: true, force: true });
  await app.generateOutputs(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw new Error('TypeDoc output failed (above)');

  const list = (dir) =>
    fs.existsSync(dir)
      ? fs
          .readdirSync(dir, { recursive: true })
          .filter((f) => fs.statSync(path.join(dir, f)).isFile())
          .sort()
      : [];
  const pages = list(out);
  if (check) {
    const committed = list(OUT);
    const stale = [...new Set([...pages, ...committed])].filter((f) => {
      const a = path.join(out, f);
      const b = path.join(OUT, f);
      return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b));
    });
    if (stale.length)
      throw new Error(`docs/api/ is not what the declarations give (${stale.join(', ')}): run node scripts/docs.mjs`);
    console.log(
      `docs: ${entries.length} modules documented and validated; docs/api/ is up to date (${pages.length} pages)`,
    );
  } else {
    console.log(
      `docs: ${entries.length} modules (${entries.map((e) => e.name).join(', ')}) → docs/api/ (${pages.length} pages)`,
    );
  }
} catch (e) {
  console.error(`docs: ${e.message}`);
  failed = true;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
