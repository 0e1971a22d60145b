"""The hotspot priority score: pure functions over plain data, no database.

Expected numbers are worked out by hand from the formula in hotspots/scoring.py:
mass = MASS_POINTS x log10(1 + kg) x category weight, + confirmations (capped)
x CONFIRMATION_POINTS, + recurrence x RECURRENCE_POINTS, + PRIORITY_POINTS.
Kilograms of 9, 99 and 999 make log10(1 + kg) exactly 1, 2 and 3.
"""

import pytest
from django.conf import settings

from hotspots.scoring import ScoreInput, breakdown, score

# The documented weights (config/settings/base.py HOTSPOT_SCORE), written out so
# the expected numbers below can be checked by hand.
W = {
    "MASS_POINTS": 10.0,
    "CATEGORY_WEIGHTS": {
        "plastic": 2.0,
        "water_hyacinth": 1.5,
        "hazardous": 1.5,
        "household": 1.0,
        "construction": 0.8,
        "other": 0.8,
    },
    "CONFIRMATION_POINTS": 2.0,
    "CONFIRMATION_CAP": 10,
    "RECURRENCE_POINTS": 5.0,
    "PRIORITY_POINTS": 25.0,
}


def data(
    *,
    category: str = "household",
    kg: float = 0.0,
    confirmations: int = 0,
    recurrence: int = 0,
    priority: bool = False,
) -> ScoreInput:
    return ScoreInput(category, kg, confirmations, recurrence, priority)


def parts(item: ScoreInput, weights: dict = W) -> dict[str, float]:
    return {part.key: part.value for part in breakdown(item, weights)}


def test_the_settings_hold_the_documented_weights():
    assert settings.HOTSPOT_SCORE == W


@pytest.mark.parametrize(
    ("category", "mass"),
    [
        ("plastic", 20.0),  # 10 x log10(10) x 2.0
        ("water_hyacinth", 15.0),  # x 1.5
        ("hazardous", 15.0),  # x 1.5
        ("household", 10.0),  # x 1.0
        ("construction", 8.0),  # x 0.8
        ("other", 8.0),  # x 0.8
        ("not-a-category", 10.0),  # unknown categories weigh 1.0
    ],
)
def test_mass_term_is_weighted_by_category(category, mass):
    assert parts(data(category=category, kg=9)) == {
        "mass": mass,
        "confirmations": 0.0,
        "recurrence": 0.0,
        "priority": 0.0,
    }
    assert score(data(category=category, kg=9), W) == mass


@pytest.mark.parametrize(
    ("kg", "mass"),
    [
        (0, 0.0),  # log10(1) = 0: no mass, no points
        (-5, 0.0),  # a negative estimate counts as none
        (0.5, 3.52),  # 10 x log10(1.5) x 2 = 3.5218...
        (1, 6.02),  # 10 x log10(2) x 2 = 6.0206...
        (9, 20.0),  # 10 x 1 x 2
        (99, 40.0),  # 10 x 2 x 2
        (
            999,
            60.0,
        ),  # 10 x 3 x 2: a hundred times the kilograms, three times the points
    ],
)
def test_mass_term_grows_with_the_log_of_the_kilograms(kg, mass):
    assert parts(data(category="plastic", kg=kg))["mass"] == mass


def test_a_thousand_times_the_mass_scores_less_than_ten_times_more():
    bag = score(data(category="plastic", kg=1), W)  # 6.02
    truckload = score(data(category="plastic", kg=1000), W)  # 10 x log10(1001) x 2
    assert truckload == 60.01
    assert truckload / bag < 10


@pytest.mark.parametrize(
    ("confirmations", "points"),
    [
        (0, 0.0),
        (1, 2.0),
        (3, 6.0),
        (9, 18.0),
        (10, 20.0),  # at the cap
        (11, 20.0),  # one over the cap counts as the cap
        (500, 20.0),
    ],
)
def test_confirmations_count_up_to_the_cap(confirmations, points):
    assert parts(data(confirmations=confirmations))["confirmations"] == points


def test_the_explanation_shows_the_capped_count():
    [_, confirmations, *_] = breakdown(data(confirmations=11), W)
    assert confirmations.explanation == "10 x 2 (cap 10)"


@pytest.mark.parametrize(("recurrence", "points"), [(0, 0.0), (1, 5.0), (4, 20.0)])
def test_each_return_of_a_cleaned_site_adds_recurrence_points(recurrence, points):
    assert parts(data(recurrence=recurrence))["recurrence"] == points


@pytest.mark.parametrize(
    ("priority", "points", "explanation"),
    [(True, 25.0, "organisers' priority flag"), (False, 0.0, "no priority flag")],
)
def test_the_priority_flag_adds_a_fixed_bonus(priority, points, explanation):
    [*_, flag] = breakdown(data(priority=priority), W)
    assert (flag.key, flag.value, flag.explanation) == ("priority", points, explanation)


def test_all_parts_add_up_in_a_fixed_order():
    item = data(category="plastic", kg=99, confirmations=4, recurrence=2, priority=True)
    lines = breakdown(item, W)
    assert [(p.key, p.value) for p in lines] == [
        ("mass", 40.0),
        ("confirmations", 8.0),
        ("recurrence", 10.0),
        ("priority", 25.0),
    ]
    assert score(item, W) == 83.0
    assert lines[0].explanation == "10.0 x log10(1 + 99 kg) x 2 (plastic)"


def test_a_report_with_nothing_to_it_scores_zero():
    assert score(data(), W) == 0.0


def test_the_total_is_rounded_to_two_decimals():
    # 10 x log10(1.5) x 2 = 3.5218 -> 3.52; 10 x log10(4) x 1.5 = 9.0309 -> 9.03
    assert score(data(category="plastic", kg=0.5, confirmations=1), W) == 5.52
    assert score(data(category="water_hyacinth", kg=3), W) == 9.03


@pytest.mark.parametrize(
    ("weight", "value", "item", "expected"),
    [
        ("MASS_POINTS", 1.0, data(kg=99), 2.0),  # 1 x 2 x 1.0
        ("CONFIRMATION_POINTS", 3.0, data(confirmations=4), 12.0),
        ("CONFIRMATION_CAP", 2, data(confirmations=4), 4.0),  # 2 x 2.0
        ("RECURRENCE_POINTS", 7.5, data(recurrence=2), 15.0),
        ("PRIORITY_POINTS", 40, data(priority=True), 40.0),
    ],
)
def test_each_weight_comes_from_the_weights_passed_in(weight, value, item, expected):
    assert score(item, {**W, weight: value}) == expected


def test_category_weights_come_from_the_weights_passed_in():
    weights = {**W, "CATEGORY_WEIGHTS": {"plastic": 3.0}}
    assert score(data(category="plastic", kg=9), weights) == 30.0
    assert score(data(category="household", kg=9), weights) == 10.0  # now unknown
