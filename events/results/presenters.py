"""The live leaderboards as rows to show: ranks, prizes and each score's breakdown
worded in the reader's language (events.results.explain), for the jury's page and
API (events.judging).
"""

from dataclasses import dataclass
from decimal import Decimal

from events.formatting import format_vnd
from events.models import Campaign, CleanupEvent, Entrant
from events.results.explain import ShownLine, shown
from events.results.standings import campaign_standings

CENT = Decimal("0.01")


def _two(value) -> Decimal:
    """Two decimals, as points are rounded (a product of weights can carry more)."""
    return Decimal(value).quantize(CENT)


@dataclass(frozen=True)
class BoardEvent:
    event_id: int
    title: str
    points: Decimal
    priority_weighted_kg: Decimal
    lines: tuple[ShownLine, ...]


@dataclass(frozen=True)
class BoardRow:
    rank: int
    category: str
    entrant: Entrant
    points: Decimal
    event_points: Decimal
    coverage_bonus: Decimal
    areas: int
    priority_weighted_kg: Decimal
    last_event_end: object  # aware datetime or None
    prize_label: str
    prize_rank: int | None
    prize_amount_vnd: int | None
    prize_amount: str
    boundary_tie: bool
    tied_with: tuple[int, ...]
    events: tuple[BoardEvent, ...]
    lines: tuple[ShownLine, ...]


def leaderboard(campaign: Campaign) -> dict[str, list[BoardRow]]:
    """Return the collective and individual tables with prizes and breakdowns."""
    standings = campaign_standings(campaign)
    titles = dict(
        CleanupEvent.objects.filter(entrant__campaign=campaign).values_list(
            "id", "title"
        )
    )
    tables: dict[str, list[BoardRow]] = {}
    for category, rows in (
        ("collective", standings.collective),
        ("individual", standings.individual),
    ):
        allocation = standings.allocation[category]
        awards = {award.entrant_id: award for award in allocation.awards}
        tied = {
            entrant_id for group in allocation.boundary_ties for entrant_id in group
        }
        table = []
        for standing in rows:
            score = standing.ranked.score
            award = awards.get(score.entrant_id)
            table.append(
                BoardRow(
                    rank=standing.ranked.rank,
                    category=category,
                    entrant=standing.entrant,
                    points=_two(score.points),
                    event_points=_two(score.event_points),
                    coverage_bonus=_two(score.coverage_bonus),
                    areas=score.areas,
                    priority_weighted_kg=_two(score.priority_weighted_kg),
                    last_event_end=score.last_event_end,
                    prize_label=award.label if award else "",
                    prize_rank=award.prize_rank if award else None,
                    prize_amount_vnd=award.amount_vnd if award else None,
                    prize_amount=format_vnd(award.amount_vnd) if award else "",
                    boundary_tie=score.entrant_id in tied,
                    tied_with=standing.ranked.tied_with,
                    events=tuple(
                        BoardEvent(
                            event_id=event.event_id,
                            title=titles.get(event.event_id, ""),
                            points=_two(event.points),
                            priority_weighted_kg=_two(event.priority_weighted_kg),
                            lines=tuple(shown(line) for line in event.lines),
                        )
                        for event in score.events
                    ),
                    lines=tuple(shown(line) for line in score.lines),
                )
            )
        tables[category] = table
    return tables
