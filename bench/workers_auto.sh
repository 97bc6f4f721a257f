#!/usr/bin/env bash
# `make bench-auto`: --workers auto (the default) against fixed --workers on the stand-in, in
# the two settings from issue 12 and a third:
#   1. an LLM-bound server (capacity mode: SLOTS served at once, SERVICE_MS each, a queue of
#      SLOTS, 429 + Retry-After beyond) - auto should reach >= 90 % of the best fixed
#      throughput with <= 1 % of requests answered 429;
#   2. a fixed 50 ms latency without a capacity limit - auto should reach >= 90 % of what
#      --max-workers fixed workers get;
#   3. a server answering at once - auto should not fall below a small fixed count (its
#      latency jitter is not queueing).
# Prints a Markdown table (items/s, requests answered 429, peak concurrency).
set -euo pipefail
build=${1:-build}
m="$build/memconn"
LINES=${LINES:-3000}
BATCH=${BATCH:-2}
SLOTS=${SLOTS:-8}
SERVICE_MS=${SERVICE_MS:-50}
MAX=${MAX:-32}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_standin() {  # flags... ; sets URL
  local out="$work/standin.$RANDOM.out"
  "$build/memconn-standin" --port 0 "$@" >"$out" 2>/dev/null &
  pids+=($!)
  for _ in $(seq 100); do grep -qs '^listening ' "$out" && break; sleep 0.05; done
  URL=$(sed -n 's/^listening //p' "$out")
}

seq 1 "$LINES" | sed 's/^/bench auto line /' >"$work/in.txt"

run() {  # label, standin flags (one string), memconn workers flags...
  local label=$1 flags=$2
  shift 2
  start_standin $flags
  local t0 t1 report
  t0=$(date +%s.%N)
  report=$("$m" ingest "$work/in.txt" --bank b --url "$URL" --state "$work/st.$RANDOM/state.json" --json \
    --batch-size "$BATCH" "$@" 2>/dev/null || true)
  t1=$(date +%s.%N)
  local stats refused requests peak
  stats=$(curl -s "$URL/_standin/stats")
  refused=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["faults"]["429"])' <<<"$stats")
  requests=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"])' <<<"$stats")
  peak=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["concurrency"]["peak"])' <<<"$report")
  sent=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["sent"])' <<<"$report")
  # Items per second counts what was delivered: a run that gave up early is not fast.
  python3 -c "import sys; l,t,r,q,p,n=sys.argv[1:]; t=float(t); print(f'| {l} | {int(n)/t:.0f} | {n} of $LINES | {r} of {q} ({100*int(r)/max(1,int(q)):.1f} %) | {p} |')" \
    "$label" "$(echo "$t1 - $t0" | bc)" "$refused" "$requests" "$peak" "$sent"
  kill "${pids[-1]}" 2>/dev/null || true
}

echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); stand-in and client on it."
echo "$LINES lines, batch $BATCH."
echo
echo "LLM-bound server: $SLOTS slots x ${SERVICE_MS} ms, queue $SLOTS, then 429"
echo
echo "| workers | items/s delivered | delivered | answered 429 | peak in flight |"
echo "|---|---:|---:|---:|---:|"
cap="--capacity-slots $SLOTS --capacity-queue $SLOTS --capacity-ms $SERVICE_MS --retry-after 1"
for w in 2 4 8 16 32; do run "fixed $w" "$cap" --workers "$w"; done
run "auto (max $MAX)" "$cap" --workers auto --max-workers "$MAX"
echo
echo "Fixed 50 ms latency, no capacity limit"
echo
echo "| workers | items/s delivered | delivered | answered 429 | peak in flight |"
echo "|---|---:|---:|---:|---:|"
run "fixed $MAX" "--latency-ms 50" --workers "$MAX"
run "auto (max $MAX)" "--latency-ms 50" --workers auto --max-workers "$MAX"
echo
echo "A server answering at once (no added latency): auto must not take jitter for queueing"
echo
echo "| workers | items/s delivered | delivered | answered 429 | peak in flight |"
echo "|---|---:|---:|---:|---:|"
run "fixed 4" "" --workers 4
run "fixed 8" "" --workers 8
run "auto (max $MAX)" "" --workers auto --max-workers "$MAX"
