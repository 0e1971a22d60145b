"""Scoring: pure functions, no database."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import formats, translation

from events.defaults import scoring_defaults
from events.results import explain
from events.results.scoring import (
    Code,
    EventInput,
    Line,
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
    assert [(line.code, line.params, line.value) for line in lines] == [
        (Code.PLASTIC, {"kg": Decimal(10), "factor": Decimal("3.0")}, Decimal(30)),
        (Code.WATER_HYACINTH, {"kg": 0, "factor": Decimal("1.0")}, Decimal(0)),
        (Code.OTHER, {"kg": 0, "factor": Decimal("1.0")}, Decimal(0)),
        (Code.PRIORITY, {"factor": Decimal("1.5")}, Decimal("1.5")),
        (Code.ESTIMATED, {"factor": Decimal("0.8")}, Decimal("0.8")),
    ]


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


def every_kind_of_line() -> list[Line]:
    """Lines of an entrant whose events between them use every line code."""
    events = [
        ev(1, kg=100, plastic=40, hyacinth=30, priority=True, method="estimated"),
        ev(2, kg=10, verdict="reject"),
        ev(3, kg=10, verdict=None),
    ]
    score = entrant_score(1, events, W)
    return [line for e in score.events for line in e.lines] + list(score.lines)


def test_scoring_explains_itself_with_every_code():
    assert {line.code for line in every_kind_of_line()} == set(Code)


@pytest.mark.parametrize("line", every_kind_of_line(), ids=lambda line: line.code)
def test_every_breakdown_line_is_worded_in_vietnamese_and_english(line):
    """A code without a wording, a placeholder left unfilled or a missing English
    translation fails here instead of reaching a page."""
    wording = {}
    for language in ("vi", "en"):
        with translation.override(language):
            wording[language] = str(explain.TEXTS[line.code])
            text = explain.text(line)
            assert "%" not in text
            for value in line.params.values():
                number = formats.number_format(Decimal(value), use_l10n=True)
                assert number in text
    assert wording["vi"] != wording["en"], f"no English wording for {line.code}"


@pytest.mark.parametrize(
    ("line", "vi", "en"),
    [
        (
            Line(Code.PLASTIC, {"kg": Decimal("40.50"), "factor": Decimal("3.0")}, 0),
            "Nhựa 40,50 kg × 3,0 điểm/kg",
            "Plastic 40.50 kg × 3.0 points/kg",
        ),
        (
            Line(Code.PRIORITY, {"factor": Decimal("1.5")}, Decimal("1.5")),
            "Làm sạch điểm nóng ưu tiên: nhân 1,5",
            "Priority hotspot cleaned up: multiplied by 1.5",
        ),
        (
            Line(Code.COVERAGE, {"n": 2, "factor": Decimal(20)}, Decimal(40)),
            "Thưởng độ phủ: 2 địa bàn × 20 điểm",
            "Coverage bonus: 2 areas × 20 points",
        ),
        (
            Line(Code.REJECTED, {}, Decimal(0)),
            "Bị Ban Giám khảo loại: 0 điểm",
            "Rejected by the Jury: 0 points",
        ),
    ],
)
def test_lines_are_worded_in_the_active_language(line, vi, en):
    with translation.override("vi"):
        assert explain.text(line) == vi
    with translation.override("en"):
        assert explain.text(line) == en


def test_shown_lines_round_points_and_keep_factors():
    plastic = Line(Code.PLASTIC, {"kg": Decimal("0.33"), "factor": Decimal("3.0")}, 0)
    plastic = Line(plastic.code, plastic.params, Decimal("0.990"))
    factor = Line(Code.ESTIMATED, {"factor": Decimal("0.8")}, Decimal("0.8"))
    with translation.override("vi"):
        assert explain.shown(plastic).as_json() == {
            "code": "plastic",
            "params": {"kg": "0.33", "factor": "3.0"},
            "value": "0.99",
            "kind": "points",
            "text": "Nhựa 0,33 kg × 3,0 điểm/kg",
        }
        assert explain.shown(factor).as_json()["value"] == "0.8"
        assert explain.shown(factor).kind == "multiplier"


def test_a_line_survives_json_exactly():
    for line in every_kind_of_line():
        assert Line.from_json(line.to_json()) == Line(
            line.code,
            {k: v if isinstance(v, int) else str(v) for k, v in line.params.items()},
            line.value,
        )
