"""The heat tiles read the heat rollups and give the kilograms of the raw rows.

Down to z11 a heat tile's features are heat grid cells (the 0.005° base cell
doubled to about a block), each in the tile that holds its centre; from z12 on,
the rows summed per block, or the base cells where the tile's rows are many.
Each is compared with maps.selectors' raw computation (_heat_queryset, the
rows heat_scan reads, and _grid, its cells) over hotspots and events scattered
across tile and cell edges, dated around local midnights.
"""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from django.utils import timezone

from events.formatting import CONTEST_TZ
from hotspots.models import Hotspot, SizeClass, Status
from maps import rollups, selectors, tiles
from maps.models import HEAT_BASE_CELL_DEG, HotspotHeatTotal
from tests import builders
from tests.tiles import decode, tile_of
from tests.tiles import tile_url as url

from .conftest import approve, client_for, log, user

SOURCES = ("hotspots", "cleanups")
# (since, until) in days from today; None: open.
PERIODS = [(None, None), (-3, None), (None, -2), (-4, -1), (-1, -1)]
# Huế's centre: the z10 tiles 817 and 818 meet at lon 107.578125.
WEST, SOUTH = 107.566, 16.452
SIZES = ("bag", "several_bags", "cart", "truck")
HOTSPOTS = 36
EVENTS = 14


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CONTEST_TZ)


def _moment(rng: random.Random) -> dt.datetime:
    """A time in the last week, often just before or after a local midnight
    (7 hours from UTC's: a period read in UTC days would differ)."""
    day = builders.days(-rng.randint(0, 6))
    hour, minute = rng.choice([(0, 20), (23, 40), (6, 30), (16, 59), (17, 1)])
    return min(_local(day, hour, minute), timezone.now())


@pytest.fixture
def scattered(contest, organiser):
    """Hotspots and events over two z10 tiles, many z14 tiles and base cells."""
    rng = random.Random(10)
    for _ in range(HOTSPOTS):
        spot = builders.hotspot(
            location=Point(
                WEST + rng.uniform(0, 0.03), SOUTH + rng.uniform(0, 0.02), srid=4326
            ),
            size=rng.choice(SIZES),
            status=rng.choice([Status.REPORTED, Status.VERIFIED, Status.REJECTED]),
        )
        Hotspot.objects.filter(pk=spot.pk).update(created_at=_moment(rng))
    for i in range(EVENTS):
        event = log(
            contest.entrant,
            contest.rep,
            kg=Decimal(rng.randint(100, 9000)) / 100,
            hours_ago=rng.uniform(3, 90),  # the team registered 5 days ago
            location=Point(
                WEST + rng.uniform(0, 0.03), SOUTH + rng.uniform(0, 0.02), srid=4326
            ),
            title=f"Vớt rác {i}",
        )
        verdict = rng.choice(["approve", "adjust", "reject", None])
        if verdict == "adjust":
            approve(
                event,
                contest.judge,
                verdict="adjust",
                weight_kg=Decimal(rng.randint(0, 5000)) / 100,
                method="measured",
            )
        elif verdict:
            approve(event, contest.judge, verdict=verdict)
    # Enough of every kind for the comparisons to mean something.
    assert Hotspot.objects.exclude(status__in=("rejected", "duplicate")).count() > 15
    assert selectors.heat(source="cleanups").source_count >= 4


def _day(offset: int | None) -> dt.date | None:
    return None if offset is None else builders.days(offset)


def _rows(source: str, start, end) -> list[tuple[float, float, float]]:
    """(lon, lat, kg) of the rows the heat counts: the raw computation's."""
    queryset, weight = selectors._heat_queryset(source, start, end)
    rows = queryset.annotate(
        lon=selectors._x("location"), lat=selectors._y("location"), kg=weight
    ).values_list("lon", "lat", "kg")
    return [(lon, lat, float(kg)) for lon, lat, kg in rows]


def _cells(source: str, start, end, cell_deg: float) -> list[tuple]:
    """(lon, lat, kg) of each heat cell's centre, summed from the raw rows."""
    queryset, weight = selectors._heat_queryset(source, start, end)
    return selectors._grid(queryset, weight, cell_deg)


def _features(tile: tuple[int, int, int], source: str, start, end) -> list[dict]:
    data = selectors.heat_tile(tiles.Tile(*tile), source=source, start=start, end=end)
    if not data:
        return []
    layer = mapbox_vector_tile.decode(data)["heat"]
    return [f["properties"] for f in layer["features"]]


def _around(points, z: int) -> set[tuple[int, int, int]]:
    """The tiles of the points and their neighbours."""
    found = set()
    for lon, lat in points:
        _z, x, y = tile_of(lon, lat, z)
        found |= {(z, x + dx, y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)}
    return found


def _same_kg(got: list[float], want: list[float], source: str) -> bool:
    if source == "hotspots":  # half-kilograms: exact in floating point
        return sorted(got) == sorted(want)
    return sorted(got) == pytest.approx(sorted(want), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(("since", "until"), PERIODS)
def test_low_zoom_heat_tiles_are_the_raw_rows_heat_cells(
    scattered, source, since, until
):
    start, end = _day(since), _day(until)
    rows = _rows(source, start, end)
    heat = selectors.heat(source=source, start=start, end=end)
    assert heat.source_count == len(rows)
    for z in (8, 10, 11):
        shift = tiles.heat_shift(tiles.Tile(z, 0, 0), HEAT_BASE_CELL_DEG)
        cell = HEAT_BASE_CELL_DEG * 2**shift
        want = defaultdict(list)
        for lon, lat, kg in _cells(source, start, end, cell):
            want[tile_of(lon, lat, z)].append(kg)
        count, kg = 0, 0.0
        for tile in _around([(lon, lat) for lon, lat, _kg in rows], z) | set(want):
            found = _features(tile, source, start, end)
            assert _same_kg([f["kg"] for f in found], want[tile], source), (z, tile)
            count += sum(f["count"] for f in found)
            kg += sum(f["kg"] for f in found)
        assert count == heat.source_count, z
        assert kg == pytest.approx(heat.total_kg, rel=1e-9), z
        assert kg == pytest.approx(sum(w for _x, _y, w in rows), rel=1e-9), z


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(("since", "until"), PERIODS)
def test_z14_heat_tiles_sum_the_rows_in_them_when_few(
    scattered, source, since, until, django_assert_max_num_queries
):
    start, end = _day(since), _day(until)
    rows = _rows(source, start, end)
    want = defaultdict(lambda: [0, 0.0])
    for lon, lat, kg in rows:
        want[tile_of(lon, lat, 14)][0] += 1
        want[tile_of(lon, lat, 14)][1] += kg
    everything = [(lon, lat) for lon, lat, _kg in _rows(source, None, None)]
    for tile in _around(everything, 14):
        with django_assert_max_num_queries(2):  # the rollup's count, the rows
            found = _features(tile, source, start, end)
        count, kg = want.get(tile, (0, 0.0))
        assert sum(f["count"] for f in found) == count, tile
        assert sum(f["kg"] for f in found) == pytest.approx(kg, rel=1e-9), tile


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(("since", "until"), [(None, None), (-4, -1)])
def test_z14_heat_tiles_with_many_rows_are_base_cells_from_the_rollups(
    scattered, monkeypatch, source, since, until, django_assert_num_queries
):
    monkeypatch.setattr(tiles, "HEAT_RAW_MAX_ROWS", 0)
    start, end = _day(since), _day(until)
    want = defaultdict(list)
    for lon, lat, kg in _cells(source, start, end, HEAT_BASE_CELL_DEG):
        want[tile_of(lon, lat, 14)].append(kg)
    rows = _rows(source, start, end)
    total = 0.0
    for tile in _around([(lon, lat) for lon, lat, _kg in rows], 14) | set(want):
        with django_assert_num_queries(1):
            found = _features(tile, source, start, end)
        assert _same_kg([f["kg"] for f in found], want[tile], source), tile
        total += sum(f["kg"] for f in found)
    assert total == pytest.approx(sum(kg for _x, _y, kg in rows), rel=1e-9)


def test_low_zoom_heat_tiles_read_the_rollups_not_the_rows(scattered):
    tile = tile_of(WEST + 0.02, SOUTH + 0.01, 10)
    assert _features(tile, "hotspots", None, None)
    # The rows stay; only their rollup goes (as if the triggers had missed them).
    HotspotHeatTotal.objects.all().delete()
    assert _features(tile, "hotspots", None, None) == []
    rollups.rebuild()
    assert _features(tile, "hotspots", None, None)


def test_heat_tiles_follow_writes_through_their_etag(contest, client):
    campaign, rep, entrant, judge = contest
    ioc = client_for(user("ioc", "ioc"))
    address = tile_of(builders.HUE_LON, builders.HUE_LAT, 10)
    builders.hotspot(location=builders.at(0))
    first = ioc.get(url("heat", *address))
    assert sum(f["count"] for f in decode(first)) == 1
    etag = first["ETag"]
    assert (
        ioc.get(url("heat", *address), headers={"if-none-match": etag}).status_code
        == 304
    )

    builders.hotspot(location=builders.at(1), size="truck")
    second = ioc.get(url("heat", *address), headers={"if-none-match": etag})
    assert second.status_code == 200 and second["ETag"] != etag
    assert sum(f["count"] for f in decode(second)) == 2

    # The weight is the size class's mid kg at read time: editing it moves the tile.
    SizeClass.objects.filter(key="truck").update(min_kg=1000, max_kg=3000)
    third = ioc.get(url("heat", *address), headers={"if-none-match": second["ETag"]})
    assert third.status_code == 200
    bag = SizeClass.objects.get(key="bag").estimated_kg
    assert sum(f["kg"] for f in decode(third)) == pytest.approx(float(bag) + 2000)

    cleanups = {"source": "cleanups"}
    before = ioc.get(url("heat", *address), cleanups)
    assert decode(before) == []
    event = log(entrant, rep, kg=40, location=builders.at(2))
    approve(event, judge)
    after = ioc.get(
        url("heat", *address), cleanups, headers={"if-none-match": before["ETag"]}
    )
    assert after.status_code == 200
    assert [f["kg"] for f in decode(after)] == [40]


def test_the_heat_tile_view_reads_the_period_in_local_days(contest):
    ioc = client_for(user("ioc", "ioc"))
    spot = builders.hotspot(location=builders.at(0))
    # 00:30 in Huế on the day before yesterday: 17:30 UTC the day before.
    day = builders.days(-2)
    Hotspot.objects.filter(pk=spot.pk).update(created_at=_local(day, 0, 30))
    address = tile_of(builders.HUE_LON, builders.HUE_LAT, 10)
    for since, until, count in [
        (day, day, 1),
        (None, day, 1),
        (day, None, 1),
        (None, day - dt.timedelta(days=1), 0),
        (day + dt.timedelta(days=1), None, 0),
    ]:
        params = {
            k: v.isoformat() for k, v in (("since", since), ("until", until)) if v
        }
        response = ioc.get(url("heat", *address), params)
        assert sum(f["count"] for f in decode(response)) == count, params
        built = selectors.heat_tile(
            tiles.Tile(*address), source="hotspots", start=since, end=until
        )
        assert response.content == built


def test_rebuilding_the_rollups_moves_the_heat_version(db):
    version = selectors.layer_version("heat")
    call_command("rollups", "--rebuild", verbosity=0)
    assert selectors.layer_version("heat") > version


# --- pure: zoom rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("z", "shift"),
    [(0, 10), (6, 5), (8, 3), (10, 1), (11, 0), (12, None), (14, None), (16, None)],
)
def test_heat_cells_double_until_about_a_block(z, shift):
    tile = tiles.Tile(z, 0, 0)
    assert tiles.heat_shift(tile, HEAT_BASE_CELL_DEG) == shift
    if shift is not None:
        block = 360 / 2 ** (z + tiles.block_bits(tile))
        cell = HEAT_BASE_CELL_DEG * 2**shift
        assert cell <= block < 2 * cell


@pytest.mark.parametrize("z", [3, 8, 10, 11, 12, 14, 16])
def test_heat_cells_hold_every_cell_centred_in_the_tile(z):
    _z, x, y = tile_of(builders.HUE_LON, builders.HUE_LAT, z)
    tile = tiles.Tile(z, x, y)
    shift = tiles.heat_shift(tile, HEAT_BASE_CELL_DEG) or 0
    cells = tiles.heat_cells(tile, HEAT_BASE_CELL_DEG, shift)
    cell = HEAT_BASE_CELL_DEG * 2**shift
    (gx0, gx1), (gy0, gy1) = cells.gx, cells.gy
    assert gx0 % 2**shift == 0 and (gx1 + 1) % 2**shift == 0
    margin = 3 * 2**shift
    for gx in range(gx0 - margin, gx1 + margin + 1, 2**shift):
        for gy in range(gy0 - margin, gy1 + margin + 1, 2**shift):
            lon = ((gx >> shift) + 0.5) * cell
            lat = ((gy >> shift) + 0.5) * cell
            if tile_of(lon, lat, z) == (z, x, y):
                assert gx0 <= gx <= gx1 and gy0 <= gy <= gy1, (gx, gy)
