#!/usr/bin/env bash
# The project's Celery worker (background jobs), detached, its pid and log under
# var/celery. Usage: scripts/worker.sh start|stop|status
set -euo pipefail

cd "$(dirname "$0")/.."
DIR=var/celery
PIDFILE="$DIR/worker.pid"
LOG="$DIR/worker.log"
# 2 cores: one job at a time leaves a core to the web workers.
CONCURRENCY=${WORKER_CONCURRENCY:-1}

running() {
  [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

start() {
  mkdir -p "$DIR"
  if running; then
    echo "The Celery worker is running (pid $(cat "$PIDFILE"))"
    return 0
  fi
  rm -f "$PIDFILE"
  .venv/bin/celery -A config worker --detach --pidfile "$PIDFILE" --logfile "$LOG" \
    --loglevel INFO --concurrency "$CONCURRENCY" --hostname "chx@%h"
  for _ in $(seq 1 100); do
    if running; then
      echo "Started the Celery worker (log $LOG)"
      return 0
    fi
    sleep 0.1
  done
  echo "The Celery worker did not start; see $LOG" >&2
  return 1
}

stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    # TERM is a warm shutdown: the running job finishes (or is redelivered later).
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -f "$PIDFILE"
    echo "Stopped the Celery worker"
  else
    echo "The Celery worker is not running"
  fi
}

status() {
  if running; then echo "The Celery worker is running (pid $(cat "$PIDFILE"))"
  else echo "The Celery worker is not running"; return 3; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
