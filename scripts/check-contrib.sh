#!/usr/bin/env bash
# Checks the deploy recipes in contrib/ so they cannot rot unnoticed:
#   systemd  systemd-analyze verify when available (any complaint fails), else a structural
#            check; either way the hardening and the ExecStart binary path are checked
#   cron     every job line has five schedule fields, a user and a memconn command
#   k8s      YAML parses (python3-yaml when available, else a structural check), and the
#            Indexed Job's --shard K/N agrees with its completions
#   serve    the Dockerfile (multi-stage Debian 12, non-root USER, HEALTHCHECK on the health
#            endpoint, exec-form ENTRYPOINT/CMD), docker-compose.yaml and kubernetes/serve.yaml
#            (Deployment with probes, Service, ConfigMap, Secret) parse and hold what they must;
#            the image's and the Deployment's command lines are accepted by the binary, and the
#            ConfigMap's config.toml loads
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


# --- serve: Docker and Kubernetes ----------------------------------------------------------
df=contrib/docker/Dockerfile
compose=contrib/docker/docker-compose.yaml
sk=contrib/kubernetes/serve.yaml
for f in "$df" "$compose" "$sk"; do [ -f "$f" ] || err "$f is missing"; done
[ "$(grep -cE '^FROM debian:12(-slim)?( AS [a-z]+)?$' "$df")" -ge 2 ] || err "$df: not a multi-stage Debian 12 build"
grep -qE '^FROM debian:12(-slim)?$' "$df" || err "$df: the final stage is not Debian 12"
user=$(sed -nE 's/^USER +([^ ]+)$/\1/p' "$df" | tail -1)
case $user in '' | 0 | 0:* | root | root:*) err "$df: the image runs as root (USER '$user')" ;; esac
grep -qE '^HEALTHCHECK .*' "$df" && grep -qE 'CMD \["curl", "-fsS", "http://127.0.0.1:8080/api/v1/health"\]' "$df" ||
  err "$df: no HEALTHCHECK on /api/v1/health"
grep -qxF 'ENTRYPOINT ["/usr/bin/memconn"]' "$df" || err "$df: ENTRYPOINT is not [\"/usr/bin/memconn\"]"
# The CMD as words (exec form is JSON).
image_cmd=$(sed -nE 's/^CMD (\[.*\])$/\1/p' "$df" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))') ||
  err "$df: CMD is not an exec-form JSON array"
if python3 -c 'import yaml' 2>/dev/null; then
  python3 - "$compose" "$sk" "$tmp" <<'PY' || fail=1
import sys, yaml
compose, sk, tmp = sys.argv[1:4]
c = yaml.safe_load(open(compose))
svc = c["services"]["memconn"]
assert svc["build"]["dockerfile"] == "contrib/docker/Dockerfile", compose
assert any(v.endswith(":/etc/memconn") for v in svc["volumes"]), compose + ": no config mount"
assert svc["secrets"] and c["secrets"], compose + ": no secret"
docs = [d for d in yaml.safe_load_all(open(sk)) if d]
kinds = {d["kind"]: d for d in docs}
for k in ("Deployment", "Service", "ConfigMap", "Secret"):
    assert k in kinds, sk + ": no " + k
pod = kinds["Deployment"]["spec"]["template"]["spec"]
ctr = pod["containers"][0]
assert ctr["command"] == ["/usr/bin/memconn"], sk
for probe in ("livenessProbe", "readinessProbe"):
    assert ctr[probe]["httpGet"]["path"] == "/api/v1/health", sk + ": " + probe
assert pod["securityContext"]["runAsNonRoot"] is True, sk
open(tmp + "/serve-args", "w").write(" ".join(ctr["args"]) + "\n")
open(tmp + "/serve-config.toml", "w").write(kinds["ConfigMap"]["data"]["config.toml"])
PY
else
  echo "check-contrib: python3-yaml not available: Docker Compose and serve.yaml unchecked" >&2
fi
if [ -x "$bin" ]; then
  # The command lines must parse: run as they are, they get as far as reading the config the
  # container would mount (absent here: exit 3), never a usage error (exit 2).
  accepted() {
    [ -e /etc/memconn/config.toml ] && return 0  # a real install here: do not start a service
    local rc=0
    timeout 10 "$bin" "$@" >/dev/null 2>"$tmp/accepted.err" || rc=$?
    [ $rc -eq 3 ] && grep -q '/etc/memconn/config.toml' "$tmp/accepted.err"
  }
  # shellcheck disable=SC2086
  accepted $image_cmd || err "$df: the binary refuses the image's command line: $image_cmd ($(cat "$tmp/accepted.err"))"
  if [ -f "$tmp/serve-args" ]; then
    # shellcheck disable=SC2046
    accepted $(cat "$tmp/serve-args") || err "$sk: the binary refuses the Deployment's args ($(cat "$tmp/accepted.err"))"
    MEMCONN_API_KEY=k MEMORY_API_KEY=k "$bin" --config "$tmp/serve-config.toml" --state "$tmp/state.json" list >/dev/null ||
      err "$sk: the ConfigMap's config.toml does not load"
  fi
fi

# --- every option a recipe passes exists for its command ------------------------------------
# Each recipe's memconn command lines, as words: systemd ExecStart, cron jobs, k8s args.
commands() {
  sed -nE "s|^ExecStart=$bin_path ||p" contrib/systemd/*.service
  sed -nE 's/^([^#A-Z][^ ]* +){6}memconn //p' "$cron" | sed 's/;.*//'
  sed -nE 's/^.*; memconn //p' "$cron"
  echo "$image_cmd"
  [ -f "$tmp/serve-args" ] && cat "$tmp/serve-args"
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
