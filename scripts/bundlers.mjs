#!/usr/bin/env node
// Where the protocol comes from in each bundler (issue 19, docs/size.md "The light entry (issue 19): where
// the protocol comes from, per bundler"). Packs the package (`npm pack`), installs the tarball into throwaway
// apps under a temporary directory (from the npm registry, `nice -n 15`), builds each with no configuration,
// opens it in headless Chromium and has it `await auth.ready()` (which loads the protocol), then reports:
//
//   - whether engine.wasm is emitted, served and fetched as wasm, or the inline fallback (engine_inline.js)
//     is fetched instead;
//   - gzip -9 (and raw) of the emitted chunks that hold the entry (found by a string only pkg/index.js has),
//     the protocol's glue (pkg/engine.js) and the wasm, as the bundler emits them;
//   - the inline form as the same bundler emits it (the chunk holding engine_inline.js's literal, fetched
//     or not), and how many `\xNN` escapes its literal has against the package file's.
//
// Apps: Vite (build, served as static files; dev server), Next.js 16 (App Router page with a client
// component: `new NylasAuth()`, a button for `loginWithPopup()` and one for `ready()`; `next build` with
// Turbopack and with `--webpack`, served by `next start`), esbuild (`bundle`, `minify`, `splitting: true`,
// `format: 'esm'`, served as static files).
//
//   node scripts/bundlers.mjs [--dir DIR] [--json FILE] [--only vite-build,vite-dev,next-turbopack,next-webpack,esbuild]
//
// pkg/ must be built. --dir reuses (or creates) DIR for the apps (default: a new temporary directory,
// removed at the end unless --dir is given). Prints a markdown table; --json writes the numbers. Not part of
// `npm test` (installs Next.js; about 5 min on a 2-core machine).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startStaticServer } from '../tests/mock-server/static.mjs';
import { launchChromium } from '../tests/support/chromium.mjs';
import { freePort } from '../tests/support/ports.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERSIONS = { vite: '8.4.1', esbuild: '0.28.2', next: '16.5.0', react: '19.3.1' };

// What identifies the package's pieces in a bundler's output, whatever it renames.
const ENTRY_MARK = 'nylas-pkce:probe'; // a storage key only pkg/index.js has
const ENGINE_MARKS = ['encodeInto', 'TimeoutError']; // wasm-bindgen's glue and the protocol's fetch: pkg/engine.js
const INLINE_MARK = /(\\x00|\\0|\\u0000|\0)asm/; // the start of the inlined wasm literal, however escaped
const WASM_MAGIC = Buffer.from([0, 0x61, 0x73, 0x6d]);

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const escapes = (text) => (text.match(/\\x[0-9a-fA-F]{2}/g) ?? []).length;
/** Bytes outside ASCII (a literal's characters above 0x7f, UTF-8 encoded). */
const nonAscii = (buf) => buf.reduce((a, b) => a + (b > 0x7f ? 1 : 0), 0);

function parseArgs(argv) {
  const opts = { dir: null, json: null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--dir') opts.dir = path.resolve(value);
    else if (flag === '--json') opts.json = path.resolve(value);
    else if (flag === '--only') opts.only = value.split(',');
    else throw new Error(`unknown argument ${flag}`);
    i++;
  }
  return opts;
}

/** Runs a command (niced), inheriting nothing but its exit status; throws with its output's tail on failure. */
function run(cmd, args, cwd, { timeoutMs = 10 * 60_000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '15', cmd, ...args], {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${out.slice(-3000)}`));
    });
  });
}

/** Starts a long-running server process; resolves once `url` answers. `stop()` ends its process group. */
async function serve(cmd, args, cwd, url) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited ${child.exitCode}:\n${out.slice(-2000)}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return { stop, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  stop();
  throw new Error(`${cmd} did not answer at ${url}:\n${out.slice(-2000)}`);
}

// ---------------------------------------------------------------------------------------------------------
// The apps
// ---------------------------------------------------------------------------------------------------------

/** The page's script (Vite and esbuild): the client at load, a login button, a ready button. */
const MAIN_JS = `import { NylasAuth } from 'nylas-pkce';

const auth = new NylasAuth({ clientId: 'demo-client', redirectUri: location.origin + '/callback', region: 'us' });
document.querySelector('#login').addEventListener('click', () => auth.loginWithPopup().catch(() => {}));
document.querySelector('#ready').addEventListener('click', () =>
  auth.ready().then(
    () => { window.__ready = 'ok'; },
    (e) => { window.__ready = String(e); },
  ),
);
window.__mounted = true;
`;

const INDEX_HTML = (src) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nylas-pkce in a bundler</title></head>
<body><button id="login">Log in</button><button id="ready">Ready</button>
<script type="module" src="${src}"></script></body></html>
`;

const NEXT_FILES = {
  'app/layout.js': `export const metadata = { title: 'nylas-pkce in Next.js' };
export default function RootLayout({ children }) {
  return (<html lang="en"><body>{children}</body></html>);
}
`,
  'app/page.js': `import Login from './login';
export default function Page() {
  return <Login />;
}
`,
  'app/login.js': `'use client';
import { NylasAuth } from 'nylas-pkce';
import { useEffect, useRef } from 'react';

export default function Login() {
  const auth = useRef(null);
  useEffect(() => {
    auth.current = new NylasAuth({ clientId: 'demo-client', redirectUri: location.origin + '/callback', region: 'us' });
    window.__mounted = true;
  }, []);
  const ready = () =>
    auth.current.ready().then(
      () => { window.__ready = 'ok'; },
      (e) => { window.__ready = String(e); },
    );
  return (
    <>
      <button id="login" onClick={() => auth.current.loginWithPopup().catch(() => {})}>Log in</button>
      <button id="ready" onClick={ready}>Ready</button>
    </>
  );
}
`,
};

function writeFiles(dir, files) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

async function setUp(dir) {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir)) if (f.endsWith('.tgz')) fs.rmSync(path.join(dir, f));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  const tarball = `file:${path.join(dir, packed)}`;
  const apps = {
    web: {
      deps: { 'nylas-pkce': tarball, vite: VERSIONS.vite, esbuild: VERSIONS.esbuild },
      files: { 'index.html': INDEX_HTML('/main.js'), 'main.js': MAIN_JS },
    },
    next: {
      deps: { 'nylas-pkce': tarball, next: VERSIONS.next, react: VERSIONS.react, 'react-dom': VERSIONS.react },
      files: NEXT_FILES,
    },
  };
  for (const [name, app] of Object.entries(apps)) {
    const appDir = path.join(dir, name);
    fs.mkdirSync(appDir, { recursive: true });
    const pkg = { name: `bundlers-${name}`, private: true, type: name === 'web' ? 'module' : undefined };
    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ ...pkg, dependencies: app.deps }, null, 2));
    writeFiles(appDir, app.files);
    // A new tarball under the same name: npm would keep the old copy.
    fs.rmSync(path.join(appDir, 'node_modules', 'nylas-pkce'), { recursive: true, force: true });
    fs.rmSync(path.join(appDir, 'package-lock.json'), { force: true });
    process.stderr.write(`bundlers: npm install in ${appDir}...\n`);
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], appDir);
    const installed = path.join(appDir, 'node_modules', 'nylas-pkce', 'pkg', 'engine.wasm');
    if (!fs.readFileSync(installed).equals(fs.readFileSync(path.join(ROOT, 'pkg', 'engine.wasm'))))
      throw new Error(`${installed} is not pkg/engine.wasm: rebuild or repack`);
  }
  return { web: path.join(dir, 'web'), next: path.join(dir, 'next') };
}

// ---------------------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------------------

/** Every file under `dir` (recursively), as [relative path, bytes]. */
function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push([path.relative(dir, p), fs.readFileSync(p)]);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** What one emitted file is: which of the package's pieces it holds. */
function classify(buf) {
  if (buf.subarray(0, 4).equals(WASM_MAGIC)) return { wasm: true };
  const text = buf.toString('latin1');
  return {
    entry: text.includes(ENTRY_MARK),
    engine: ENGINE_MARKS.every((m) => text.includes(m)),
    inline: INLINE_MARK.test(text),
  };
}

/**
 * Opens `url`, waits for the app, clicks "Ready" (`await auth.ready()`, which loads the protocol) and records
 * every JS and wasm response: before the click (the page) and after it (the protocol).
 */
async function inBrowser(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const responses = [];
  let phase = 'page';
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', async (r) => {
    const u = new URL(r.url());
    if (!/\.(m?js|wasm)$/.test(u.pathname) && !/javascript|wasm/.test(r.headers()['content-type'] ?? '')) return;
    const entry = { phase, path: u.pathname, status: r.status(), type: r.headers()['content-type'] ?? '' };
    responses.push(entry);
    try {
      entry.body = await r.body();
    } catch {
      entry.body = null;
    }
  });
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__mounted === true, null, { timeout: 60_000 });
    await page.waitForTimeout(500); // idle: nothing more should come
    phase = 'protocol';
    await page.click('#ready');
    await page.waitForFunction(() => window.__ready !== undefined, null, { timeout: 60_000 });
    const ready = await page.evaluate(() => window.__ready);
    await page.waitForTimeout(300);
    return { ready, responses, errors };
  } finally {
    await context.close();
  }
}

/** Sums the sizes of `files` ([name, buf]). */
function sizes(files) {
  return {
    files: files.map(([n]) => n),
    raw: files.reduce((a, [, b]) => a + b.length, 0),
    gzip: files.reduce((a, [, b]) => a + gz(b), 0),
  };
}

/**
 * The row of one bundler: `emitted` are its output files on disk ([name, buf]; none for a dev server),
 * `seen` what the browser got.
 */
function row(name, emitted, seen) {
  const fetched = seen.responses.filter((r) => r.body && r.status < 400);
  const pick = (list, key, phase) =>
    list.filter(([, b, p]) => classify(b)[key] && (phase === undefined || p === phase)).map(([n, b]) => [n, b]);
  const got = fetched.map((r) => [r.path, r.body, r.phase]);
  const wasmFetched = seen.responses.filter((r) => r.path.endsWith('.wasm'));
  const wasmOk = wasmFetched.filter((r) => r.body && r.status < 400 && classify(r.body).wasm);
  const inlineFetched = pick(got, 'inline');
  const inlineEmitted = emitted.length ? pick(emitted, 'inline') : inlineFetched;
  const inlineSource = fs.readFileSync(path.join(ROOT, 'pkg', 'engine_inline.js'));
  const protocolFiles = [...pick(got, 'engine', 'protocol'), ...pick(got, 'wasm'), ...inlineFetched].filter(
    ([n], i, all) => all.findIndex(([m]) => m === n) === i,
  );
  return {
    bundler: name,
    ready: seen.ready,
    pageErrors: seen.errors,
    wasmEmitted: emitted.filter(([, b]) => classify(b).wasm).map(([n]) => n),
    wasmFetched: wasmFetched.map(
      (r) =>
        `${r.path.split('/').pop()} ${r.status} ${r.type.split(';')[0] || '(no type)'}${r.body && classify(r.body).wasm ? '' : ', not wasm'}`,
    ),
    source: wasmOk.length ? 'engine.wasm' : inlineFetched.length ? 'inline fallback' : 'none',
    protocolBeforeClick: got
      .filter(([, b, p]) => p === 'page' && (classify(b).engine || classify(b).wasm || classify(b).inline))
      .map(([n]) => n),
    entry: sizes(pick(got, 'entry')),
    engine: sizes(pick(got, 'engine')),
    wasm: sizes(wasmOk.map((r) => [r.path, r.body])),
    protocol: sizes(protocolFiles),
    inline: {
      ...sizes(inlineEmitted),
      escapes: inlineEmitted.reduce((a, [, b]) => a + escapes(b.toString('latin1')), 0),
      nonAscii: inlineEmitted.reduce((a, [, b]) => a + nonAscii(b), 0),
      packageEscapes: escapes(inlineSource.toString('latin1')),
      packageNonAscii: nonAscii(inlineSource),
      packageRaw: inlineSource.length,
      packageGzip: gz(inlineSource),
    },
  };
}

async function viteBuild(browser, dir) {
  fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
  await run(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'error'], dir);
  const site = await startStaticServer({ root: path.join(dir, 'dist') });
  try {
    return row('Vite build', filesUnder(path.join(dir, 'dist')), await inBrowser(browser, `${site.url}/`));
  } finally {
    await site.close();
  }
}

async function viteDev(browser, dir) {
  fs.rmSync(path.join(dir, 'node_modules', '.vite'), { recursive: true, force: true });
  const port = await freePort();
  const args = ['node_modules/vite/bin/vite.js', '--port', String(port), '--strictPort', '--host', '127.0.0.1'];
  const server = await serve(process.execPath, args, dir, `http://127.0.0.1:${port}/`);
  try {
    return { ...row('Vite dev server', [], await inBrowser(browser, server.url)), dev: true };
  } finally {
    server.stop();
  }
}

async function next(browser, dir, bundler) {
  fs.rmSync(path.join(dir, '.next'), { recursive: true, force: true });
  const flag = bundler === 'webpack' ? ['--webpack'] : [];
  await run(process.execPath, ['node_modules/next/dist/bin/next', 'build', ...flag], dir);
  const port = await freePort();
  const args = ['node_modules/next/dist/bin/next', 'start', '-p', String(port), '-H', '127.0.0.1'];
  const server = await serve(process.execPath, args, dir, `http://127.0.0.1:${port}/`);
  try {
    const emitted = filesUnder(path.join(dir, '.next', 'static'));
    return row(`Next.js ${VERSIONS.next} (${bundler})`, emitted, await inBrowser(browser, server.url));
  } finally {
    server.stop();
  }
}

async function esbuild(browser, dir) {
  const out = path.join(dir, 'esbuild-out');
  fs.rmSync(out, { recursive: true, force: true });
  const { build } = await import(path.join(dir, 'node_modules', 'esbuild', 'lib', 'main.js'));
  await build({
    absWorkingDir: dir,
    entryPoints: ['main.js'],
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    outdir: out,
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(out, 'index.html'), INDEX_HTML('/main.js'));
  const site = await startStaticServer({ root: out });
  try {
    const emitted = filesUnder(out).filter(([n]) => !n.endsWith('.html'));
    return row(`esbuild ${VERSIONS.esbuild} (splitting)`, emitted, await inBrowser(browser, `${site.url}/`));
  } finally {
    await site.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------

const n = (x) => x.toLocaleString('en-US');

function markdown(rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  const head = [
    'bundler',
    'engine.wasm emitted / fetched',
    'protocol from',
    'entry chunk(s), gz (raw)',
    'protocol fetched: glue chunk + wasm or inline, gz',
    'inline form as emitted: chunk gz (raw); escapes',
    'whole protocol if inline only, gz',
  ];
  const body = rows.map((r) => {
    if (r.error) return line([r.bundler, `**failed**: ${r.error.split('\n')[0]}`, '', '', '', '', '']);
    const inlineCost = r.inline.files.length ? n(r.engine.gzip + r.inline.gzip) : '—';
    const emitted = r.dev ? 'served by the dev server' : r.wasmEmitted.length ? 'yes' : 'no';
    return line([
      r.bundler,
      `${emitted} / ${r.wasmFetched.length ? r.wasmFetched.join(', ') : 'not fetched'}`,
      r.source + (r.ready === 'ok' ? '' : ` (ready(): ${r.ready})`),
      `${n(r.entry.gzip)} (${n(r.entry.raw)})`,
      `${n(r.engine.gzip)} + ${n(r.source === 'engine.wasm' ? r.wasm.gzip : r.inline.gzip)} = **${n(r.protocol.gzip)}**`,
      r.inline.files.length
        ? `${n(r.inline.gzip)} (${n(r.inline.raw)}); ${n(r.inline.escapes)} \`\\xNN\`, ${n(r.inline.nonAscii)} bytes > 0x7f`
        : 'not emitted',
      inlineCost,
    ]);
  });
  return [line(head), line(head.map(() => '---')), ...body].join('\n');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(ROOT, 'pkg', 'engine.wasm')))
    throw new Error('pkg/ is not built: bash scripts/build.sh');
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'nylas-pkce-bundlers-'));
  const t0 = Date.now();
  const apps = await setUp(dir);
  const browser = await launchChromium();
  const rows = [];
  const steps = [
    ['vite-build', 'Vite build', () => viteBuild(browser, apps.web)],
    ['vite-dev', 'Vite dev server', () => viteDev(browser, apps.web)],
    ['next-turbopack', 'Next.js (Turbopack)', () => next(browser, apps.next, 'Turbopack')],
    ['next-webpack', 'Next.js (webpack)', () => next(browser, apps.next, 'webpack')],
    ['esbuild', 'esbuild (splitting)', () => esbuild(browser, apps.web)],
  ];
  try {
    for (const [key, label, step] of steps) {
      if (opts.only && !opts.only.includes(key)) continue;
      process.stderr.write(`bundlers: ${label}...\n`);
      const s = Date.now();
      rows.push(
        await step().then(
          (r) => ({ ...r, seconds: (Date.now() - s) / 1000 }),
          (e) => ({ bundler: label, error: String(e?.message ?? e) }),
        ),
      );
    }
  } finally {
    await browser.close();
    if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  const pkgFile = (f) => fs.readFileSync(path.join(ROOT, 'pkg', f));
  const pkgSizes = Object.fromEntries(
    ['index.js', 'error.js', 'engine.js', 'engine.wasm', 'engine_inline.js'].map((f) => [
      f,
      { raw: pkgFile(f).length, gzip: gz(pkgFile(f)) },
    ]),
  );
  const result = {
    date: new Date().toISOString(),
    versions: VERSIONS,
    package: pkgSizes,
    rows,
    seconds: (Date.now() - t0) / 1000,
  };
  if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
  const p = pkgSizes;
  const inl = rows.find((r) => r.inline)?.inline;
  process.stdout.write(
    `${markdown(rows)}\n\nThe package's files, gz (raw): index.js + error.js ${n(p['index.js'].gzip + p['error.js'].gzip)}, ` +
      `engine.js ${n(p['engine.js'].gzip)}, engine.wasm ${n(p['engine.wasm'].gzip)} (${n(p['engine.wasm'].raw)}), ` +
      `engine_inline.js ${n(p['engine_inline.js'].gzip)} (${n(p['engine_inline.js'].raw)}; ` +
      `${n(inl?.packageEscapes ?? 0)} \`\\xNN\`, ${n(inl?.packageNonAscii ?? 0)} bytes > 0x7f). ${result.seconds.toFixed(0)} s.\n`,
  );
  if (rows.some((r) => r.error || r.ready !== 'ok')) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bundlers: ${e?.stack ?? e}\n`);
  process.exit(1);
});
