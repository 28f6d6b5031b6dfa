#!/usr/bin/env bash
# Runs every test on a fresh machine: installs what is missing (scripts/setup.sh), then lint (native,
# wasm32, and the npm binding's real no_std build), native tests, the release package build and its size
# budgets, Node tests (mock server, package), browser tests (wasm-bindgen-test in headless Chromium against
# the mock: the Rust browser client and the npm binding), the Playwright end-to-end suite, the Leptos and Dioxus
# adapters' example apps (adapters/, examples/leptos-app, examples/dioxus-app) in Chromium, the native shell
# example (examples/webview-shell: wry + tao over WebKitGTK, under Xvfb, against the mock), and the native
# loopback login (examples/cli-login in headless Chromium against the mock).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
started=$SECONDS
step() { printf '\n== %s == (at %d min %02d s)\n' "$*" $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }

step "setup"
bash scripts/setup.sh

step "format and lints (native and wasm32)"
cargo fmt --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo clippy --workspace --all-targets --all-features --target wasm32-unknown-unknown --quiet -- -D warnings
cargo build -p nylas-pkce --no-default-features --quiet # the core builds without std
(cd examples/rust-web-app && cargo clippy --target wasm32-unknown-unknown --quiet -- -D warnings)
# API docs: every rustdoc warning (a broken intra-doc link included) is an error, for the core (native with
# every feature, and on wasm32 with the browser client) and the npm binding. Where a nightly toolchain is
# installed, also the docs.rs build (`--cfg docsrs`: feature badges through `doc_cfg`).
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet -p nylas-pkce --all-features
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet -p nylas-pkce --features browser --target wasm32-unknown-unknown
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet -p nylas-pkce-npm
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  RUSTDOCFLAGS="--cfg docsrs -D warnings" cargo +nightly doc --no-deps --quiet -p nylas-pkce --all-features
else
  echo "(no nightly toolchain: the docs.rs build with --cfg docsrs is not checked)"
fi
(cd examples/webview-shell && cargo fmt --check && cargo clippy --all-targets --locked --quiet -- -D warnings)
# The framework adapters and their apps (adapters/ workspace): clippy (wasm32, -D warnings) runs inside their
# build, scripts/build-framework-examples.sh, so that Leptos and Dioxus are compiled once.
(cd adapters && cargo fmt --check)

step "JS format and lint (Biome)"
node_modules/.bin/biome check .

step "native tests (core protocol, flow steps, client, JS API shapes)"
cargo test --workspace --quiet

step "fuzz smoke: every cargo-afl target for 20 s (scripts/fuzz.sh; the campaign figures are in docs/fuzzing.md)"
bash scripts/fuzz.sh smoke 20

step "release package + size budgets"
bash scripts/build.sh
node scripts/size-check.mjs

step "node tests: mock server, package from pkg/; strict TypeScript against the shipped types"
node --test tests/mock-server/ tests/node/
node tests/types/run.mjs

step "package standard on the packed tarball: publint, attw, licenses; API reference (TypeDoc validation, docs/api up to date)"
node tests/package/standard.mjs
node scripts/docs.mjs --check
node scripts/readme-table.mjs --check # the README's size and speed table is the latest recorded bench run's

step "the packed tarball in throwaway apps: Vite (current and 6, no config), an import-map page, Node ESM"
node tests/package/run.mjs

step "the packed tarball outside React: a SvelteKit app (server render, popup login); esbuild, Rollup and webpack bundles (redirect logins, page-view bytes)"
node tests/frameworks-js/run.mjs

step "Next.js 16 App Router from the packed tarball: examples/next-app built with Turbopack and webpack, next start, logins in Chromium"
node tests/next/run.mjs

step "browser tests: wasm-bindgen-test in headless Chromium (Rust browser client, npm binding)"
mock_log=$(mktemp)
node tests/mock-server/server.mjs --port 0 >"$mock_log" 2>&1 &
mock_pid=$!
trap 'kill $mock_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q 'listening on' "$mock_log" && break; sleep 0.1; done
mock_url=$(sed -n 's/^mock nylas listening on //p' "$mock_log")
[ -n "$mock_url" ] || { cat "$mock_log"; echo "mock server did not start"; exit 1; }
export NYLAS_PKCE_MOCK_URL="$mock_url"
browser_suites() {
  cargo test --target wasm32-unknown-unknown --features browser --test browser
  cargo test --target wasm32-unknown-unknown -p nylas-pkce-npm --features std --test web
}
CHROMEDRIVER=/usr/bin/chromedriver browser_suites

step "browser tests: the same suites in Firefox ESR (geckodriver) and WebKitGTK (WebKitWebDriver, Xvfb)"
GECKODRIVER="$(command -v geckodriver)" browser_suites
for n in $(seq 90 110); do [ -e "/tmp/.X11-unix/X$n" ] || { display=":$n"; break; }; done
Xvfb "$display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
trap 'kill $mock_pid $xvfb_pid 2>/dev/null || true' EXIT
sleep 1
DISPLAY="$display" SAFARIDRIVER=/usr/bin/WebKitWebDriver browser_suites
kill $mock_pid $xvfb_pid 2>/dev/null || true

step "Firefox and WebKit page flows through WebDriver (redirect, popup, replay, two tabs, faults)"
node --test tests/engines/

step "end-to-end: the demo, the security and scope suites, and the Rust web app in headless Chromium (Playwright)"
bash scripts/build-rust-example.sh
node --test tests/e2e/

step "framework adapters: the Leptos and Dioxus example apps (built with clippy) log in in headless Chromium"
bash scripts/build-framework-examples.sh
node --test tests/frameworks/

step "the native shell: examples/webview-shell (wry + tao, WebKitGTK) logs in through its browser window, under Xvfb"
bash scripts/build-shell.sh
(cd examples/webview-shell && cargo test --locked --quiet)
node tests/shell/run.mjs

step "native apps: the loopback login (feature native: lints, tests/loopback.rs) and examples/cli-login in headless Chromium against the mock"
cargo clippy -p nylas-pkce --all-targets --features native --quiet -- -D warnings
cargo test -p nylas-pkce --features native-loopback --test loopback --quiet
(cd examples/cli-login && cargo fmt --check && cargo clippy --all-targets --locked --quiet -- -D warnings)
bash scripts/build-cli.sh
(cd examples/cli-login && cargo test --locked --quiet)
node tests/cli/run.mjs

printf '\n== all suites passed in %d min %02d s ==\n' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60))
