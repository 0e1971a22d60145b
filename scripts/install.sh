#!/usr/bin/env bash
# Install whatever is missing: Debian packages, the Python virtualenv, the
# front-end map assets. Safe to run again: it only acts on what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Debian/Ubuntu packages: PostgreSQL + PostGIS, GDAL/GEOS/PROJ, a font with
# Vietnamese glyphs, Chromium for the browser tests, gettext for translations,
# Node.js/npm for the map assets.
PKGS="postgresql postgresql-contrib postgis gdal-bin libgdal-dev libgeos-c1v5 proj-bin
      fonts-dejavu-core fonts-noto-core gettext chromium nodejs npm python3-venv"
missing=()
check_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
have_postgis() { ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }

have_postgis || missing+=(postgis)
{ ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; } || missing+=(postgresql)
have_postgis && [ -z "$(ls /usr/lib/postgresql/ 2>/dev/null)" ] && missing+=(postgresql)
# The PostGIS build must match an installed server version.
for v in $(ls /usr/lib/postgresql 2>/dev/null); do
  [ -f "/usr/share/postgresql/$v/extension/postgis.control" ] || missing+=("postgresql-$v-postgis-3")
done
check_pkg gdal-bin || missing+=(gdal-bin)
ldconfig -p | grep -q 'libgdal\.so' || missing+=(libgdal-dev)
ldconfig -p | grep -q 'libgeos_c\.so' || missing+=(libgeos-c1v5)
fc-list 2>/dev/null | grep -qi 'DejaVuSans\|Noto' || missing+=(fonts-dejavu-core)
check_pkg fonts-dejavu-core || missing+=(fonts-dejavu-core)
have_cmd msgfmt || missing+=(gettext)
have_cmd chromium || missing+=(chromium)
have_cmd npm || missing+=(npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)

if [ ${#missing[@]} -gt 0 ]; then
  # shellcheck disable=SC2206
  uniq=($(printf '%s\n' "${missing[@]}" | sort -u))
  echo "Installing Debian packages: ${uniq[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${uniq[@]}" >/dev/null
  # A freshly installed server package may start the machine's default cluster;
  # we leave it as it is and use our own.
fi

# Python virtualenv from the pinned requirements (re-installed when they change).
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if [ ! -f .venv/.requirements.stamp ] || ! cmp -s requirements.txt .venv/.requirements.stamp; then
  echo "Installing Python packages into .venv"
  # (this machine's pip config names local mirrors that may be absent: hide that noise)
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt \
    2> >(grep -v "^WARNING: Location 'file:" >&2)
  cp requirements.txt .venv/.requirements.stamp
fi

# Front-end map assets from the npm registry (served as our own static files).
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.lock.stamp; then
  echo "Installing map assets (npm ci)"
  npm ci --silent --no-audit --no-fund >/dev/null
  cp package-lock.json node_modules/.lock.stamp
fi
# Only the files the pages use are served (var/vendor -> /static/vendor/).
if [ ! -f var/vendor/.stamp ] || ! cmp -s package-lock.json var/vendor/.stamp; then
  rm -rf var/vendor && mkdir -p var/vendor/{leaflet,leaflet.markercluster,leaflet.heat,ol}
  cp -r node_modules/leaflet/dist/{leaflet.js,leaflet.js.map,leaflet.css,images} var/vendor/leaflet/
  cp node_modules/leaflet.markercluster/dist/{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
    var/vendor/leaflet.markercluster/
  cp node_modules/leaflet.heat/dist/leaflet-heat.js var/vendor/leaflet.heat/
  cp node_modules/ol/dist/{ol.js,ol.js.map} node_modules/ol/ol.css var/vendor/ol/
  # Source maps too: the manifest storage follows their references.
  for js in var/vendor/*/*.js; do
    src=$(find node_modules -path "*/$(basename "$(dirname "$js")")/*" -name "$(basename "$js").map" | head -1)
    if [ -n "$src" ]; then cp "$src" "$(dirname "$js")/"; fi
  done
  cp package-lock.json var/vendor/.stamp
fi
