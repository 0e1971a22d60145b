"""The spatial and visibility vocabulary of hotspots."""

import math

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.contrib.gis.measure import D
from django.db import models

METRES_PER_DEGREE_LAT = 111_320.0


class HotspotQuerySet(models.QuerySet):
    def public(self):
        from .models import PUBLIC_STATUSES

        return self.filter(status__in=PUBLIC_STATUSES)

    def open(self):
        from .models import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)

    def visible_to(self, user):
        """Public hotspots, plus a reporter's own, plus everything for organisers."""
        from accounts.roles import Role, has_role

        if has_role(user, Role.ORGANISER):
            return self
        if user.is_authenticated:
            from .models import PUBLIC_STATUSES

            return self.filter(
                models.Q(status__in=PUBLIC_STATUSES) | models.Q(reporter=user)
            )
        return self.public()

    def near(self, point: Point, radius_m: float):
        """Hotspots within radius_m metres of the point, nearest first, with `distance`.

        Locations are WGS84 geometry: a degree box (GiST-indexed) narrows the
        candidates, then the exact spherical distance in metres decides.
        """
        lat_deg = radius_m / METRES_PER_DEGREE_LAT
        lon_deg = lat_deg / max(math.cos(math.radians(point.y)), 0.01)
        box_deg = max(lat_deg, lon_deg) * 1.01
        return (
            self.filter(location__dwithin=(point, box_deg))
            .filter(location__distance_lte=(point, D(m=radius_m)))
            .annotate(distance=Distance("location", point))
            .order_by("distance", "id")
        )


class HotspotPhotoQuerySet(models.QuerySet):
    """Photos; `public_prefetch()` is how every public reader fetches them."""

    def public(self) -> "HotspotPhotoQuerySet":
        """Photos anyone may see of a hotspot they may see: not awaiting review
        (HotspotPhoto.pending: the new photos of a report that reopened it)."""
        return self.filter(pending=False)

    def pending(self) -> "HotspotPhotoQuerySet":
        return self.filter(pending=True)


def public_photos_prefetch(to_attr: str | None = None) -> models.Prefetch:
    """Prefetch a hotspot's photos as a public reader may see them."""
    from .models import HotspotPhoto

    return models.Prefetch(
        "photos", queryset=HotspotPhoto.objects.public(), to_attr=to_attr
    )
