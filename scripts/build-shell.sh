#!/usr/bin/env bash
# Builds the native shell example (examples/webview-shell: wry + tao over WebKitGTK 4.1) into
# examples/webview-shell/target/debug/webview-shell, which tests/shell/run.mjs runs under Xvfb. Needs
# libwebkit2gtk-4.1-dev and libgtk-3-dev (scripts/setup.sh installs them).
#
# A debug build, without debug info ([profile.dev] in the example's Cargo.toml): nearly all of it is wry, tao
# and the GTK/WebKit bindings, and unoptimised they build in about 2.5 min from a clean target/ on this 2-core
# machine, against 4.5 min for --release; the shell does nothing a test would wait on. Under nice, so that
# it yields to whatever else runs. Idempotent: cargo's target/ is reused (a rebuild after an edit: ~2 s).
# Usage: scripts/build-shell.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
shell=examples/webview-shell

(cd "$shell" && nice -n 10 cargo build --locked --quiet)
echo "built $shell/target/debug/webview-shell"
