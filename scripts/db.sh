#!/usr/bin/env bash
# The project's own PostGIS: its own data directory and socket under var/pg,
# never the machine's default cluster. Usage: scripts/db.sh start|stop|status
# As root, the server runs as the `postgres` system user (initdb refuses root).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
PGPORT=${PGPORT:-5544}
DBNAME=${DBNAME:-chunhatxanh}
PGHOME="$ROOT/var/pg"

pg_bindir() {
  # The newest installed server that also has PostGIS.
  local v
  for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
    if [ -x "/usr/lib/postgresql/$v/bin/pg_ctl" ] &&
       ls /usr/share/postgresql/"$v"/extension/postgis.control >/dev/null 2>&1; then
      echo "/usr/lib/postgresql/$v/bin"; return 0
    fi
  done
  echo "No PostgreSQL server with PostGIS found; run scripts/install.sh" >&2
  return 1
}

if [ "$(id -u)" = 0 ]; then
  RUNAS=postgres
  DBUSER=postgres
  # The postgres user must reach the project folder; where it cannot (a home
  # folder with mode 700), the cluster lives in a per-project folder in /var/tmp.
  if ! runuser -u postgres -- test -x "$ROOT/" 2>/dev/null; then
    PGHOME="/var/tmp/chunhatxanh-pg-$(echo -n "$ROOT" | md5sum | cut -c1-12)"
  fi
else
  RUNAS=""
  DBUSER=$(id -un)
fi
DATA="$PGHOME/data"
SOCK="$PGHOME/run"
LOG="$PGHOME/server.log"

as_pg() {
  # From / : the server user may not be allowed into the current folder.
  if [ -n "$RUNAS" ]; then (cd / && runuser -u "$RUNAS" -- "$@"); else "$@"; fi
}

start() {
  local bin; bin=$(pg_bindir)
  mkdir -p "$PGHOME" "$SOCK" "$ROOT/var/pg"
  if [ -n "$RUNAS" ]; then chown "$RUNAS" "$PGHOME" "$SOCK"; fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    echo "Creating the project's PostgreSQL cluster in $DATA"
    as_pg "$bin/initdb" -D "$DATA" -U "$DBUSER" -A trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    # Unix socket only (no TCP port to collide with anything else on the machine).
    as_pg "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start \
      -o "-k $SOCK -p $PGPORT -c listen_addresses='' -c max_connections=100" >/dev/null
    echo "Started the project's PostGIS (socket $SOCK, port $PGPORT)"
  fi
  if ! as_pg "$bin/psql" -h "$SOCK" -p "$PGPORT" -U "$DBUSER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='$DBNAME'" | grep -q 1; then
    as_pg "$bin/createdb" -h "$SOCK" -p "$PGPORT" -U "$DBUSER" "$DBNAME"
  fi
  PGOPTIONS="-c client_min_messages=warning" as_pg "$bin/psql" -q -h "$SOCK" -p "$PGPORT" -U "$DBUSER" -d "$DBNAME" \
    -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  # Where manage.py finds its database when DATABASE_URL is not set.
  echo "postgis://$DBUSER@/$DBNAME?host=$SOCK&port=$PGPORT" > "$ROOT/var/pg/DATABASE_URL"
}

stop() {
  local bin; bin=$(pg_bindir)
  if [ -s "$DATA/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "Stopped the project's PostGIS"
  else
    echo "The project's PostGIS is not running"
  fi
}

status() {
  local bin; bin=$(pg_bindir)
  as_pg "$bin/pg_ctl" -D "$DATA" status
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
