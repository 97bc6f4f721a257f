#!/bin/sh
# verify at scale: time and peak RSS of `memconn verify` over N generated lines (default
# 1,000,000) against a listing with 1 % of the documents missing. Usage:
#   bench/verify_1m.sh build/memconn [N]
set -eu
memconn=${1:?usage: bench/verify_1m.sh path/to/memconn [lines]}
n=${2:-1000000}
dir=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "verify benchmark line %d with some filler text to look real\n", i }' > "$dir/in.txt"
python3 "$(dirname "$0")/verify_server.py" "$dir/in.txt" 100 > "$dir/server.out" &
server=$!
while ! grep -q listening "$dir/server.out" 2>/dev/null; do sleep 0.2; done
url=$(sed -n 's/^listening //p' "$dir/server.out")
/usr/bin/time -v "$memconn" --url "$url" --bank b --json verify "$dir/in.txt" --list-limit 0 \
  > "$dir/report.json" 2> "$dir/time.txt" || true
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('expected', r['expected'], 'present', r['present'], 'missing', r['missing'])" "$dir/report.json"
grep -E "Elapsed|Maximum resident|User time|System time" "$dir/time.txt"
