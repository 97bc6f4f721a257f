#!/usr/bin/env bash
# Checks the deploy recipes in contrib/ so they cannot rot unnoticed:
#   systemd  systemd-analyze verify when available (any complaint fails), else a structural
#            check; either way the hardening and the ExecStart binary path are checked
#   cron     every job line has five schedule fields, a user and a memconn command
#   k8s      YAML parses (python3-yaml when available, else a structural check), and the
#            Indexed Job's --shard K/N agrees with its completions
#   all      every --option a recipe passes to memconn exists for that command, asked of
#            the binary itself (its generated bash completion lists options per command)
# Usage: scripts/check-contrib.sh [MEMCONN_BINARY]   (default: build/memconn)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/memconn}
bin_path=/usr/bin/memconn  # where the .deb puts it (CMake: ${CMAKE_INSTALL_BINDIR}, prefix /usr)
fail=0
err() { echo "check-contrib: $*" >&2; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- systemd ------------------------------------------------------------------------------
units=(contrib/systemd/memconn-sync.service contrib/systemd/memconn-sync.timer contrib/systemd/memconn-watch.service)
for u in "${units[@]}"; do [ -f "$u" ] || err "$u is missing"; done
has() { grep -qE "^$2\$" "$1" || err "$1: no line matching '$2'"; }
for s in contrib/systemd/*.service; do
  for sec in '\[Unit\]' '\[Service\]'; do has "$s" "$sec"; done
  has "$s" "ExecStart=$bin_path .*sync.*"
  for key in 'DynamicUser=yes' 'StateDirectory=memconn' 'ProtectSystem=strict' 'ProtectHome=yes' \
             'NoNewPrivileges=yes' 'PrivateTmp=yes' 'CapabilityBoundingSet=' 'KillSignal=SIGTERM'; do
    has "$s" "$key"
  done
done
has contrib/systemd/memconn-sync.service 'Type=oneshot'
has contrib/systemd/memconn-watch.service 'ExecStart=.* sync --watch'
has contrib/systemd/memconn-watch.service 'Restart=always'
has contrib/systemd/memconn-sync.timer '\[Timer\]'
has contrib/systemd/memconn-sync.timer 'Unit=memconn-sync.service'
has contrib/systemd/memconn-sync.timer 'WantedBy=timers.target'
if command -v systemd-analyze >/dev/null && [ -x "$bin" ]; then
  # verify insists that ExecStart's binary exists: point the copies at the one just built.
  abs_bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
  for u in "${units[@]}"; do sed "s|$bin_path|$abs_bin|" "$u" >"$tmp/$(basename "$u")"; done
  # It exits 0 on unknown keys and bad values (it only warns): any output is a failure.
  out=$(cd "$tmp" && systemd-analyze verify --man=no ./*.service ./*.timer 2>&1) || err "systemd-analyze verify failed"
  [ -z "$out" ] || err "systemd-analyze verify: $out"
else
  echo "check-contrib: systemd-analyze (or $bin) not available: structural checks only" >&2
fi

# --- cron ---------------------------------------------------------------------------------
cron=contrib/cron/memconn.crontab
field='(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(/[0-9]+)?)*'
jobs=0
while IFS= read -r line; do
  case $line in '' | '#'* | [A-Z_]*=*) continue ;; esac
  jobs=$((jobs + 1))
  [[ $line =~ ^($field[[:space:]]+){5}[a-z_][a-z0-9_-]*[[:space:]]+memconn[[:space:]] ]] ||
    err "$cron: not '<5 fields> <user> memconn ...': $line"
done <"$cron"
[ $jobs -gt 0 ] || err "$cron: no jobs"

# --- Kubernetes -----------------------------------------------------------------------------
yamls=(contrib/kubernetes/cronjob.yaml contrib/kubernetes/indexed-job.yaml)
for y in "${yamls[@]}"; do
  [ -f "$y" ] || { err "$y is missing"; continue; }
  if grep -qP '\t' "$y"; then err "$y: tab characters (YAML forbids them for indentation)"; fi
  for key in '^apiVersion: batch/v1$' '^kind: ' '^metadata:$' '^spec:$' 'image: ' 'command: \["/usr/bin/memconn"\]'; do
    grep -qE "$key" "$y" || err "$y: no line matching '$key'"
  done
  # Indentation in steps of two, and every "key:" line well formed.
  awk -v f="$y" '!/^[[:space:]]*(#|$)/ {
      match($0, /^ */); if (RLENGTH % 2) { print f ":" NR ": odd indentation"; bad = 1 }
    } END { exit bad }' "$y" >&2 || fail=1
done
if python3 -c 'import yaml' 2>/dev/null; then
  python3 - "${yamls[@]}" <<'PY' || fail=1
import sys, yaml
for path in sys.argv[1:]:
    for doc in yaml.safe_load_all(open(path)):
        assert doc["apiVersion"] == "batch/v1" and doc["kind"] in ("CronJob", "Job"), path
        job = doc["spec"]["jobTemplate"]["spec"] if doc["kind"] == "CronJob" else doc["spec"]
        c = job["template"]["spec"]["containers"][0]
        assert c["command"] == ["/usr/bin/memconn"], path
PY
else
  echo "check-contrib: python3-yaml not available: structural YAML checks only" >&2
fi
ij=contrib/kubernetes/indexed-job.yaml
grep -qE '^  completionMode: Indexed$' "$ij" || err "$ij: not an Indexed Job"
completions=$(sed -nE 's/^  completions: ([0-9]+)$/\1/p' "$ij")
parallelism=$(sed -nE 's/^  parallelism: ([0-9]+)$/\1/p' "$ij")
shard=$(grep -oE '"\$\(JOB_COMPLETION_INDEX\)/[0-9]+"' "$ij" | grep -oE '[0-9]+' || true)
[ -n "$completions" ] && [ "$completions" = "$shard" ] && [ "$parallelism" = "$shard" ] ||
  err "$ij: completions ($completions), parallelism ($parallelism) and --shard K/N ($shard) must agree"
grep -qE '^ +- "--shard"$' "$ij" || err "$ij: no --shard argument"

# --- every option a recipe passes exists for its command ------------------------------------
# Each recipe's memconn command lines, as words: systemd ExecStart, cron jobs, k8s args.
commands() {
  sed -nE "s|^ExecStart=$bin_path ||p" contrib/systemd/*.service
  sed -nE 's/^([^#A-Z][^ ]* +){6}memconn //p' "$cron" | sed 's/;.*//'
  sed -nE 's/^.*; memconn //p' "$cron"
  for y in "${yamls[@]}"; do
    awk '/^ *args:$/ { on = 1; next } on && /^ *- "/ { gsub(/^ *- "|"$/, ""); printf "%s ", $0; next }
         on { on = 0; print "" }' "$y"
  done
}
if [ -x "$bin" ]; then
  "$bin" completion bash >"$tmp/completion.bash"
  # shellcheck disable=SC1091
  source "$tmp/completion.bash"
  while read -r -a words; do
    [ ${#words[@]} -gt 0 ] || continue
    cmd='' i=0
    while [ $i -lt ${#words[@]} ]; do
      w=${words[i]}
      case $w in
        -*)
          known=" $(_memconn_options "$cmd") "
          [[ $known == *" ${w%%=*} "* ]] || err "recipe passes ${w%%=*} to 'memconn $cmd', which has no such option: ${words[*]}"
          if _memconn_takes_value "$w" "$cmd"; then i=$((i + 1)); fi ;;
        *)
          if _memconn_is_subcommand "$w" "$cmd"; then
            cmd=${cmd:+$cmd }$w
          elif [ -z "$cmd" ]; then
            # A subcommand this binary does not have (yet): its options cannot be checked.
            echo "check-contrib: 'memconn $w' is not in this binary: options after it unchecked" >&2
            break
          fi ;;
      esac
      i=$((i + 1))
    done
  done < <(commands)
else
  echo "check-contrib: $bin not built: recipe options unchecked" >&2
fi

[ $fail -eq 0 ] || exit 1
echo "contrib recipes ok"
