#!/usr/bin/env bash
# Documents as fast as plain lines (issue 19): 60 conversations x 10 turns interleaved at
# random, against the stand-in answering every write after LATENCY_MS (300), batch 10 x 8
# workers; the same 600 texts as plain lines (content-hash ids, no documents) for
# comparison. Wall time of each, best of RUNS (3), the ratio (target <= 1.5), and a check that
# every conversation is stored whole, exactly once. Prints one Markdown table.
# Usage: bench/documents_latency.sh [build dir]
set -euo pipefail
build=${1:-build}
m="$build/memconn"
LATENCY_MS=${LATENCY_MS:-300}
RUNS=${RUNS:-3}
work=$(mktemp -d)
pid=
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$build/memconn-standin" --port 0 --latency-ms "$LATENCY_MS" --fault-scope writes >"$work/standin.out" 2>/dev/null &
pid=$!
for _ in $(seq 100); do grep -qs '^listening ' "$work/standin.out" && break; sleep 0.05; done
url=$(sed -n 's/^listening //p' "$work/standin.out")

# The turns of 60 conversations, shuffled with a fixed seed (turn order kept per conversation:
# a stable sort on a random key of the conversation's turn index would not, so the shuffle
# picks conversations, and each conversation's next turn follows).
python3 - "$work" <<'PY'
import json, random, sys
work = sys.argv[1]
rng = random.Random(20261207)
next_turn = {c: 0 for c in range(60)}
order = [c for c in range(60) for _ in range(10)]
rng.shuffle(order)
with open(f"{work}/docs.jsonl", "w") as d, open(f"{work}/plain.txt", "w") as p:
    for c in order:
        t = next_turn[c]; next_turn[c] += 1
        text = f"{'user' if t % 2 == 0 else 'assistant'}: turn {t} of conversation {c} about order {c * 7 + t}"
        d.write(json.dumps({"document_id": f"conv-{c}", "content": text}) + "\n")
        p.write(text + "\n")
PY

best() {  # input -> best wall seconds over RUNS, each from a fresh state and an empty store
  local input=$1 b=""
  for _ in $(seq "$RUNS"); do
    curl -sf -X POST -H "Content-Type: application/json" -d "{}" "$url/_standin/reset" >/dev/null
    rm -rf "$work"/state.json*
    local t0 t1
    t0=$(date +%s.%N)
    "$m" ingest "$input" --bank bench --url "$url" --workers 8 --batch-size 10 --state "$work/state.json" -q
    t1=$(date +%s.%N)
    b=$(awk -v a="$t0" -v z="$t1" -v b="$b" 'BEGIN { w = z - a; print (b == "" || w < b) ? w : b }')
  done
  echo "$b"
}

plain=$(best "$work/plain.txt")
docs=$(best "$work/docs.jsonl")
# The last documents run left the store: 60 documents, each its 10 turns in order, once.
curl -s "$url/_standin/documents" | python3 -c '
import json, sys
docs = {d["document_id"]: d["content"] for d in json.load(sys.stdin)}
assert len(docs) == 60, len(docs)
for c in range(60):
    lines = docs[f"conv-{c}"].split("\n")
    assert len(lines) == 10 and all(f"turn {t} of conversation {c} " in l for t, l in enumerate(lines)), c
' || { echo "bench: a conversation is not stored whole and once" >&2; exit 1; }
ratio=$(awk -v a="$docs" -v b="$plain" 'BEGIN { printf "%.2f", a / b }')
echo "| documents vs plain lines, ${LATENCY_MS} ms a write | wall s | ratio (target ≤ 1.5) |"
echo "|---|---|---|"
printf '| 600 plain lines, batch 10 × 8 workers | %.2f | 1.00 |\n' "$plain"
printf '| 60 conversations × 10 turns interleaved at random, batch 10 × 8 workers | %.2f | %s |\n' "$docs" "$ratio"
