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
      return `+a${v.map(t).join('\x01')}`;
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
