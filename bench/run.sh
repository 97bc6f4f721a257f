#!/usr/bin/env bash
# `make bench`: memconn ingest throughput against the stand-in Hindsight at zero latency,
# compared with wrk posting the identical request body at the same concurrency (the wire
# limit of this server on this machine); CPU and peak RSS of the client; RSS flatness from
# 10k to 2M lines; and throughput against 50 ms server latency. Prints a Markdown table
# and writes it to bench/results.md.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
m="$build/memconn"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_standin() {  # flags... ; sets URL (not a subshell, so cleanup knows the pid)
  local out="$work/standin.$RANDOM.out"
  "$build/memconn-standin" --port 0 "$@" >"$out" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do grep -qs '^listening ' "$out" && break; sleep 0.05; done
  URL=$(sed -n 's/^listening //p' "$out")
}

gen() {  # lines, path: distinct lines of ~80 bytes, like chat memories
  awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "memory %d: user %d asked about order %d and the agent resolved it\n", i, i % 977, i * 7 }' >"$2"
}

json_field() { sed -n "s/.*\"$2\":\([0-9.e+-]*\).*/\1/p" "$1"; }

run_memconn() {  # url, input, workers, batch, bank ; sets ITEMS_S CPU_S RSS_MB ELAPSED
  local url=$1 input=$2 workers=$3 batch=$4 bank=$5
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
    "$m" ingest "$input" --bank "$bank" --url "$url" --workers "$workers" --batch-size "$batch" \
    --state "$work/state-$bank.json" --json -q >"$work/report.json"
  read -r ELAPSED user sys rss <"$work/time"
  ITEMS_S=$(json_field "$work/report.json" items_per_s)
  CPU_S=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  RSS_MB=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
}

run_wrk() {  # url, workers, batch, input ; sets WRK_ITEMS_S
  # The same bodies memconn sent for this input, posted by wrk at the same concurrency.
  local url=$1 workers=$2 batch=$3 input=$4
  "$m" ingest "$input" --bank wrk --url "$url" --batch-size "$batch" --dry-run -q >"$work/bodies.jsonl"
  local threads=$(( workers < 2 ? workers : 2 ))
  WRK_THREADS=$threads BODY_FILE="$work/bodies.jsonl" wrk -t "$threads" -c "$workers" -d "$WRK_SECONDS" \
    -s "$root/bench/wrk-post.lua" "$url/v1/default/banks/wrk/memories" >"$work/wrk.txt"
  local rps
  rps=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
  WRK_ITEMS_S=$(awk -v r="$rps" -v b="$batch" 'BEGIN { printf "%.0f", r * b }')
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "machine: $(nproc) cores, $cpu, $(free -g | awk '/Mem:/ { print $2 }') GiB RAM; $(uname -sr)" >&2

gen 200000 "$work/200k.txt"
gen 1000000 "$work/1m.txt"
WRK_SECONDS=${WRK_SECONDS:-2}
{
  echo "Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, $(uname -sr); stand-in and client on the same machine."
  echo
  echo "| scenario | memconn items/s | wrk items/s (same bodies, same concurrency) | memconn / wrk | client CPU s | peak RSS MB |"
  echo "|---|---:|---:|---:|---:|---:|"
} >"$work/table.md"
for cfg in "4 10" "8 50"; do
  read -r workers batch <<<"$cfg"
  start_standin; url=$URL
  run_memconn "$url" "$work/200k.txt" "$workers" "$batch" "b$workers-$batch"
  # wrk needs more distinct bodies than it can send in WRK_SECONDS: take them from 1M lines.
  start_standin; url=$URL
  run_wrk "$url" "$workers" "$batch" "$work/1m.txt"
  ratio=$(awk -v a="$ITEMS_S" -v b="$WRK_ITEMS_S" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  printf '| 200k lines, %s workers x batch %s, 0 ms latency | %.0f | %s | %s | %s | %s |\n' \
    "$workers" "$batch" "$ITEMS_S" "$WRK_ITEMS_S" "$ratio" "$CPU_S" "$RSS_MB" >>"$work/table.md"
  echo "done: workers=$workers batch=$batch" >&2
done

# Memory must not grow with the input: same settings, 10k vs 2M lines.
gen 10000 "$work/10k.txt"
gen 2000000 "$work/2m.txt"
start_standin; url=$URL
for n in 10k 2m; do
  run_memconn "$url" "$work/$n.txt" 8 50 "rss-$n"
  printf '| %s lines, 8 workers x batch 50 (RSS flatness) | %.0f | | | %s | %s |\n' "$n" "$ITEMS_S" "$CPU_S" "$RSS_MB" >>"$work/table.md"
  echo "done: rss $n" >&2
done

# With 50 ms of server latency the ceiling is workers x batch / latency.
start_standin --latency-ms 50; slow=$URL
gen 8000 "$work/8k.txt"
run_memconn "$slow" "$work/8k.txt" 4 10 slow
ceiling=800
ratio=$(awk -v a="$ITEMS_S" -v c="$ceiling" 'BEGIN { printf "%.0f%%", 100 * a / c }')
printf '| 8k lines, 4 workers x batch 10, 50 ms latency (ceiling %s items/s) | %.0f | | %s of ceiling | %s | %s |\n' \
  "$ceiling" "$ITEMS_S" "$ratio" "$CPU_S" "$RSS_MB" >>"$work/table.md"

cp "$work/table.md" "$root/bench/results.md"
cat "$work/table.md"
