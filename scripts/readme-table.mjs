#!/usr/bin/env node
// Renders the README's size-and-speed table from the recorded bench run (docs/bench.json, written by
// `npm run bench -- --record`): the markdown between `<!-- bench:start -->` and `<!-- bench:end -->`.
//
//   node scripts/readme-table.mjs            prints the block
//   node scripts/readme-table.mjs --write    replaces the block in README.md
//   node scripts/readme-table.mjs --check    exits 1 if README.md's block is not what docs/bench.json renders
//
// Options: --json FILE (default docs/bench.json), --readme FILE (default README.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const ms = (x) => `${Math.round(x)} ms`;
const signed = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x) < 10 ? Math.abs(x).toFixed(1) : Math.abs(Math.round(x))} ms`;
const ratio = (x) => `${x.toFixed(2)}×`;

/** The markdown block for one bench summary (docs/bench.json). */
export function render(b) {
  const peer = (lib, what) => b.peers.find((p) => p.lib === lib && (!what || p.what.startsWith(what)));
  const ready = (name) => b.pageReady.pages.find((p) => p.name === name);
  const click = (name) => b.click.pages.find((p) => p.name === name);
  const view = (key) => {
    const v = b.pageViews[key];
    return v.error ? `failed: ${v.error}` : `**${kb(v.bytes)}** (${kb(v.brotli)})`;
  };
  const connect = peer('@nylas/connect');
  const o4wLogin = peer('oauth4webapi', 'minimal');
  const o4wFull = peer('oauth4webapi', 'whole');
  const oidc = peer('oidc-client-ts');
  const auth0 = peer('@auth0/auth0-spa-js');
  const pr = (name) => {
    const p = ready(name);
    return p ? signed(p.addsMs) : '';
  };
  const cpu = (name) => {
    const p = ready(name);
    return p ? signed(p.addsCpuMs) : '';
  };
  const init = (name) => {
    const p = ready(name);
    const base = ready('@nylas/connect');
    return p ? `${ms(p.initMs)} (${ratio(p.initMs / base.initMs)})` : '';
  };
  const adds = (name) => {
    const p = click(name);
    return p ? signed(p.addsMs) : '';
  };
  const mem = b.memory;
  const date = b.date.slice(0, 10);
  const m = b.machine;
  const lines = [
    `Latest run (${date}; ${m.cores} cores, ${m.cpu}; headless Chromium ${m.browserVersion}; load average ` +
      `${m.loadStart.toFixed(1)} at start, ${m.loadEnd.toFixed(1)} at end; timings are medians of ${b.settings.loads} fresh loads per page ` +
      'and move between runs on a shared machine). Bytes are what the browser fetched for each page view, gzip -9 (brotli):',
    '',
    '| | nylas-pkce | @nylas/connect | oauth4webapi | oidc-client-ts | auth0-spa-js |',
    '|---|---|---|---|---|---|',
    `| a page before login | ${view('beforeLogin')} | ${kb(connect.gzip)} (whole library) | ${kb(o4wLogin.gzip)} minimal login (${kb(o4wFull.gzip)} whole API) | ${kb(oidc.gzip)} minimal login | ${kb(auth0.gzip)} minimal login |`,
    `| a logged-in page (\`getAccessToken()\`) | ${view('loggedIn')} | | | | |`,
    `| a returning user, token expired (refresh) | ${view('expired')} | | | | |`,
    `| a whole login (start + callback page) | ${view('wholeLogin')} | | | | |`,
    `| what the SDK adds to page ready (median difference) | ${pr('nylas-pkce')} | ${pr('@nylas/connect')} | — | ${pr('oidc-client-ts')} | ${pr('auth0-spa-js')} |`,
    `| main-thread CPU the SDK adds to page ready (median difference) | ${cpu('nylas-pkce')} | ${cpu('@nylas/connect')} | — | ${cpu('oidc-client-ts')} | ${cpu('auth0-spa-js')} |`,
    `| import + init (÷ @nylas/connect) | ${init('nylas-pkce')}; the entry as one file, as Vite and webpack emit it: ${init('nylas-pkce (one-file entry)')} | ${init('@nylas/connect')} | — | ${init('oidc-client-ts')} | ${init('auth0-spa-js')} |`,
    `| login click → \`/connect/auth\` request, SDK cost (redirect) | ${adds('nylas-pkce redirect, cold')} cold, ${adds('nylas-pkce redirect, preloaded')} after \`preload()\` | ${adds('@nylas/connect redirect')} | — | ${adds('oidc-client-ts redirect')} | ${adds('auth0-spa-js redirect')} |`,
    `| the same with a popup | ${adds('nylas-pkce popup, cold')} cold, ${adds('nylas-pkce popup, preloaded')} after \`preload()\` | | | | |`,
    `| PKCE pair (verifier + S256), median | **${b.pair.us['nylas-pkce'].toFixed(1)} µs** | — | ${b.pair.us.oauth4webapi.toFixed(1)} µs (${ratio(b.pair.ratio)} nylas-pkce's) | — | — |`,
    `| wasm memory after init → after 100,000 URLs | ${(mem.afterInit / 1024).toFixed(0)} KiB → ${(mem.after100k / 1024).toFixed(0)} KiB | | | | |`,
    '',
  ];
  lines.push(
    '_Written by `scripts/readme-table.mjs` from `docs/bench.json`; `npm run bench -- --record` measures and rewrites it._',
  );
  return lines.join('\n');
}

function main() {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? path.resolve(args[i + 1]) : dflt;
  };
  const json = opt('--json', path.join(ROOT, 'docs', 'bench.json'));
  const readme = opt('--readme', path.join(ROOT, 'README.md'));
  const block = render(JSON.parse(fs.readFileSync(json, 'utf8')));
  if (!args.includes('--write') && !args.includes('--check')) {
    process.stdout.write(`${block}\n`);
    return;
  }
  const text = fs.readFileSync(readme, 'utf8');
  const a = text.indexOf(START);
  const z = text.indexOf(END);
  if (a < 0 || z < a) throw new Error(`${readme}: no ${START} … ${END} block`);
  const next = `${text.slice(0, a + START.length)}\n${block}\n${text.slice(z)}`;
  if (args.includes('--check')) {
    if (next !== text) {
      process.stderr.write(
        `${readme}: the bench table is not what ${json} renders (node scripts/readme-table.mjs --write)\n`,
      );
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(readme, next);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
