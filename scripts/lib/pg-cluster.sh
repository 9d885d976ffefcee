#!/usr/bin/env bash
# Owns a throw-away PostgreSQL 15 cluster for scripts/test and scripts/demo: start/stop it in a state
# directory on a loopback port (as the postgres user when run as root: initdb refuses root).
#
# Source it and call the functions, or run it as a command:
#   . scripts/lib/pg-cluster.sh
#   port=$(pg_cluster_free_port)
#   pg_cluster_start "$state/pg" "$port"     # initdb on first use, then start and wait until ready
#   pg_cluster_createdb "$state/pg" blazed   # CREATE DATABASE if it does not exist yet
#   eval "$(pg_cluster_env "$state/pg")"     # BLAZED_TEST_PGHOST/PGPORT/PGUSER for the test harness
#   pg_cluster_dsn "$state/pg" blazed        # a libpq DSN for the daemon's postgres.dsn
#   pg_cluster_stop "$state/pg"              # fast shutdown; a no-op when not running
#   scripts/lib/pg-cluster.sh start|stop|env|dsn DIR [PORT|DBNAME]
# The state directory's parents must be traversable by the postgres user (/tmp is; /root is not);
# its immediate parent is made so (o+x) when needed, which covers a `mktemp -d` state directory.

PG_CLUSTER_BIN=${PG_CLUSTER_BIN:-/usr/lib/postgresql/15/bin}

# Runs a command as the cluster's owner: postgres when we are root, else ourselves. As postgres it
# runs from /: postgres may not enter the caller's directory (a clone under /root), and pg_ctl
# complains when it cannot. Paths given to it must be absolute.
_pg_cluster_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Prints a loopback TCP port nobody listens on now, from below the kernel's ephemeral range: a
# port from that range can be handed to another process's outgoing connection (tests run in
# parallel) before the server that was to listen on it starts.
pg_cluster_free_port() {
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  [ "$low" -gt 21000 ] 2>/dev/null || low=32768
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % (low - 20000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "pg-cluster: no free port found" >&2
  return 1
}

# pg_cluster_start DIR PORT: creates the cluster on first use, starts it, waits until it accepts
# connections. The port is remembered in DIR/port for the other functions.
pg_cluster_start() {
  local dir=$1 port=$2
  [ -n "$dir" ] && [ -n "$port" ] || { echo "usage: pg_cluster_start DIR PORT" >&2; return 2; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
    # A mktemp -d parent is 0700: let the postgres user through it (search permission only).
    local parent
    parent=$(dirname "$dir")
    runuser -u postgres -- test -x "$parent" || chmod o+x "$parent"
    runuser -u postgres -- test -x "$dir" || {
      echo "pg-cluster: the postgres user cannot reach $dir (check its parents' permissions)" >&2
      return 1
    }
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    if ! _pg_cluster_as_owner "$PG_CLUSTER_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 \
        --locale=C --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
      echo "pg-cluster: initdb failed, see $dir/initdb.log" >&2
      tail -n 20 "$dir/initdb.log" >&2
      return 1
    fi
  fi
  echo "$port" >"$dir/port"
  if _pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "pg-cluster: already running in $dir" >&2
    return 0
  fi
  if ! _pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c lc_messages=C -c max_connections=200" \
      start >/dev/null; then
    echo "pg-cluster: postgres did not start, see $dir/postgres.log" >&2
    tail -n 20 "$dir/postgres.log" >&2
    return 1
  fi
}

# pg_cluster_stop DIR: fast shutdown (sessions aborted), waits for exit.
pg_cluster_stop() {
  local dir=$1
  [ -f "$dir/data/PG_VERSION" ] || return 0
  dir=$(cd "$dir" && pwd)
  if _pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    _pg_cluster_as_owner "$PG_CLUSTER_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  fi
}

_pg_cluster_port() { cat "$1/port"; }

# pg_cluster_createdb DIR NAME: creates database NAME unless it exists.
pg_cluster_createdb() {
  local dir=$1 name=$2 port
  port=$(_pg_cluster_port "$dir") || return 1
  # psql interpolates :'name' (quoted safely) only in statements read from stdin.
  if [ "$(echo "SELECT count(*) FROM pg_database WHERE datname = :'name'" |
        "$PG_CLUSTER_BIN/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atq -v name="$name")" != 1 ]; then
    "$PG_CLUSTER_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres "$name"
  fi
}

# pg_cluster_env DIR: prints the exports the C++ test harness reads.
pg_cluster_env() {
  local port
  port=$(_pg_cluster_port "$1") || return 1
  printf 'export BLAZED_TEST_PGHOST=127.0.0.1 BLAZED_TEST_PGPORT=%s BLAZED_TEST_PGUSER=postgres\n' "$port"
}

# pg_cluster_dsn DIR DBNAME: prints a libpq DSN (trust authentication, no password).
pg_cluster_dsn() {
  local port
  port=$(_pg_cluster_port "$1") || return 1
  printf 'host=127.0.0.1 port=%s user=postgres dbname=%s\n' "$port" "$2"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cmd=${1:-}
  shift || true
  case "$cmd" in
    start) pg_cluster_start "$@" ;;
    stop) pg_cluster_stop "$@" ;;
    createdb) pg_cluster_createdb "$@" ;;
    env) pg_cluster_env "$@" ;;
    dsn) pg_cluster_dsn "$@" ;;
    free-port) pg_cluster_free_port ;;
    *) echo "usage: $0 start DIR PORT | stop DIR | createdb DIR NAME | env DIR | dsn DIR NAME | free-port" >&2; exit 2 ;;
  esac
fi
