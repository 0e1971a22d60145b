"""Scoring: pure functions, no database."""

import datetime as dt
from decimal import Decimal

import pytest

from events.defaults import scoring_defaults
from events.results.scoring import (
    EventInput,
    PrizeSlot,
    allocate,
    entrant_score,
    event_score,
    rank,
)

W = scoring_defaults()
T0 = dt.datetime(2024, 6, 10, 9, 0, tzinfo=dt.UTC)


def ev(
    event_id=1,
    entrant_id=1,
    *,
    kg=100,
    plastic=0,
    hyacinth=0,
    other=0,
    method="measured",
    verdict="approve",
    priority=False,
    areas=(1,),
    day=0,
):
    return EventInput(
        event_id=event_id,
        entrant_id=entrant_id,
        verdict=verdict,
        weight_kg=Decimal(kg),
        plastic_kg=Decimal(plastic),
        water_hyacinth_kg=Decimal(hyacinth),
        other_kg=Decimal(other),
        method=method,
        priority=priority,
        area_ids=frozenset(areas),
        ended_at=T0 + dt.timedelta(days=day),
    )


@pytest.mark.parametrize(
    ("event", "points"),
    [
        (ev(kg=100, plastic=100), Decimal("300.00")),  # plastic x 3
        (ev(kg=100, hyacinth=100), Decimal("100.00")),  # hyacinth x 1
        (ev(kg=100, other=100), Decimal("100.00")),
        (ev(kg=100), Decimal("100.00")),  # not broken down counts as other
        (ev(kg=100, plastic=50, hyacinth=50), Decimal("200.00")),
        (ev(kg=100, plastic=100, priority=True), Decimal("450.00")),  # x 1.5
        (ev(kg=100, plastic=100, method="estimated"), Decimal("240.00")),  # x 0.8
        (ev(kg=100, plastic=100, priority=True, method="estimated"), Decimal("360.00")),
        (ev(kg=100, plastic=100, verdict="adjust"), Decimal("300.00")),
        (ev(kg=100, plastic=100, verdict="reject"), Decimal("0")),
        (ev(kg=100, plastic=100, verdict=None), Decimal("0")),
        (ev(kg="0.33", plastic="0.33"), Decimal("0.99")),
    ],
)
def test_event_points(event, points):
    assert event_score(event, W).points == points


def test_breakdown_explains_every_factor():
    lines = event_score(
        ev(kg=10, plastic=10, priority=True, method="estimated"), W
    ).lines
    labels = " | ".join(line.label for line in lines)
    assert "plastic 10 kg x 3.0" in labels
    assert "priority hotspot x 1.5" in labels and "estimated weight x 0.8" in labels


def test_entrant_adds_events_and_a_bonus_per_distinct_area():
    events = [
        ev(1, kg=10, areas=(1,)),
        ev(2, kg=10, areas=(1, 7)),
        ev(3, kg=10, areas=(9,), verdict="reject"),
    ]
    score = entrant_score(1, events, W)
    assert score.event_points == Decimal("20.00")
    assert score.areas == 2  # the rejected event's area does not count
    assert score.coverage_bonus == Decimal("40.00")
    assert score.points == Decimal("60.00")


def test_same_kilograms_priority_site_ranks_first():
    plain = entrant_score(1, [ev(1, 1, kg=100, plastic=100)], W)
    priority = entrant_score(2, [ev(2, 2, kg=100, plastic=100, priority=True)], W)
    assert [r.score.entrant_id for r in rank([plain, priority])] == [2, 1]


def test_weighed_beats_the_same_estimated():
    estimated = entrant_score(1, [ev(1, 1, kg=100, method="estimated")], W)
    weighed = entrant_score(2, [ev(2, 2, kg=100)], W)
    assert [r.score.entrant_id for r in rank([estimated, weighed])] == [2, 1]


def test_tie_breaks_in_order():
    no_bonus = {**W, "coverage_bonus_per_area": 0}
    # Equal points (60 kg plastic x 3 = 120 kg other x 1.5); 2 has more
    # priority-weighted kilograms.
    a = entrant_score(1, [ev(1, 1, kg=60, plastic=60)], no_bonus)
    b = entrant_score(2, [ev(2, 2, kg=120, other=120, priority=True)], no_bonus)
    assert a.points == b.points == Decimal("180.00")
    assert [r.score.entrant_id for r in rank([a, b])] == [2, 1]
    # Equal points and priority kg: more distinct areas first.
    c = entrant_score(
        3, [ev(3, 3, kg=50, areas=(1,)), ev(4, 3, kg=50, areas=(2,))], no_bonus
    )
    d = entrant_score(
        4, [ev(5, 4, kg=50, areas=(1,)), ev(6, 4, kg=50, areas=(1,))], no_bonus
    )
    assert [r.score.entrant_id for r in rank([d, c])] == [3, 4]
    # Then the earlier final event.
    e = entrant_score(5, [ev(7, 5, kg=100, day=5)], no_bonus)
    f = entrant_score(6, [ev(8, 6, kg=100, day=2)], no_bonus)
    assert [r.score.entrant_id for r in rank([e, f])] == [6, 5]


def test_full_ties_share_a_rank():
    a = entrant_score(1, [ev(1, 1, kg=100)], W)
    b = entrant_score(2, [ev(2, 2, kg=100)], W)
    c = entrant_score(3, [ev(3, 3, kg=10)], W)
    ranked = rank([c, b, a])
    assert [(r.rank, r.score.entrant_id, r.tied_with) for r in ranked] == [
        (1, 1, (2,)),
        (1, 2, (1,)),
        (3, 3, ()),
    ]


PRIZES_2024 = [
    PrizeSlot(1, "Nhất", 1, 3_000_000),
    PrizeSlot(2, "Nhì", 2, 2_000_000),
    PrizeSlot(3, "Ba", 2, 1_500_000),
    PrizeSlot(4, "Khuyến khích", 10, 1_000_000),
]


def test_sixteen_collective_entrants_share_exactly_fifteen_prizes():
    scores = [entrant_score(i, [ev(i, i, kg=100 + i)], W) for i in range(1, 17)]
    allocation = allocate(rank(scores), PRIZES_2024)
    assert allocation.boundary_ties == ()
    assert len(allocation.awards) == 15
    assert [a.entrant_id for a in allocation.awards[:3]] == [16, 15, 14]
    assert sum(a.amount_vnd for a in allocation.awards) == 20_000_000
    assert 1 not in {a.entrant_id for a in allocation.awards}  # 16th gets nothing


def test_tie_at_a_prize_boundary_is_left_to_the_jury():
    # Two entrants tied for first: one first prize, then second prizes.
    a = entrant_score(1, [ev(1, 1, kg=200)], W)
    b = entrant_score(2, [ev(2, 2, kg=200)], W)
    c = entrant_score(3, [ev(3, 3, kg=100)], W)
    allocation = allocate(rank([a, b, c]), PRIZES_2024)
    assert allocation.boundary_ties == ((1, 2),)
    assert [(x.entrant_id, x.prize_rank) for x in allocation.awards] == [(3, 2)]


def test_tie_inside_one_prize_needs_no_decision():
    a = entrant_score(1, [ev(1, 1, kg=300)], W)
    b = entrant_score(2, [ev(2, 2, kg=200)], W)
    c = entrant_score(3, [ev(3, 3, kg=200)], W)
    allocation = allocate(rank([a, b, c]), PRIZES_2024)
    assert allocation.boundary_ties == ()
    assert [(x.entrant_id, x.prize_rank) for x in allocation.awards] == [
        (1, 1),
        (2, 2),
        (3, 2),
    ]


def test_no_points_no_prize():
    rejected = entrant_score(1, [ev(1, 1, kg=500, verdict="reject")], W)
    allocation = allocate(rank([rejected]), PRIZES_2024)
    assert allocation.awards == ()


def test_the_jurys_order_settles_a_boundary_tie():
    a = entrant_score(1, [ev(1, 1, kg=200)], W)
    b = entrant_score(2, [ev(2, 2, kg=200)], W)
    c = entrant_score(3, [ev(3, 3, kg=100)], W)
    allocation = allocate(rank([a, b, c]), PRIZES_2024, tie_orders=[(2, 1)])
    assert allocation.boundary_ties == ()
    assert [(x.entrant_id, x.prize_rank) for x in allocation.awards] == [
        (2, 1),
        (1, 2),
        (3, 2),
    ]


def test_six_individual_entrants_share_exactly_five_prizes():
    individual = [PrizeSlot(1, "Cá nhân", 5, 1_000_000)]
    scores = [entrant_score(i, [ev(i, i, kg=10 * i)], W) for i in range(1, 7)]
    allocation = allocate(rank(scores), individual)
    assert len(allocation.awards) == 5 and allocation.boundary_ties == ()
    assert 1 not in {a.entrant_id for a in allocation.awards}


def test_every_breakdown_line_has_a_vietnamese_wording():
    """scoring.py writes its lines in plain English; the pages translate them by
    shape (events.results.presenters.LINE_SHAPES). A wording change there must fail here
    instead of showing English on a page."""
    from django.utils import translation

    from events.results.presenters import board_line

    events = [
        ev(1, kg=100, plastic=40, hyacinth=30, priority=True, method="estimated"),
        ev(2, kg=10, verdict="reject"),
        ev(3, kg=10, verdict=None),
    ]
    score = entrant_score(1, events, W)
    lines = [line for e in score.events for line in e.lines] + list(score.lines)
    with translation.override("vi"):
        for line in lines:
            shown = board_line(line.label, line.value).label
            assert shown != line.label, f"no Vietnamese wording for {line.label!r}"
