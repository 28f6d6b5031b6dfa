#!/usr/bin/env bash
# Installs what the build, demo and tests need, idempotently, on a fresh Debian machine with rustup, node
# and npm: the wasm32 target, wasm-bindgen-cli at Cargo.lock's version, Debian chromium + chromium-driver,
# the npm devDependencies, and (for the tests' fuzz smoke run, not the demo) cargo-afl. Safe to run again:
# each step is skipped when already done. `scripts/setup.sh --no-fuzz` skips cargo-afl.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (was: ${have:-none})"
  # No --locked: its lockfile pins a crate version the registry here may lack.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian chromium + chromium-driver"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [ "${1:-}" != --no-fuzz ] && ! cargo afl --version >/dev/null 2>&1; then
  say "installing cargo-afl (coverage-guided fuzzing on stable Rust)"
  cargo install cargo-afl --locked
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "ready: $(rustc --version | cut -d' ' -f1-2), wasm-bindgen $want, $(chromium --version 2>/dev/null | head -1), node $(node --version)"
