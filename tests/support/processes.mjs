// Child processes for the runners that install, build and serve throwaway apps (tests/package/run.mjs,
// tests/next/run.mjs, tests/frameworks-js/run.mjs): each child leads its own process group, so that a
// time-out or a cleanup kills everything it began (npm's, Vite's and Next.js's helpers too); once a runner
// aborts (a signal, its watchdog), nothing new starts.
import { spawn } from 'node:child_process';

/** Every child still running, servers included (a runner that spawns one itself adds it here). */
export const children = new Set();
let aborting = false;

/** From now on, `run` starts nothing. */
export function abort() {
  aborting = true;
}

export const aborted = () => aborting;

export const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The last `lines` lines of `text`, each indented by four spaces. */
export function tail(text, lines = 25) {
  return text
    .trim()
    .split('\n')
    .slice(-lines)
    .map((l) => `    ${l}`)
    .join('\n');
}

/** Kills `child`'s whole process group. */
export function killChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Kills every child's process group and waits (bounded) until they are gone. */
export async function killAll() {
  const gone = [...children].map(
    (c) =>
      new Promise((r) => {
        if (c.exitCode !== null || c.signalCode !== null) r();
        else c.once('exit', r);
      }),
  );
  for (const c of children) killChild(c);
  await Promise.race([Promise.all(gone), sleep(5000)]);
  await sleep(100); // their own children were killed with the group
}

/**
 * Runs a command to completion, bounded by `timeoutMs` (`nice`: at nice 15). Resolves
 * `{ code, out, stdout, stderr, ms }` (`out`: both streams as they came); rejects on time-out or a spawn
 * failure.
 */
export function run(cmd, args, { cwd, timeoutMs, env, nice = false } = {}) {
  return new Promise((resolve, reject) => {
    if (aborting) throw new Error('aborted');
    const started = Date.now();
    const [file, argv] = nice ? ['nice', ['-n', '15', cmd, ...args]] : [cmd, args];
    const child = spawn(file, argv, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    let out = '';
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      out += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      out += d;
    });
    const timer = setTimeout(() => {
      killChild(child);
      reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${secs(timeoutMs)}\n${tail(out)}`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, out, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** `run`, and a non-zero exit is an error with the output's tail. */
export async function runOk(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}\n${tail(r.out)}`);
  return r;
}
