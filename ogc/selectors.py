"""Read paths of the OGC API that the apps' selectors do not already have.

Rows come from the apps' public selectors (geo.selectors.area_list,
events.cleanups.selectors.event_list, hotspots' public querysets); this module
adds only what /ogc/ needs on top: extents, an event keyset page, and area
features with RFC 7946 geometries written by PostGIS (geo.geojson's
ForcePolygonCCW and PRECISION: one rule for every output).
"""

import datetime as dt
import json
from typing import NamedTuple

from django.contrib.gis.db.models import Extent
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone

from events.cleanups.selectors import event_list
from events.models import CleanupEvent
from geo.geojson import PRECISION, ForcePolygonCCW
from geo.models import AdminArea
from geo.selectors import area_list
from hotspots.models import Hotspot

EVENT_ORDER = ("-started_at", "-id")


class EventKey(NamedTuple):
    started_at: dt.datetime
    id: int


def hotspot_time_extent() -> tuple[dt.datetime | None, dt.datetime | None]:
    """Return the first and last report time of the public hotspots.

    min/max of an indexed column: PostgreSQL reads one end of
    hotspots_hotspot_created_at each (stopping at the first public row), not
    the table.
    """
    found = Hotspot.objects.public().aggregate(
        first=Min("created_at"), last=Max("created_at")
    )
    return found["first"], found["last"]


def event_time_extent() -> tuple[dt.datetime | None, dt.datetime | None]:
    found = CleanupEvent.objects.aggregate(
        first=Min("started_at"), last=Max("started_at")
    )
    return found["first"], found["last"]


def area_extent(level: str) -> list[float] | None:
    """Return the bounding box (lon/lat) of a level's areas, or None."""
    box = _areas(level=level).aggregate(box=Extent("geom"))["box"]
    return [round(value, PRECISION) for value in box] if box else None


def events(
    *,
    campaign: str | None,
    area: int | None,
    box=None,
    ids: list[int] | None = None,
) -> QuerySet[CleanupEvent]:
    """Return the public event list (events.cleanups.selectors.event_list),
    filtered by campaign slug, area, box and ids."""
    queryset = event_list(campaign_slug=campaign, area_id=area)
    if box is not None:
        queryset = queryset.filter(
            location__intersects=box
        )  # exact, see ogc.collections
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset


def event_page(
    queryset: QuerySet[CleanupEvent], *, after: EventKey | None, size: int
) -> tuple[list[CleanupEvent], EventKey | None]:
    """Return a page of events in list order (latest first) after `after`, and
    the key of the page's last row when there is a next page (keyset, no OFFSET)."""
    queryset = queryset.order_by(*EVENT_ORDER)
    if after is not None:
        queryset = queryset.filter(
            Q(started_at__lt=after.started_at)
            | Q(started_at=after.started_at, id__lt=after.id)
        )
    rows = list(queryset[: size + 1])
    if len(rows) <= size:
        return rows, None
    last = rows[size - 1]
    return rows[:size], EventKey(last.started_at, last.pk)


def event_count(queryset: QuerySet[CleanupEvent]) -> int:
    """Count a filtered event list (tens of thousands of rows at most)."""
    return queryset.order_by().values("pk").count()


AREA_COLUMNS = (
    "id",
    "name",
    "name_en",
    "code",
    "level",
    "parent_id",
    "area_km2",
    "approximate",
    "valid_from",
    "valid_to",
    "geometry",
)


def area_features(
    *,
    level: str,
    after: int | None = None,
    size: int | None = None,
    box=None,
    code: str | None = None,
    parent: int | None = None,
    pk: int | None = None,
) -> list[dict]:
    """Return a level's areas as GeoJSON features in id order (geo's public
    area fields, geometry CCW with 6 decimals, written by PostGIS)."""
    queryset = _areas(level=level, box=box, code=code, parent=parent)
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    if after is not None:
        queryset = queryset.filter(pk__gt=after)
    rows = (
        queryset.defer("geom")
        .annotate(geometry=AsGeoJSON(ForcePolygonCCW("geom"), precision=PRECISION))
        .order_by("id")
        .values_list(*AREA_COLUMNS)
    )
    if size is not None:
        rows = rows[:size]
    features = []
    for row in rows:
        props = dict(zip(AREA_COLUMNS, row, strict=True))
        geometry = props.pop("geometry")
        props["parent"] = props.pop("parent_id")
        props["area_km2"] = round(props["area_km2"], 3)
        for name in ("valid_from", "valid_to"):
            props[name] = props[name] and props[name].isoformat()
        features.append(
            {
                "type": "Feature",
                "id": props["id"],
                "geometry": json.loads(geometry) if geometry else None,
                "properties": props,
            }
        )
    return features


def area_count(*, level: str, box=None, code=None, parent=None) -> int:
    return _areas(level=level, box=box, code=code, parent=parent).count()


def area_ids(*, level: str, box=None) -> set[int]:
    """Return the ids of a level's areas (those intersecting `box`, if given)."""
    return set(_areas(level=level, box=box).values_list("id", flat=True))


def _areas(*, level: str, box=None, code=None, parent=None) -> QuerySet[AdminArea]:
    """The level's units in force today (as /api/v1/areas/ lists them)."""
    queryset = area_list(level=level, on=timezone.localdate()).select_related(None)
    if box is not None:
        # Polygons: the spec's bbox is "intersects", which && alone is not.
        queryset = queryset.filter(geom__intersects=box)
    if code is not None:
        queryset = queryset.filter(code=code)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    return queryset
