#!/usr/bin/env bash
# Stands in for systemctl in tests/runbook/test_runbook.sh: runs blazed the way blazed.service
# does (ETC/blazed.yaml, the credentials of ETC/credentials in $CREDENTIALS_DIRECTORY), without
# systemd. Knows daemon-reload, enable [--now], start, stop, restart and reload (like ExecReload:
# the check first, then SIGHUP, and waits for the outcome in the log).
#   fake-systemctl.sh ETC VERB [--now] UNIT
set -euo pipefail
etc=$1 verb=$2
: "${BLAZED:?BLAZED names the daemon binary}"
pidfile=$etc/blazed.pid log=$etc/blazed.log

start() {
  CREDENTIALS_DIRECTORY=$etc/credentials nohup "$BLAZED" --config "$etc/blazed.yaml" >>"$log" 2>&1 &
  echo $! >"$pidfile"
}
stop() {
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then echo "fake-systemctl: blazed did not stop" >&2; return 1; fi
  rm -f "$pidfile"
}
reload() {
  CREDENTIALS_DIRECTORY=$etc/credentials "$BLAZED" --check-config "$etc/blazed.yaml"
  local before
  before=$(grep -c -e 'configuration reloaded' -e 'reload refused' "$log" || true)
  kill -HUP "$(cat "$pidfile")"
  for _ in $(seq 1 300); do
    [ "$(grep -c -e 'configuration reloaded' -e 'reload refused' "$log" || true)" -gt "$before" ] && break
    sleep 0.1
  done
  if tail -n 50 "$log" | grep -q 'reload refused'; then echo "fake-systemctl: reload refused" >&2; return 1; fi
}

case "$verb" in
  daemon-reload) ;;
  enable) [ "${3:-}" = --now ] && start ;;
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  reload) reload ;;
  *) echo "fake-systemctl: unknown verb $verb" >&2; exit 2 ;;
esac
