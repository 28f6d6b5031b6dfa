// A small W3C WebDriver client (fetch only) and launchers for the engines Playwright cannot drive here:
// Firefox ESR through geckodriver, and WebKitGTK through WebKitWebDriver (under Xvfb). Everything binds
// 127.0.0.1; every wait is bounded.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../support/ports.mjs';

export const WAIT_MS = 15_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitListening(port, child, ms = 20_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited (${child.exitCode})`);
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${child.spawnfile} did not listen on ${port}`);
}

function kill(child) {
  if (child && child.exitCode === null) child.kill('SIGTERM');
}

/** The engines, each with how to start its driver and what a new session needs. */
export const ENGINES = {
  firefox: {
    name: 'Firefox',
    driver: process.env.GECKODRIVER || `${process.env.HOME}/.cargo/bin/geckodriver`,
    args: (port) => ['--host', '127.0.0.1', '--port', String(port)],
    capabilities: {
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: '/usr/bin/firefox-esr',
        args: ['-headless'],
        // Keep the popup blocker on: a popup must come from a click.
        prefs: { 'dom.disable_open_during_load': true, 'browser.shell.checkDefaultBrowser': false },
      },
    },
  },
  webkit: {
    name: 'WebKit',
    driver: '/usr/bin/WebKitWebDriver',
    args: (port) => [`--port=${port}`],
    display: true,
    capabilities: {
      'webkitgtk:browserOptions': {
        binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        args: ['--automation'],
      },
    },
  },
};

/** Starts Xvfb on a free display (WebKitGTK needs one); returns `{ display, stop }`. */
export async function startXvfb() {
  for (let n = 90; n < 110; n++) {
    const child = spawn('Xvfb', [`:${n}`, '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
    await sleep(400);
    if (child.exitCode === null) return { display: `:${n}`, stop: () => kill(child) };
  }
  throw new Error('Xvfb did not start');
}

/** Starts an engine's driver and opens a session: a `Session`. */
export async function startSession(engineKey, env = {}) {
  const engine = ENGINES[engineKey];
  const port = await freePort();
  const child = spawn(engine.driver, engine.args(port), { stdio: 'ignore', env: { ...process.env, ...env } });
  try {
    await waitListening(port, child);
    const base = `http://127.0.0.1:${port}`;
    const res = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: engine.capabilities } });
    const session = new Session(base, res.sessionId, () => kill(child));
    await session.setTimeouts({ script: WAIT_MS, pageLoad: WAIT_MS, implicit: 0 });
    return session;
  } catch (e) {
    kill(child);
    throw e;
  }
}

async function call(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(WAIT_MS * 2),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok)
    throw new Error(
      `WebDriver ${method} ${path}: ${res.status} ${json.value?.error ?? ''} ${json.value?.message ?? ''}`,
    );
  return json.value;
}

export class Session {
  constructor(base, id, stop) {
    this.base = base;
    this.id = id;
    this.stopDriver = stop;
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  setTimeouts(t) {
    return this.cmd('POST', '/timeouts', t);
  }

  goto(url) {
    return this.cmd('POST', '/url', { url });
  }

  url() {
    return this.cmd('GET', '/url');
  }

  /** Runs `fn(...args)` in the page (async allowed) and returns its JSON result. */
  run(fn, ...args) {
    const script = `const done = arguments[arguments.length - 1];
      Promise.resolve((${fn.toString()}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
        .then((v) => done({ ok: v }), (e) => done({ error: String(e && e.stack || e) }));`;
    return this.cmd('POST', '/execute/async', { script, args }).then((r) => {
      if (r && 'error' in r) throw new Error(`in the page: ${r.error}`);
      return r?.ok;
    });
  }

  async find(css) {
    const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return Object.values(el)[0];
  }

  async click(css) {
    const id = await this.find(css);
    return this.cmd('POST', `/element/${id}/click`, {});
  }

  handles() {
    return this.cmd('GET', '/window/handles');
  }

  handle() {
    return this.cmd('GET', '/window');
  }

  switchTo(handle) {
    return this.cmd('POST', '/window', { handle });
  }

  closeWindow() {
    return this.cmd('DELETE', '/window');
  }

  newTab() {
    return this.cmd('POST', '/window/new', { type: 'tab' }).then((r) => r.handle);
  }

  /** Polls `fn` in the page until it returns a truthy value (bounded). */
  async waitFor(what, fn, ...args) {
    const until = Date.now() + WAIT_MS;
    let last;
    while (Date.now() < until) {
      try {
        last = await this.run(fn, ...args);
        if (last) return last;
      } catch (e) {
        last = e.message; // navigating: the page is being replaced
      }
      await sleep(150);
    }
    throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
  }

  async quit() {
    try {
      await call(this.base, 'DELETE', `/session/${this.id}`);
    } catch {
      // the browser may be gone already
    }
    this.stopDriver();
  }
}
