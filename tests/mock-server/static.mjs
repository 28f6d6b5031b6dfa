#!/usr/bin/env node

// Tiny static file server for the browser demo/tests (serves the wasm bundle).
// Zero dependencies; binds 127.0.0.1 only; never caches; refuses path traversal.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';

/** Content types by file-name suffix; longest suffix wins (so `.d.ts` beats `.ts`). */
const CONTENT_TYPES = {
  '.wasm': 'application/wasm',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.d.ts': 'application/typescript; charset=utf-8',
  '.ts': 'application/typescript; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};
const SUFFIXES = Object.keys(CONTENT_TYPES).sort((a, b) => b.length - a.length);

function contentTypeFor(filePath) {
  const name = path.basename(filePath).toLowerCase();
  const suffix = SUFFIXES.find((s) => name.endsWith(s));
  return suffix ? CONTENT_TYPES[suffix] : 'application/octet-stream';
}

function sendText(res, status, text, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

/** True if `candidate` is `root` or inside it. */
function isInside(root, candidate) {
  const rel = path.relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Maps a URL pathname to an existing file under root. Returns
 * `{ file }`, `{ redirect }` (directory without trailing slash) or `{ status }`.
 */
function resolveRequest(root, pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400 };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { status: 400 };
  const target = path.resolve(root, `.${decoded}`);
  if (!isInside(root, target)) return { status: 403 };
  let real;
  try {
    real = fs.realpathSync(target); // symlinks must not lead outside root either
  } catch {
    return { status: 404 };
  }
  if (!isInside(root, real)) return { status: 403 };
  const stat = fs.statSync(real);
  if (stat.isDirectory()) {
    if (!pathname.endsWith('/')) return { redirect: `${pathname}/` };
    const index = path.join(real, 'index.html');
    return fs.existsSync(index) ? { file: index } : { status: 404 };
  }
  return stat.isFile() ? { file: real } : { status: 404 };
}

function handle(root, req, res) {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendText(res, 405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
  }
  const { pathname, search } = new URL(req.url, `http://${HOST}`);
  const result = resolveRequest(root, pathname);
  if (result.redirect) {
    res.writeHead(301, { Location: `${result.redirect}${search}` });
    return res.end();
  }
  if (result.status) return sendText(res, result.status, http.STATUS_CODES[result.status]);
  const { size } = fs.statSync(result.file);
  res.writeHead(200, { 'Content-Type': contentTypeFor(result.file), 'Content-Length': size });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(result.file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/**
 * Starts a static server for `root` on 127.0.0.1.
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function startStaticServer({ root, port = 0 } = {}) {
  if (!root) throw new Error('startStaticServer: root is required');
  const realRoot = fs.realpathSync(path.resolve(root));
  if (!fs.statSync(realRoot).isDirectory()) throw new Error(`not a directory: ${root}`);

  const server = http.createServer((req, res) => {
    try {
      handle(realRoot, req, res);
    } catch {
      if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
      else res.destroy();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://${HOST}:${server.address().port}`;
  let closing;
  const close = () => {
    closing ??= new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { url, close };
}

// ---------------------------------------------------------------------------
// CLI: node tests/mock-server/static.mjs --root DIR [--port 5173]
// ---------------------------------------------------------------------------

const USAGE = 'usage: node tests/mock-server/static.mjs --root DIR [--port 5173]';

function parseCliArgs(argv) {
  const options = { port: 5173 };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value for ${flag}`);
    if (flag === '--root') options.root = value;
    else if (flag === '--port') options.port = Number.parseInt(value, 10);
    else throw new Error(`unknown argument: ${flag}`);
  }
  if (!options.root) throw new Error('--root is required');
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)) {
    throw new Error('--port must be an integer 0-65535');
  }
  return options;
}

async function main() {
  let server;
  try {
    server = await startStaticServer(parseCliArgs(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  process.stdout.write(`static server on ${server.url}\n`);
  const shutdown = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

function isMainModule() {
  try {
    return import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isMainModule()) main();
