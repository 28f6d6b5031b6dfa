#!/usr/bin/env bash
# Builds the command-line login example (examples/cli-login: nylas-pkce's `native` feature, ureq + rustls) into
# examples/cli-login/target/debug/cli-login, which tests/cli/run.mjs runs against the mock.
#
# A debug build without debug info ([profile.dev] in the example's Cargo.toml): nearly all of it is rustls and
# ring, and the tests wait on nothing the optimiser would speed up. Under nice, so that it yields to whatever
# else runs. Idempotent: cargo's target/ is reused. Usage: scripts/build-cli.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cli=examples/cli-login

(cd "$cli" && CARGO_PROFILE_DEV_DEBUG=0 nice -n 10 cargo build --locked --quiet)
echo "built $cli/target/debug/cli-login"
