#!/usr/bin/env bash
# Builds the framework examples (examples/leptos-app over adapters/leptos, examples/dioxus-app over
# adapters/dioxus) into examples/<app>/pkg: one release wasm32 build of both in the adapters' own cargo
# workspace (adapters/Cargo.toml: one Cargo.lock, one target/ in adapters/target, dependencies' features
# unified across the two apps), then wasm-bindgen --target web for each, without the name section.
# Clippy runs in the same compile: clippy-driver is the workspace's rustc wrapper, so the adapters and the
# apps are linted (-D warnings, the root's clippy.toml) as they are built, and no second, check-mode build
# of Leptos and Dioxus is needed for the lint. LINT=0 builds without it.
# No trunk or dx: nothing is downloaded at build time. Idempotent: pkg/ is rewritten, target/ is reused.
# Then serve an example (e.g. node tests/mock-server/static.mjs --root examples/leptos-app) and open it: it
# talks to the mock on 127.0.0.1:4010, or to the loopback server a `?api=` link names.
# Usage: scripts/build-framework-examples.sh [leptos-app|dioxus-app ...]   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=(leptos-app dioxus-app)

# The CLI must match the wasm-bindgen crate the examples lock (pinned in their Cargo.toml).
have=$(wasm-bindgen --version | awk '{print $2}')
for app in "${apps[@]}"; do
  want=$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' "examples/$app/Cargo.toml")
  if [ "$want" != "$have" ]; then
    echo "wasm-bindgen CLI $have does not match $app's wasm-bindgen $want:" \
      "cargo install wasm-bindgen-cli --version $want" >&2
    exit 1
  fi
done

packages=()
for app in "${apps[@]}"; do packages+=(-p "$app"); done
lint=()
[ "${LINT:-1}" = 0 ] || lint=(env RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)" CLIPPY_ARGS=-Dwarnings)
(cd adapters && "${lint[@]}" cargo build --release --locked --target wasm32-unknown-unknown --quiet "${packages[@]}")
target=${CARGO_TARGET_DIR:-adapters/target}
for app in "${apps[@]}"; do
  crate=${app//-/_}
  rm -rf "examples/$app/pkg"
  wasm-bindgen "$target/wasm32-unknown-unknown/release/$crate.wasm" \
    --out-dir "examples/$app/pkg" --target web --no-typescript --remove-name-section --remove-producers-section
  wasm="examples/$app/pkg/${crate}_bg.wasm"
  js="examples/$app/pkg/$crate.js"
  printf 'built %s: %s bytes (%s gzipped), %s: %s bytes (%s gzipped)\n' "$wasm" "$(wc -c <"$wasm")" \
    "$(gzip -9c "$wasm" | wc -c)" "$js" "$(wc -c <"$js")" "$(gzip -9c "$js" | wc -c)"
done
