// The package's error class, shared by both halves (index.js and callback.js), and the reading of wasm
// results: a result is its text, or `!` followed by the error's JSON, which is thrown.

/** Every error this package throws or rejects with. `code` is stable; see the README's error table. */
export class NylasPkceError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = 'NylasPkceError';
    if (fields) Object.assign(this, fields);
  }
}

/** A NylasPkceError from the JSON the wasm wrote (`{ code, message, …fields }`). */
export function fromJson(json) {
  const { message, ...fields } = JSON.parse(json);
  return new NylasPkceError(message, fields);
}

/** A wasm result's text, or the error it carries, thrown. */
export function check(text) {
  if (text.charCodeAt(0) === 33 /* ! */) throw fromJson(text.slice(1));
  return text;
}

/** JSON text of an option object for the wasm (`undefined` → `null`, which the wasm reads as "absent"). */
export const json = (value) => JSON.stringify(value) ?? 'null';
