#!/usr/bin/env bash
# Follows docs/operations.md as written: extracts its `# step: NAME` shell blocks and runs them in
# order, in one shell, against a private redis-server, PostgreSQL cluster, the local SP-API server
# and s3rver (tests/s3-server, `npm ci` there), with the binaries of the build tree and a stand-in
# for systemctl (fake-systemctl.sh).
# A documented command that breaks fails this test. Exit 77 (skipped) when a tool it needs is
# missing.
#   test_runbook.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$(cd "${1:?usage: test_runbook.sh SOURCE_DIR BUILD_DIR}" && pwd)
build=$(cd "${2:?usage: test_runbook.sh SOURCE_DIR BUILD_DIR}" && pwd)
doc=$src/docs/operations.md

for tool in redis-server redis-cli node openssl curl timeout /usr/lib/postgresql/15/bin/initdb; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not found"; exit 77; }
done
[ -x "$build/daemon/blazed" ] && [ -x "$build/daemon/ctl/blazectl" ] ||
  { echo "FAIL: build blazed and blazectl first"; exit 1; }
s3rver_js=$src/tests/s3-server/node_modules/s3rver/bin/s3rver.js
[ -r "$s3rver_js" ] || { echo "FAIL: s3rver is not installed: run \`npm ci\` in tests/s3-server (scripts/test does)"; exit 1; }

# shellcheck source=../../scripts/lib/pg-cluster.sh
source "$src/scripts/lib/pg-cluster.sh"

fail() { echo "FAIL: $*"; exit 1; }

tmp=$(mktemp -d /tmp/blazed-runbook.XXXXXX)
chmod 755 "$tmp"
mkdir -p "$tmp/work" "$tmp/state"
pids=()
cleanup() {
  local rc=$?
  for etc in "$tmp/etc" "$tmp/etc2"; do
    if [ -f "$etc/blazed.pid" ]; then
      BLAZED=$build/daemon/blazed "$src/tests/runbook/fake-systemctl.sh" "$etc" stop blazed >/dev/null 2>&1 || true
    fi
  done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pg_cluster_stop "$tmp/pg" >/dev/null 2>&1 || true
  if [ "${RUNBOOK_KEEP:-}" != 1 ]; then rm -rf "$tmp"; fi
  exit "$rc"
}
trap cleanup EXIT

echo "== services: redis-server (evicting, no AOF: the runbook sets both), PostgreSQL, SP-API, s3rver"
redis_port=$(pg_cluster_free_port)
mkdir -p "$tmp/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --requirepass runbook-redis-pw --save '' \
  --appendonly no --maxmemory-policy allkeys-lru --dir "$tmp/redis" --logfile "$tmp/redis/log" >/dev/null 2>&1 &
pids+=($!)

pg_port=$(pg_cluster_free_port)
pg_cluster_start "$tmp/pg" "$pg_port"

cat >"$tmp/spapi.json" <<'JSON'
{ "sellers": [ { "sellerId": "RUNBOOK1", "refreshToken": "Atzr|runbook-seller", "orders": 40,
                 "transactions": 20, "marketplaceId": "ATVPDKIKX0DER" } ] }
JSON
mkfifo "$tmp/spapi.ready"
node "$src/tests/spapi-server/server.js" --state-dir "$tmp/spapi" --config "$tmp/spapi.json" \
  >"$tmp/spapi.ready" 2>"$tmp/spapi.log" &
pids+=($!)
read -r spapi_line <"$tmp/spapi.ready"
spapi_port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' <<<"$spapi_line")

# s3rver prints "S3rver listening on 127.0.0.1:PORT" once it listens; its later lines (one per
# request) are drained into a log so it never blocks on a full pipe. Node 17+ needs the legacy
# provider (s3rver's listings hash with MD4); older Node refuses the flag.
s3rver_flags=()
if node --openssl-legacy-provider -e 0 >/dev/null 2>&1; then s3rver_flags=(--openssl-legacy-provider); fi
mkfifo "$tmp/s3rver.out"
node "${s3rver_flags[@]}" "$s3rver_js" -d "$tmp/s3" -a 127.0.0.1 -p 0 --configure-bucket runbook-backups \
  >"$tmp/s3rver.out" 2>&1 &
pids+=($!)
exec 5<"$tmp/s3rver.out"
s3_port=
while [ -z "$s3_port" ] && IFS= read -r -t 30 line <&5; do
  echo "$line" >>"$tmp/s3rver.log"
  s3_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' <<<"$line")
done
[ -n "$s3_port" ] || fail "s3rver did not start: $(cat "$tmp/s3rver.log" 2>/dev/null)"
cat <&5 >>"$tmp/s3rver.log" &
pids+=($!)
exec 5<&-
printf '[default]\naws_access_key_id = S3RVER\naws_secret_access_key = runbook-s3-secret\n' >"$tmp/work/s3-eu.ini"
redis_up() { redis-cli -p "$redis_port" -a runbook-redis-pw --no-auth-warning ping >/dev/null 2>&1; }
for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
redis_up || fail "the test's redis-server on port $redis_port did not start: $(tail -3 "$tmp/redis/log" 2>/dev/null)"

echo "== the runbook's steps, from $doc"
awk '
  /^```sh$/ { inblock = 1; first = 1; next }
  /^```$/ && inblock { inblock = 0; if (run) print "__step_done"; run = 0; next }
  inblock && first { first = 0; if ($0 ~ /^# step: /) { run = 1; sub(/^# step: /, ""); print "__step " $0 } else if ($0 ~ /^# not run by the test: /) { sub(/^# not run by the test: /, ""); print "__not_run \"" $0 "\"" }; next }
  inblock && run { print }
' "$doc" >"$tmp/steps.sh"
steps=$(grep -c '^__step ' "$tmp/steps.sh" || true)
[ "$steps" -ge 10 ] || fail "only $steps runbook steps found in $doc"

printf 'Atzr|runbook-seller' >"$tmp/work/token.txt"
printf 'blazed-test-secret\n' >"$tmp/work/lwa-client-secret"
ctl_bin=$build/daemon/ctl/blazectl
me=$(id -un)
group=$(id -gn)
run_env=(
  BLAZED="$build/daemon/blazed" CTL="$ctl_bin" AS_ROOT="" AS_BLAZED="" BLAZED_USER="$me"
  BLAZED_GROUP="$group" SYSTEMCTL="$src/tests/runbook/fake-systemctl.sh $tmp/etc"
  ETC="$tmp/etc" EXAMPLE="$src/config/blazed.example.yaml" UNIT_DROPIN="$tmp/blazed.service.d"
  INSTANCE_ID=runbook-1 CONTROL_SOCKET="$tmp/control.sock" HEALTH_PORT="$(pg_cluster_free_port)"
  PSQL_SUPERUSER="$PG_CLUSTER_BIN/psql -X -q -h 127.0.0.1 -p $pg_port -U postgres -d postgres"
  PG_HOST=127.0.0.1 PG_PORT="$pg_port" REDIS_URL="redis://127.0.0.1:$redis_port/0"
  REDIS_PASSWORD=runbook-redis-pw REDIS_CONF=""
  LWA_CLIENT_ID=blazed-test-client LWA_CLIENT_SECRET_FILE="$tmp/work/lwa-client-secret"
  SPAPI_ENDPOINT_NA="https://127.0.0.1:$spapi_port" SPAPI_ENDPOINT_EU="https://127.0.0.1:$spapi_port"
  SPAPI_ENDPOINT_FE="https://127.0.0.1:$spapi_port" LWA_ENDPOINT="https://127.0.0.1:$spapi_port/auth/o2/token"
  SPAPI_CA_FILE="$tmp/spapi/ca.pem" SELLER_REFRESH_TOKEN_FILE="$tmp/work/token.txt"
  NEW_ETC="$tmp/etc2" NEW_SYSTEMCTL="$src/tests/runbook/fake-systemctl.sh $tmp/etc2"
  STATE_DIR="$tmp/state" BACKUP_BUCKET=runbook-backups BACKUP_REGION=eu-central-1
  BACKUP_ENDPOINT="http://127.0.0.1:$s3_port" BACKUP_PLAIN_HTTP=true S3_CREDENTIALS_FILE="$tmp/work/s3-eu.ini"
  NEW_INSTANCE_ID=runbook-2 NEW_CONTROL_SOCKET="$tmp/control2.sock" NEW_HEALTH_PORT="$(pg_cluster_free_port)"
)
mkdir -p "$tmp/etc"
{
  echo 'set -euo pipefail'
  echo '__step() { __current=$1; echo "== step $1"; [ "$1" != scale-out ] || copy_to_new_host; }'
  echo '__step_done() { echo "-- step $__current done"; }'
  echo '__not_run() { echo "-- documented, not run: $1"; }'
  echo "copy_to_new_host() { cp -a '$tmp/etc' '$tmp/etc2'; rm -f '$tmp/etc2/blazed.pid' '$tmp/etc2/blazed.log'; }"
  echo "trap 'echo \"FAIL: runbook step \$__current failed (line \$LINENO of $tmp/run.sh)\"' ERR"
  cat "$tmp/steps.sh"
} >"$tmp/run.sh"
if ! (cd "$tmp/work" && env "${run_env[@]}" bash "$tmp/run.sh"); then
  for f in "$tmp"/etc/blazed.log "$tmp"/etc2/blazed.log; do
    [ -f "$f" ] && { echo "--- tail of $f"; tail -n 30 "$f"; }
  done
  fail "the runbook does not run as written"
fi

echo "== what the steps left behind"
[ "$(stat -c '%U %a' "$tmp/etc/keys/k2026a")" = "$me 400" ] || fail "key owner/mode: $(stat -c '%U %a' "$tmp/etc/keys/k2026a")"
[ "$(stat -c '%a' "$tmp/etc/keys")" = 700 ] || fail "key directory mode"
[ "$(stat -c '%a' "$tmp/etc/blazed.yaml")" = 640 ] || fail "blazed.yaml mode"
[ "$(redis-cli -p "$redis_port" -a runbook-redis-pw --no-auth-warning CONFIG GET appendonly | tail -1)" = yes ] || fail "AOF is off"
[ "$(redis-cli -p "$redis_port" -a runbook-redis-pw --no-auth-warning CONFIG GET maxmemory-policy | tail -1)" = noeviction ] || fail "maxmemory-policy"
owner=$("$PG_CLUSTER_BIN/psql" -X -Atq -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
  -c "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'blazed'")
[ "$owner" = blazed_owner ] || fail "database owner: $owner"
manifests=("$tmp"/s3/runbook-backups/blazed-backups/*.manifest.json._S3rver_object)
[ -f "${manifests[0]}" ] || fail "no backup manifest on s3rver"
[ ! -e "$tmp/state/restore.pgpass" ] || fail "the restore's password file was left behind"
"$ctl_bin" --socket "$tmp/control.sock" keys status | grep -Eq '^LWA client secret: [01]d old' ||
  fail "the LWA client secret's creation date was not written: $("$ctl_bin" --socket "$tmp/control.sock" keys status)"
"$ctl_bin" --socket "$tmp/control.sock" status | grep -q runbook-1 || fail "instance 1 not running"
"$ctl_bin" --socket "$tmp/control2.sock" status | grep -q runbook-2 || fail "instance 2 not running"
echo "runbook ok ($steps steps)"
