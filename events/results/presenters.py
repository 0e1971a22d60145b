"""The live leaderboards as rows to show: ranks, prizes and each score's breakdown
worded in the reader's language (events.results.explain), for the jury's page and
API (events.judging).

board_rows and breakdown read the stored standings (events.results.selectors): a
page of rows, and one entrant's breakdown on demand. leaderboard recomputes every
entrant and words every line: it is the reference those are tested against (and
the benchmark's baseline), not a request path.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from events.formatting import format_vnd
from events.models import Campaign, CleanupEvent, Entrant, EntrantStanding
from events.results import scoring, selectors
from events.results.explain import ShownLine, shown
from events.results.scoring import Line
from events.results.standings import campaign_standings

CENT = Decimal("0.01")
# Rows per page of the leaderboard's page and API.
PAGE_SIZE = 50


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
    # The stored board's rows carry the entrant's own lines only; its events'
    # come with breakdown().
    lines: tuple[ShownLine, ...]
    events: tuple[BoardEvent, ...] = ()


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


# --- the stored board: a page of rows, one breakdown on demand --------------------


def _shown(lines: Iterable[dict]) -> tuple[ShownLine, ...]:
    return tuple(shown(Line.from_json(line)) for line in lines)


def board_rows(
    rows: Iterable[EntrantStanding], allocation: dict[str, scoring.Allocation]
) -> list[BoardRow]:
    """Return a page of the stored board (selectors.Board) as rows to show, with
    the prizes of its allocation."""
    awards = {
        award.entrant_id: award for each in allocation.values() for award in each.awards
    }
    tied = {
        entrant_id
        for each in allocation.values()
        for group in each.boundary_ties
        for entrant_id in group
    }
    out = []
    for row in rows:
        award = awards.get(row.entrant_id)
        out.append(
            BoardRow(
                rank=row.rank,
                category=row.category,
                entrant=row.entrant,
                points=_two(row.points),
                event_points=_two(row.event_points),
                coverage_bonus=_two(row.coverage_bonus),
                areas=row.areas,
                priority_weighted_kg=_two(row.priority_weighted_kg),
                last_event_end=row.last_event_end,
                prize_label=award.label if award else "",
                prize_rank=award.prize_rank if award else None,
                prize_amount_vnd=award.amount_vnd if award else None,
                prize_amount=format_vnd(award.amount_vnd) if award else "",
                boundary_tie=row.entrant_id in tied,
                tied_with=row.tied_with,
                lines=_shown(row.lines),
            )
        )
    return out


@dataclass(frozen=True)
class Breakdown:
    """One entrant's score explained: its own lines and each event's."""

    entrant: Entrant
    category: str
    points: Decimal
    lines: tuple[ShownLine, ...]
    events: tuple[BoardEvent, ...]


def breakdown(standing: EntrantStanding) -> Breakdown:
    """Return a stored standing's breakdown, worded in the active language."""
    return Breakdown(
        entrant=standing.entrant,
        category=standing.category,
        points=_two(standing.points),
        lines=_shown(standing.lines),
        events=tuple(
            BoardEvent(
                event_id=points.event_id,
                title=points.event.title,
                points=_two(points.points),
                priority_weighted_kg=_two(points.priority_weighted_kg),
                lines=_shown(points.lines),
            )
            for points in selectors.event_points(standing.entrant_id)
        ),
    )
