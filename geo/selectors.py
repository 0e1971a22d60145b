"""Read paths for administrative areas; the one place that answers point -> area."""

from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from .models import AdminArea


def areas_containing(point: Point) -> list[AdminArea]:
    """Return the areas that contain the point, from the largest to the smallest.

    The point must have passed the geometry gate. The lookup runs on the
    subdivided parts (GiST-indexed, <= 255 vertices each); a point on a shared
    boundary belongs to both areas. "Largest level first" is by area, so any
    set of level labels works.
    """
    return list(
        AdminArea.objects.filter(parts__geom__intersects=point)
        .distinct()
        .order_by("-area_km2", "id")
    )


def area_containing(point: Point, *, level: str) -> AdminArea | None:
    """Return the area of the given level that contains the point, or None."""
    return (
        AdminArea.objects.filter(level=level, parts__geom__intersects=point)
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
