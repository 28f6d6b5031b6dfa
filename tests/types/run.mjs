// The type tests of the package's hand-written declarations (js/index.d.ts, js/protocol.d.ts,
// js/callback.d.ts, js/react.d.ts), from the repository root: `node tests/types/run.mjs`. Exits non-zero on
// any failure.
//
// 1. `tsc -p tests/types`: the strict project compiles readme.ts (the README's examples), shapes.ts (exact
//    result types, which `any` fails) and negative.ts (wrong calls, each under `@ts-expect-error`).
// 2. negative.ts once more with its directives taken out: each case must fail with the code its directive
//    names (and the quoted text, if any), so no case passes by failing for some other reason.
// 3. The option names the declarations accept are the ones the runtime knows: the wasm's lists
//    (js/fields.js, generated from npm/src/fields.rs: CONFIG, AUTHORIZATION, LOGIN_DEFAULTS, PAGE, …),
//    so the types and the runtime cannot drift apart unnoticed.
// 4. check-no-any.mjs: no export of the declarations is or contains `any`; first its self-test, which
//    must find the `any`s planted in a copy of the declarations held in memory.
// 5. The values each declaration file exports (functions, classes) are exactly what the built module
//    exports at run time (pkg/index.js, pkg/protocol.js, pkg/callback.js, pkg/react.js): the entry has no
//    low-level function, the subpath no NylasAuth, in the types as in the code.
// 6. The packed tarball's types (pkg/ must be built: `bash scripts/build.sh`), installed as an app installs
//    them: packed/*.tsx (a Next.js root layout, the issue's canonical one, and a client component with the
//    hook) and an import of every subpath of package.json's `exports`, compiled in strict mode with
//    `jsx: react-jsx`, once with `moduleResolution: NodeNext` and once with `Bundler` (Next.js's).
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { CALLBACK_EXPORTS, ENTRY_EXPORTS, PROTOCOL_EXPORTS } from '../support/exports.mjs';
import { exportSubpaths, packInto } from '../support/pack.mjs';
import { DECLARATIONS, findAny } from './check-no-any.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const rel = (f) => path.relative(root, f);
const failures = [];
const fail = (msg) => failures.push(msg);
const DIRECTIVE = /^\s*\/\/\s*@ts-expect-error\b(.*)$/;
let optionChecks = 0;
let optionsMatched = 0;
let exportLists = 0;
const declarationOf = (name) => DECLARATIONS.find((f) => path.basename(f) === `${name}.d.ts`);

// 1. tsc, as a consumer runs it.
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', here, '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
if (run.error) throw run.error;
if (run.status !== 0) fail(`tsc -p ${rel(here)} failed:\n${(run.stdout + run.stderr).trim()}`);

// The project's files, options and directives.
const parsed = ts.getParsedCommandLineOfConfigFile(
  path.join(here, 'tsconfig.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
  },
);
if (!parsed) {
  console.error(`FAIL cannot read ${rel(path.join(here, 'tsconfig.json'))}: ${failures.join('; ')}`);
  process.exit(1);
}
const files = parsed.fileNames;
const cases = []; // { file, line (0-based, of the case), code, text, why }
for (const file of files) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const m = DIRECTIVE.exec(line);
      if (!m) return;
      const tag = /^\s*TS(\d+)(?:\s+`([^`]+)`)?\s*:\s*(.+)$/.exec(m[1]);
      if (!tag) {
        fail(`${rel(file)}:${i + 1}: a directive must name its error: // @ts-expect-error TSnnnn: why`);
        return;
      }
      cases.push({ file, line: i + 1, code: Number(tag[1]), text: tag[2], why: tag[3].trim() });
    });
}

// 2. The directives taken out (same lines, same columns): each case must fail as its directive says.
{
  const stripped = new Map(
    [...new Set(cases.map((c) => c.file))].map((f) => [
      path.resolve(f),
      readFileSync(f, 'utf8').replace(/\/\/(\s*)@ts-expect-error/g, (_, s) => `//${s}ts-EXPECT-error`),
    ]),
  );
  const host = ts.createCompilerHost(parsed.options, true);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const text = stripped.get(path.resolve(name));
    return text === undefined ? read(name, lang, onError, create) : ts.createSourceFile(name, text, lang, true);
  };
  const program = ts.createProgram({
    rootNames: files,
    options: parsed.options,
    host,
    projectReferences: parsed.projectReferences,
  });
  const found = new Map(); // "file:line" → [{ code, message }]
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (!d.file) continue;
    const key = `${path.resolve(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line}`;
    if (!found.has(key)) found.set(key, []);
    found.get(key).push({ code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') });
  }
  for (const c of cases) {
    const got = found.get(`${path.resolve(c.file)}:${c.line}`) ?? [];
    const hit = got.some((d) => d.code === c.code && (!c.text || d.message.includes(c.text)));
    if (!hit) {
      const saw = got.length ? got.map((d) => `TS${d.code} ${d.message}`).join('; ') : 'no error at all (it compiles)';
      fail(
        `${rel(c.file)}:${c.line + 1}: expected TS${c.code}${c.text ? ` with "${c.text}"` : ''} (${c.why}); got ${saw}`,
      );
    }
  }
}

// 3. Option names: declarations against the runtime's lists.
{
  // js/fields.js is generated from npm/src/fields.rs (the one home of these lists; a Rust test fails on drift).
  const f = await import(pathToFileURL(path.join(root, 'js/fields.js')).href);
  const names = (list) => list.map((e) => (typeof e === 'string' ? e : e[0]));
  const lists = {
    CONFIG_OPTIONS: names(f.CONFIG),
    CLIENT_OPTIONS: names(f.CLIENT),
    AUTHORIZATION_OPTIONS: names(f.AUTHORIZATION),
    ENDPOINT_OPTIONS: names(f.CONFIG.find((e) => e[0] === 'endpoints')[2]),
    TOKEN_REQUEST_OPTIONS: names(f.TOKEN_REQUEST),
    EXPECTATIONS: names(f.EXPECTATIONS),
    AUTH_DEFAULTS: names(f.LOGIN_DEFAULTS),
    PAGE_OPTIONS: names(f.PAGE),
  };
  const want = [
    'CONFIG_OPTIONS',
    'CLIENT_OPTIONS',
    'AUTHORIZATION_OPTIONS',
    'ENDPOINT_OPTIONS',
    'TOKEN_REQUEST_OPTIONS',
    'EXPECTATIONS',
    'AUTH_DEFAULTS',
    'PAGE_OPTIONS',
  ];
  for (const name of want) if (!lists[name]?.length) fail(`option names: cannot read ${name} from js/fields.js`);
  const L = (...names) => names.flatMap((n) => lists[n] ?? []);

  const program = ts.createProgram(DECLARATIONS, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const exportsOf = (file) => {
    const sf = program.getSourceFile(file);
    const sym = sf && checker.getSymbolAtLocation(sf);
    return new Map((sym ? checker.getExportsOfModule(sym) : []).map((e) => [e.name, e]));
  };
  const [indexExports, protocolExports, callbackExports] = ['index', 'protocol', 'callback'].map((n) =>
    exportsOf(declarationOf(n)),
  );
  const propertyNames = (type) => {
    // A union (`A & (B | C)` is normalized to one) accepts the names of every member.
    const members = type.isUnion() ? type.types : [type];
    return [...new Set(members.flatMap((t) => checker.getPropertiesOfType(t).map((p) => p.name)))];
  };
  const declared = (name) => checker.getDeclaredTypeOfSymbol(indexExports.get(name));
  const param = (type, i, sig = 0) => {
    const s = type.getCallSignatures()[sig] ?? type.getConstructSignatures()[sig];
    const p = s?.getParameters()[i];
    return checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, p.valueDeclaration));
  };
  const valueType = (exports, name) => {
    const sym = exports.get(name);
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    return checker.getTypeOfSymbolAtLocation(target, target.valueDeclaration);
  };
  const auth = declared('NylasAuth');
  const method = (name) => checker.getTypeOfSymbol(auth.getProperty(name));
  const checks = [
    ['ClientConfig', propertyNames(declared('ClientConfig')), L('CONFIG_OPTIONS')],
    ['Endpoints', propertyNames(declared('Endpoints')), L('ENDPOINT_OPTIONS')],
    ['AuthorizationOptions', propertyNames(declared('AuthorizationOptions')), L('AUTHORIZATION_OPTIONS')],
    [
      'NylasAuthOptions',
      propertyNames(declared('NylasAuthOptions')),
      L('CONFIG_OPTIONS', 'CLIENT_OPTIONS', 'AUTH_DEFAULTS', 'PAGE_OPTIONS'),
    ],
    [
      'buildAuthorizationUrl(options)',
      propertyNames(param(valueType(protocolExports, 'buildAuthorizationUrl'), 0)),
      L('CONFIG_OPTIONS', 'AUTHORIZATION_OPTIONS'),
    ],
    [
      'resolveConfig(options)',
      propertyNames(param(valueType(protocolExports, 'resolveConfig'), 0)),
      L('CONFIG_OPTIONS'),
    ],
    [
      'NylasAuth#authorizationUrl(options)',
      propertyNames(param(method('authorizationUrl'), 0)),
      L('AUTHORIZATION_OPTIONS'),
    ],
    [
      'NylasAuth#loginWithRedirect(options)',
      propertyNames(param(method('loginWithRedirect'), 0)),
      [...L('AUTHORIZATION_OPTIONS'), 'openUrl', 'allowEmbeddedWebview'],
    ],
    [
      'NylasAuth#reauthenticate(options)',
      propertyNames(param(method('reauthenticate'), 0)),
      [...L('AUTHORIZATION_OPTIONS'), 'openUrl', 'allowEmbeddedWebview', 'grantId'],
    ],
    // The calls about one account take its grant id only.
    ...['getAccessToken', 'getTokenSet', 'isAuthenticated', 'logout', 'revoke', 'tokenInfo', 'grantInfo'].map((m) => [
      `NylasAuth#${m}(options)`,
      propertyNames(param(method(m), 0)),
      ['grantId'],
    ]),
    [
      'NylasAuth#loginWithPopup(options)',
      propertyNames(param(method('loginWithPopup'), 0)),
      [...L('AUTHORIZATION_OPTIONS'), 'popup', 'window', 'allowEmbeddedWebview'],
    ],
    [
      'parseCallback(input, expected)',
      propertyNames(param(valueType(callbackExports, 'parseCallback'), 1)),
      L('EXPECTATIONS'),
    ],
    [
      'tokenRequest(options)',
      propertyNames(param(valueType(callbackExports, 'tokenRequest'), 0)),
      L('CONFIG_OPTIONS', 'TOKEN_REQUEST_OPTIONS'),
    ],
  ];
  for (const [what, types, runtime] of checks) {
    const onlyTypes = types.filter((n) => !runtime.includes(n));
    const onlyRuntime = [...new Set(runtime)].filter((n) => !types.includes(n));
    if (onlyTypes.length || onlyRuntime.length) {
      fail(
        `option names of ${what}: only in the types [${onlyTypes.join(', ')}], only in the runtime [${onlyRuntime.join(', ')}]`,
      );
    } else optionsMatched++;
  }
  optionChecks = checks.length;
}

// 4. No `any`. The self-test first: a checker that finds nothing would pass everything.
{
  const [index, callback] = [declarationOf('index'), declarationOf('callback')];
  const planted = {
    [index]:
      readFileSync(index, 'utf8') +
      '\nexport declare function plantedWritten(x: Record<string, any>): void;' +
      '\nexport declare function plantedImplicit(x): void;' +
      '\nexport interface PlantedNested { deep: { deeper: Promise<Array<any>> } }' +
      '\nexport type PlantedUnresolved = NoSuchType;\n',
    [callback]: readFileSync(callback, 'utf8').replace('): unknown;', '): any;'),
  };
  const probe = findAny(DECLARATIONS, planted);
  const wants = [
    'plantedWritten()(x)',
    'plantedImplicit()(x)',
    'PlantedNested.deep.deeper',
    'PlantedUnresolved',
    'parseApiResponse() →',
  ];
  const missed = wants.filter((w) => !probe.findings.some((f) => f.includes(w)));
  if (missed.length)
    fail(
      `check-no-any self-test: the planted any was not found in ${missed.join(', ')}:\n${probe.findings.join('\n')}`,
    );
  if (!probe.diagnostics.some((d) => d.includes('NoSuchType')))
    fail('check-no-any self-test: errors in the declarations are not reported');
}
const { findings, exportsWalked, diagnostics } = findAny();
for (const d of diagnostics) fail(`declarations: ${d}`);
for (const f of findings) fail(`any: ${f}`);
if (exportsWalked < 40) fail(`check-no-any walked only ${exportsWalked} exports: is it reading the declarations?`);

// 5. Exported values: the declarations against the built modules.
{
  const program = ts.createProgram(DECLARATIONS, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  /** The names a declaration file exports as values (functions, classes, constants), not types only. */
  const declaredValues = (file) => {
    const sym = checker.getSymbolAtLocation(program.getSourceFile(file));
    return checker
      .getExportsOfModule(sym)
      .filter((e) => {
        const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
        return target.flags & ts.SymbolFlags.Value;
      })
      .map((e) => e.name)
      .sort();
  };
  /** What the built module exports: imported, or (pkg/react.js without React installed) read by esbuild. */
  const runtimeValues = async (name) => {
    const file = path.join(root, 'pkg', `${name}.js`);
    try {
      return Object.keys(await import(pathToFileURL(file).href)).sort();
    } catch (e) {
      if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !/'react'/.test(e.message)) throw e;
      const out = await build({
        entryPoints: [file],
        bundle: true,
        external: ['react', './*'],
        write: false,
        metafile: true,
        logLevel: 'silent',
        format: 'esm',
      });
      return Object.values(out.metafile.outputs)[0].exports.sort();
    }
  };
  const lists = { index: ENTRY_EXPORTS, protocol: PROTOCOL_EXPORTS, callback: CALLBACK_EXPORTS };

  for (const name of ['index', 'protocol', 'callback', 'react']) {
    let runtime;
    try {
      runtime = await runtimeValues(name);
    } catch (e) {
      fail(`exports of pkg/${name}.js: cannot load it (run scripts/build.sh): ${e.message}`);
      continue;
    }
    const declared = declaredValues(declarationOf(name));
    if (JSON.stringify(declared) !== JSON.stringify(runtime)) {
      fail(`exports of ${name}: declared [${declared.join(', ')}], at run time [${runtime.join(', ')}]`);
    } else if (lists[name] && JSON.stringify(declared) !== JSON.stringify(lists[name])) {
      fail(`exports of ${name}: [${declared.join(', ')}], want [${lists[name].join(', ')}]`);
    } else exportLists++;
  }
}

// 6. The packed types, in an app.
let packedRuns = 0;
{
  const app = mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-types-'));
  try {
    const packed = packInto(path.join(app, 'tarball'));
    mkdirSync(path.join(app, 'node_modules', '@types'), { recursive: true });
    renameSync(packed.packageDir, path.join(app, 'node_modules', packed.manifest.name));
    symlinkSync(path.join(root, 'node_modules/@types/react'), path.join(app, 'node_modules/@types/react'), 'dir');
    const sources = readdirSync(path.join(here, 'packed')).filter((f) => f.endsWith('.tsx'));
    for (const f of sources) writeFileSync(path.join(app, f), readFileSync(path.join(here, 'packed', f)));
    const subpaths = exportSubpaths(packed.manifest);
    writeFileSync(
      path.join(app, 'subpaths.ts'),
      `${subpaths.map((s, i) => `import * as s${i} from '${s}';`).join('\n')}\nexport const all = [${subpaths.map((_, i) => `s${i}`).join(', ')}];\n`,
    );
    for (const [resolution, module, type] of [
      ['NodeNext', 'NodeNext', 'module'],
      ['Bundler', 'ESNext', undefined],
    ]) {
      writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type }));
      const compilerOptions = {
        ...parsed.raw.compilerOptions,
        paths: undefined,
        jsx: 'react-jsx',
        module,
        moduleResolution: resolution,
      };
      writeFileSync(
        path.join(app, 'tsconfig.json'),
        JSON.stringify({ compilerOptions, include: [...sources, 'subpaths.ts'] }, null, 2),
      );
      const r = spawnSync(process.execPath, [tsc, '-p', app, '--pretty', 'false'], { cwd: app, encoding: 'utf8' });
      if (r.error) throw r.error;
      if (r.status !== 0)
        fail(`the packed types (moduleResolution ${resolution}) do not compile:\n${(r.stdout + r.stderr).trim()}`);
      else packedRuns++;
    }
  } catch (e) {
    fail(`the packed types: ${e.message}`);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

const summary = `types: ${files.length} files compiled, ${cases.length} expected errors, ${findings.length} any (${exportsWalked} exports), ${optionsMatched}/${optionChecks} option lists match the runtime, ${exportLists}/4 export lists match the built modules, the packed types compile in ${packedRuns}/2 resolutions`;
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  console.error(`${summary}: ${failures.length} failure${failures.length === 1 ? '' : 's'}`);
  process.exit(1);
}
console.log(summary);
