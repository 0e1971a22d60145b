"""Contest scoring: pure functions over plain data (no database), easy to explain.

An approved (or adjusted) event scores its verified kilograms by waste type
(`points_per_kg`: plastic weighs most), multiplied by `priority_multiplier` when
it cleaned a priority hotspot (the plan's large-volume plastic points) and by
`estimated_multiplier` when the weight was estimated rather than weighed.
Kilograms not broken down by type count as "other". Rejected and not yet
reviewed events score nothing.

An entrant's score is the sum of its events plus `coverage_bonus_per_area` for
each distinct area (at the campaign's coverage level) where it had a scoring
event. Ranking, within each category (collective, individual): points, then
priority-weighted kilograms, then distinct areas, then the earlier final event;
entrants still equal after that are tied, and a tie across a prize boundary is
flagged for the jury.

Every score comes with the lines that explain it, as data (a code, its figures,
its value); events.results.explain words them in the reader's language.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

SCORING_VERDICTS = frozenset({"approve", "adjust"})
TWO = Decimal("0.01")


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class EventInput:
    event_id: int
    entrant_id: int
    verdict: str | None  # latest jury verdict; None while not reviewed
    weight_kg: Decimal
    plastic_kg: Decimal
    water_hyacinth_kg: Decimal
    other_kg: Decimal
    method: str  # "measured" | "estimated"
    priority: bool  # cleaned at least one priority hotspot
    area_ids: frozenset[int]  # areas at the campaign's coverage level
    ended_at: dt.datetime


class Code(StrEnum):
    """What a breakdown line says (events.results.explain has its wording)."""

    REJECTED = "rejected"  # the jury rejected the event: 0 points
    NOT_REVIEWED = "not_reviewed"  # not decided yet: 0 points
    PLASTIC = "plastic"  # params kg, factor (points per kg); value: points
    WATER_HYACINTH = "water_hyacinth"  # params kg, factor; value: points
    OTHER = "other"  # other and not broken down; params kg, factor; value: points
    PRIORITY = "priority"  # a priority hotspot; params factor; value: the factor
    ESTIMATED = "estimated"  # weight estimated; params factor; value: the factor
    EVENTS = "events"  # params n (events); value: their points
    COVERAGE = "coverage"  # params n (areas), factor (points per area); value: bonus


# Lines whose value multiplies the points above them instead of adding to them.
MULTIPLIERS = frozenset({Code.PRIORITY, Code.ESTIMATED})


@dataclass(frozen=True)
class Line:
    """One line of a score's breakdown: what (`code`), from which figures
    (`params`: Decimal or int), and its value (points, or a multiplier's factor)."""

    code: str
    params: dict
    value: Decimal

    def to_json(self) -> dict:
        """Return the line as JSON data (decimals as exact strings)."""
        return {
            "code": str(self.code),
            "params": plain(self.params),
            "value": str(self.value),
        }

    @classmethod
    def from_json(cls, data: dict) -> "Line":
        return cls(data["code"], dict(data["params"]), _d(data["value"]))


def plain(params: dict) -> dict:
    """Return a line's params as JSON values: decimals as exact strings."""
    return {
        key: str(value) if isinstance(value, Decimal) else value
        for key, value in params.items()
    }


@dataclass(frozen=True)
class EventScore:
    event_id: int
    points: Decimal
    priority_weighted_kg: Decimal
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class EntrantScore:
    entrant_id: int
    points: Decimal
    event_points: Decimal
    coverage_bonus: Decimal
    areas: int
    priority_weighted_kg: Decimal
    last_event_end: dt.datetime | None
    events: tuple[EventScore, ...]
    lines: tuple[Line, ...]


def event_score(event: EventInput, weights: dict) -> EventScore:
    """Return an event's points with the lines that explain them."""
    if event.verdict not in SCORING_VERDICTS:
        code = Code.REJECTED if event.verdict == "reject" else Code.NOT_REVIEWED
        return EventScore(
            event.event_id, Decimal(0), Decimal(0), (Line(code, {}, Decimal(0)),)
        )
    per_kg = {key: _d(value) for key, value in weights["points_per_kg"].items()}
    plastic, hyacinth = _d(event.plastic_kg), _d(event.water_hyacinth_kg)
    other = _d(event.weight_kg) - plastic - hyacinth  # other + not broken down
    lines = [
        Line(code, {"kg": kg, "factor": per_kg[key]}, kg * per_kg[key])
        for code, key, kg in (
            (Code.PLASTIC, "plastic", plastic),
            (Code.WATER_HYACINTH, "water_hyacinth", hyacinth),
            (Code.OTHER, "other", other),
        )
    ]
    points = sum((line.value for line in lines), Decimal(0))
    multiplier = Decimal(1)
    if event.priority:
        factor = _d(weights["priority_multiplier"])
        multiplier *= factor
        lines.append(Line(Code.PRIORITY, {"factor": factor}, factor))
    if event.method == "estimated":
        factor = _d(weights["estimated_multiplier"])
        multiplier *= factor
        lines.append(Line(Code.ESTIMATED, {"factor": factor}, factor))
    points = _round(points * multiplier)
    priority_kg = _d(event.weight_kg) * (
        _d(weights["priority_multiplier"]) if event.priority else Decimal(1)
    )
    return EventScore(event.event_id, points, _round(priority_kg), tuple(lines))


def entrant_score(
    entrant_id: int, events: Sequence[EventInput], weights: dict
) -> EntrantScore:
    """Return an entrant's total: its events plus the coverage bonus."""
    scores = tuple(event_score(event, weights) for event in events)
    scoring = [e for e, s in zip(events, scores, strict=True) if s.points > 0]
    areas = (
        frozenset().union(*(e.area_ids for e in scoring)) if scoring else frozenset()
    )
    per_area = _d(weights["coverage_bonus_per_area"])
    bonus = _round(len(areas) * per_area)
    event_points = sum((s.points for s in scores), Decimal(0))
    last_end = max((e.ended_at for e in scoring), default=None)
    lines = (
        Line(Code.EVENTS, {"n": len(scores)}, event_points),
        Line(Code.COVERAGE, {"n": len(areas), "factor": per_area}, bonus),
    )
    return EntrantScore(
        entrant_id=entrant_id,
        points=event_points + bonus,
        event_points=event_points,
        coverage_bonus=bonus,
        areas=len(areas),
        priority_weighted_kg=sum((s.priority_weighted_kg for s in scores), Decimal(0)),
        last_event_end=last_end,
        events=scores,
        lines=lines,
    )


@dataclass(frozen=True)
class Ranked:
    rank: int
    score: EntrantScore
    tied_with: tuple[int, ...] = field(default_factory=tuple)  # entrant ids


def _key(score: EntrantScore):
    # Earlier final event ranks first; no event at all ranks last on this key.
    last = score.last_event_end.timestamp() if score.last_event_end else float("inf")
    return (-score.points, -score.priority_weighted_kg, -score.areas, last)


def rank(scores: Sequence[EntrantScore]) -> list[Ranked]:
    """Rank entrants with the tie-breaks; equal keys share a rank and are marked tied."""
    ordered = sorted(scores, key=lambda s: (_key(s), s.entrant_id))
    ranked: list[Ranked] = []
    position = 0
    while position < len(ordered):
        key = _key(ordered[position])
        group = [s for s in ordered[position:] if _key(s) == key]
        ids = tuple(s.entrant_id for s in group)
        for score in group:
            others = tuple(i for i in ids if i != score.entrant_id)
            ranked.append(Ranked(position + 1, score, others))
        position += len(group)
    return ranked


@dataclass(frozen=True)
class PrizeSlot:
    rank: int
    label: str
    count: int
    amount_vnd: int


@dataclass(frozen=True)
class Award:
    entrant_id: int
    prize_rank: int
    label: str
    amount_vnd: int


@dataclass(frozen=True)
class Allocation:
    awards: tuple[Award, ...]
    boundary_ties: tuple[
        tuple[int, ...], ...
    ]  # groups of entrant ids the jury must settle


def allocate(
    ranked: Sequence[Ranked],
    prizes: Sequence[PrizeSlot],
    tie_orders: Sequence[Sequence[int]] = (),
) -> Allocation:
    """Give out the prize table in rank order, only to entrants with points.

    A tie that straddles a boundary (between two prizes, or between the last
    prize and no prize) is settled by the jury's order for exactly that group
    (`tie_orders`: entrant ids, best first); without one its entrants are
    reported in `boundary_ties` and get no award from this function.
    """
    orders = {frozenset(order): list(order) for order in tie_orders}
    slots: list[PrizeSlot] = []
    for prize in sorted(prizes, key=lambda p: p.rank):
        slots.extend([prize] * prize.count)
    eligible = [r for r in ranked if r.score.points > 0]
    awards: list[Award] = []
    ties: list[tuple[int, ...]] = []
    index = 0
    while index < len(eligible) and index < len(slots):
        group = [r for r in eligible[index:] if r.rank == eligible[index].rank]
        ids = [member.score.entrant_id for member in group]
        group_slots = slots[index : index + len(group)]
        same_prize = (
            len(group_slots) == len(group) and len({s.rank for s in group_slots}) == 1
        )
        decided = orders.get(frozenset(ids))
        if same_prize or decided:
            # Past the last slot, the rest of a decided group gets no prize.
            for entrant_id, slot in zip(decided or ids, group_slots, strict=False):
                awards.append(Award(entrant_id, slot.rank, slot.label, slot.amount_vnd))
        else:
            ties.append(tuple(ids))
        index += len(group)
    return Allocation(tuple(awards), tuple(ties))
