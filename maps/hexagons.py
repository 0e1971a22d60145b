"""Hexagon coverage on the H3 grid and the coverage gaps, from plain points.

Pure functions over plain points (maps.rows, read by maps.selectors; no ORM here).

Cells are H3 cells at ``settings.HEX_RESOLUTION`` (default 8: about 0.74 km² a
cell, edge about 0.53 km, so "about 1 km" across). Resolutions 7..9 are allowed:
coarser cells blur the picture, finer ones (res 9: ~0.1 km²) multiply the cells.

Distances (coverage gaps) are great-circle distances by the haversine formula on
a sphere of radius 6,371,008.8 m (the IUGG mean radius): within 0.5 % of the
ellipsoidal distance, far below the tolerance of a 500 m "nearby".
"""

import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import h3
import numpy as np
from django.conf import settings
from h3.api import basic_int

RESOLUTION_MIN = 7
RESOLUTION_MAX = 9
RESOLUTION_DEFAULT = 8
GAP_DISTANCE_M_DEFAULT = 500.0
EARTH_RADIUS_M = 6_371_008.8


def default_resolution() -> int:
    return int(getattr(settings, "HEX_RESOLUTION", RESOLUTION_DEFAULT))


def gap_distance_m() -> float:
    return float(getattr(settings, "GAP_DISTANCE_M", GAP_DISTANCE_M_DEFAULT))


def cell_of(lon: float, lat: float, resolution: int) -> str:
    """Return the H3 cell (hex string) containing the point."""
    return h3.latlng_to_cell(lat, lon, resolution)


def cell_geometry(cell: str) -> dict:
    """Return the cell's outline as a GeoJSON Polygon ((lon, lat), closed ring)."""
    ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


# Web Mercator (EPSG:3857): the sphere of the WGS84 semi-major axis, in metres.
MERCATOR_RADIUS_M = 6_378_137.0
# Outlines kept per process (a cell's outline never changes): ~200 bytes each.
OUTLINE_CACHE_CELLS = 65_536


@lru_cache(maxsize=OUTLINE_CACHE_CELLS)
def outline_wkb(cell: int) -> bytes:
    """Return the cell's outline (cell: h3's integer) as WKB in EPSG:3857 metres.

    Projected here with the spherical formulas that define EPSG:3857 rather than
    by ST_Transform (PROJ, ~5 µs a point): a vector tile of hexagons carries a
    few thousand outlines of 7 points.
    """
    ring = basic_int.cell_to_boundary(cell)
    coords: list[float] = []
    for lat, lng in (*ring, ring[0]):
        coords.append(MERCATOR_RADIUS_M * math.radians(lng))
        coords.append(
            MERCATOR_RADIUS_M * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
        )
    # Little-endian WKB Polygon (type 3): one ring of len(coords) / 2 points.
    return struct.pack(f"<BIII{len(coords)}d", 1, 3, 1, len(coords) // 2, *coords)


def cells_bounds(cells: Iterable[str]) -> tuple[float, float, float, float] | None:
    """Return (west, south, east, north) around the cells' outlines, or None."""
    lats, lons = [], []
    for cell in cells:
        for lat, lng in h3.cell_to_boundary(cell):
            lats.append(lat)
            lons.append(lng)
    if not lats:
        return None
    return (min(lons), min(lats), max(lons), max(lats))


@dataclass
class CellCounts:
    cell: str
    cleanups: int = 0
    verified_kg: float = 0.0
    open_hotspots: int = 0
    hotspots: int = 0

    def properties(self) -> dict:
        return {
            "cell": self.cell,
            "cleanups": self.cleanups,
            "verified_kg": round(self.verified_kg, 2),
            "open_hotspots": self.open_hotspots,
            "hotspots": self.hotspots,
        }


def cell_counts(hotspots: Iterable, events: Iterable, *, resolution: int) -> list:
    """Return per-cell counts (cells with at least one point), ordered by cell.

    ``hotspots`` need lon, lat, is_open; ``events`` need lon, lat, verified_kg
    (maps.rows.HotspotPoint / EventPoint).
    """
    cells: dict[str, CellCounts] = {}

    def at(lon: float, lat: float) -> CellCounts:
        cell = cell_of(lon, lat, resolution)
        if cell not in cells:
            cells[cell] = CellCounts(cell)
        return cells[cell]

    for spot in hotspots:
        counts = at(spot.lon, spot.lat)
        counts.hotspots += 1
        counts.open_hotspots += 1 if spot.is_open else 0
    for event in events:
        counts = at(event.lon, event.lat)
        counts.cleanups += 1
        counts.verified_kg += event.verified_kg
    return [cells[cell] for cell in sorted(cells)]


def cells_geojson(counts: Iterable[CellCounts], *, resolution: int) -> dict:
    """Return the cells as a GeoJSON FeatureCollection with their counts."""
    return {
        "type": "FeatureCollection",
        "resolution": resolution,
        "features": [
            {
                "type": "Feature",
                "id": c.cell,
                "geometry": cell_geometry(c.cell),
                "properties": c.properties(),
            }
            for c in counts
        ],
    }


def haversine_m(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray):
    """Return great-circle distances in metres from one point to many."""
    lon1, lat1 = np.radians(lon), np.radians(lat)
    lon2, lat2 = np.radians(lons), np.radians(lats)
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class Gap:
    """An open priority hotspot with no verified cleanup within the gap distance."""

    id: int
    lon: float
    lat: float
    category: str
    size: str
    size_label: str
    priority: bool
    distance_m: float | None  # to the nearest verified cleanup; None: there is none

    def properties(self) -> dict:
        return {
            "id": self.id,
            "category": self.category,
            "size": self.size,
            "size_label": self.size_label,
            "priority": self.priority,
            "nearest_cleanup_m": (
                None if self.distance_m is None else round(self.distance_m)
            ),
        }


def coverage_gaps(
    hotspots: Iterable, events: Sequence, *, distance_m: float | None = None
) -> list[Gap]:
    """Return the open priority hotspots farther than ``distance_m`` from every
    cleanup in ``events`` (the caller passes only approved/adjusted ones).

    Sorted farthest first (no cleanup at all comes first): where to send teams.
    """
    limit = gap_distance_m() if distance_m is None else distance_m
    lons = np.array([e.lon for e in events], dtype=float)
    lats = np.array([e.lat for e in events], dtype=float)
    gaps = []
    for spot in hotspots:
        if not (spot.is_open and spot.priority):
            continue
        nearest = (
            float(haversine_m(spot.lon, spot.lat, lons, lats).min())
            if len(lons)
            else None
        )
        if nearest is not None and nearest <= limit:
            continue
        gaps.append(
            Gap(
                id=spot.id,
                lon=spot.lon,
                lat=spot.lat,
                category=spot.category,
                size=spot.size,
                size_label=spot.size_label,
                priority=spot.priority,
                distance_m=nearest,
            )
        )
    gaps.sort(key=lambda g: (g.distance_m is not None, -(g.distance_m or 0), g.id))
    return gaps


def gaps_geojson(gaps: Iterable[Gap], *, distance_m: float) -> dict:
    """Return the gaps as GeoJSON points with public fields only."""
    return {
        "type": "FeatureCollection",
        "gap_distance_m": distance_m,
        "features": [
            {
                "type": "Feature",
                "id": gap.id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(gap.lon, 6), round(gap.lat, 6)],
                },
                "properties": gap.properties(),
            }
            for gap in gaps
        ],
    }
