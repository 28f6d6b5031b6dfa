#!/usr/bin/env bash
# Builds the release package (pkg/) and runs the browser benchmark (scripts/bench.mjs) on it.
# Arguments are passed to scripts/bench.mjs (e.g. --loads 15, --record to write docs/bench.json, from which
# scripts/readme-table.mjs then rewrites the README's table).
# Output: markdown on stdout and in bench-results/latest.md; the numbers in bench-results/latest.json.
# BENCH_SKIP_BUILD=1 reuses the existing pkg/ (for iterating on the bench itself).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  bash scripts/build.sh >&2 # stdout carries only the markdown report
fi
node scripts/bench.mjs "$@"
if [[ " $* " == *" --record "* ]]; then
  node scripts/readme-table.mjs --write >&2
fi
