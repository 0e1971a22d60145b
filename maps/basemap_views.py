"""The fallback base map (/maps/basemap.geojson) and an MBTiles base map's tiles.

/maps/basemap.geojson?zoom=Z: the boundaries in force, the waterways and the
labels for Z's band (maps.basemap), public data only. The ETag names the areas'
data version (bumped by database triggers), the waterways file and the band:
If-None-Match answers 304 with one small query; a built body is kept in
Django's cache (Redis) under its ETag. It never reads hotspots.

/maps/basemap/Z/X/Y.png: a raster tile from the MBTiles file named by
MAP_BASEMAP_MBTILES (SQLite, TMS rows), for an intranet that has one; 404
otherwise.
"""

import hashlib
import sqlite3
from contextlib import closing

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.api import ApiError, query_int
from config.errors import ClientError

from . import basemap, selectors, tiles

CACHE_SECONDS = 3600
MAX_AGE = 3600  # the boundaries change a few times a year


def _error(exc: ClientError | ApiError) -> JsonResponse:
    if isinstance(exc, ApiError):
        code, message, status = exc.machine_code, str(exc.detail), exc.status_code
    else:
        code, message, status = exc.code, str(exc.message), exc.status
    body = {"error": {"code": code, "message": message, "field": exc.field}}
    return JsonResponse(body, status=status)


def _zoom(request) -> int:
    zoom = query_int(request.GET, "zoom")
    if zoom is None:
        zoom = settings.MAP_ZOOM
    if zoom > basemap.MAX_ZOOM:
        raise ClientError(
            "invalid",
            _("zoom phải từ 0 đến %(max)s.") % {"max": basemap.MAX_ZOOM},
            field="zoom",
        )
    return zoom


@require_http_methods(["GET", "HEAD"])
def basemap_geojson(request):
    """Serve the fallback base map for a zoom band (see the module docstring)."""
    try:
        band = basemap.band_for(_zoom(request))
    except (ClientError, ApiError) as exc:
        return _error(exc)
    water, water_version = basemap.waterways()
    version = selectors.layer_version(tiles.AREAS)
    digest = hashlib.blake2s(water_version.encode(), digest_size=4).hexdigest()
    etag = quote_etag(f"basemap-{version}-{band.min_zoom}-{digest}")
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponse(status=304)
    else:
        key = "basemap:" + etag
        body = cache.get(key)
        if body is None:
            body = basemap.collection(selectors.basemap_areas(band), water)
            cache.set(key, body, CACHE_SECONDS)
        response = HttpResponse(body, content_type="application/geo+json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return response


def _not_found() -> JsonResponse:
    return _error(
        ClientError(
            "not_found", _("Không có ô bản đồ nền này."), field="tile", status=404
        )
    )


@require_http_methods(["GET", "HEAD"])
def basemap_tile(request, z: str, x: str, y: str):
    """Serve one raster tile of the MBTiles base map (MAP_BASEMAP_MBTILES)."""
    try:
        address = tiles.tile_at(z, x, y)
    except ClientError as exc:
        return _error(exc)
    path = settings.MAP_BASEMAP_MBTILES
    if basemap.mode() != "mbtiles" or not path:
        return _not_found()
    # MBTiles rows count from the south (TMS); read-only, never created.
    tms_row = 2**address.z - 1 - address.y
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            row = db.execute(
                "SELECT tile_data FROM tiles"
                " WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                (address.z, address.x, tms_row),
            ).fetchone()
    except sqlite3.Error:
        return _not_found()
    if row is None:
        return _not_found()
    data = bytes(row[0])
    kind = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    response = HttpResponse(data, content_type=kind)
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
