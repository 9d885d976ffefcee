#!/usr/bin/env bash
# Checks the installed form of systemd/blazed.service: `systemd-analyze verify` must print
# nothing, and `systemd-analyze security --offline` must stay at or under the documented score.
# Usage: verify-unit.sh UNIT_TEMPLATE BLAZED_BINARY MAX_EXPOSURE
set -euo pipefail
template=$1 binary=$2 max=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
bindir=$(dirname "$binary")
sed -e "s|@CMAKE_INSTALL_FULL_BINDIR@|$bindir|g" -e "s|@CMAKE_INSTALL_FULL_DOCDIR@|/usr/share/doc/blazed|g" \
  "$template" > "$dir/blazed.service"
out=$(systemd-analyze verify "$dir/blazed.service" 2>&1 || true)
if [ -n "$out" ]; then
  echo "systemd-analyze verify complained:"; echo "$out"; exit 1
fi
score=$(systemd-analyze security --offline=true "$dir/blazed.service" 2>/dev/null |
  sed -n 's/.*Overall exposure level for blazed.service: \([0-9.]*\).*/\1/p')
echo "exposure score: $score (documented maximum $max)"
awk -v s="$score" -v m="$max" 'BEGIN { exit !(s != "" && s <= m) }'
