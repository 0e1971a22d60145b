"""Read paths of cleanup events: the public list, one event, who sees what.

Each queryset fetches what its serializer shows in a fixed number of queries:
counts and the entrant's publish consent as subqueries, photos, areas and claimed
hotspot ids as prefetches (no N+1 on a page of events).
"""

import datetime as dt

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from accounts.access import can_see_private
from events.campaigns.selectors import latest_granted
from events.formatting import CONTEST_TZ
from events.models import CleanupEvent, ConsentPurpose, EventPhoto, Participant
from geo.models import AdminArea
from hotspots.models import Hotspot


def event_list(
    *,
    campaign_slug: str | None = None,
    entrant_id: int | None = None,
    area_id: int | None = None,
    since: dt.date | None = None,
) -> QuerySet[CleanupEvent]:
    """Return events for the public map and list, latest first, filtered."""
    queryset = (
        _with_relations(CleanupEvent.objects.all())
        # The public and jury lists show none of these (notes may hold personal data).
        .defer("notes", "outline", "route")
        .order_by("-started_at", "-id")
    )
    if campaign_slug:
        queryset = queryset.filter(entrant__campaign__slug=campaign_slug)
    if entrant_id is not None:
        queryset = queryset.filter(entrant_id=entrant_id)
    if area_id is not None:
        queryset = queryset.filter(areas__id=area_id)
    if since is not None:
        start = dt.datetime.combine(since, dt.time.min, tzinfo=CONTEST_TZ)
        queryset = queryset.filter(started_at__gte=start)
    return queryset


def event_get(pk: int) -> CleanupEvent | None:
    """Return one event with everything its private detail shows, or None."""
    return (
        _with_relations(CleanupEvent.objects.all())
        .prefetch_related("participants")
        .filter(pk=pk)
        .first()
    )


def can_see_event_private(user, event: CleanupEvent) -> bool:
    """The entrant's representative, organisers, judges and the secretary."""
    if not user.is_authenticated:
        return False
    if event.entrant.representative_id == user.pk:
        return True
    return can_see_private(user)


def participant_count() -> Subquery:
    """The number of participants of the event in the outer query (an integer)."""
    return Subquery(
        Participant.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values("n"),
        output_field=IntegerField(),
    )


def _with_relations(queryset: QuerySet[CleanupEvent]) -> QuerySet[CleanupEvent]:
    return (
        queryset.select_related("entrant__campaign")
        .annotate(
            participant_count=Coalesce(participant_count(), Value(0)),
            # The entrant's current answer on publishing its name.
            publish_granted=latest_granted(
                ConsentPurpose.PUBLISH, entrant_ref="entrant_id"
            ),
        )
        .prefetch_related(
            Prefetch("photos", queryset=EventPhoto.objects.order_by("-kind", "id")),
            # Names, not boundaries: an area's polygon can be megabytes.
            Prefetch("areas", queryset=AdminArea.objects.defer("geom")),
            Prefetch("hotspots", queryset=Hotspot.objects.only("id").order_by("id")),
        )
    )
