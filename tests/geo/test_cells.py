"""H3 cells stored with each row: computed like h3's own API, set by the writes."""

import h3
import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ImproperlyConfigured

from events.models import CleanupEvent
from geo import cells
from hotspots import services as hotspot_services
from hotspots.models import Hotspot
from tests import builders

POINTS = [(107.59, 16.46), (107.7077, 16.5097), (107.3, 16.62), (108.1, 16.05)]


def _expected(lon: float, lat: float) -> dict[int, int]:
    return {res: h3.str_to_int(h3.latlng_to_cell(lat, lon, res)) for res in (7, 8, 9)}


@pytest.mark.parametrize(("lon", "lat"), POINTS)
def test_cells_for_is_h3s_cell_as_an_int64(lon, lat):
    found = cells.cells_for(lon, lat)
    assert found == _expected(lon, lat)
    assert all(0 < cell < 2**63 for cell in found.values())  # fits a BIGINT


def test_cells_many_agrees_with_cells_for():
    lons, lats = zip(*POINTS, strict=True)
    many = cells.cells_many(lons, lats)
    for i, (lon, lat) in enumerate(POINTS):
        assert {res: many[res][i] for res in many} == _expected(lon, lat)


def test_resolutions_follow_the_setting_within_the_stored_columns(settings):
    settings.HEX_RESOLUTIONS = (8,)
    assert cells.cells_for(107.59, 16.46) == {8: _expected(107.59, 16.46)[8]}
    settings.HEX_RESOLUTIONS = (8, 10)
    with pytest.raises(ImproperlyConfigured):
        cells.resolutions()


def _stored(row) -> dict[int, int]:
    return {res: getattr(row, f"h3_{res}") for res in (7, 8, 9)}


def test_reports_and_corrections_store_the_cells(demo_areas, organiser):
    spot = builders.hotspot(location=builders.point(107.59, 16.46))
    spot.refresh_from_db()
    assert _stored(spot) == _expected(107.59, 16.46)
    moved = Point(107.7077, 16.5097, srid=4326)
    hotspot_services.hotspot_correct(hotspot=spot, actor=organiser, location=moved)
    spot.refresh_from_db()
    assert _stored(spot) == _expected(107.7077, 16.5097)


def test_a_logged_event_stores_its_cells(contest):
    event = builders.event(
        entrant=contest.entrant, location=builders.point(107.6060, 16.4550)
    )
    event = CleanupEvent.objects.get(pk=event.pk)
    assert _stored(event) == _expected(107.6060, 16.4550)


def test_assign_bulk_fills_missing_cells_and_is_rerunnable(demo_areas):
    spots = [builders.hotspot(location=builders.at(i)) for i in range(5)]
    Hotspot.objects.update(h3_7=None, h3_8=None, h3_9=12345)
    assert cells.assign_bulk(Hotspot.objects.filter(pk__lte=spots[2].pk)) == 3
    assert cells.assign_bulk(Hotspot.objects.all(), batch_size=2) == 5
    assert cells.assign_bulk(Hotspot.objects.all()) == 5  # the same again
    for spot in Hotspot.objects.all():
        assert _stored(spot) == _expected(spot.location.x, spot.location.y)


def test_assign_bulk_refuses_a_field_that_is_not_a_wgs84_point(db):
    with pytest.raises(ValueError, match="not a WGS84 PointField"):
        cells.assign_bulk(Hotspot.objects.all(), point="outline")
