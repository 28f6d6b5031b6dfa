#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm -> wasm-bindgen (--target web) -> wasm-opt -Oz, and one
# ES module: the hand-written entry (js/index.js) bundled with the wasm-bindgen glue and minified, so a
# browser makes two requests (pkg/index.js, pkg/nylas_pkce_bg.wasm). Types: js/index.d.ts.
# Usage: scripts/build.sh [--dev]   (--dev: debug wasm, no wasm-opt, unminified glue)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
profile=release
[ "${1:-}" = "--dev" ] && profile=debug

if [ "$profile" = release ]; then
  cargo build --release --target wasm32-unknown-unknown --quiet
else
  cargo build --target wasm32-unknown-unknown --quiet
fi
rm -rf pkg && mkdir -p pkg/.raw
wasm-bindgen "target/wasm32-unknown-unknown/$profile/nylas_pkce.wasm" \
  --out-dir pkg/.raw --target web --no-typescript --omit-default-module-path
if [ "$profile" = release ]; then
  wasm-opt -Oz --gufa -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --strip-debug --strip-producers pkg/.raw/nylas_pkce_bg.wasm -o pkg/nylas_pkce_bg.wasm
  minify=(--minify)
else
  cp pkg/.raw/nylas_pkce_bg.wasm pkg/
  minify=()
fi
cp js/index.js pkg/.raw/index.js
esbuild pkg/.raw/index.js --bundle "${minify[@]}" --format=esm --target=es2022 --platform=neutral \
  --log-level=warning --outfile=pkg/index.js
cp js/index.d.ts pkg/index.d.ts
rm -rf pkg/.raw
total=0
for f in pkg/nylas_pkce_bg.wasm pkg/index.js; do
  gz=$(gzip -9 -c "$f" | wc -c); total=$((total + gz))
  printf '  %-24s %7d bytes, %6d gzip\n' "$f" "$(wc -c < "$f")" "$gz"
done
echo "  total gzip -9: $total bytes"
