// The package's error class, shared by both halves (index.js and session.js), and the reading of wasm
// results: a result is its value, or the error form `!code␀field␀message` (and `␀details`, JSON, in the
// second half), which is thrown.

/** Every error this package throws or rejects with. `code` is stable; see the README's error table. */
export class NylasPkceError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = 'NylasPkceError';
    if (fields) Object.assign(this, fields);
  }
}

/** The NylasPkceError of an error form (`!code␀field␀message[␀details]`). */
export function errorOf(form) {
  const [code, field, message, details] = form.slice(1).split('\0');
  const fields = { code };
  if (field) fields.field = field;
  return new NylasPkceError(message, details ? Object.assign(fields, JSON.parse(details)) : fields);
}

/** A wasm result's value, or the error it carries, thrown. */
export function check(text) {
  if (text.charCodeAt(0) !== 33 /* ! */) return text;
  throw errorOf(text);
}
