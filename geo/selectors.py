"""Read paths for administrative areas; the one place that answers point -> area."""

from django.contrib.gis.db.models import MultiPolygonField
from django.contrib.gis.geos import Point
from django.db.models import F, Func, QuerySet, Value

from .models import AdminArea, AdminAreaPart
from .spatial import WGS84


def areas_containing(point: Point) -> list[AdminArea]:
    """Return the areas that contain the point, from the largest to the smallest.

    The point must have passed the geometry gate. The lookup runs on the
    subdivided parts (GiST-indexed, <= 255 vertices each); a point on a shared
    boundary belongs to both areas. "Largest level first" is by area, so any
    set of level labels works. Boundaries are not loaded (they can be large):
    ask for an area's geometry separately when it is needed.
    """
    return list(
        AdminArea.objects.filter(id__in=_part_hits(point))
        .defer("geom")
        .order_by("-area_km2", "id")
    )


def _part_hits(point: Point) -> QuerySet:
    # A semi-join on the GiST-indexed parts; no DISTINCT over whole rows.
    return AdminAreaPart.objects.filter(geom__intersects=point).values("area_id")


def area_containing(point: Point, *, level: str) -> AdminArea | None:
    """Return the area of the given level that contains the point, or None."""
    return (
        AdminArea.objects.filter(level=level, id__in=_part_hits(point))
        .defer("geom")
        .order_by("id")
        .first()
    )


def area_list(*, level: str | None = None) -> QuerySet[AdminArea]:
    queryset = AdminArea.objects.select_related("parent").order_by("level", "name")
    if level:
        queryset = queryset.filter(level=level)
    return queryset


def area_levels() -> list[str]:
    return list(
        AdminArea.objects.values_list("level", flat=True).distinct().order_by("level")
    )


def area_outlines(*, level: str, tolerance_deg: float = 0.0005) -> QuerySet[AdminArea]:
    """Return the areas of a level with `outline`: the boundary simplified for a map.

    ~0.0005° is ~50 m at Huế's latitude: invisible at city zoom, and it keeps a
    page of detailed official boundaries small. Topology-preserving, in SQL.
    """
    return (
        AdminArea.objects.filter(level=level)
        .defer("geom")
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
