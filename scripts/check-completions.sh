#!/usr/bin/env bash
# The committed completion scripts (completions/) must be exactly what the binary generates
# from its command tree, so a new subcommand or option cannot ship with stale completions.
#   scripts/check-completions.sh BIN            check (CTest "completions-fresh")
#   scripts/check-completions.sh BIN --update   rewrite completions/ (make completions)
# zsh and fish, when installed, also parse their scripts, and fish answers a few queries.
set -euo pipefail
bin=${1:?usage: check-completions.sh MEMCONN_BINARY [--update]}
mode=${2:-check}
dir="$(cd "$(dirname "$0")/.." && pwd)/completions"
declare -A files=([bash]=memconn.bash [zsh]=_memconn [fish]=memconn.fish)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

stale=0
for shell in bash zsh fish; do
  "$bin" completion "$shell" >"$tmp/${files[$shell]}"
  if [ "$mode" = --update ]; then
    cp "$tmp/${files[$shell]}" "$dir/${files[$shell]}"
  elif ! cmp -s "$tmp/${files[$shell]}" "$dir/${files[$shell]}"; then
    echo "completions/${files[$shell]} is stale; run: make completions" >&2
    diff -u "$dir/${files[$shell]}" "$tmp/${files[$shell]}" | head -40 >&2 || true
    stale=1
  fi
done
[ "$mode" = --update ] && { echo "completions/ regenerated from $bin"; exit 0; }
[ $stale -eq 0 ] || exit 1

bash -n "$dir/memconn.bash"
if command -v zsh >/dev/null; then zsh -n "$dir/_memconn"; else echo "zsh not installed: syntax check skipped" >&2; fi
if command -v fish >/dev/null; then
  fish --no-execute "$dir/memconn.fish"
  # Real answers, with the binary on PATH as "memconn" (the helpers call it by that name).
  mkdir "$tmp/bin" && ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$tmp/bin/memconn"
  ask() { PATH="$tmp/bin:$PATH" fish --no-config -c "source '$dir/memconn.fish'; complete -C '$1'" | cut -f1 | sort | tr '\n' ' '; }
  expect() {
    local got; got=$(ask "$1")
    [[ " $got" == *" $2 "* ]] || { echo "fish: '$1<TAB>' offers '$got', not '$2'" >&2; exit 1; }
  }
  expect "memconn in" ingest
  expect "memconn recall --budget " "high low mid"
  expect "memconn ingest --form" --format
  expect "memconn --log-format=" "--log-format=json --log-format=text"
else
  echo "fish not installed: syntax check skipped" >&2
fi
echo "completions fresh: bash, zsh, fish"
