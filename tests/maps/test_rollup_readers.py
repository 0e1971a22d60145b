"""The readers over the rollups give the numbers of the full scans they replaced.

headline, daily_counts, area_metrics, heat and hexagon_cells read the rollups;
the *_scan functions (and maps.hexagons.cell_counts over every point) read the
raw rows. After random writes through the services they must agree exactly,
but for cleanup kilograms that the scans summed as floats (approx, 1e-9).
"""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Campaign
from maps import hexagons, selectors

from .randomized import World

PERIODS = [(None, None), (0, 0), (-6, 0), (-40, -20), (-3, None), (None, -10)]
LIMITS = [1, 2, 3, 1000]


def _day(offset):
    return None if offset is None else timezone.localdate() + dt.timedelta(offset)


def assert_heat_equal(source: str, start, end, limit: int) -> None:
    new = selectors.heat(source=source, start=start, end=end, limit=limit)
    old = selectors.heat_scan(source=source, start=start, end=end, limit=limit)
    where = (source, start, end, limit)
    assert (new.source_count, new.aggregated, new.cell_deg) == (
        old.source_count,
        old.aggregated,
        old.cell_deg,
    ), where
    assert len(new.points) == len(old.points), where
    if source == "hotspots":  # half-kilograms: exact in floating point
        assert new.points == old.points and new.total_kg == old.total_kg, where
    else:
        for (x, y, kg), (x0, y0, kg0) in zip(new.points, old.points, strict=True):
            assert (x, y) == (x0, y0) and kg == pytest.approx(kg0, rel=1e-9), where
        assert new.total_kg == pytest.approx(old.total_kg, rel=1e-9), where


def assert_cells_equal(campaign: Campaign, resolution: int) -> None:
    new = selectors.hexagon_cells(campaign, resolution=resolution)
    old = hexagons.cell_counts(
        selectors.hotspot_points(campaign),
        selectors.event_points(campaign),
        resolution=resolution,
    )
    assert [(c.cell, c.hotspots, c.open_hotspots, c.cleanups) for c in new] == [
        (c.cell, c.hotspots, c.open_hotspots, c.cleanups) for c in old
    ]
    for a, b in zip(new, old, strict=True):
        assert a.verified_kg == pytest.approx(b.verified_kg, rel=1e-9, abs=1e-9)
        assert a.properties() == b.properties()


def assert_readers_equal() -> None:
    for campaign in Campaign.objects.order_by("id"):
        new, old = selectors.headline(campaign), selectors.headline_scan(campaign)
        assert new == old and repr(new.verified_kg) == repr(old.verified_kg)
        assert selectors.daily_counts(campaign) == selectors.daily_counts_scan(campaign)
        for level in ("district", "province"):
            assert selectors.area_metrics(
                campaign=campaign, level=level
            ) == selectors.area_metrics_scan(campaign=campaign, level=level)
        for resolution in (7, 8, 9):
            assert_cells_equal(campaign, resolution)
    for source in selectors.HEAT_SOURCES:
        for start, end in PERIODS:
            for limit in LIMITS:
                assert_heat_equal(source, _day(start), _day(end), limit)


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_rollup_readers_equal_the_full_scans_on_random_data(contest, organiser, seed):
    world = World(seed, contest, organiser)
    assert_readers_equal()  # nothing yet but the contest
    for _round in range(4):
        for _ in range(12):
            world.step()
        assert_readers_equal()


def test_heat_reads_raw_points_only_under_the_limit(contest, django_assert_num_queries):
    from tests import builders

    for i in range(3):
        builders.hotspot(location=builders.at(i))
    with django_assert_num_queries(2):  # the rollup sums, then the 3 points
        small = selectors.heat(source="hotspots", limit=10)
    assert not small.aggregated and len(small.points) == 3
    with django_assert_num_queries(1):  # the rollup sums only
        big = selectors.heat(source="hotspots", limit=2)
    assert big.aggregated and big.source_count == 3
    assert sum(kg for _x, _y, kg in big.points) == big.total_kg


def _filters(today: dt.date) -> list[dict]:
    day = lambda offset: (today + dt.timedelta(offset)).isoformat()  # noqa: E731
    return [
        {},
        {"category": "plastic"},
        {"status": "cleaned"},
        {"priority": "true"},
        {"category": "household", "status": "verified", "priority": "false"},
        {"since": day(-6)},
        {"until": day(-20), "status": "reopened"},
        {"since": day(-40), "until": day(0), "category": "plastic"},
    ]


@pytest.mark.parametrize("seed", [3, 8])
def test_public_total_from_the_rollups_equals_the_rows(contest, organiser, seed):
    """The map's and the list's totals come from the rollups; after random
    writes they equal a count of the filter's rows, in any listed district."""
    world = World(seed, contest, organiser)
    for _ in range(30):
        world.step()
    districts = [None, *[pk for pk, _name in selectors.district_choices()][:3]]
    for query in _filters(timezone.localdate()):
        for area in districts:
            params = dict(query) if area is None else {**query, "area": str(area)}
            filters = selectors.public_map_filter(params)
            assert set(filters.active()) == set(params), params
            total = selectors.public_hotspot_total(filters)
            assert total == filters.qs.count(), params
