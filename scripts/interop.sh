#!/usr/bin/env bash
# `make interop`: serve the demo data on its own port and read it with GDAL and a
# headless QGIS (scripts/interop.py). Installs Debian's QGIS Python bindings if
# they are missing. Output: var/interop/report.md and var/interop/qgis.png.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${INTEROP_PORT:-8766}
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if ! /usr/bin/python3 -c 'import qgis.core' 2>/dev/null; then
  echo "Installing Debian's QGIS (python3-qgis, qgis-providers)"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends python3-qgis qgis-providers >/dev/null
fi

mkdir -p var/interop
HOST=127.0.0.1 PORT=$PORT WEB_WORKERS=2 WEB_ACCESS_LOG=var/interop/access.log \
  .venv/bin/gunicorn config.wsgi -c config/gunicorn.conf.py \
  >var/interop/server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)} \
  /usr/bin/python3 scripts/interop.py "http://127.0.0.1:$PORT"
