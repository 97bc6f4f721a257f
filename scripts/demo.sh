#!/usr/bin/env bash
# `make demo`: start the bundled stand-in Hindsight server on a free port, ingest
# sample_data/memories/ (plus a generated backfill, so the progress bar has something to
# show), then recall and reflect. Nothing outside a temp directory is touched.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_standin() {  # kind, extra flags... ; sets URL (not a subshell, so cleanup knows the pid)
  local kind=$1; shift
  "$build/memconn-standin" --kind "$kind" --port 0 "$@" >"$work/$kind.out" 2>"$work/$kind.err" &
  pids+=($!)
  for _ in $(seq 100); do grep -qs '^listening ' "$work/$kind.out" && break; sleep 0.05; done
  URL=$(sed -n 's/^listening //p' "$work/$kind.out")
}

export XDG_CONFIG_HOME="$work/config"   # config, state, dead letters: all inside the temp dir
export XDG_STATE_HOME="$work/state"
m="$build/memconn"
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-}" != dumb ]; then
  step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
else
  step() { printf '\n== %s\n' "$*" >&2; }
fi

start_standin hindsight --latency-ms 40; url=$URL
step "stand-in Hindsight listening at $url"

step "memconn ingest $root/sample_data/memories/ --bank demo --tags demo"
"$m" ingest "$root/sample_data/memories/" --bank demo --url "$url" --tags demo --context "team notes"

step "a 5,000-line backfill: 8 workers x 25 items, 40 ms server latency"
for i in $(seq 1 5000); do echo "backfill record $i: ticket $((i * 7 % 997)) closed by on-call"; done >"$work/backfill.txt"
"$m" ingest "$work/backfill.txt" --bank demo --url "$url" --workers 8 --batch-size 25

step "running it again resumes: nothing left to send"
"$m" ingest "$work/backfill.txt" --bank demo --url "$url"

step "memconn recall \"who deployed payments-api?\" --bank demo"
"$m" recall "who deployed payments-api?" --bank demo --url "$url" --budget mid

step "memconn reflect \"what caused the outages?\" --bank demo --include-facts"
"$m" reflect "what caused the outages?" --bank demo --url "$url" --include-facts

if [ -f "$root/sample_data/connector-demo.toml" ] && "$m" --help 2>/dev/null | grep -q '^ *sync'; then
  start_standin memory-api --generate 107677460544181387647:120; mem=$URL
  start_standin lightrag; rag=$URL
  export STANDIN_MEMORY_URL=$mem STANDIN_LIGHTRAG_URL=$rag MEMORY_API_KEY=demo-key LIGHTRAG_API_KEY=demo-key
  step "connector: stand-in Memory API ($mem) -> stand-in LightRAG ($rag)"
  "$m" --config "$root/sample_data/connector-demo.toml" list
  "$m" --config "$root/sample_data/connector-demo.toml" sync
  step "memconn status"
  "$m" --config "$root/sample_data/connector-demo.toml" status
fi
step "done: state and dead letters lived in $work and are removed now"
