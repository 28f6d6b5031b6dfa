#!/usr/bin/env bash
# Installs what the build, demo and tests need, idempotently, on a fresh Debian machine with rustup, node
# and npm: the wasm32 target, wasm-bindgen-cli at Cargo.lock's version, Debian chromium + chromium-driver,
# the npm devDependencies, and (for the tests only, not the demo) cargo-afl for the fuzz smoke run, the
# other engines (Debian firefox-esr, webkit2gtk-driver and xvfb, and geckodriver from crates.io), and what
# the native shell example (examples/webview-shell) builds against: Debian libwebkit2gtk-4.1-dev,
# libgtk-3-dev and pkg-config. Safe to run again: each step is skipped when already done.
# `scripts/setup.sh --demo` installs only what the demo needs.
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

demo_only=false
[ "${1:-}" = --demo ] && demo_only=true
debs=()
command -v chromium >/dev/null || debs+=(chromium)
command -v chromedriver >/dev/null || debs+=(chromium-driver)
if ! $demo_only; then
  command -v firefox-esr >/dev/null || debs+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || debs+=(webkit2gtk-driver)
  command -v Xvfb >/dev/null || debs+=(xvfb)
  # The shell's -sys crates find WebKitGTK 4.1 and GTK 3 through pkg-config.
  command -v pkg-config >/dev/null || debs+=(pkg-config)
  for dev in libwebkit2gtk-4.1-dev libgtk-3-dev; do
    dpkg -s "$dev" >/dev/null 2>&1 || debs+=("$dev")
  done
fi
if [ ${#debs[@]} -gt 0 ]; then
  say "installing Debian packages: ${debs[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${debs[@]}" >/dev/null
fi

if ! $demo_only && ! command -v geckodriver >/dev/null; then
  say "installing geckodriver (Firefox's WebDriver) from crates.io"
  cargo install geckodriver --locked
fi

if ! $demo_only && ! cargo afl --version >/dev/null 2>&1; then
  say "installing cargo-afl (coverage-guided fuzzing on stable Rust)"
  cargo install cargo-afl --locked
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
say "ready: $(rustc --version | cut -d' ' -f1-2), wasm-bindgen $want, $(chromium --version 2>/dev/null | head -1), node $(node --version)"
