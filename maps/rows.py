"""Plain rows: what maps.selectors returns and the builders take (no ORM here).

Coordinates are WGS84 (lon, lat).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple


@dataclass(frozen=True)
class HotspotRow:
    """A hotspot as a map marker shows it (public fields only; maps.markers).

    A selector fills the fields its page shows; the others keep their defaults.
    """

    id: int
    lon: float
    lat: float
    category: str
    status: str = ""
    score: float = 0.0
    priority: bool = False
    size_label: str = ""
    size_label_en: str = ""
    description: str = ""
    created_at: dt.datetime | None = None
    confirmation_count: int = 0
    thumbnail: str = ""  # storage name of the first photo's thumbnail, or ""


@dataclass(frozen=True)
class AreaShape:
    """An administrative area drawn on a map (maps.layers.area_layer)."""

    id: int
    name: str
    code: str
    approximate: bool
    outline: dict  # GeoJSON geometry, simplified (geo.selectors.area_outlines)


class HotspotPoint(NamedTuple):
    """A public hotspot for the hexagons, the gaps and Gi* (maps.hexagons)."""

    lon: float
    lat: float
    estimated_kg: float
    id: int
    category: str
    size: str  # SizeClass.key
    size_label: str
    priority: bool
    is_open: bool


class EventPoint(NamedTuple):
    """An approved or adjusted cleanup with its verified kilograms."""

    lon: float
    lat: float
    verified_kg: float


@dataclass(frozen=True)
class AreaMetrics:
    """The coverage numbers of one area for one campaign (maps.coverage)."""

    area_id: int
    name: str
    code: str
    level: str
    approximate: bool
    hotspots_reported: int
    hotspots_verified: int
    hotspots_priority: int
    hotspots_cleaned: int
    priority_cleaned_share: float | None
    events: int
    verified_kg: Decimal
    participants: int
    active_entrants: int
