#!/usr/bin/env bash
# Builds the npm package into pkg/ from the binding crate (npm/), in two halves:
#   login   (what every page loads with `import 'nylas-pkce'`: PKCE, authorization URLs, config checks,
#            records, the token's validity)
#   session (loaded on first use: callbacks, token answers, refresh, revocation, token and grant info)
# Each: release wasm (no_std, its own cargo feature) -> wasm-bindgen (--target web) -> wasm-opt -Oz; then
# scripts/package.mjs inlines each wasm into its ES module and bundles the package's JS (js/) with
# esbuild. Types: js/*.d.ts.
# Usage: scripts/build.sh [--dev] [--split DIR]
#   --dev: debug wasm, no wasm-opt, no minifying. --split DIR: also a build with separate .wasm files (bench).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
profile=release
package_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) profile=debug; package_args+=(--dev) ;;
    --split) package_args+=(--split "$2"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
cargo_flags=(--target wasm32-unknown-unknown -p nylas-pkce-npm --no-default-features --quiet)
[ "$profile" = release ] && cargo_flags+=(--release)

rm -rf pkg && mkdir -p pkg/.raw
for half in login session; do
  cargo build "${cargo_flags[@]}" --features "$half"
  wasm-bindgen "target/wasm32-unknown-unknown/$profile/nylas_pkce_npm.wasm" \
    --out-dir pkg/.raw --out-name "$half" --target web --no-typescript --omit-default-module-path
  if [ "$profile" = release ]; then
    wasm-opt -Oz --flatten --rereloop -Oz --gufa -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --strip-debug --strip-producers "pkg/.raw/${half}_bg.wasm" -o "pkg/.raw/$half.wasm"
  else
    cp "pkg/.raw/${half}_bg.wasm" "pkg/.raw/$half.wasm"
  fi
done
node scripts/package.mjs "${package_args[@]}"
cp js/index.d.ts js/callback.d.ts js/react.d.ts pkg/
rm -rf pkg/.raw
node scripts/size-check.mjs --report
