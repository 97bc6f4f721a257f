#!/usr/bin/env bash
# `make install` and `make package` produce what a user gets, so check them as a user would:
#   - make install PREFIX=/usr DESTDIR=<scratch> lays out the binary, the man page and the
#     three completion scripts where each tool looks for them
#   - make package builds a .deb (section utils, dependencies from dpkg-shlibdeps: runtime
#     libraries only, never a -dev package); extracted with dpkg -x into a scratch root, its
#     memconn runs (--version) against the system's libraries, no LD_LIBRARY_PATH
# Usage: scripts/check-package.sh [BUILD_DIR]   (default: build, as `make` uses)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check-package: $*" >&2; exit 1; }

expected=(
  usr/bin/memconn
  usr/share/man/man1/memconn.1
  usr/share/bash-completion/completions/memconn
  usr/share/zsh/vendor-completions/_memconn
  usr/share/fish/vendor_completions.d/memconn.fish
  usr/share/doc/memconn/examples/systemd/memconn-sync.service
  usr/share/doc/memconn/examples/kubernetes/indexed-job.yaml
  usr/share/doc/memconn/examples/memconn.example.toml
  usr/share/doc/memconn/README.md
  usr/share/doc/memconn/configuration.md
  usr/share/doc/memconn/connectors.md
  usr/share/doc/memconn/reliability.md
)

make --no-print-directory install BUILD="$build" PREFIX=/usr DESTDIR="$tmp/install" >"$tmp/install.log" ||
  { cat "$tmp/install.log" >&2; fail "make install failed"; }
for f in "${expected[@]}"; do [ -e "$tmp/install/$f" ] || fail "make install did not install /$f"; done
cmp -s completions/memconn.bash "$tmp/install/usr/share/bash-completion/completions/memconn" ||
  fail "installed bash completion differs from completions/memconn.bash"

rm -f "$build"/memconn_*.deb
make --no-print-directory package BUILD="$build" >"$tmp/package.log" || { cat "$tmp/package.log" >&2; fail "make package failed"; }
debs=("$build"/memconn_*.deb)
[ -f "${debs[0]}" ] || fail "no $build/memconn_*.deb after make package"
deb=${debs[0]}
echo "check-package: $(basename "$deb"):"
dpkg-deb --field "$deb" Package Version Architecture Section Depends Maintainer | sed 's/^/  /'

[ "$(dpkg-deb --field "$deb" Section)" = utils ] || fail "Section is not utils"
depends=$(dpkg-deb --field "$deb" Depends)
[[ $depends == *libcurl* ]] || fail "Depends does not name libcurl (dpkg-shlibdeps not run?): $depends"
[[ $depends == *libc6* ]] || fail "Depends does not name libc6: $depends"
[[ $depends != *-dev* ]] || fail "Depends names a -dev package: $depends"
[ -n "$(dpkg-deb --field "$deb" Maintainer)" ] || fail "no Maintainer"
dpkg-deb --field "$deb" Description | grep -q . || fail "no Description"

dpkg -x "$deb" "$tmp/root"
for f in "${expected[@]}"; do [ -e "$tmp/root/$f" ] || fail "the .deb does not contain /$f"; done
version=$(env -u LD_LIBRARY_PATH "$tmp/root/usr/bin/memconn" --version) || fail "the packaged memconn --version failed"
echo "$version" | sed 's/^/  /'
[[ $version == "memconn $(dpkg-deb --field "$deb" Version)"* ]] ||
  fail "packaged binary's version does not match the package version"
echo "package ok"
