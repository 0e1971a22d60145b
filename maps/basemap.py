"""The base map under our maps: which one, and the fallback drawn from our data.

Modes (settings.MAP_BASEMAP): "tiles" (raster tiles from MAP_TILE_URL, the
public server or an intranet one), "mbtiles" (a raster MBTiles file served by
maps.basemap_views), "fallback" (no tile server: the administrative boundaries
in force, the waterways file and the areas' names as labels, from
/maps/basemap.geojson) or "none".

The fallback is one small GeoJSON per zoom band (a province's areas: a few
hundred polygons at most), simplified for the band in PostGIS and cached by
the areas' data version; it never reads hotspots. Labels are drawn by the
browser as HTML (Leaflet divIcons, MapLibre Markers at the areas' inner
points), not as MapLibre symbol layers: those need glyph PBFs for every
Vietnamese character, built and shipped at install, for a dozen labels; HTML
text uses the system's fonts, diacritics included, on every map kind.

Pure but for reading settings and the waterways file: plain values in, SQL
text and dicts out; maps.selectors runs the SQL.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MODES = ("tiles", "mbtiles", "fallback", "none")
SOURCE = "dữ liệu minh hoạ"  # the demo boundaries and waterways are illustrative
MAX_ZOOM = 20


@dataclass(frozen=True)
class Band:
    """A range of (Leaflet, 256-px) zooms that share one simplified base map."""

    min_zoom: int
    tolerance_deg: float  # ST_SimplifyPreserveTopology, in degrees (WGS84)
    levels: tuple[str, ...]  # area levels drawn as outlines
    label_levels: tuple[str, ...]  # area levels whose names are labels


# A degree is ~107 km east-west at Huế (16.5° N); a 256-px tile at zoom z
# spans 360/2^z degrees: the tolerance stays about a pixel or two.
BANDS = (
    Band(0, 0.005, ("province", "district"), ("province",)),
    Band(9, 0.001, ("province", "district"), ("district",)),
    Band(12, 0.0002, ("province", "district", "commune"), ("district", "commune")),
)


def mode() -> str:
    """Return the configured base map (derived from MAP_TILE_URL when unset)."""
    chosen = settings.MAP_BASEMAP or ("tiles" if settings.MAP_TILE_URL else "fallback")
    if chosen not in MODES:
        raise ValueError(f"MAP_BASEMAP must be one of {MODES}, not {chosen!r}")
    return chosen


def band_for(zoom: int) -> Band:
    """Return the band a zoom falls in."""
    return [band for band in BANDS if band.min_zoom <= zoom][-1]


def raster_url() -> str | None:
    """Return the raster tile URL template the maps use, or None (no raster)."""
    chosen = mode()
    if chosen == "tiles":
        return settings.MAP_TILE_URL
    if chosen == "mbtiles":
        path = reverse("maps:basemap-tile", args=[0, 0, 0]).removesuffix("0/0/0.png")
        return path + "{z}/{x}/{y}.png"
    return None


def fallback_config() -> dict | None:
    """Return what static/js/basemap.js reads, or None when not drawn."""
    if mode() != "fallback":
        return None
    return {
        "url": reverse("maps:basemap"),
        "bands": [band.min_zoom for band in BANDS],
        "attribution": _("Ranh giới, sông, phá: dữ liệu minh hoạ"),
        "language": get_language() or settings.LANGUAGE_CODE,
    }


def leaflet_config() -> dict:
    """Return the base-map keys of a Leaflet page's configuration (pinmap.js)."""
    return {
        "tileUrl": raster_url(),
        "attribution": settings.MAP_TILE_ATTRIBUTION if mode() == "tiles" else "",
        "fallback": fallback_config(),
    }


def basemap_sql(table: str, band: Band) -> tuple[str, list]:
    """Return SQL for one text: the band's outlines and labels as GeoJSON features.

    Raw SQL, not the ORM: the features are built as JSON text in PostGIS
    (ST_AsGeoJSON of the simplified outline and of ST_PointOnSurface), the
    cheap way to write geometry out. Only the areas in force today.
    """
    sql = f"""
        SELECT coalesce(json_agg(t.f ORDER BY t.sort), '[]')::text
        FROM (
            SELECT 0 AS sort, json_build_object(
                'type', 'Feature',
                'geometry', ST_AsGeoJSON(
                    ST_SimplifyPreserveTopology(a.geom, %s), 5)::json,
                'properties', json_build_object(
                    'kind', 'area', 'level', a.level)
            ) AS f
            FROM {table} a
            WHERE a.level = ANY(%s)
              AND (a.valid_from IS NULL OR a.valid_from <= CURRENT_DATE)
              AND (a.valid_to IS NULL OR a.valid_to > CURRENT_DATE)
            UNION ALL
            SELECT 1, json_build_object(
                'type', 'Feature',
                'geometry', ST_AsGeoJSON(ST_PointOnSurface(a.geom), 5)::json,
                'properties', json_build_object(
                    'kind', 'label', 'level', a.level,
                    'name', a.name, 'name_en', a.name_en)
            )
            FROM {table} a
            WHERE a.level = ANY(%s)
              AND (a.valid_from IS NULL OR a.valid_from <= CURRENT_DATE)
              AND (a.valid_to IS NULL OR a.valid_to > CURRENT_DATE)
        ) AS t(sort, f)
    """
    return sql, [band.tolerance_deg, list(band.levels), list(band.label_levels)]


@lru_cache(maxsize=4)
def _waterways(path: str, mtime_ns: int) -> tuple[dict, ...]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    features = []
    for feature in data.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in ("LineString", "MultiLineString"):
            continue
        props = feature.get("properties") or {}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "kind": "water",
                    "name": str(props.get("name", "")),
                    "source": str(props.get("source", "")),
                },
            }
        )
    return tuple(features)


def waterways() -> tuple[tuple[dict, ...], str]:
    """Return the waterway features and a version naming the file's state."""
    path = settings.MAP_BASEMAP_WATERWAYS
    if not path or not Path(path).is_file():
        return (), "0"
    mtime_ns = Path(path).stat().st_mtime_ns
    return _waterways(path, mtime_ns), str(mtime_ns)


def collection(areas_json: str, water: tuple[dict, ...]) -> bytes:
    """Return the base map's FeatureCollection: waterways, outlines, labels."""
    # The areas arrive as JSON text from PostGIS: spliced, not re-parsed.
    water_json = json.dumps(list(water), ensure_ascii=False, separators=(",", ":"))
    body = (
        '{"type":"FeatureCollection","attribution":'
        + json.dumps(SOURCE, ensure_ascii=False)
        + ',"features":'
        + (
            water_json[:-1]
            + ("," if water and areas_json != "[]" else "")
            + areas_json[1:]
        )
        + "}"
    )
    return body.encode()
