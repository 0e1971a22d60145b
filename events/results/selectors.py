"""Read paths of the stored standings (events.results.points writes them): the
ranking as one SQL query, the prize allocation from the top of it, and one
entrant's breakdown.

The ranking is the ORDER BY of events.results.scoring.rank: points, then
priority-weighted kilograms, then distinct areas (all descending), then the
earlier final event (none: last), entrant id last; RANK() gives equal keys one
rank. The index events_standing_rank matches it.
"""

from collections.abc import Sequence

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import F, QuerySet, Window
from django.db.models.functions import Rank

from events.models import Campaign, EntrantStanding, EventPoints, Prize
from events.results import scoring

RANK_ORDER = (
    F("points").desc(),
    F("priority_weighted_kg").desc(),
    F("areas").desc(),
    F("last_event_end").asc(nulls_last=True),
)
# Entrants equal on all of these are tied (a NULL last event equals another NULL
# in a window's partition, as "no event" equals "no event" in scoring.rank).
TIE_KEYS = ("category", "points", "priority_weighted_kg", "areas", "last_event_end")


def ranking(campaign: Campaign, category: str | None = None) -> QuerySet:
    """Return the campaign's standings best first (collective, then individual),
    each row annotated with `rank` and `tied` (the ids of the entrants with the
    same keys, itself included; EntrantStanding.tied_with leaves it out).

    Filter the result only on `rank`: a filter on a column would also narrow the
    window the ranks are computed over.
    """
    rows = EntrantStanding.objects.filter(campaign=campaign)
    if category:
        rows = rows.filter(category=category)
    return (
        rows.select_related("entrant")
        .annotate(
            rank=Window(Rank(), partition_by=[F("category")], order_by=RANK_ORDER),
            tied=Window(
                ArrayAgg("entrant_id"), partition_by=[F(key) for key in TIE_KEYS]
            ),
        )
        .order_by("category", *RANK_ORDER, "entrant_id")
    )


def prize_slots(campaign: Campaign) -> dict[str, list[scoring.PrizeSlot]]:
    """Return the campaign's prize table by category."""
    slots: dict[str, list[scoring.PrizeSlot]] = {}
    for prize in Prize.objects.filter(campaign=campaign).order_by("category", "rank"):
        slots.setdefault(prize.category, []).append(
            scoring.PrizeSlot(prize.rank, prize.label, prize.count, prize.amount_vnd)
        )
    return slots


def allocation(
    campaign: Campaign,
    category: str,
    prizes: Sequence[scoring.PrizeSlot],
    tie_orders: Sequence[Sequence[int]] = (),
) -> scoring.Allocation:
    """Allocate the prizes with scoring.allocate, reading only the top of the ranking.

    allocate starts a group only at a position below the number of slots, so
    every entrant it can award or flag has a rank within that number; a group
    that straddles the last slot shares its first member's rank, so it comes whole.
    """
    slots = sum(prize.count for prize in prizes)
    if not slots:
        return scoring.Allocation((), ())
    top = ranking(campaign, category).filter(rank__lte=slots)
    ranked = [
        scoring.Ranked(row.rank, _score(row), row.tied_with)
        for row in top
        if row.points > 0
    ]
    return scoring.allocate(ranked, prizes, tie_orders)


def _score(row: EntrantStanding) -> scoring.EntrantScore:
    """The stored totals as the score allocate reads (no events, no lines)."""
    return scoring.EntrantScore(
        entrant_id=row.entrant_id,
        points=row.points,
        event_points=row.event_points,
        coverage_bonus=row.coverage_bonus,
        areas=row.areas,
        priority_weighted_kg=row.priority_weighted_kg,
        last_event_end=row.last_event_end,
        events=(),
        lines=(),
    )


def standing_get(campaign: Campaign, entrant_id: int) -> EntrantStanding | None:
    """Return an approved entrant's stored standing in the campaign, or None."""
    return (
        EntrantStanding.objects.filter(campaign=campaign, entrant_id=entrant_id)
        .select_related("entrant")
        .first()
    )


def event_points(entrant_id: int) -> QuerySet:
    """Return an entrant's stored event points with each event's title, the
    latest event first."""
    return (
        EventPoints.objects.filter(entrant_id=entrant_id)
        .select_related("event")
        .only(
            "event_id",
            "entrant_id",
            "points",
            "priority_weighted_kg",
            "lines",
            "event__title",
            "event__started_at",
        )
        .order_by("-event__started_at", "-event_id")
    )
