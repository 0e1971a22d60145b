"""Read paths for hotspots."""

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db.models import Prefetch, QuerySet

from geo.models import AdminArea

from . import scoring
from .models import Hotspot, SizeClass


def hotspot_list(*, user) -> QuerySet[Hotspot]:
    """Return the hotspots the user may see, highest score first.

    Filter them with hotspots.filters.HotspotFilter (the public parameters).
    """
    return _with_relations(Hotspot.objects.visible_to(user), user).order_by(
        "-score", "-created_at", "id"
    )


def hotspot_get_for_user(*, pk: int, user) -> Hotspot | None:
    """Return the hotspot if the user may see it, else None."""
    return (
        _with_relations(Hotspot.objects.visible_to(user), user)
        .select_related("duplicate_of")
        .filter(pk=pk)
        .first()
    )


def _with_relations(queryset: QuerySet[Hotspot], user) -> QuerySet[Hotspot]:
    """Fetch what the serializers show in a fixed number of queries (no N+1)."""
    from accounts.roles import Role, has_role

    # Areas without their boundaries: serializers need names, not polygons.
    areas = Prefetch("areas", queryset=AdminArea.objects.defer("geom"))
    queryset = queryset.select_related("size_class").prefetch_related("photos", areas)
    if has_role(user, Role.ORGANISER):  # the staff view adds these
        queryset = queryset.select_related("reporter").prefetch_related(
            "reporter_contacts", "history__actor"
        )
    return queryset


def hotspot_nearby_open(*, point: Point, radius_m: float) -> list[Hotspot]:
    """Return open hotspots near the point, nearest first (at most 20).

    Includes hotspots not yet verified: the point is to let a second resident
    confirm a fresh report instead of filing a duplicate. Only public fields are
    ever serialised from here.
    """
    return list(
        Hotspot.objects.open()
        .near(point, radius_m)
        .select_related("size_class")
        .prefetch_related("photos")[:20]
    )


def hotspot_score_breakdown(hotspot: Hotspot) -> list[scoring.ScorePart]:
    from .services import score_input

    return scoring.breakdown(score_input(hotspot), settings.HOTSPOT_SCORE)


def size_classes() -> list[SizeClass]:
    return list(SizeClass.objects.order_by("order", "min_kg"))


def hotspot_open_get(pk: int) -> Hotspot | None:
    """Return an open hotspot by id (anyone may confirm an open hotspot)."""
    return Hotspot.objects.open().select_related("size_class").filter(pk=pk).first()
