#!/usr/bin/env bash
# Builds the npm package into pkg/ from the binding crate (npm/): the protocol's wasm, built once (release,
# no_std) -> wasm-bindgen (--target web) -> wasm-opt -Oz; then scripts/package.mjs bundles the package's JS
# (js/) with esbuild around it: the entry (no wasm), the protocol module that the entry loads on first use
# (with the wasm as a separate file and an inlined fallback), and the subpaths. Types: js/*.d.ts.
# Usage: scripts/build.sh [--dev]
#   --dev: debug wasm, no wasm-opt, no minifying.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
profile=release
package_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) profile=debug; package_args+=(--dev) ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
cargo_flags=(--target wasm32-unknown-unknown -p nylas-pkce-npm --no-default-features --quiet)
[ "$profile" = release ] && cargo_flags+=(--release)

rm -rf pkg && mkdir -p pkg/.raw
cargo build "${cargo_flags[@]}"
wasm-bindgen "target/wasm32-unknown-unknown/$profile/nylas_pkce_npm.wasm" \
  --out-dir pkg/.raw --out-name protocol --target web --no-typescript --omit-default-module-path
if [ "$profile" = release ]; then
  wasm-opt -Oz --flatten --rereloop -Oz --gufa -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --strip-debug --strip-producers pkg/.raw/protocol_bg.wasm -o pkg/.raw/protocol.wasm
else
  cp pkg/.raw/protocol_bg.wasm pkg/.raw/protocol.wasm
fi
node scripts/package.mjs "${package_args[@]}"
cp js/index.d.ts js/protocol.d.ts js/callback.d.ts js/react.d.ts pkg/
rm -rf pkg/.raw
node scripts/size-check.mjs --report
