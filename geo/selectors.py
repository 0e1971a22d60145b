"""Read paths for administrative areas; the one place that answers point -> area."""

import datetime as dt

from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.geos import Point
from django.db.models import F, Func, Q, QuerySet, Value
from django.utils import timezone

from .models import AdminArea, AdminAreaPart
from .spatial import WGS84


def valid_on(day: dt.date, prefix: str = "") -> Q:
    """Return the condition "the area is in force on the day" ([valid_from, valid_to)).

    `prefix` reaches the area through a relation ("adminarea__", "areas__").
    """
    return (
        Q(**{f"{prefix}valid_from__isnull": True})
        | Q(**{f"{prefix}valid_from__lte": day})
    ) & not_ended_on(day, prefix)


def not_ended_on(day: dt.date, prefix: str = "") -> Q:
    """Return the condition "the area has not ended by the day" (in force or to come).

    The units a row written on that day is linked to: it must count in the units
    in force and in those that take over later (loaded ahead of a
    reorganisation), not in units already dissolved.
    """
    return Q(**{f"{prefix}valid_to__isnull": True}) | Q(
        **{f"{prefix}valid_to__gt": day}
    )


def areas_containing(point: Point, *, on: dt.date | None = None) -> list[AdminArea]:
    """Return the areas a row at the point, written on the day (default today), is
    linked to, from the largest to the smallest: those not ended by that day.

    The point must have passed the geometry gate. The lookup runs on the
    subdivided parts (GiST-indexed, <= 255 vertices each); a point on a shared
    boundary belongs to both areas. "Largest level first" is by area, so any
    set of level labels works. Boundaries are not loaded (they can be large):
    ask for an area's geometry separately when it is needed.
    """
    day = on or timezone.localdate()
    return list(
        AdminArea.objects.filter(not_ended_on(day), id__in=_part_hits(point))
        .defer("geom")
        .order_by("-area_km2", "id")
    )


def areas_in_force_containing(
    point: Point, *, on: dt.date | None = None
) -> list[AdminArea]:
    """Return the areas in force on the day (default today) that contain the point,
    largest first: what `locate` answers."""
    day = on or timezone.localdate()
    return list(
        AdminArea.objects.filter(valid_on(day), id__in=_part_hits(point))
        .defer("geom")
        .order_by("-area_km2", "id")
    )


def _part_hits(point: Point) -> QuerySet:
    # A semi-join on the GiST-indexed parts; no DISTINCT over whole rows.
    return AdminAreaPart.objects.filter(geom__intersects=point).values("area_id")


def area_containing(point: Point, *, level: str) -> AdminArea | None:
    """Return the area of the given level in force today that contains the point."""
    return (
        AdminArea.objects.filter(
            valid_on(timezone.localdate()), level=level, id__in=_part_hits(point)
        )
        .defer("geom")
        .order_by("id")
        .first()
    )


def area_list(
    *, level: str | None = None, on: dt.date | None = None
) -> QuerySet[AdminArea]:
    """Return the areas (of a level; in force on a day, if given), by level and name."""
    queryset = AdminArea.objects.select_related("parent").order_by("level", "name")
    if level:
        queryset = queryset.filter(level=level)
    if on is not None:
        queryset = queryset.filter(valid_on(on))
    return queryset


def area_levels() -> list[str]:
    return list(
        AdminArea.objects.values_list("level", flat=True).distinct().order_by("level")
    )


def area_outlines(
    *, level: str, tolerance_deg: float = 0.0005, on: dt.date | None = None
) -> QuerySet[AdminArea]:
    """Return the areas of a level (in force on `on`, if given) with `outline`: the
    boundary simplified for a map.

    ~0.0005° is ~50 m at Huế's latitude: invisible at city zoom, and it keeps a
    page of detailed official boundaries small. Topology-preserving, in SQL.
    """
    queryset = AdminArea.objects.filter(level=level)
    if on is not None:
        queryset = queryset.filter(valid_on(on))
    return (
        queryset.defer("geom")
        .annotate(
            outline=Func(
                F("geom"),
                Value(tolerance_deg),
                function="ST_SimplifyPreserveTopology",
                output_field=MultiPolygonField(srid=WGS84),
            )
        )
        .order_by("name")
    )
