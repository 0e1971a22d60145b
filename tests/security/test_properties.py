"""Property tests: the geometry gate and the number grammar never fail in any
way but their own ClientError, and what they let through is valid and inside
the service envelope; the hotspot score and the contest score are bounded,
never negative or NaN, and monotone in the inputs that should raise them.

Derandomized (the same examples on every run, in CI too) and sized so that the
file runs in well under 30 s.
"""

import datetime as dt
import math
from decimal import Decimal

from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from config.api import NUMBER, ascii_float
from config.inputs import has_forbidden_characters
from events.defaults import scoring_defaults
from events.results.scoring import EventInput, entrant_score, event_score, rank
from geo.spatial import (
    GEOMETRY_TYPES,
    GeometryError,
    envelope,
    parse_bbox,
    parse_coordinate,
    parse_geometry,
)
from hotspots.scoring import ScoreInput, score

PROFILE = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


# --- strategies -------------------------------------------------------------------

LON_MIN, LAT_MIN, LON_MAX, LAT_MAX = settings.SERVICE_ENVELOPE

inside_lon = st.floats(LON_MIN, LON_MAX, allow_nan=False)
inside_lat = st.floats(LAT_MIN, LAT_MAX, allow_nan=False)
any_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
number_text = st.one_of(
    st.from_regex(NUMBER, fullmatch=True),
    st.text(alphabet="0123456789.eE+-١٢٣٠ \t\x00_,xn", max_size=40),
    st.sampled_from(["nan", "inf", "-Infinity", "9" * 400, "1e999", "١٠٧", "0107.5"]),
    st.text(max_size=20),
)
# A position: mostly good (inside the envelope), sometimes anything at all.
position = st.one_of(
    st.tuples(inside_lon, inside_lat).map(list),
    st.lists(st.one_of(inside_lon, any_number, number_text), max_size=5),
    any_number,
    number_text,
)
json_scalar = st.one_of(st.none(), any_number, st.text(max_size=10))
json_value = st.recursive(
    json_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=6), children, max_size=3),
    ),
    max_leaves=20,
)


def _coordinates(depth: int):
    if depth == 0:
        return position
    return st.one_of(
        st.lists(_coordinates(depth - 1), max_size=6), json_value, position
    )


geometry_like = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.one_of(
                st.sampled_from([*GEOMETRY_TYPES, "GeometryCollection", "Feature"]),
                json_scalar,
            ),
            "coordinates": st.integers(0, 3).flatmap(_coordinates),
        },
        optional={
            "crs": json_value,
            "srid": st.integers(),
            "geometries": st.lists(json_value, max_size=3),
        },
    ),
    json_value,
    st.text(max_size=60),
)


def _closed_ring(points):
    return [*points, points[0]]


# Polygons that are likely to be valid: a small box around a point inside.
boxes = st.tuples(
    st.floats(LON_MIN, LON_MAX - 0.01, allow_nan=False),
    st.floats(LAT_MIN, LAT_MAX - 0.01, allow_nan=False),
    st.floats(1e-5, 0.01, allow_nan=False),
)


# --- the geometry gate --------------------------------------------------------------


def _inside(geom) -> bool:
    lon_min, lat_min, lon_max, lat_max = envelope()
    x0, y0, x1, y1 = geom.extent
    return lon_min <= x0 and x1 <= lon_max and lat_min <= y0 and y1 <= lat_max


@hsettings(max_examples=400, **PROFILE)
@given(geometry_like)
def test_gate_yields_a_valid_geometry_inside_the_envelope_or_its_error(value):
    try:
        geom = parse_geometry(value)
    except GeometryError as error:
        assert error.code and error.field == "geometry"
        return
    assert geom.valid and geom.srid == 4326 and not geom.hasz
    assert geom.num_coords <= settings.GEOMETRY_MAX_VERTICES
    assert _inside(geom)
    assert all(math.isfinite(c) for c in geom.extent)


@hsettings(max_examples=150, **PROFILE)
@given(boxes)
def test_gate_accepts_a_small_box_inside_the_envelope(box):
    x, y, size = box
    ring = _closed_ring([[x, y], [x + size, y], [x + size, y + size], [x, y + size]])
    geom = parse_geometry(
        {"type": "Polygon", "coordinates": [ring]}, expected=["Polygon"]
    )
    assert geom.valid and _inside(geom)


@hsettings(max_examples=300, **PROFILE)
@given(st.one_of(number_text, any_number, json_value), st.sampled_from(["lon", "lat"]))
def test_coordinate_is_a_finite_number_in_range_or_its_error(value, axis):
    try:
        number = parse_coordinate(value, axis=axis)
    except GeometryError as error:
        assert error.field == axis
        return
    assert math.isfinite(number)
    assert abs(number) <= (180 if axis == "lon" else 90)
    if isinstance(value, str):
        # Accepted text is the ASCII grammar, nothing else.
        assert value.isascii() and NUMBER.fullmatch(value)


@hsettings(max_examples=200, **PROFILE)
@given(
    st.one_of(
        st.lists(number_text, min_size=4, max_size=4).map(",".join),
        st.tuples(inside_lon, inside_lat, inside_lon, inside_lat).map(
            lambda t: ",".join(repr(v) for v in t)
        ),
        st.text(max_size=40),
    )
)
def test_bbox_is_a_box_inside_the_envelope_none_or_its_error(value):
    try:
        box = parse_bbox(value)
    except GeometryError as error:
        assert error.field == "in_bbox"
        return
    if box is not None:
        assert box.valid and _inside(box)


@hsettings(max_examples=300, **PROFILE)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_written_by_python_reads_back_exactly(number):
    assert ascii_float(repr(number)) == number


@hsettings(max_examples=300, **PROFILE)
@given(st.text(max_size=60))
def test_number_grammar_raises_only_value_error(text):
    try:
        number = ascii_float(text)
    except ValueError:
        return
    assert math.isfinite(number) and text.isascii() and text == text.strip()


@hsettings(max_examples=200, **PROFILE)
@given(st.text(max_size=30))
def test_text_a_field_accepts_has_no_control_character(text):
    if not has_forbidden_characters(text):
        assert all(
            c in "\t\n\r" or (ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F)
            for c in text
        )
        text.encode("utf-8")  # and PostgreSQL can store it


# --- the hotspot score ----------------------------------------------------------------

WEIGHTS = settings.HOTSPOT_SCORE
categories = st.sampled_from([*WEIGHTS["CATEGORY_WEIGHTS"], "unknown"])
hotspot_inputs = st.builds(
    ScoreInput,
    category=categories,
    estimated_kg=st.floats(0, 1e9, allow_nan=False),
    confirmations=st.integers(0, 10_000),
    recurrence=st.integers(0, 1_000),
    priority=st.booleans(),
)


@hsettings(max_examples=300, **PROFILE)
@given(hotspot_inputs)
def test_hotspot_score_is_finite_and_not_negative(data):
    value = score(data, WEIGHTS)
    assert math.isfinite(value) and value >= 0


@hsettings(max_examples=300, **PROFILE)
@given(
    hotspot_inputs,
    st.floats(0, 1e6, allow_nan=False),
    st.integers(0, 50),
    st.integers(0, 50),
)
def test_hotspot_score_is_monotone(data, more_kg, more_confirmations, more_recurrence):
    base = score(data, WEIGHTS)
    bigger = ScoreInput(
        category=data.category,
        estimated_kg=data.estimated_kg + more_kg,
        confirmations=data.confirmations + more_confirmations,
        recurrence=data.recurrence + more_recurrence,
        priority=True,
    )
    assert score(bigger, WEIGHTS) >= base


@hsettings(max_examples=100, **PROFILE)
@given(hotspot_inputs)
def test_confirmations_beyond_the_cap_add_nothing(data):
    cap = WEIGHTS["CONFIRMATION_CAP"]
    at_cap = ScoreInput(
        data.category, data.estimated_kg, cap, data.recurrence, data.priority
    )
    beyond = ScoreInput(
        data.category, data.estimated_kg, cap + 1000, data.recurrence, data.priority
    )
    assert score(beyond, WEIGHTS) == score(at_cap, WEIGHTS)


# --- the contest score ----------------------------------------------------------------

kg = st.decimals(0, 100_000, places=2, allow_nan=False, allow_infinity=False)
WHEN = dt.datetime(2024, 6, 2, 9, tzinfo=dt.UTC)


@st.composite
def events(draw, entrant_id: int = 1):
    weight = draw(kg)
    plastic = draw(st.decimals(0, weight, places=2)) if weight else Decimal(0)
    hyacinth = (
        draw(st.decimals(0, weight - plastic, places=2))
        if weight - plastic
        else Decimal(0)
    )
    return EventInput(
        event_id=draw(st.integers(1, 10**6)),
        entrant_id=entrant_id,
        verdict=draw(st.sampled_from(["approve", "adjust", "reject", None])),
        weight_kg=weight,
        plastic_kg=plastic,
        water_hyacinth_kg=hyacinth,
        other_kg=weight - plastic - hyacinth,
        method=draw(st.sampled_from(["measured", "estimated"])),
        priority=draw(st.booleans()),
        area_ids=frozenset(draw(st.lists(st.integers(1, 20), max_size=3))),
        ended_at=WHEN + dt.timedelta(hours=draw(st.integers(0, 1000))),
    )


CONTEST_WEIGHTS = scoring_defaults()


@hsettings(max_examples=300, **PROFILE)
@given(events())
def test_event_points_are_finite_and_not_negative(event):
    result = event_score(event, CONTEST_WEIGHTS)
    assert result.points.is_finite() and result.points >= 0
    assert result.priority_weighted_kg >= 0
    if event.verdict not in ("approve", "adjust"):
        assert result.points == 0


@hsettings(max_examples=200, **PROFILE)
@given(events(), kg)
def test_event_points_grow_with_the_weight(event, more):
    heavier = EventInput(
        **{
            **event.__dict__,
            "weight_kg": event.weight_kg + more,
            "other_kg": event.other_kg + more,
        }
    )
    before = event_score(event, CONTEST_WEIGHTS).points
    assert event_score(heavier, CONTEST_WEIGHTS).points >= before


@hsettings(max_examples=200, **PROFILE)
@given(events())
def test_a_priority_site_never_lowers_and_an_estimate_never_raises_points(event):
    flagged = EventInput(**{**event.__dict__, "priority": True})
    plain = EventInput(**{**event.__dict__, "priority": False})
    assert event_score(flagged, CONTEST_WEIGHTS).points >= (
        event_score(plain, CONTEST_WEIGHTS).points
    )
    measured = EventInput(**{**event.__dict__, "method": "measured"})
    estimated = EventInput(**{**event.__dict__, "method": "estimated"})
    assert event_score(estimated, CONTEST_WEIGHTS).points <= (
        event_score(measured, CONTEST_WEIGHTS).points
    )


@hsettings(max_examples=150, **PROFILE)
@given(st.lists(events(), max_size=6), events())
def test_entrant_points_are_their_sum_and_another_event_never_lowers_them(
    history, another
):
    total = entrant_score(1, history, CONTEST_WEIGHTS)
    assert total.points == total.event_points + total.coverage_bonus
    assert total.points >= 0 and total.coverage_bonus >= 0
    assert total.event_points == sum((s.points for s in total.events), Decimal(0))
    more = entrant_score(1, [*history, another], CONTEST_WEIGHTS)
    assert more.points >= total.points


@hsettings(max_examples=100, **PROFILE)
@given(st.lists(st.lists(events(), max_size=3), min_size=1, max_size=6))
def test_ranks_follow_the_points(histories):
    scores = [
        entrant_score(i, history, CONTEST_WEIGHTS)
        for i, history in enumerate(histories, start=1)
    ]
    ranked = rank(scores)
    assert sorted(r.score.entrant_id for r in ranked) == list(
        range(1, len(histories) + 1)
    )
    for first, second in zip(ranked, ranked[1:], strict=False):
        assert first.rank <= second.rank
        assert first.score.points >= second.score.points
