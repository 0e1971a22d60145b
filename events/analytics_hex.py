"""Read paths for the hexagon coverage and the Gi* clusters: plain points, no ORM
objects, so that maps.hexagons and maps.clusters stay pure.

Which rows count, for one campaign:

- Cleanups: the campaign's events the jury approved or adjusted, weighted by the
  current decision's verified kilograms. Submitted (not yet judged) and rejected
  events cover nothing.
- Hotspots: those anyone may see (verified, cleaned, reopened; unverified reports
  are not public facts yet) reported before the end of the campaign's activity
  window. Hotspots carry no campaign: the ones known by the campaign's last day
  are the ones it could have cleaned. "Open" is the hotspot's current status.
"""

from typing import NamedTuple

from django.db import connection
from django.db.models import DecimalField, F, FloatField, Func, Value
from django.db.models.functions import Coalesce

from events.cleanups.services import activity_end_at
from events.models import Campaign, CleanupEvent, EventStatus
from hotspots.models import OPEN_STATUSES, PUBLIC_STATUSES, Hotspot

# Events whose figures the jury accepted (approved as is, or with adjusted figures).
VERIFIED_EVENT_STATUSES = (EventStatus.APPROVED, EventStatus.ADJUSTED)


class HotspotPoint(NamedTuple):
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
    lon: float
    lat: float
    verified_kg: float


def hotspot_points(campaign: Campaign) -> list[HotspotPoint]:
    """Return the campaign's public hotspots as plain points (one query)."""
    rows = (
        Hotspot.objects.filter(
            status__in=PUBLIC_STATUSES, created_at__lt=activity_end_at(campaign)
        )
        # Coordinates as floats from PostGIS: building a GEOS point per row costs
        # more than the whole query at 100,000 hotspots.
        .annotate(lon=Func("location", function="ST_X", output_field=FloatField()))
        .annotate(lat=Func("location", function="ST_Y", output_field=FloatField()))
        .order_by("id")
        .values_list(
            "lon",
            "lat",
            "size_class__min_kg",
            "size_class__max_kg",
            "id",
            "category",
            "size_class__key",
            "size_class__label",
            "priority",
            "status",
        )
    )
    return [
        HotspotPoint(
            lon=lon,
            lat=lat,
            # SizeClass.estimated_kg: the middle of the size class's range.
            estimated_kg=(min_kg + max_kg) / 2,
            id=pk,
            category=category,
            size=size,
            size_label=size_label,
            priority=priority,
            is_open=status in OPEN_STATUSES,
        )
        for (
            lon,
            lat,
            min_kg,
            max_kg,
            pk,
            category,
            size,
            size_label,
            priority,
            status,
        ) in rows
    ]


def event_points(campaign: Campaign) -> list[EventPoint]:
    """Return the campaign's approved/adjusted cleanups with verified kg (one query)."""
    rows = (
        CleanupEvent.objects.filter(
            entrant__campaign=campaign, status__in=VERIFIED_EVENT_STATUSES
        )
        .annotate(
            kg=Coalesce(
                F("current_decision__verified_weight_kg"),
                Value(0),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            )
        )
        .order_by("id")
        .values_list("location", "kg")
    )
    return [
        EventPoint(lon=location.x, lat=location.y, verified_kg=float(kg))
        for location, kg in rows
    ]


def data_version(campaign: Campaign) -> str:
    """Return a fingerprint of the rows the hexagon analyses read (for caching).

    Counts and latest change times of hotspots, the campaign's events and their
    decisions: any report, status change, event or decision changes it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '')
                      FROM hotspots_hotspot),
                   (SELECT count(*) || ':' || coalesce(max(e.updated_at)::text, '')
                      FROM events_cleanupevent e JOIN events_entrant t ON t.id = e.entrant_id
                     WHERE t.campaign_id = %s),
                   (SELECT count(*) FROM events_eventdecision d
                      JOIN events_cleanupevent e ON e.id = d.event_id
                      JOIN events_entrant t ON t.id = e.entrant_id
                     WHERE t.campaign_id = %s)
            """,
            [campaign.pk, campaign.pk],
        )
        return "|".join(str(part) for part in cursor.fetchone())
