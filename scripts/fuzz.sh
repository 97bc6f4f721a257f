#!/usr/bin/env bash
# Runs every libFuzzer harness built in the fuzz tree (make fuzz) for FUZZ_SECONDS each,
# FUZZ_JOBS at a time, starting from the committed seed corpus (tests/fuzz/corpus/<name>/).
# New inputs go to a scratch corpus in the build tree, not into the repository: a finding
# worth keeping is committed by hand, with a unit test (see docs/architecture.md, "Fuzzing").
# Fails, naming the reproducer, when a harness crashes, leaks, times out or runs out of memory.
#   scripts/fuzz.sh [BUILD_DIR] [SECONDS] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-fuzz}
seconds=${2:-60}
shift $(( $# > 2 ? 2 : $# ))
jobs=${FUZZ_JOBS:-$(nproc)}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$root"/tests/fuzz/fuzz_*.cc; do n=$(basename "$f" .cc); targets+=("${n#fuzz_}"); done
fi
work="$build/fuzz-work"
mkdir -p "$work"
run_one() {
  local name=$1 bin="$build/fuzz_$1" dir="$work/$1"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  [ -x "$bin" ] || { echo "fuzz $name: $bin is not built (make fuzz)" >&2; return 1; }
  # -rss_limit_mb: the readers promise flat memory; -timeout: no input may take a second.
  if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix="$dir/artifacts/" "$dir/corpus" "$root/tests/fuzz/corpus/$name" >"$dir/log" 2>&1; then
    echo "fuzz $name: $(grep -E '^stat::number_of_executed_units' "$dir/log" | awk '{print $2}') runs in ${seconds}s, no crash"
  else
    echo "fuzz $name: FAILED; reproducer(s): $(ls "$dir"/artifacts/ 2>/dev/null | sed "s|^|$dir/artifacts/|" | tr '\n' ' ')" >&2
    grep -E 'ERROR|SUMMARY|==[0-9]+==' "$dir/log" | head -20 >&2
    return 1
  fi
}
status=0
running=0
pids=()
names=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!); names+=("$t")
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}"); names=("${names[@]:1}")
    running=$((running - 1))
  fi
done
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
