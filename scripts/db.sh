#!/usr/bin/env bash
# The project's database: a PostgreSQL + PostGIS cluster under var/ (default), or the server in
# DATABASE_URL. Usage: scripts/db.sh ensure DBNAME... | stop | status | url DBNAME | psql [DBNAME]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR="$ROOT/var"
PORT_FILE="$VAR/pgport"
DBUSER=smarttrees

. "$(dirname "$0")/system.sh"

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && echo "$dir"
}

# Install PostgreSQL and the PostGIS package that matches its major version, when missing.
ensure_server_packages() {
  local bindir version
  bindir=$(pg_bindir || true)
  if [ -z "$bindir" ]; then
    apt_install postgresql postgresql-contrib
    bindir=$(pg_bindir)
  fi
  version=$(basename "$(dirname "$bindir")")
  if [ ! -f "/usr/share/postgresql/$version/extension/postgis.control" ]; then
    apt_install "postgresql-$version-postgis-3"
  fi
}

# PostgreSQL refuses to run as root: root runs the cluster as the postgres system user.
run_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The cluster lives in var/pg unless the postgres user cannot reach var/ (a checkout under /root).
cluster_dir() {
  local dir="$VAR/pg"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
    local alt="/var/lib/smarttrees/$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
    mkdir -p "$alt" && chown postgres: "$alt"
    [ -L "$dir" ] || { rm -rf "$dir"; ln -s "$alt" "$dir"; }
  fi
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir" "$(readlink -f "$dir")"
  echo "$dir"
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

first_free_port() {
  local port=$1
  while port_taken "$port"; do port=$((port + 1)); done
  echo "$port"
}

# The cluster's port: SMARTTREES_PGPORT, else the one recorded in var/pgport, else the first free
# port from 55432 (another checkout's cluster may hold 55432). The app reads the same file.
cluster_port() {
  if [ -n "${SMARTTREES_PGPORT:-}" ]; then echo "$SMARTTREES_PGPORT"; return; fi
  if [ -f "$PORT_FILE" ]; then cat "$PORT_FILE"; return; fi
  mkdir -p "$VAR" && first_free_port 55432 | tee "$PORT_FILE"
}

# Our cluster is stopped but its recorded port answers: another checkout's cluster (or another
# server) took it meanwhile. Move to the next free port, unless the user chose this one.
claim_port() {
  port_taken "$PORT" || return 0
  if [ -n "${SMARTTREES_PGPORT:-}" ]; then
    log "db: port $PORT (SMARTTREES_PGPORT) is taken by another server; choose a free port"
    exit 1
  fi
  local taken=$PORT
  PORT=$(first_free_port "$((PORT + 1))")
  echo "$PORT" >"$PORT_FILE"
  log "db: port $taken is held by another server (another checkout?); this checkout's database"
  log "db: now uses port $PORT (kept in var/pgport)"
}

# PostgreSQL's defaults suit a small shared machine; a province's import writes gigabytes of
# WAL, and with the default 1 GB a checkpoint was forced every few seconds of it. The cluster
# is the app's own: a quarter of a GB of cache, 4 GB of WAL between checkpoints.
SETTINGS="-c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=15min"

start_cluster() {
  local bindir dir
  bindir=$(pg_bindir)
  mkdir -p "$VAR"
  PORT=$(cluster_port)
  dir=$(cluster_dir)
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "db: initialising a cluster in $dir/data"
    run_as_owner "$bindir/initdb" -D "$dir/data" -U "$DBUSER" --auth=trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! run_as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    claim_port
    log "db: starting PostgreSQL on 127.0.0.1:$PORT"
    run_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $PORT -k $dir -c listen_addresses=127.0.0.1 $SETTINGS" start >/dev/null \
      || { log "db: PostgreSQL did not start; its log says:"; tail -n 5 "$dir/postgres.log" >&2; exit 1; }
  fi
}

local_url() { echo "postgresql://$DBUSER@127.0.0.1:$(cluster_port)/$1"; }

# The URL for database $1: DATABASE_URL when set (its database name replaced), else the local one.
url_for() {
  if [ -n "${DATABASE_URL:-}" ]; then
    python3 - "$DATABASE_URL" "$1" <<'PY'
import sys
from urllib.parse import urlsplit, urlunsplit
parts = urlsplit(sys.argv[1])
print(urlunsplit(parts._replace(scheme="postgresql", path="/" + sys.argv[2])))
PY
  else
    local_url "$1"
  fi
}

url_db() { python3 -c 'import sys,urllib.parse as u; print(u.urlsplit(sys.argv[1]).path.lstrip("/"))' "$1"; }

ensure_database() {
  local name=$1 admin
  admin=$(url_for postgres)
  if [ -z "$(psql "$admin" -XtAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    log "db: creating database $name"
    psql "$admin" -Xq -c "CREATE DATABASE \"$name\" ENCODING 'UTF8' TEMPLATE template0"
  fi
  psql "$(url_for "$name")" -Xq -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis"
}

cmd_ensure() {
  ensure_server_packages
  [ -n "${DATABASE_URL:-}" ] || start_cluster
  local name
  for name in "$@"; do ensure_database "$name"; done
}

cmd_stop() {
  local dir="$VAR/pg"
  if [ -f "$dir/data/PG_VERSION" ]; then
    run_as_owner "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 \
      && log "db: stopped PostgreSQL" || log "db: PostgreSQL was not running"
  fi
}

case "${1:-}" in
  ensure) shift; cmd_ensure "$@" ;;
  stop) cmd_stop ;;
  url) url_for "${2:?database name}" ;;
  dbname) url_db "${2:?url}" ;;
  psql) shift; exec psql "$(url_for "${1:-smarttrees}")" ;;
  *) echo "usage: $0 ensure DB... | stop | url DB | psql [DB]" >&2; exit 2 ;;
esac
