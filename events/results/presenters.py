"""The leaderboards as rows to show: ranks, prizes and each score's breakdown in the
reader's language, for the jury's page and API (events.judging) and the results
pages (events.results.views).
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext_lazy

from events.campaigns.views import format_vnd
from events.models import Campaign, CleanupEvent, Entrant
from events.results.standings import campaign_standings

# events.results.scoring writes its breakdown lines in plain English for logs and tests;
# the pages and the API show them in the person's language. Each known shape is
# matched here (an unknown one is shown as written).
NUMBER = r"-?\d+(?:\.\d+)?"
LINE_SHAPES: tuple[tuple[re.Pattern, object, str], ...] = (
    (
        re.compile(rf"^plastic (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})$"),
        gettext_lazy("Nhựa %(kg)s kg × %(factor)s điểm/kg"),
        "points",
    ),
    (
        re.compile(rf"^water hyacinth (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})$"),
        gettext_lazy("Bèo lục bình %(kg)s kg × %(factor)s điểm/kg"),
        "points",
    ),
    (
        re.compile(rf"^other (?P<kg>{NUMBER}) kg x (?P<factor>{NUMBER})$"),
        gettext_lazy("Rác khác và chưa phân loại %(kg)s kg × %(factor)s điểm/kg"),
        "points",
    ),
    (
        re.compile(rf"^priority hotspot x (?P<factor>{NUMBER})$"),
        gettext_lazy("Làm sạch điểm nóng ưu tiên: nhân %(factor)s"),
        "multiplier",
    ),
    (
        re.compile(rf"^estimated weight x (?P<factor>{NUMBER})$"),
        gettext_lazy("Khối lượng ước tính, không cân: nhân %(factor)s"),
        "multiplier",
    ),
    (
        re.compile(r"^rejected$"),
        gettext_lazy("Bị Ban Giám khảo loại: 0 điểm"),
        "points",
    ),
    (
        re.compile(r"^not reviewed yet$"),
        gettext_lazy("Chưa được chấm: 0 điểm"),
        "points",
    ),
    (
        re.compile(r"^(?P<n>\d+) events$"),
        gettext_lazy("Điểm của %(n)s sự kiện"),
        "points",
    ),
    (
        re.compile(rf"^(?P<n>\d+) areas x (?P<factor>{NUMBER})$"),
        gettext_lazy("Thưởng độ phủ: %(n)s địa bàn × %(factor)s điểm"),
        "points",
    ),
)


CENT = Decimal("0.01")


def _two(value) -> Decimal:
    """Two decimals, as points are rounded (a product of weights can carry more)."""
    return Decimal(value).quantize(CENT)


def _number(text: str) -> str:
    try:
        return formats.number_format(Decimal(text), use_l10n=True)
    except InvalidOperation:
        return text


@dataclass(frozen=True)
class BoardLine:
    label: str
    value: Decimal
    kind: str  # "points" | "multiplier"


def board_line(label: str, value: Decimal) -> BoardLine:
    """Return one breakdown line in the active language."""
    for pattern, template, kind in LINE_SHAPES:
        match = pattern.match(label)
        if match:
            numbers = {key: _number(text) for key, text in match.groupdict().items()}
            # A multiplier's value is its factor, kept exact; points to the cent.
            shown = _two(value) if kind == "points" else value
            return BoardLine(str(template) % numbers, shown, kind)
    return BoardLine(label, _two(value), "points")


@dataclass(frozen=True)
class BoardEvent:
    event_id: int
    title: str
    points: Decimal
    priority_weighted_kg: Decimal
    lines: tuple[BoardLine, ...]


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
    lines: tuple[BoardLine, ...]


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
                            lines=tuple(
                                board_line(line.label, line.value)
                                for line in event.lines
                            ),
                        )
                        for event in score.events
                    ),
                    lines=tuple(
                        board_line(line.label, line.value) for line in score.lines
                    ),
                )
            )
        tables[category] = table
    return tables
