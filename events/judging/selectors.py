"""Read paths of the jury: the "needs more information" history and queue flag."""

from django.db.models import Exists, OuterRef, QuerySet

from events.models import CleanupEvent, EventInfoRequest


def with_info_supplied(events: QuerySet[CleanupEvent]) -> QuerySet[CleanupEvent]:
    """Annotate `info_supplied`: the team answered a request of the jury.

    True from the answer on; the queue shows it on events still waiting for a
    decision (after a decision the status says more).
    """
    return events.annotate(
        info_supplied=Exists(
            EventInfoRequest.objects.filter(
                event=OuterRef("pk"), answered_at__isnull=False
            )
        )
    )


def info_requests(event: CleanupEvent) -> list[EventInfoRequest]:
    """The event's requests and answers, oldest first, with who and their photos."""
    return list(
        EventInfoRequest.objects.filter(event=event)
        .select_related("requested_by", "answered_by")
        .prefetch_related("photos")
        .order_by("requested_at", "id")
    )
