#!/usr/bin/env bash
# A streaming read replica of the project's PostGIS: a second cluster under
# var/pg-replica, copied from the primary by pg_basebackup -R and run as a hot
# standby on its own Unix socket.
# Usage: scripts/replica.sh start|stop|status|rebuild|remove
# As root, the server runs as the `postgres` system user (like scripts/db.sh).
#
# The primary is the database manage.py uses: PRIMARY_URL, else DATABASE_URL,
# else var/pg/DATABASE_URL (written by scripts/db.sh). The replica's URL (same
# database name, the replica's socket) is written to
# var/pg-replica/DATABASE_REPLICA_URL; set DATABASE_REPLICA_URL to it to route
# public reads there (config/routers.py).
# REPLICA_HOME and REPLICA_PORT put a replica elsewhere (tests/test_replica.py
# runs one against a scratch primary); the URL file then goes to REPLICA_HOME.
#
# The replica streams through a physical replication slot on the primary
# (chunhatxanh_replica_<port>): without one, a busy primary recycles the WAL the
# copy ends at before the standby asks for it ("requested WAL segment has already
# been removed"). `stop` keeps the slot (the replica catches up when started
# again); `remove` drops the copy and the slot. The primary caps what a slot may
# hold (max_slot_wal_keep_size, set below if unlimited), so a forgotten replica
# cannot fill its disk: past the cap the slot is invalidated and `rebuild` copies
# again.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
REPLICA_PORT=${REPLICA_PORT:-5545}
PGHOME=${REPLICA_HOME:-"$ROOT/var/pg-replica"}
URL_DIR=${REPLICA_HOME:-"$ROOT/var/pg-replica"}
SLOT="chunhatxanh_replica_$REPLICA_PORT"
SLOT_WAL_CAP=4GB

pg_bindir() {
  # The newest installed server that also has PostGIS (the same choice as db.sh:
  # a physical replica must run the primary's major version).
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
  # The postgres user must reach the project folder; where it cannot (a home
  # folder with mode 700), the cluster lives in a per-project folder in /var/tmp.
  if [ -z "${REPLICA_HOME:-}" ] && ! runuser -u postgres -- test -x "$ROOT/" 2>/dev/null; then
    PGHOME="/var/tmp/chunhatxanh-pg-replica-$(echo -n "$ROOT" | md5sum | cut -c1-12)"
  fi
else
  RUNAS=""
fi
DATA="$PGHOME/data"
SOCK="$PGHOME/run"
LOG="$PGHOME/server.log"

as_pg() {
  # From / : the server user may not be allowed into the current folder.
  if [ -n "$RUNAS" ]; then (cd / && runuser -u "$RUNAS" -- "$@"); else "$@"; fi
}

primary_url() {
  if [ -n "${PRIMARY_URL:-}" ]; then echo "$PRIMARY_URL"
  elif [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"
  elif [ -s "$ROOT/var/pg/DATABASE_URL" ]; then cat "$ROOT/var/pg/DATABASE_URL"
  else
    echo "No primary: set PRIMARY_URL or DATABASE_URL, or run scripts/db.sh start" >&2
    return 1
  fi
}

parse_primary() {
  # postgis://user[:password]@[host[:port]]/name[?host=/socket/dir&port=N]
  local url rest query netloc userinfo kv
  url=$(primary_url)
  rest=${url#*://}
  query=""
  if [[ $rest == *\?* ]]; then query=${rest#*\?}; rest=${rest%%\?*}; fi
  netloc=${rest%%/*}
  PDB=${rest#*/}
  userinfo=""
  if [[ $netloc == *@* ]]; then userinfo=${netloc%@*}; netloc=${netloc##*@}; fi
  PUSER=${userinfo%%:*}
  if [[ $userinfo == *:* ]]; then export PGPASSWORD=${userinfo#*:}; fi
  PHOST=${netloc%%:*}
  PPORT=5432
  if [[ $netloc == *:* ]]; then PPORT=${netloc##*:}; fi
  for kv in ${query//&/ }; do
    case $kv in
      host=*) PHOST=${kv#host=} ;;
      port=*) PPORT=${kv#port=} ;;
    esac
  done
  PHOST=${PHOST//%2F//}
  PHOST=${PHOST//%2f//}
  PUSER=${PUSER:-$(id -un)}
}

on_primary() {
  as_pg "$bin/psql" -X -q -h "$PHOST" -p "$PPORT" -U "$PUSER" -d "$PDB" -tAc "$1"
}

on_replica() {
  as_pg "$bin/psql" -X -q -h "$SOCK" -p "$REPLICA_PORT" -U "$PUSER" -d "$PDB" -tAc "$1"
}

prepare_primary() {
  # Streaming needs wal_level >= replica and max_wal_senders > 0 (both the
  # defaults) and a pg_hba rule for replication over the socket (initdb -A trust,
  # as db.sh runs it, writes one). Fix what is missing, once.
  local wal senders rules hba
  wal=$(on_primary "SHOW wal_level")
  senders=$(on_primary "SHOW max_wal_senders")
  if [ "$wal" = minimal ] || [ "$senders" = 0 ]; then
    on_primary "ALTER SYSTEM SET wal_level = replica" >/dev/null
    on_primary "ALTER SYSTEM SET max_wal_senders = 10" >/dev/null
    echo "The primary had wal_level=$wal, max_wal_senders=$senders; set to replica/10" \
      "by ALTER SYSTEM. They need a restart: scripts/db.sh stop && scripts/db.sh start," \
      "then run $0 start again." >&2
    exit 1
  fi
  rules=$(on_primary "SELECT count(*) FROM pg_hba_file_rules
    WHERE type = 'local' AND 'replication' = ANY(database)
      AND auth_method <> 'reject' AND error IS NULL")
  if [ "$rules" = 0 ]; then
    if [[ $PHOST != /* ]]; then
      echo "The primary ($PHOST:$PPORT) allows no replication connection: add a" \
        "'replication' rule for this host to its pg_hba.conf" >&2
      exit 1
    fi
    hba=$(on_primary "SHOW hba_file")
    as_pg sh -c "printf '%s\n' \
      '# Added by scripts/replica.sh: streaming replication over the Unix socket.' \
      'local   replication     all                                     trust' >> '$hba'"
    on_primary "SELECT pg_reload_conf()" >/dev/null
    echo "Added a local replication rule to $hba and reloaded the primary"
  fi
  if [ "$(on_primary "SHOW max_slot_wal_keep_size")" = -1 ]; then
    on_primary "ALTER SYSTEM SET max_slot_wal_keep_size = '$SLOT_WAL_CAP'" >/dev/null
    on_primary "SELECT pg_reload_conf()" >/dev/null
    echo "Set max_slot_wal_keep_size = $SLOT_WAL_CAP on the primary (ALTER SYSTEM," \
      "reloaded): a replication slot holds at most that much WAL"
  fi
}

drop_slot() {
  # The primary's walsender may take a moment to notice a stopped standby.
  local i
  for i in $(seq 1 50); do
    on_primary "SELECT count(pg_drop_replication_slot(slot_name))
      FROM pg_replication_slots WHERE slot_name = '$SLOT' AND NOT active" >/dev/null
    if [ -z "$(on_primary "SELECT 1 FROM pg_replication_slots
        WHERE slot_name = '$SLOT'")" ]; then return 0; fi
    sleep 0.1
  done
  echo "The slot $SLOT is still in use on the primary" >&2
  return 1
}

wait_streaming() {
  local i state
  for i in $(seq 1 100); do
    state=$(on_replica "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
    if [ "$state" = streaming ]; then return 0; fi
    sleep 0.1
  done
  echo "The replica runs but does not stream from the primary (see $LOG;" \
    "$0 rebuild makes a fresh copy)" >&2
  tail -n 5 "$LOG" >&2 || true
  return 1
}

start() {
  bin=$(pg_bindir)
  parse_primary
  mkdir -p "$PGHOME" "$SOCK" "$URL_DIR"
  if [ -n "$RUNAS" ]; then chown "$RUNAS" "$PGHOME" "$SOCK"; fi
  if [ ! -s "$DATA/PG_VERSION" ]; then
    prepare_primary
    drop_slot  # left by an earlier copy of this replica: it holds WAL for nobody
    echo "Copying the primary ($PHOST, port $PPORT) into $DATA"
    # -R: standby.signal, primary_conninfo and primary_slot_name; -X stream: the
    # WAL written while copying; -C -S: through a new slot, kept until the standby
    # has consumed it; -c fast: do not wait for the next scheduled checkpoint.
    as_pg "$bin/pg_basebackup" -h "$PHOST" -p "$PPORT" -U "$PUSER" -D "$DATA" \
      -R -X stream -C -S "$SLOT" -c fast --no-password
  fi
  if ! as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    # Unix socket only, as the primary. hot_standby_feedback: long reads (exports)
    # are not cancelled by the primary's vacuum; cluster_name names it in the
    # primary's pg_stat_replication.
    # A hot standby refuses to run with fewer connections than its primary.
    local maxconn; maxconn=$(on_primary "SHOW max_connections")
    local opts="-k $SOCK -p $REPLICA_PORT -c listen_addresses='' -c max_connections=$maxconn"
    opts="$opts -c hot_standby=on -c hot_standby_feedback=on"
    opts="$opts -c cluster_name=chunhatxanh-replica-$REPLICA_PORT"
    as_pg "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 120 start -o "$opts" >/dev/null
    echo "Started the read replica (socket $SOCK, port $REPLICA_PORT)"
  fi
  wait_streaming
  echo "postgis://$PUSER@/$PDB?host=$SOCK&port=$REPLICA_PORT" \
    > "$URL_DIR/DATABASE_REPLICA_URL"
}

stop() {
  bin=$(pg_bindir)
  if [ -s "$DATA/PG_VERSION" ] && as_pg "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
    echo "Stopped the read replica"
  else
    echo "The read replica is not running"
  fi
}

status() {
  bin=$(pg_bindir)
  as_pg "$bin/pg_ctl" -D "$DATA" status
  parse_primary
  on_replica "SELECT 'in recovery: ' || pg_is_in_recovery()
    || ', receiver: ' || coalesce((SELECT status FROM pg_stat_wal_receiver), 'none')
    || ', replay behind receive: '
    || coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)
    || ' bytes'"
  on_primary "SELECT 'primary sees: ' || state || ', replay lag '
      || coalesce(replay_lag::text, 'none (idle)')
    FROM pg_stat_replication
    WHERE application_name = 'chunhatxanh-replica-$REPLICA_PORT'"
  on_primary "SELECT 'slot $SLOT: ' || wal_status || ', holds '
      || pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn))
    FROM pg_replication_slots WHERE slot_name = '$SLOT'"
}

rebuild() {
  # A replica whose slot was invalidated (stopped too long) cannot catch up:
  # copy it again.
  stop
  rm -rf "$DATA"
  start
}

remove() {
  stop
  rm -rf "$DATA" "$URL_DIR/DATABASE_REPLICA_URL"
  parse_primary
  drop_slot
  echo "Removed the read replica and its slot on the primary"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  rebuild) rebuild ;;
  remove) remove ;;
  *) echo "usage: $0 start|stop|status|rebuild|remove" >&2; exit 2 ;;
esac
