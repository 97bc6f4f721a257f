#!/usr/bin/env bash
# Chat-export reading benchmark (issue 20): generates a ChatGPT-shaped export of about
# EXPORT_MB megabytes (scripts/gen-chat-export.py, deterministic; cached between runs), as a
# bare conversations.json and as the ZIP people download, plus a Claude-shaped one, and reads
# each with memconn-export-read (the ingest/exports library: split, parse, render, digest;
# nothing is sent). Prints wall time, throughput and peak RSS (/usr/bin/time -v) per input.
# The issue's bound: peak RSS <= 64 MB plus the largest single conversation.
#   bench/exports.sh [BUILD_DIR] [EXPORT_MB]      (make bench-exports)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
mb=${2:-500}
driver="$build/memconn-export-read"
[ -x "$driver" ] || { echo "bench/exports.sh: $driver is not built (make bench-exports)" >&2; exit 1; }
cache=${EXPORT_BENCH_DIR:-/tmp/memconn-export-bench}
mkdir -p "$cache"
gen() {  # gen FILE ARGS...: generate once per size and shape
  local out=$1; shift
  [ -s "$out" ] || python3 "$root/scripts/gen-chat-export.py" "$@" --size "${mb}M" --out "$out"
}
gen "$cache/chatgpt-${mb}M.json" --kind chatgpt --turns 12
gen "$cache/chatgpt-${mb}M.zip" --kind chatgpt --turns 12 --zip
gen "$cache/claude-${mb}M.json" --kind claude --turns 12
largest=$(python3 - "$cache/chatgpt-${mb}M.json" <<'PY'
import sys
# The largest element of the array, by bytes between top-level separators (the generator
# writes one conversation per line).
print(max(len(l) for l in open(sys.argv[1], "rb")))
PY
)
printf '%-24s %10s %8s %8s %10s %9s  %s\n' input size_MB seconds cpu_s MB/s rss_MB result
for f in "$cache/chatgpt-${mb}M.json" "$cache/chatgpt-${mb}M.zip" "$cache/claude-${mb}M.json"; do
  log=$(mktemp)
  if /usr/bin/time -v "$driver" "$f" >"$log.out" 2>"$log"; then ok=ok; else ok=FAILED; fi
  secs=$(sed -n 's/.* seconds \([0-9.]*\) .*/\1/p' "$log.out")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2/1024}' "$log")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$log")
  size=$(du -m "$f" | cut -f1)
  printf '%-24s %10s %8s %8s %10s %9s  %s\n' "$(basename "$f")" "$size" "$secs" "$cpu" \
    "$(awk -v m="$mb" -v s="$secs" 'BEGIN{ if (s > 0) printf "%.0f", m/s; else print "-" }')" "$rss" "$ok"
  sed 's/^/    /' "$log.out"
  [ "$ok" = ok ] || { cat "$log" >&2; rm -f "$log" "$log.out"; exit 1; }
  rm -f "$log" "$log.out"
done
echo "largest conversation: $(( largest / 1024 )) KiB; bound: RSS <= 64 MB + that"
