#!/usr/bin/env bash
# Builds the release package (pkg/, wasm inlined) plus the split variant (target/npm-split/, separate
# .wasm files) and runs the browser benchmark on both.
# Arguments are passed to scripts/bench.mjs (e.g. --runs 9 --loads 20).
# Output: markdown on stdout and in bench-results/latest.md (raw results: latest.json), and the README's
# size and speed table rewritten from them (scripts/bench-readme.mjs).
# BENCH_SKIP_BUILD=1 reuses the existing pkg/ and target/npm-split/ (for iterating on the bench itself).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  bash scripts/build.sh --split target/npm-split >&2 # stdout carries only the markdown report
fi
node scripts/bench.mjs "$@"
# The README's size and speed table, from bench-results/latest.json.
node scripts/bench-readme.mjs >&2
