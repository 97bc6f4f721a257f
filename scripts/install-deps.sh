#!/usr/bin/env bash
# Installs the Debian packages memconn builds, tests and benchmarks with.
# Idempotent: does nothing (not even apt-get update) when every package is present.
set -euo pipefail
pkgs=(build-essential cmake pkg-config git libcli11-dev libcurl4-openssl-dev libsimdjson-dev
      libtomlplusplus-dev doctest-dev libcpp-httplib-dev libmicrohttpd-dev libssl-dev curl mandoc bash-completion time
      zsh fish python3-yaml gcovr ccache libarchive-dev
      clang libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
