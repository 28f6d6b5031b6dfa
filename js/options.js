// The typed reader's JavaScript side: checks an options object against one of the lists in fields.js (the
// names, and each value's JavaScript type) and packs it into the string the wasm reads field by field
// (npm/src/fields.rs documents the form). Every rule about the values themselves is the wasm's.
import { NylasPkceError } from './error.js';

const REASONS = {
  name: 'is not an option of this SDK',
  s: 'must be a string',
  b: 'must be a boolean',
  u: 'must be a whole number',
  l: 'must be an array of strings, or one string',
  m: 'must be an object whose values are strings',
  j: 'must be a value JSON can represent',
  o: 'must be an object',
  text: 'must be well-formed Unicode without NUL or U+0001',
};

/** `invalid_config` (`config`) or `invalid_option` naming `field`. */
export function optionError(field, reason, config) {
  const message = `${config ? 'invalid configuration' : 'invalid option'}: ${field} ${REASONS[reason] ?? reason}`;
  return new NylasPkceError(message, { code: config ? 'invalid_config' : 'invalid_option', field });
}

export const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `options` itself: an object, or nothing (`undefined` / `null`: no options). */
export function object(options, config) {
  if (options == null) return {};
  if (!isObject(options)) throw optionError('options', 'o', config);
  return options;
}

/** Refuses a name none of `lists` has (an entry is a name or `[name, kind, members?]`). */
export function checkNames(options, lists, config) {
  const known = new Set(lists.flat().map((e) => (typeof e === 'string' ? e : e[0])));
  for (const k of Object.keys(options)) if (!known.has(k)) throw optionError(k, 'name', config);
}

function text(v, name, config) {
  if (v.includes('\0') || v.includes('\x01') || /\p{Cs}/u.test(v)) throw optionError(name, 'text', config);
  return v;
}

const strings = (v) => Array.isArray(v) && v.every((i) => typeof i === 'string');

/** One option's field: `''` when absent, else `+` and its value. */
function field(name, kind, v, config) {
  if (v == null) return '';
  const wrong = () => optionError(name, kind, config);
  const t = (s) => text(s, name, config);
  switch (kind) {
    case 's':
      if (typeof v !== 'string') throw wrong();
      return `+${t(v)}`;
    case 'b':
      if (typeof v !== 'boolean') throw wrong();
      return v ? '+1' : '+0';
    case 'u':
      if (!Number.isSafeInteger(v) || v < 0) throw wrong();
      return `+${v}`;
    case 'l':
      if (typeof v === 'string') return `+s${t(v)}`;
      if (!strings(v)) throw wrong();
      return `+a${v.map((i) => `\x01${t(i)}`).join('')}`;
    case 'm':
      if (!isObject(v) || !strings(Object.values(v))) throw wrong();
      return (
        '+' +
        Object.entries(v)
          .map(([k, x]) => `${t(k)}\x01${t(x)}`)
          .join('\x01')
      );
    case 'j': {
      let json;
      try {
        json = JSON.stringify(v);
      } catch {
        // a cycle or a BigInt
      }
      if (json === undefined) throw wrong();
      // JSON.stringify writes a lone surrogate as an escape (an unescaped backslash, then \ud800–\udfff);
      // the callback's reader would refuse it after the user consented.
      if (/(?:^|[^\\])(?:\\\\)*\\ud[89a-f]/i.test(json)) throw optionError(name, 'text', config);
      return `+${json}`;
    }
    default: // 'o': its members follow
      if (!isObject(v)) throw wrong();
      return '+';
  }
}

/** Packs the options of `list` found in `options` (already checked by `object` and `checkNames`). */
export function pack(list, options, config) {
  const out = [];
  for (const [name, kind, members] of list) {
    if (kind === 'p') continue;
    const v = options[name];
    out.push(field(name, kind, v, config));
    if (members) {
      const inner = v ?? {};
      checkNames(inner, [members], config);
      for (const [m, k] of members) out.push(field(m, k, inner[m], config));
    }
  }
  return out.join('\0');
}

const STORAGES = ['session', 'local', 'memory'];
const INT32 = 2 ** 31 - 1;

/** A storage option: 'session' | 'local' | 'memory', or an adapter with get, set, remove and keys. */
function storageOption(name, v, config) {
  if (v == null || STORAGES.includes(v)) return;
  const fns = ['get', 'set', 'remove', 'keys'];
  if (isObject(v) && fns.every((f) => typeof v[f] === 'function')) return;
  throw optionError(name, "must be 'session', 'local', 'memory' or an adapter { get, set, remove, keys }", config);
}

/**
 * `popup`: `{ width, height, timeoutMs, openWithUrl }`, whole numbers (sizes 100–10000 px, time-out 1 ms to
 * 2³¹−1 ms) and a boolean.
 */
function popupOption(v, config) {
  if (v == null) return;
  if (!isObject(v)) throw optionError('popup', 'o', config);
  checkNames(v, [['width', 'height', 'timeoutMs', 'openWithUrl']], config);
  if (v.openWithUrl != null && typeof v.openWithUrl !== 'boolean') throw optionError('openWithUrl', 'b', config);
  for (const [k, min, max] of [
    ['width', 100, 10_000],
    ['height', 100, 10_000],
    ['timeoutMs', 1, INT32],
  ]) {
    const n = v[k];
    if (n !== undefined && !(Number.isInteger(n) && n >= min && n <= max)) {
      throw optionError(k, `must be a whole number from ${min} to ${max}`, config);
    }
  }
}

/**
 * The options the page itself uses (fields.js `PAGE`), checked by type and value: `storage`,
 * `tokenStorage`, `openUrl`, `popup`, `cleanUrl`, `allowEmbeddedWebview`, `accounts`, `codeExchange`,
 * `refresh` (a call's own
 * `popup`, `openUrl` and `window` too).
 */
export function checkPage(o, config) {
  storageOption('storage', o.storage, config);
  storageOption('tokenStorage', o.tokenStorage, config);
  for (const hook of ['openUrl', 'codeExchange', 'refresh']) {
    if (o[hook] != null && typeof o[hook] !== 'function') throw optionError(hook, 'must be a function', config);
  }
  for (const flag of ['cleanUrl', 'allowEmbeddedWebview']) {
    if (o[flag] != null && typeof o[flag] !== 'boolean') throw optionError(flag, 'b', config);
  }
  if (o.accounts != null && o.accounts !== 'single' && o.accounts !== 'multiple') {
    throw optionError('accounts', "must be 'single' or 'multiple'", config);
  }
  popupOption(o.popup, config);
  const w = o.window;
  if (w != null && !(typeof w === 'object' && typeof w.close === 'function' && 'location' in w)) {
    throw optionError('window', 'must be a window the app opened in the click (window.open)', config);
  }
}
