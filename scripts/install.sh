#!/usr/bin/env bash
# Install whatever is missing: Debian packages, the Python virtualenv, the
# front-end map assets. Safe to run again: it only acts on what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Debian/Ubuntu packages, each only when what it provides is missing:
# PostgreSQL + PostGIS, Redis (the shared cache and the job queue), GDAL/GEOS/PROJ
# (gdal-bin pulls the libraries Django loads), a font with Vietnamese glyphs, gettext
# for the translations, Chromium for the browser tests, Node.js/npm for the map assets,
# venv for Python.
missing=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
servers=$(ls /usr/lib/postgresql 2>/dev/null || true)
if [ -z "$servers" ]; then
  # postgresql-postgis is provided by the PostGIS build for the default server.
  missing+=(postgresql postgresql-postgis)
fi
for v in $servers; do
  # The PostGIS build must match an installed server version.
  [ -f "/usr/share/postgresql/$v/extension/postgis.control" ] || missing+=("postgresql-$v-postgis-3")
done
"$LDCONFIG" -p | grep -q 'libgdal\.so' || missing+=(gdal-bin)
"$LDCONFIG" -p | grep -q 'libgeos_c\.so' || missing+=(gdal-bin)
have_cmd ogr2ogr || missing+=(gdal-bin)  # the GeoPackage/KML exports run it
fc-list 2>/dev/null | grep -qi 'DejaVuSans\|NotoSans' || missing+=(fonts-dejavu-core fontconfig)
have_cmd msgfmt || missing+=(gettext)
have_cmd chromium || missing+=(chromium)
have_cmd npm || missing+=(npm)
have_cmd redis-server || missing+=(redis-server)
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
  rm -rf var/vendor && mkdir -p var/vendor/{leaflet,leaflet.markercluster,leaflet.heat,leaflet-geoman,ol,maplibre-gl}
  cp -r node_modules/leaflet/dist/{leaflet.js,leaflet.js.map,leaflet.css,images} var/vendor/leaflet/
  cp node_modules/leaflet.markercluster/dist/{leaflet.markercluster.js,MarkerCluster.css,MarkerCluster.Default.css} \
    var/vendor/leaflet.markercluster/
  cp node_modules/leaflet.heat/dist/leaflet-heat.js var/vendor/leaflet.heat/
  # Drawing an outline, a bank line or a route (report and event pages).
  cp node_modules/@geoman-io/leaflet-geoman-free/{dist/leaflet-geoman.min.js,dist/leaflet-geoman.min.js.map,dist/leaflet-geoman.css,dist/leaflet-geoman.css.map,LICENSE} \
    var/vendor/leaflet-geoman/
  cp node_modules/ol/dist/{ol.js,ol.js.map} node_modules/ol/ol.css var/vendor/ol/
  cp node_modules/maplibre-gl/dist/{maplibre-gl.js,maplibre-gl.js.map,maplibre-gl.css,LICENSE.txt} \
    var/vendor/maplibre-gl/
  # Source maps too: the manifest storage follows their references.
  for js in var/vendor/*/*.js; do
    src=$(find node_modules -path "*/$(basename "$(dirname "$js")")/*" -name "$(basename "$js").map" | head -1)
    if [ -n "$src" ]; then cp "$src" "$(dirname "$js")/"; fi
  done
  cp package-lock.json var/vendor/.stamp
fi
