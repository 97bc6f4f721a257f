#!/usr/bin/env bash
# `make bench`: memconn ingest side by side with the reference Go pipeline and a bare libcurl
# loop (the floor: bench/bare_loop.cc), all posting the same 200k chat-like lines to the same
# fast sink (../shared/bench/sink, Go net/http), at batch 10 x 4 workers and batch 50 x 8
# workers, best of RUNS (3); wall time, client CPU seconds and the ratios. Then peak-RSS
# flatness from 10k to 2M lines and over interleaved conversations (documents), and
# throughput against 50 ms server latency (stand-in).
# Prints Markdown tables and writes them to bench/results.md.
#
# Without ../shared/bench (SHARED_BENCH overrides) or Go, the sink and the reference are skipped (said on stderr):
# memconn and the bare loop then run against memconn's own stand-in, which is itself the
# bottleneck, so those figures show little.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
# ../shared/bench beside the checkout (or beside the worktree folder of a git worktree).
shared=${SHARED_BENCH:-$root/../shared/bench}
[[ -d "$shared" || -n "${SHARED_BENCH:-}" ]] || shared=$root/../../shared/bench
m="$build/memconn"
bare="$build/memconn-bare-loop"
RUNS=${RUNS:-3}
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

start_sink() {  # sets URL; the sink takes a fixed address, so ask the kernel for a free port
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$work/go/sink" -addr "127.0.0.1:$port" >/dev/null 2>&1 &
  pids+=($!)
  SINK_PID=$!
  URL="http://127.0.0.1:$port"
  for _ in $(seq 100); do curl -sf "$URL/stats" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "bench: the sink did not start on port $port" >&2
  exit 1
}

gen() {  # lines, path: ~80-byte chat-like lines (the shared generator when present)
  if [[ -f "$shared/gen-lines.py" ]]; then
    python3 "$shared/gen-lines.py" "$1" >"$2"
  else
    awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "memory %d: user %d asked about order %d and the agent resolved it\n", i, i % 977, i * 7 }' >"$2"
  fi
}

server_cpu() { if [[ -n "${SINK_PID:-}" ]]; then awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$SINK_PID/stat"; else echo 0; fi; }
# timed, and the server's CPU seconds while it ran (SERVER_CPU; 0 without the sink)
timed_with_server() {
  local before
  before=$(server_cpu)
  timed "$@"
  SERVER_CPU=$(awk -v a="$before" -v b="$(server_cpu)" 'BEGIN { printf "%.2f", b - a }')
}

json_field() { sed -n "s/.*\"$2\":\([0-9.e+-]*\).*/\1/p" "$1"; }

timed() {  # out-file, command... ; sets WALL CPU RSS_MB from /usr/bin/time
  local out=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out"
  local user sys rss
  read -r WALL user sys rss <"$work/time"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  RSS_MB=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
}

run_memconn() {  # url, input, workers, batch ; sets WALL CPU RSS_MB ITEMS_S; checks every line was sent
  local url=$1 input=$2 workers=$3 batch=$4
  rm -rf "$work"/state.json*
  timed_with_server "$work/report.json" "$m" ingest "$input" --bank bench --url "$url" --workers "$workers" \
    --batch-size "$batch" --state "$work/state.json" --json -q
  ITEMS_S=$(json_field "$work/report.json" items_per_s)
  local sent lines
  sent=$(json_field "$work/report.json" sent)
  lines=$(grep -c . "$input")
  if [[ "$sent" != "$lines" ]]; then
    echo "bench: memconn sent $sent of $lines lines" >&2
    exit 1
  fi
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
machine="$(nproc) cores ($cpu), $(free -g | awk '/Mem:/ { print $2 }') GiB RAM, $(uname -sr)"
echo "machine: $machine; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

have_go=0
if [[ ! -d "$shared/sink" || ! -d "$shared/reference-go" ]]; then
  echo "bench: skipped the Go sink and the reference pipeline: $shared/{sink,reference-go} not found" >&2
elif ! command -v go >/dev/null; then
  echo "bench: skipped the Go sink and the reference pipeline: no Go toolchain (apt-get install golang-go)" >&2
else
  mkdir -p "$work/go"
  for d in sink reference-go; do
    (cd "$shared/$d" && GOCACHE="${GOCACHE:-$work/go/cache}" go build -o "$work/go/$d" .)
  done
  have_go=1
fi

gen 200000 "$work/200k.txt"
{
  echo "Machine: $machine; every client and the server on the same machine; best of $RUNS runs (wall and CPU each their own best)."
  echo
  if ((have_go)); then
    echo "Server: ../shared/bench/sink (Go net/http). Reference: ../shared/bench/reference-go. Floor: bench/bare_loop.cc (libcurl, no ids, no state)."
  else
    echo "Server: memconn's stand-in (Go not available: reference skipped, figures bounded by the stand-in)."
  fi
  echo
  echo "| 200k lines | memconn wall s | reference wall s | bare loop wall s | memconn CPU s | reference CPU s | bare loop CPU s | memconn / bare wall (target ≤ 1.10) | reference / memconn wall (target ≥ 1.15) | memconn / reference CPU (target ≤ 0.85) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$work/table.md"

# The server shares the two cores, and memconn's items carry more than content (origin
# metadata, a 64-character document id): the sink's CPU per client shows what that costs it,
# and a bare loop sending memconn's body shape gives the floor for memconn's wall time.
server_table="$work/server.md"
{
  echo
  echo "| 200k lines | sink CPU s serving memconn | serving the reference | serving the bare loop | bare loop with memconn's bodies: wall s | its CPU s | sink CPU s serving it | memconn / that wall |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} >"$server_table"
for cfg in "10 4" "50 8"; do
  read -r batch workers <<<"$cfg"
  SINK_PID=""
  if ((have_go)); then start_sink; else start_standin; fi
  url=$URL
  mw="" mc="" rw="" rc="" bw="" bc="" fw="" fc="" ms="" rs="" bs="" fs=""
  for _ in $(seq "$RUNS"); do  # interleaved, so a burst of load elsewhere hits all of them
    timed_with_server "$work/bare.out" "$bare" "$url/v1/default/banks/bare/memories" "$work/200k.txt" "$batch" "$workers"
    bw=$(min "$WALL" "$bw"); bc=$(min "$CPU" "$bc"); bs=$(min "$SERVER_CPU" "$bs")
    timed_with_server "$work/bare.out" "$bare" "$url/v1/default/banks/bare/memories" "$work/200k.txt" "$batch" "$workers" memconn-bodies
    fw=$(min "$WALL" "$fw"); fc=$(min "$CPU" "$fc"); fs=$(min "$SERVER_CPU" "$fs")
    if ((have_go)); then
      timed_with_server "$work/ref.out" env HINDSIGHT_API_URL="$url" BATCH="$batch" WORKERS="$workers" "$work/go/reference-go" "$work/200k.txt"
      rw=$(min "$WALL" "$rw"); rc=$(min "$CPU" "$rc"); rs=$(min "$SERVER_CPU" "$rs")
    fi
    run_memconn "$url" "$work/200k.txt" "$workers" "$batch"
    mw=$(min "$WALL" "$mw"); mc=$(min "$CPU" "$mc"); ms=$(min "$SERVER_CPU" "$ms")
  done
  printf '| batch %s × %s workers | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$batch" "$workers" \
    "$mw" "${rw:--}" "$bw" "$mc" "${rc:--}" "$bc" "$(ratio "$mw" "$bw")" "$(ratio "$rw" "$mw")" "$(ratio "$mc" "$rc")" \
    >>"$work/table.md"
  printf '| batch %s × %s workers | %s | %s | %s | %s | %s | %s | %s |\n' "$batch" "$workers" \
    "$ms" "${rs:--}" "$bs" "$fw" "$fc" "$fs" "$(ratio "$mw" "$fw")" >>"$server_table"
  echo "done: batch $batch x $workers workers" >&2
done
((have_go)) && cat "$server_table" >>"$work/table.md"
SINK_PID=""

{
  echo
  echo "| scenario (stand-in) | memconn items/s | client CPU s | peak RSS MB |"
  echo "|---|---:|---:|---:|"
} >>"$work/table.md"
# Memory must not grow with the input: same settings, 10k vs 2M lines.
gen 10000 "$work/10k.txt"
gen 2000000 "$work/2m.txt"
start_standin; url=$URL
for n in 10k 2m; do
  run_memconn "$url" "$work/$n.txt" 8 50
  printf '| %s lines, batch 50 × 8 workers (RSS flatness, target ≤ 20 MB) | %.0f | %s | %s |\n' "$n" "$ITEMS_S" "$CPU" "$RSS_MB" >>"$work/table.md"
  echo "done: rss $n" >&2
done

# Documents: conversations interleaved line by line (each line a part of another document,
# so every part after a conversation's first is an append that waits for the one before):
# memory must stay flat too, 10k lines in 1k conversations vs 1M lines in 10k conversations.
genconv() {  # lines, conversations, path
  awk -v n="$1" -v c="$2" 'BEGIN { for (i = 0; i < n; i++) printf "{\"document_id\":\"conversation_%d\",\"content\":\"turn %d: user %d asked about order %d and the agent resolved it\"}\n", i % c, int(i / c), i % 977, i * 7 }' >"$3"
}
genconv 10000 1000 "$work/conv10k.jsonl"
genconv 1000000 10000 "$work/conv1m.jsonl"
for n in 10k 1m; do
  run_memconn "$url" "$work/conv$n.jsonl" 8 50
  printf '| %s lines of interleaved conversations (%s documents), batch 50 × 8 workers (RSS flatness, target ≤ 20 MB) | %.0f | %s | %s |\n' \
    "$n" "$(json_field "$work/report.json" documents)" "$ITEMS_S" "$CPU" "$RSS_MB" >>"$work/table.md"
  echo "done: rss conversations $n" >&2
done
# JSONL with an id on every line (a notes or records dump): 100k and a million documents of
# one part each. Memory must not grow with the documents: one with nothing to send is a
# record on disk (base/disk_table.h), not in memory.
for n in 100000 1000000; do
  awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "{\"document_id\":\"note_%d\",\"content\":\"note %d: user %d asked about order %d\"}\n", i, i, i % 977, i * 7 }' >"$work/ids.jsonl"
  run_memconn "$url" "$work/ids.jsonl" 8 50
  printf '| %s lines, each its own document, batch 50 × 8 workers (RSS flatness) | %.0f | %s | %s |\n' \
    "$n" "$ITEMS_S" "$CPU" "$RSS_MB" >>"$work/table.md"
  echo "done: rss ids $n" >&2
done

# With 50 ms of server latency the ceiling is workers x batch / latency.
start_standin --latency-ms 50; slow=$URL
gen 8000 "$work/8k.txt"
run_memconn "$slow" "$work/8k.txt" 4 10
ceiling=800
share=$(awk -v a="$ITEMS_S" -v c="$ceiling" 'BEGIN { printf "%.0f%%", 100 * a / c }')
printf '| 8k lines, batch 10 × 4 workers, 50 ms latency: %s of the %s items/s ceiling (target ≥ 95%%) | %.0f | %s | %s |\n' \
  "$share" "$ceiling" "$ITEMS_S" "$CPU" "$RSS_MB" >>"$work/table.md"

# Documents against a slow server: interleaved conversations vs the same texts as plain lines.
echo >>"$work/table.md"
"$root/bench/documents_latency.sh" "$build" >>"$work/table.md"

cp "$work/table.md" "$root/bench/results.md"
cat "$work/table.md"
