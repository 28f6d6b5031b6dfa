// The package's error class, shared by the entry and the protocol module, and the reading of wasm results:
// a result is its value, or the error form `!code␀field␀message` (and `␀details`, JSON), which is thrown.
import { PAGE_ERRORS } from './fields.js';

/** Every error this package throws or rejects with. `code` is stable; see the README's error table. */
export class NylasPkceError extends Error {
  constructor(message, fields) {
    super(message);
    this.name = 'NylasPkceError';
    if (fields) Object.assign(this, fields);
  }
}

/** The NylasPkceError of an error form (`!code␀field␀message[␀details]`). */
function errorOf(form) {
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

/**
 * A NylasPkceError for a failure only the page sees (0 popup_blocked, 1 popup_closed, 2 timeout,
 * 3 network_error, 4 storage_unavailable, 5 login_required, 6 session_ended, 7 no_opener, 8 a refresh
 * answer naming another grant: invalid_response, 9 the app's backend hook failed: network_error, with the
 * hook's error as `cause`); codes and messages are the core's (fields.js
 * `PAGE_ERRORS`). `fields`: more of the error's fields (a `status`).
 */
export function pageError(n, fields) {
  const [code, message] = PAGE_ERRORS[n];
  return new NylasPkceError(message, { code, ...fields });
}
