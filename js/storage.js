// Storage as NylasAuth uses it: sessionStorage, localStorage, memory, or an adapter of the user's, each
// as { get, set, remove, keys(prefix) }. Whatever throws is `storage_unavailable`.

/** `guard(fail)` wraps a store so that whatever throws becomes `fail()`. */
function guarded(store, fail) {
  const guard =
    (fn) =>
    (...args) => {
      try {
        return fn(...args);
      } catch {
        throw fail();
      }
    };
  return { get: guard(store.get), set: guard(store.set), remove: guard(store.remove), keys: guard(store.keys) };
}

function webStorage(store, fail) {
  return guarded(
    {
      get: (k) => store.getItem(k),
      set: (k, v) => store.setItem(k, v),
      remove: (k) => store.removeItem(k),
      keys(prefix) {
        const out = [];
        for (let i = 0; i < store.length; i++) {
          const k = store.key(i);
          if (k?.startsWith(prefix)) out.push(k);
        }
        return out;
      },
    },
    fail,
  );
}

function memoryStorage(fail) {
  const m = new Map();
  return adapter(
    { get: (k) => m.get(k), set: (k, v) => m.set(k, v), remove: (k) => m.delete(k), keys: () => m.keys() },
    fail,
  );
}

/** A user's synchronous { get, set, remove, keys? }; a Promise from it is refused (storage_unavailable). */
function adapter(user, fail) {
  const sync = (v) => {
    if (v && typeof v.then === 'function') throw new Error('storage adapters must be synchronous');
    return v;
  };
  return guarded(
    {
      get: (k) => {
        const v = sync(user.get(k));
        return typeof v === 'string' ? v : null;
      },
      set: (k, v) => void sync(user.set(k, v)),
      remove: (k) => void sync(user.remove(k)),
      keys: (prefix) =>
        typeof user.keys === 'function'
          ? [...sync(user.keys(prefix))].map(String).filter((k) => k.startsWith(prefix))
          : [],
    },
    fail,
  );
}

/**
 * 'session' | 'local' | 'memory' | adapter → storage; web storage that throws (private mode, disabled, no
 * DOM) falls back to memory. `fail()` makes the `storage_unavailable` error.
 */
export function resolveStorage(kind, fail) {
  if (kind && typeof kind === 'object') return adapter(kind, fail);
  if (kind === 'memory') return memoryStorage(fail);
  try {
    const store = kind === 'local' ? globalThis.localStorage : globalThis.sessionStorage;
    const probe = 'nylas-pkce:probe';
    store.setItem(probe, '1');
    store.removeItem(probe);
    return webStorage(store, fail);
  } catch {
    return memoryStorage(fail);
  }
}
