#!/usr/bin/env bash
# Builds the Rust web app example (examples/rust-web-app: nylas-pkce's browser client in plain wasm-bindgen +
# web-sys) into examples/rust-web-app/pkg: a release wasm32 build in the example's own cargo workspace, then
# wasm-bindgen --target web without the name section (55 kB of function names). No wasm-opt: -Oz would save
# about 1 kB gzipped. Idempotent: pkg/ is rewritten each time, cargo's target/ is reused.
# Then serve examples/rust-web-app/ (e.g. node tests/mock-server/static.mjs --root examples/rust-web-app) and
# open it: it talks to the mock on 127.0.0.1:4010, or to the loopback server a `?api=` link names.
# Usage: scripts/build-rust-example.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
app=examples/rust-web-app

# The CLI must match the wasm-bindgen crate the example locks (pinned in its Cargo.toml).
want=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' "$app/Cargo.toml")
have=$(wasm-bindgen --version | awk '{print $2}')
if [ "$want" != "$have" ]; then
  echo "wasm-bindgen CLI $have does not match the example's wasm-bindgen $want:" \
    "cargo install wasm-bindgen-cli --version $want --locked" >&2
  exit 1
fi

(cd "$app" && cargo build --release --target wasm32-unknown-unknown --quiet)
rm -rf "$app/pkg"
wasm-bindgen "$app/target/wasm32-unknown-unknown/release/rust_web_app.wasm" \
  --out-dir "$app/pkg" --target web --no-typescript --remove-name-section --remove-producers-section

wasm="$app/pkg/rust_web_app_bg.wasm"
printf 'built %s: %s bytes (%s gzipped), %s: %s bytes\n' "$wasm" "$(wc -c <"$wasm")" "$(gzip -9c "$wasm" | wc -c)" \
  "$app/pkg/rust_web_app.js" "$(wc -c <"$app/pkg/rust_web_app.js")"
