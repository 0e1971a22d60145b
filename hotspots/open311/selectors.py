"""Read paths of the Open311 API: public hotspots only."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet

from geo.models import AdminArea

from ..models import Hotspot, Status
from ..querysets import public_photos_prefetch

# GeoReport knows two states; only public hotspots are ever listed.
STATUS_MAP = {
    "open": (Status.VERIFIED, Status.REOPENED),
    "closed": (Status.CLEANED,),
}


def _with_related(queryset: QuerySet[Hotspot]) -> QuerySet[Hotspot]:
    return queryset.select_related("size_class").prefetch_related(
        public_photos_prefetch(),
        # Boundaries can be large: the names are all we need.
        Prefetch(
            "areas",
            queryset=AdminArea.objects.defer("geom").order_by("-area_km2", "id"),
        ),
    )


def public_hotspot_list(
    *,
    ids: list[int] | None = None,
    categories: list[str] | None = None,
    statuses: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Hotspot]:
    """Return public hotspots for Open311, newest first, with photos and areas.

    `statuses` are GeoReport states ("open", "closed"); `end` is exclusive.
    Reporter and contact are never loaded.
    """
    queryset = _with_related(Hotspot.objects.public()).order_by("-created_at", "-id")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    if categories:
        queryset = queryset.filter(category__in=categories)
    if statuses:
        queryset = queryset.filter(
            status__in=[s for state in statuses for s in STATUS_MAP[state]]
        )
    if start is not None:
        queryset = queryset.filter(created_at__gte=start)
    if end is not None:
        queryset = queryset.filter(created_at__lt=end)
    return queryset


def public_hotspot_get(pk: int) -> Hotspot | None:
    """Return the public hotspot with this id, or None."""
    return public_hotspot_list(ids=[pk]).first()


def followed_hotspot_list(ids: list[int]) -> QuerySet[Hotspot]:
    """Return the hotspots with these ids whatever their status, newest first.

    A client reads back the request it has just filed (GeoReport returns its
    id at once): an unverified, rejected or merged one too. What of it may be
    shown is rendering's decision (public fields only, more once verified).
    """
    return _with_related(Hotspot.objects.filter(pk__in=ids)).order_by(
        "-created_at", "-id"
    )


def followed_hotspot_get(pk: int) -> Hotspot | None:
    """Return the hotspot with this id, whatever its status, or None."""
    return followed_hotspot_list([pk]).first()
