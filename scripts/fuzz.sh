#!/usr/bin/env bash
# Coverage-guided fuzzing of the core's parsers with cargo-afl (AFL++, stable Rust). Targets (fuzz/src/bin):
# callback, json, token, config, roundtrip. Seeds and the minimised corpora are committed in fuzz/corpus/.
#
#   scripts/fuzz.sh smoke [SECONDS]      every target for SECONDS (default 20; part of `npm test`), fails on
#                                        any crash or hang
#   scripts/fuzz.sh campaign [EXECS]     every target for EXECS executions (default 10,000,000), then
#                                        minimises its queue back into fuzz/corpus/<target> (afl-cmin);
#                                        prints the figures that docs/fuzzing.md records
# FUZZ_TARGETS="json token" picks targets (e.g. to run two campaigns side by side on two cores).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
mode="${1:-smoke}"
read -r -a TARGETS <<<"${FUZZ_TARGETS:-callback json token config roundtrip}"

(cd fuzz && cargo afl build --release --quiet)
out_root=$(mktemp -d)
trap 'rm -rf "$out_root"' EXIT
failed=0
for t in "${TARGETS[@]}"; do
  out="$out_root/$t"
  case "$mode" in
    smoke) limit=(-V "${2:-20}") ;;
    campaign) limit=(-E "${2:-10000000}") ;;
    *) echo "usage: scripts/fuzz.sh smoke [SECONDS] | campaign [EXECS]" >&2; exit 2 ;;
  esac
  # The round trip's values are short in real life (a state is 1-256 characters); inputs up to 4 KiB keep
  # the property's executions fast. The parsers' targets get AFL's default (1 MiB), beyond their own bounds.
  size=()
  [ "$t" = roundtrip ] && size=(-G 4096)
  start=$(date +%s)
  (cd fuzz && cargo afl fuzz -i "corpus/$t" -o "$out" "${limit[@]}" "${size[@]}" "target/release/$t" >"$out.log" 2>&1) || {
    echo "fuzz $t: afl-fuzz failed"; tail -20 "$out.log"; failed=1; continue; }
  stats="$out/default/fuzzer_stats"
  get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  crashes=$(get saved_crashes); hangs=$(get saved_hangs)
  printf 'fuzz %-9s %12s execs in %4ss (%s/s), %s crashes, %s hangs, %s paths, bitmap %s\n' \
    "$t" "$(get execs_done)" "$(( $(date +%s) - start ))" "$(get execs_per_sec)" "$crashes" "$hangs" \
    "$(get corpus_count)" "$(get bitmap_cvg)"
  if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
    echo "fuzz $t: found crashes or hangs; inputs in $out/default/{crashes,hangs}:"
    ls "$out/default/crashes" "$out/default/hangs"
    mkdir -p "fuzz/artifacts/$t" && cp -r "$out/default/crashes" "$out/default/hangs" "fuzz/artifacts/$t/"
    failed=1
  fi
  if [ "$mode" = campaign ]; then
    # afl-cmin.bash: the Python afl-cmin of AFL++ 4.40 records no coverage for these persistent-mode
    # targets and would keep nothing.
    min="$out_root/$t.min"
    cmin="$(ls -d "$HOME"/.local/share/afl.rs/*/*/afl/bin | tail -1)/afl-cmin.bash"
    (cd fuzz && "$cmin" -i "$out/default/queue" -o "$min" -- "target/release/$t" >/dev/null 2>&1)
    if [ -n "$(ls -A "$min" 2>/dev/null)" ]; then
      rm -rf "fuzz/corpus/$t" && mkdir -p "fuzz/corpus/$t"
      # Plain names: AFL's (`id:000001,src:…`) cannot be checked out on every file system.
      i=0; for f in "$min"/*; do i=$((i + 1)); cp "$f" "$(printf 'fuzz/corpus/%s/input-%04d' "$t" "$i")"; done
      echo "fuzz $t: corpus minimised to $(ls "fuzz/corpus/$t" | wc -l) inputs"
    else
      echo "fuzz $t: afl-cmin kept nothing; fuzz/corpus/$t left as it was"; failed=1
    fi
  fi
done
exit "$failed"
