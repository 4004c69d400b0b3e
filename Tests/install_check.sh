#!/usr/bin/env bash
# `make install` into a scratch DESTDIR, judged by the tools that will meet
# the result: every listed file is there, `man -l` renders both pages,
# `systemd-analyze verify` accepts the unit and `security --offline` rates
# it 1.5 or better, the installed executables run, and `make uninstall`
# takes every file back. Arguments: the files, relative to PREFIX.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
prefix=/usr/local
make -s install DESTDIR="$root" PREFIX="$prefix" >/dev/null
installed="$root$prefix"
problems=0
for f in "$@"; do
  if [ ! -s "$installed/$f" ]; then echo "install-check: missing or empty: $f"; problems=$((problems + 1)); fi
done
if [ ! -s "$root/etc/tidings/tidings.yaml" ]; then echo "install-check: no /etc/tidings/tidings.yaml"; problems=$((problems + 1)); fi
for page in tidings tidingsd; do
  if ! MANWIDTH=80 man -l "$installed/share/man/man1/$page.1" 2>/dev/null | grep -q "^NAME"; then
    echo "install-check: man -l does not render $page.1"; problems=$((problems + 1))
  fi
done
for tool in tidings tidingsd; do
  "$installed/bin/$tool" --version >/dev/null || { echo "install-check: $tool --version failed"; problems=$((problems + 1)); }
done
# Both executables run on Debian's libraries alone (the Swift runtime is static).
for binary in tidings tidingsd; do
  if ldd "$installed/bin/$binary" | grep -q "not found"; then echo "install-check: $binary misses a library"; problems=$((problems + 1)); fi
done
# The unit as installed, its ExecStart pointed at the staged binary.
unit="$root/tidingsd.service"
sed "s|$prefix/bin/tidingsd|$installed/bin/tidingsd|" "$installed/lib/systemd/system/tidingsd.service" > "$unit"
if ! systemd-analyze verify --man=no "$unit"; then echo "install-check: systemd-analyze verify failed"; problems=$((problems + 1)); fi
exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for tidingsd.service: \([0-9.]*\).*/\1/p')
if [ -z "$exposure" ] || ! awk -v e="$exposure" 'BEGIN { exit !(e <= 1.5) }'; then
  echo "install-check: exposure ${exposure:-unknown}, above 1.5"; problems=$((problems + 1))
fi
make -s uninstall DESTDIR="$root" PREFIX="$prefix" >/dev/null
left=$(find "$installed" -type f | wc -l)
if [ "$left" -ne 0 ]; then echo "install-check: make uninstall left $left files"; problems=$((problems + 1)); fi
echo "install-check: $# files installed, both man pages render, unit verified, exposure $exposure, uninstall clean; $problems problems"
[ "$problems" -eq 0 ]
