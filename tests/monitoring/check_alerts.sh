#!/usr/bin/env bash
# Checks docs/monitoring: the alert rules parse (promtool check rules), their unit tests pass
# (promtool test rules), every blazed_* metric the rules and the dashboard name is registered
# somewhere in the source, and the dashboard is valid JSON. Skipped (77) without promtool.
#   check_alerts.sh SOURCE_DIR
set -euo pipefail
src=$(cd "${1:?usage: check_alerts.sh SOURCE_DIR}" && pwd)
dir=$src/docs/monitoring
command -v promtool >/dev/null || { echo "SKIP: promtool not installed (Debian package prometheus)"; exit 77; }

promtool check rules "$dir/alerts.yml"
(cd "$dir" && promtool test rules alerts.test.yml)
python3 -m json.tool "$dir/dashboard.json" >/dev/null

missing=0
# A histogram's series (_bucket, _sum, _count) belong to the family registered without the suffix.
for m in $(grep -ohE 'blazed_[a-z_]+' "$dir/alerts.yml" "$dir/dashboard.json" | sed -E 's/_(bucket|sum|count)$//' | sort -u); do
  if ! grep -rqE "\"$m\"" "$src/daemon" "$src/jobs"; then
    echo "metric $m is named in docs/monitoring but no source registers it"
    missing=1
  fi
done
exit $missing
