#!/usr/bin/env node
// Writes the README's size and speed table from the latest bench run (bench-results/latest.json, written by
// scripts/bench.mjs), between the `<!-- bench:start -->` and `<!-- bench:end -->` markers. scripts/bench.sh
// runs it after each bench; the numbers in the README are never typed by hand.
//
//   node scripts/bench-readme.mjs [results.json]          rewrites README.md
//   node scripts/bench-readme.mjs [results.json] --print  prints the block instead
//
// Each row is built from the results it needs and left out when they are missing (a bench without the split
// build has no split row), so a bench that measures more only needs a row here.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const print = args.includes('--print');
const resultsFile = args.find((a) => !a.startsWith('--')) ?? path.join(ROOT, 'bench-results', 'latest.json');
const README = path.join(ROOT, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const sized = (s) => `${kb(s.gzip ?? s.bytes)} (${kb(s.brotli)})`;
const ms = (x) => `${Math.round(x)} ms`;
const us = (x) => `${x.toFixed(1)} µs`;

/** The table's columns: nylas-pkce, then the peers in this order. */
const PEERS = [
  { lib: '@nylas/connect', bundles: { whole: 'nylas-connect.full.js' }, cold: '@nylas/connect', pair: null },
  {
    lib: 'oauth4webapi',
    bundles: { login: 'oauth4webapi.login.js', whole: 'oauth4webapi.full.js' },
    cold: 'oauth4webapi (PKCE flow)',
    pair: 'oauth4webapi',
  },
  { lib: 'oidc-client-ts', bundles: { login: 'oidc-client-ts.login.js' } },
  { lib: '@auth0/auth0-spa-js', bundles: { login: 'auth0-spa-js.login.js' } },
];

export function render(r) {
  const views = r.sizes?.ours?.variants?.inline?.pageViews;
  const split = r.sizes?.ours?.variants?.split?.pageViews;
  const peers = r.sizes?.peers ?? [];
  const bundle = (out) => peers.find((p) => p.out === out)?.sizes;
  const ok = (v) => v && !v.error;
  const cold = r.cold?.samples ?? {};
  const coldMs = (name) => (cold[name]?.importToUrl?.length ? median(cold[name].importToUrl) : null);
  const pairUs = (name) => (r.pairs?.samples?.[name]?.length ? median(r.pairs.samples[name]) : null);
  const blank = PEERS.map(() => '');

  const rows = [];
  // Sizes: what the browser fetched for each page view.
  if (ok(views?.beforeLogin)) {
    rows.push([
      'a page before login (`new NylasAuth()`, an authorization URL)',
      `**${sized(views.beforeLogin)}**`,
      ...PEERS.map((p) => {
        const login = p.bundles.login && bundle(p.bundles.login);
        const whole = p.bundles.whole && bundle(p.bundles.whole);
        if (login && whole) return `${sized(login)} minimal login (${kb(whole.gzip)} whole API)`;
        if (login) return `${sized(login)} minimal login`;
        if (whole) return `${sized(whole)} whole library`;
        return '';
      }),
    ]);
  }
  if (ok(views?.loggedIn))
    rows.push(['a logged-in page (`getAccessToken()` with a stored token)', `**${sized(views.loggedIn)}**`, ...blank]);
  if (ok(views?.wholeLogin))
    rows.push(['a whole login (start page + callback page)', sized(views.wholeLogin), ...blank]);
  if (ok(split?.beforeLogin) && ok(split?.wholeLogin)) {
    rows.push([
      'the same with the wasm as separate `.wasm` files',
      `${kb(split.beforeLogin.bytes)} before login, ${kb(split.wholeLogin.bytes)} whole login`,
      ...blank,
    ]);
  }
  // Speed.
  const ours = pairUs('nylas-pkce');
  if (ours !== null) {
    rows.push([
      'PKCE pair (verifier + S256 challenge), median',
      `**${us(ours)}**`,
      ...PEERS.map((p) => {
        const t = p.pair && pairUs(p.pair);
        return t ? `${us(t)} (${(t / ours).toFixed(1)}× ours)` : '';
      }),
    ]);
  }
  const inline = coldMs('nylas-pkce (inline)');
  if (inline !== null) {
    const two = coldMs('nylas-pkce (split)');
    const loads = r.opts?.loads;
    rows.push([
      `import + init + first URL, median of ${loads ?? 'several'} fresh page loads`,
      `${ms(inline)}${two !== null ? ` (separate \`.wasm\`: ${ms(two)})` : ''}`,
      ...PEERS.map((p) => {
        const t = p.cold ? coldMs(p.cold) : null;
        return t === null ? '' : ms(t);
      }),
    ]);
  }
  const points = r.memory?.points;
  if (points?.length > 1) {
    const kib = (b) => `${Math.round(b / 1024)} KiB`;
    const last = points.at(-1);
    rows.push([
      `WebAssembly memory after init → ${last.label.replaceAll('`', '')}`,
      `${kib(points[0].bytes)} → ${kib(last.bytes)}`,
      ...blank,
    ]);
  }
  if (!rows.length) throw new Error('the results hold no measurement the table shows (did the bench fail?)');

  const m = r.machine ?? {};
  const date = (m.date ?? '').slice(0, 10) || 'unknown date';
  const browser = m.browserVersion ? `headless Chromium ${m.browserVersion.split('.')[0]}` : 'headless Chromium';
  const load =
    m.loadStart !== undefined && m.loadEnd !== undefined
      ? `, load average ${Math.min(m.loadStart, m.loadEnd).toFixed(1)}–${Math.max(m.loadStart, m.loadEnd).toFixed(1)}`
      : '';
  const head = ['', 'nylas-pkce', ...PEERS.map((p) => p.lib)];
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [
    `Latest run: ${date}, ${m.cores ?? '?'}-core ${m.cpu ?? 'machine'}, ${browser}${load}.`,
    'Sizes are what the browser fetched for each page view, gzip -9 (brotli in parentheses); the other',
    'libraries are bundled with esbuild for the same job. Timings depend on the machine and its load; the',
    'sizes do not.',
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
    '_Written by `scripts/bench-readme.mjs` from `bench-results/latest.json`; `npm run bench` measures and rewrites it._',
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!fs.existsSync(resultsFile)) {
    console.error(`bench-readme: ${resultsFile} not found: run \`npm run bench\` first`);
    process.exit(1);
  }
  const block = render(JSON.parse(fs.readFileSync(resultsFile, 'utf8')));
  if (print) {
    console.log(block);
  } else {
    const text = fs.readFileSync(README, 'utf8');
    const a = text.indexOf(START);
    const b = text.indexOf(END);
    if (a < 0 || b < a) {
      console.error(`bench-readme: README.md has no ${START} … ${END} block`);
      process.exit(1);
    }
    fs.writeFileSync(README, `${text.slice(0, a + START.length)}\n${block}\n${text.slice(b)}`);
    console.log(`bench-readme: README.md's table written from ${path.relative(ROOT, resultsFile)}`);
  }
}
