// PKCE pair micro-benchmark, run inside the page; timings come from performance.now() here.
// Peer bundles are produced by scripts/bench.mjs under /bench-results/build/; nylas-pkce is its synchronous
// subpath nylas-pkce/protocol (pkg/protocol.js, the protocol's wasm instantiated on import), served as /pkg/.

// RFC 7636 Appendix B test vector: every library must agree before we time anything.
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

const params = new URLSearchParams(location.search);
const libs = new Map();

async function load() {
  if (params.get('ours') === '1') {
    const np = await import('/pkg/protocol.js');
    const opts = { method: 'S256', encoding: 'rfc7636' };
    // Our PKCE pair API: one call gives verifier + challenge.
    libs.set('nylas-pkce', {
      sync: true,
      pair() {
        return np.generatePkcePair(opts).codeChallenge;
      },
      check: async () => np.codeChallenge(RFC_VERIFIER, opts),
      verifierLength: () => np.generatePkcePair(opts).codeVerifier.length,
    });
    // The same pair built from the two lower-level calls, for comparison.
    libs.set('nylas-pkce (2 calls)', {
      sync: true,
      pair() {
        const v = np.generateCodeVerifier();
        return np.codeChallenge(v, opts);
      },
      check: async () => np.codeChallenge(RFC_VERIFIER, opts),
      verifierLength: () => np.generateCodeVerifier().length,
    });
  }
  const oauth = await import('/bench-results/build/oauth4webapi.full.js');
  libs.set('oauth4webapi', {
    sync: false,
    async pair() {
      const v = oauth.generateRandomCodeVerifier();
      return oauth.calculatePKCECodeChallenge(v);
    },
    check: () => oauth.calculatePKCECodeChallenge(RFC_VERIFIER),
    verifierLength: () => oauth.generateRandomCodeVerifier().length,
  });
  const pc = await import('/bench-results/build/pkce-challenge.full.js');
  const pkceChallenge = pc.default;
  libs.set('pkce-challenge', {
    sync: false,
    async pair() {
      return (await pkceChallenge()).code_challenge;
    },
    check: () => pc.generateChallenge(RFC_VERIFIER),
    verifierLength: async () => (await pkceChallenge()).code_verifier.length,
  });

  const checks = {};
  for (const [name, lib] of libs) {
    const got = await lib.check();
    if (got !== RFC_CHALLENGE) throw new Error(`${name}: RFC 7636 vector gave ${got}, want ${RFC_CHALLENGE}`);
    const len = await lib.verifierLength();
    if (len < 43 || len > 128) throw new Error(`${name}: verifier length ${len}`);
    checks[name] = { rfc7636: true, verifierLength: len };
  }
  return {
    libs: [...libs.keys()],
    checks,
    crossOriginIsolated: self.crossOriginIsolated,
    timerResolutionUs: timerResolutionUs(),
  };
}

/** Smallest non-zero step of performance.now() seen, in µs (5 µs when cross-origin isolated, else 100 µs). */
function timerResolutionUs() {
  let min = Infinity;
  for (let i = 0; i < 200; i++) {
    const a = performance.now();
    let b = performance.now();
    while (b === a) b = performance.now();
    min = Math.min(min, b - a);
  }
  return min * 1000;
}

/** Runs `n` PKCE pairs of library `name` back to back; returns elapsed ms measured in the page. */
async function run(name, n) {
  const lib = libs.get(name);
  if (!lib) throw new Error(`unknown library ${name}`);
  let chars = 0;
  let t0;
  let t1;
  if (lib.sync) {
    t0 = performance.now();
    for (let i = 0; i < n; i++) chars += lib.pair().length;
    t1 = performance.now();
  } else {
    t0 = performance.now();
    for (let i = 0; i < n; i++) chars += (await lib.pair()).length;
    t1 = performance.now();
  }
  // S256 challenges are always 43 base64url chars; also keeps the results observably used.
  if (chars !== n * 43) throw new Error(`${name}: unexpected challenge lengths (${chars} chars for ${n})`);
  return t1 - t0;
}

const ready = load();
window.bench = { ready, run };
