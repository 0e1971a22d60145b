"""Read paths of the stored standings (events.results.points writes them): the
ranking as one SQL query (ranking(): the whole of it, for the check and the
results desk; Board: a page of the leaderboard with the top its prizes need),
the prize allocation from the top of it, and one entrant's breakdown.

The ranking is the ORDER BY of events.results.scoring.rank: points, then
priority-weighted kilograms, then distinct areas (all descending), then the
earlier final event (none: last), entrant id last; RANK() gives equal keys one
rank. The index events_standing_rank matches it.
"""

from collections.abc import Iterable, Sequence

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.functions import Rank

from events.models import (
    Campaign,
    Certificate,
    Entrant,
    EntrantStanding,
    EventPoints,
    Prize,
    PrizeCategory,
)
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

    Only the totals are loaded (the window sorts narrow rows: no lines, no
    entrant); rows() loads them whole. Filter the result only on `rank`: a
    filter on a column would also narrow the window the ranks are computed over.
    """
    rows = EntrantStanding.objects.filter(campaign=campaign)
    if category:
        rows = rows.filter(category=category)
    return (
        rows.only("entrant_id", *TIE_KEYS, "event_points", "coverage_bonus")
        .annotate(
            rank=Window(Rank(), partition_by=[F("category")], order_by=RANK_ORDER),
            tied=Window(
                ArrayAgg("entrant_id"), partition_by=[F(key) for key in TIE_KEYS]
            ),
        )
        .order_by("category", *RANK_ORDER, "entrant_id")
    )


def rows(ranked: Iterable[EntrantStanding]) -> list[EntrantStanding]:
    """Return rows of ranking() whole, with their entrant, in order and with
    their rank and ties (one query)."""
    ranked = list(ranked)
    full = EntrantStanding.objects.select_related("entrant").in_bulk(
        [row.entrant_id for row in ranked]
    )
    out = []
    for row in ranked:
        whole = full[row.entrant_id]
        whole.rank, whole.tied = row.rank, row.tied
        out.append(whole)
    return out


class Board:
    """A campaign's stored ranking (one category, or both: collective first) as a
    sequence Django's Paginator can page.

    count() counts the rows; a slice is one query: it ranks the narrow rows once
    (RANK() and the tie groups, as ranking() does), keeps the page's rows and the
    top of each category, and loads those whole with their entrant's name and
    kind. The prizes are allocated from that top (`allocations`, set by the
    slice: scoring.allocate without the jury's tie orders, as the live
    leaderboard always showed it). Raw SQL because the ORM cannot select "this
    page, or within the prize ranks" over one window and join the rows back;
    ranking()'s order, parameters bound, names from the models.
    """

    SQL = """
        WITH ranked AS (
            SELECT entrant_id, category, points,
                   RANK() OVER (PARTITION BY category ORDER BY {order}) AS rank,
                   ARRAY_AGG(entrant_id) OVER (PARTITION BY {ties}) AS tied,
                   ROW_NUMBER() OVER (ORDER BY category, {order}, entrant_id)
                       AS position
            FROM {standing}
            WHERE campaign_id = %(campaign)s
              AND (%(category)s::text IS NULL OR category = %(category)s)
        )
        SELECT s.*, r.rank, r.tied, r.position,
               e.name AS entrant_name, e.kind AS entrant_kind
        FROM ranked r
        JOIN {standing} s ON s.entrant_id = r.entrant_id
        JOIN {entrant} e ON e.id = r.entrant_id
        WHERE (r.position > %(start)s AND r.position <= %(stop)s)
           OR (r.points > 0 AND r.rank <= CASE r.category
                   WHEN 'collective' THEN %(collective)s
                   ELSE %(individual)s END)
        ORDER BY r.position
    """
    ORDER = (
        "points DESC, priority_weighted_kg DESC, areas DESC, "
        "last_event_end ASC NULLS LAST"
    )

    def __init__(
        self,
        campaign: Campaign,
        category: str | None,
        prizes: dict[str, list[scoring.PrizeSlot]],
    ):
        self.campaign, self.category, self.prizes = campaign, category, prizes
        self.allocations: dict[str, scoring.Allocation] = {}

    def count(self) -> int:
        rows = EntrantStanding.objects.filter(campaign=self.campaign)
        if self.category:
            rows = rows.filter(category=self.category)
        return rows.count()

    def __getitem__(self, index: slice) -> list[EntrantStanding]:
        quote = connection.ops.quote_name
        sql = self.SQL.format(
            order=self.ORDER,
            ties=", ".join(TIE_KEYS),
            standing=quote(EntrantStanding._meta.db_table),
            entrant=quote(Entrant._meta.db_table),
        )
        slots = {
            category: sum(p.count for p in self.prizes.get(category, []))
            for category in PrizeCategory.values
        }
        start, stop = index.start or 0, index.stop
        params = {
            "campaign": self.campaign.pk,
            "category": self.category,
            "start": start,
            "stop": stop,
            **slots,
        }
        page, top = [], {category: [] for category in slots}
        for row in EntrantStanding.objects.raw(sql, params):
            row.entrant = _entrant(
                id=row.entrant_id,
                campaign_id=row.campaign_id,
                name=row.entrant_name,
                kind=row.entrant_kind,
            )
            if start < row.position <= stop:
                page.append(row)
            if row.points > 0 and row.rank <= slots[row.category]:
                top[row.category].append(
                    scoring.Ranked(row.rank, _score(row), row.tied_with)
                )
        self.allocations = {
            category: scoring.allocate(ranked, self.prizes.get(category, []))
            for category, ranked in top.items()
        }
        return page


def _entrant(**values) -> Entrant:
    """An entrant with only these fields loaded (any other loads on access)."""
    # from_db takes the values in the model's field order.
    names = [f.attname for f in Entrant._meta.concrete_fields if f.attname in values]
    return Entrant.from_db(None, names, [values[name] for name in names])


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


def certificates_of_entrant(entrant: Entrant) -> list[Certificate]:
    """Return the entrant's certificates in force, from results that were published
    and not reopened since (reopening revokes them too)."""
    return list(
        Certificate.objects.filter(
            entrant=entrant,
            revoked_at__isnull=True,
            freeze__published_at__isnull=False,
            freeze__reopened_at__isnull=True,
        ).order_by("category", "prize_rank", "id")
    )
