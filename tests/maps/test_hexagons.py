"""Hexagon coverage and coverage gaps: pure functions, then the APIs and the page."""

import json
import math

import h3
import pytest
from django.contrib.gis.geos import Point
from django.test import override_settings
from django.urls import reverse

from maps import hexagons
from maps.rows import EventPoint, HotspotPoint
from tests import builders
from tests.tiles import features, tilemap_config

# A res-8 cell's centre in Huế, so small offsets stay inside the cell.
CELL = h3.latlng_to_cell(16.46, 107.59, 8)
LAT0, LON0 = h3.cell_to_latlng(CELL)
M_PER_DEG_LAT = 111_195.0  # on the 6,371,008.8 m sphere


def north(metres: float) -> tuple[float, float]:
    """Return (lon, lat) `metres` due north of the cell centre."""
    return LON0, LAT0 + metres / M_PER_DEG_LAT


def spot(lon, lat, *, pk=1, is_open=True, priority=True, kg=30.0) -> HotspotPoint:
    return HotspotPoint(
        lon, lat, kg, pk, "plastic", "cart", "Một xe đẩy", priority, is_open
    )


# --- pure: counts per cell -----------------------------------------------------


def test_counts_two_points_in_one_cell_and_one_in_another():
    far_lon, far_lat = north(3_000)  # 3 km: a different res-8 cell
    hotspots = [
        spot(LON0, LAT0, pk=1),
        spot(*north(40), pk=2, is_open=False),
        spot(far_lon, far_lat, pk=3),
    ]
    events = [EventPoint(LON0 + 0.0003, LAT0, 12.5), EventPoint(far_lon, far_lat, 7.0)]
    counts = {c.cell: c for c in hexagons.cell_counts(hotspots, events, resolution=8)}
    far_cell = h3.latlng_to_cell(far_lat, far_lon, 8)
    assert set(counts) == {CELL, far_cell}
    assert counts[CELL].properties() == {
        "cell": CELL,
        "cleanups": 1,
        "verified_kg": 12.5,
        "open_hotspots": 1,
        "hotspots": 2,
    }
    assert counts[far_cell].properties() == {
        "cell": far_cell,
        "cleanups": 1,
        "verified_kg": 7.0,
        "open_hotspots": 1,
        "hotspots": 1,
    }


def test_a_coarser_resolution_puts_both_points_in_one_cell():
    hotspots = [spot(LON0, LAT0), spot(*north(600), pk=2)]
    fine = hexagons.cell_counts(hotspots, [], resolution=9)
    coarse = hexagons.cell_counts(hotspots, [], resolution=7)
    assert len(fine) == 2
    assert [c.hotspots for c in coarse] == [2]


def test_cell_geojson_is_a_closed_lon_lat_hexagon():
    collection = hexagons.cells_geojson(
        hexagons.cell_counts([spot(LON0, LAT0)], [], resolution=8), resolution=8
    )
    [feature] = collection["features"]
    ring = feature["geometry"]["coordinates"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert len(ring) == 7 and ring[0] == ring[-1]
    assert all(107 < lon < 108 and 16 < lat < 17 for lon, lat in ring)  # (lon, lat)


@override_settings(HEX_RESOLUTION=7)
def test_resolution_default_comes_from_settings():
    assert hexagons.default_resolution() == 7


def test_haversine_one_degree_of_latitude():
    import numpy as np

    [d] = hexagons.haversine_m(107.0, 16.0, np.array([107.0]), np.array([17.0]))
    assert math.isclose(d, M_PER_DEG_LAT, rel_tol=1e-4)


# --- pure: coverage gaps ----------------------------------------------------------


def test_gap_needs_an_open_priority_hotspot_far_from_every_cleanup():
    cleanup = EventPoint(LON0, LAT0, 10.0)
    hotspots = [
        spot(*north(100), pk=1),  # covered: 100 m away
        spot(*north(2_000), pk=2),  # a gap
        spot(*north(2_100), pk=3, priority=False),  # not priority
        spot(*north(2_200), pk=4, is_open=False),  # cleaned already
    ]
    gaps = hexagons.coverage_gaps(hotspots, [cleanup], distance_m=500)
    assert [g.id for g in gaps] == [2]
    assert gaps[0].distance_m == pytest.approx(2_000, abs=2)


def test_without_any_cleanup_every_open_priority_hotspot_is_a_gap():
    gaps = hexagons.coverage_gaps([spot(LON0, LAT0, pk=7)], [], distance_m=500)
    assert [(g.id, g.distance_m) for g in gaps] == [(7, None)]
    assert gaps[0].properties()["nearest_cleanup_m"] is None


@override_settings(GAP_DISTANCE_M=50)
def test_gap_distance_comes_from_settings():
    gaps = hexagons.coverage_gaps([spot(*north(100))], [EventPoint(LON0, LAT0, 1.0)])
    assert len(gaps) == 1


# --- database: the campaign's points, the APIs and the page -------------------------


def make_event(entrant, rep, judge, lon, lat, *, verdict="approve", kg="40.00"):
    event = builders.event(
        entrant=entrant,
        representative=rep,
        title="Vớt rác",
        location=Point(lon, lat, srid=4326),
        hours=3,
        participants=["Trần Văn Minh", "Người dân"],
        kg=kg,
    )
    if verdict:
        builders.decision(event=event, judge=judge, verdict=verdict)
    return event


def make_hotspot(organiser, lon, lat, *, priority=True, verify=True):
    return builders.hotspot(
        location=Point(lon, lat, srid=4326),
        size="cart",
        description="Gọi anh Minh 0905111222",
        status="verified" if verify else "reported",
        priority=priority,
        actor=organiser,
    )


def test_gaps_api_rejected_cleanup_does_not_cover(
    contest, organiser, api_client, run_jobs
):
    campaign, rep, entrant, judge = contest
    make_event(entrant, rep, judge, LON0, LAT0)  # approved
    far_lon, far_lat = north(2_000)
    make_event(entrant, rep, judge, far_lon, far_lat + 0.0005, verdict="reject")
    make_event(entrant, rep, judge, far_lon + 0.0005, far_lat, verdict=None)  # unjudged
    near = make_hotspot(organiser, *north(100))
    far = make_hotspot(organiser, far_lon, far_lat)
    make_hotspot(organiser, far_lon, far_lat + 0.001, verify=False)  # not public
    url = reverse("api:analysis-api:gaps")
    first = api_client.get(url, {"campaign": campaign.slug})
    assert first.status_code == 202 and first["Retry-After"]
    assert first.json()["status"] == "pending"
    assert run_jobs() == 1
    body = api_client.get(url, {"campaign": campaign.slug}).json()
    assert body["fresh"] is True and body["pending"] is False
    assert body["computed_at"]
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == [far.pk]
    assert near.pk not in [f["properties"]["id"] for f in body["features"]]
    [feature] = body["features"]
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx([far_lon, far_lat])
    assert set(feature["properties"]) == {
        "id",
        "category",
        "size",
        "size_label",
        "priority",
        "nearest_cleanup_m",
    }
    assert feature["properties"]["nearest_cleanup_m"] == pytest.approx(2_000, abs=5)
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("0905111222", "Minh", "lan@example.vn", "Lan"):
        assert secret not in text


def test_hexagons_api_counts_only_verified_cleanups(contest, organiser, api_client):
    campaign, rep, entrant, judge = contest
    make_event(entrant, rep, judge, LON0, LAT0, kg="40.00")
    make_event(entrant, rep, judge, LON0 + 0.0004, LAT0, kg="10.50")
    make_event(entrant, rep, judge, LON0, LAT0 + 0.0003, verdict="reject")
    make_hotspot(organiser, *north(60))
    url = reverse("api:analysis-api:hexagons")
    body = api_client.get(url, {"campaign": campaign.slug, "resolution": "8"}).json()
    assert body["resolution"] == 8 and body["campaign"] == campaign.slug
    [feature] = body["features"]
    assert feature["id"] == CELL
    assert feature["properties"] == {
        "cell": CELL,
        "cleanups": 2,
        "verified_kg": 50.5,
        "open_hotspots": 1,
        "hotspots": 1,
    }
    assert feature["geometry"]["type"] == "Polygon"


@pytest.mark.parametrize("value", ["6", "10", "-1", "abc", "8.5"])
def test_hexagons_api_resolution_out_of_bounds_is_a_400(contest, api_client, value):
    url = reverse("api:analysis-api:hexagons")
    response = api_client.get(url, {"resolution": value})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "resolution"


def test_unknown_campaign_is_a_400_naming_it(contest, api_client):
    for name in ("hexagons", "gaps", "clusters"):
        response = api_client.get(
            reverse(f"api:analysis-api:{name}"), {"campaign": "khong-co"}
        )
        assert response.status_code == 400
        assert response.json()["error"]["field"] == "campaign"


def test_default_campaign_is_the_current_one(contest, api_client):
    body = api_client.get(reverse("api:analysis-api:hexagons")).json()
    assert body["campaign"] == "thu-nghiem"


def test_page_draws_from_tiles_with_legends_note_and_local_assets(
    contest, organiser, client, run_jobs
):
    campaign, rep, entrant, judge = contest
    make_event(entrant, rep, judge, LON0, LAT0)
    far = make_hotspot(organiser, *north(2_000))
    first = client.get(reverse("analysis:hexagons"), {"campaign": campaign.slug})
    assert "đang tính lần đầu" in first.content.decode()
    pending = tilemap_config(first.content.decode(), "hexmap-config")
    assert pending["gaps"] is None and pending["clusters"] is None
    assert run_jobs() == 2  # the gaps and Gi*
    response = client.get(reverse("analysis:hexagons"), {"campaign": campaign.slug})
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 60_000
    config = tilemap_config(html, "hexmap-config")
    labels = config["labels"]
    assert labels["cleanups"] == "Ô có sự kiện thu gom"
    assert labels["open"] == "Ô có điểm nóng chưa xử lý"
    assert labels["gaps"].startswith("Khoảng trống")
    # The cells come from the hexagon tiles of the campaign and resolution.
    tilejson = client.get(config["hexagons"]).json()
    assert tilejson["tiles"][0].endswith(f"?campaign={campaign.slug}&resolution=8")
    cells = features(client, "hexagons", 13, [far.location], campaign=campaign.slug)
    gap_cell = hexagons.cell_of(*north(2_000), 8)
    assert [c["gaps"] for c in cells if c["cell"] == gap_cell] == [1]
    # The gap points from the gaps API; the view fitted to the campaign's cells.
    gaps = client.get(config["gaps"]).json()
    assert [f["id"] for f in gaps["features"]] == [far.pk]
    (west, south), (east, north_) = config["bounds"]
    assert west < LON0 < east and south < LAT0 < north_ and north_ > north(2_000)[1]
    assert 'data-testid="legend"' in html and "Khoảng trống" in html
    assert 'data-testid="cluster-legend"' in html and "tin cậy 99 %" in html
    assert 'data-testid="cluster-note"' in html and "Getis" not in html  # plain words
    assert "Benjamini" in html
    assert 'data-testid="gap-summary"' in html and "bán kính 500 m" in html
    assert "/static/vendor/maplibre-gl/maplibre-gl.js" in html
    assert "/static/js/hexmap.js" in html and "leaflet" not in html
    for outside in ("cdn.", "unpkg.com", "cdnjs", "jsdelivr", "googleapis"):
        assert outside not in html


def test_page_config_asks_for_significant_clusters_only_when_there_are(contest):
    from maps import hexagon_map
    from maps.params import analysis_params

    params = analysis_params({"resolution": "9", "variable": "kg"})
    quiet = hexagon_map.hexmap_config(
        params, bounds=None, gap_count=0, significant=False
    )
    assert quiet["clusters"] is None and quiet["gaps"] is None
    assert quiet["bounds"] is None and quiet["center"]
    loud = hexagon_map.hexmap_config(
        params, bounds=(107.5, 16.4, 107.7, 16.5), gap_count=3, significant=True
    )
    assert loud["clusters"].endswith("?campaign=thu-nghiem&resolution=9&variable=kg")
    assert loud["gaps"].endswith("?campaign=thu-nghiem")
    assert loud["bounds"] == [[107.5, 16.4], [107.7, 16.5]]
    many = hexagon_map.MAX_PAGE_GAPS + 1
    capped = hexagon_map.hexmap_config(
        params, bounds=None, gap_count=many, significant=False
    )
    assert capped["gaps"] is None  # outlined cells from the tiles only


def test_page_and_its_map_speak_english(contest, client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("analysis:hexagons"))
    html = response.content.decode()
    labels = tilemap_config(html, "hexmap-config")["labels"]
    assert labels["layers"] == "Map layers"
    assert labels["cell"] == "H3 hexagon cell, resolution %(resolution)s"
    assert labels["cell_cleanups"].startswith("%(n)s approved clean-up events")
    assert "Red outline: cell with coverage gaps" in html
    assert "Zoomed out, the map draws larger cells" in html
    tilejson = client.get(reverse("tiles:tilejson", args=["hexagons"])).json()
    fields = tilejson["vector_layers"][0]["fields"]
    assert fields["cell"] == "H3 cell index (hex string)"


def test_page_falls_back_to_default_resolution_with_a_message(contest, client):
    response = client.get(reverse("analysis:hexagons"), {"resolution": "12"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="param-error"' in html
    assert '<option value="8" selected>' in html


def test_page_without_any_campaign_says_so(db, client):
    html = client.get(reverse("analysis:hexagons")).content.decode()
    assert 'data-testid="no-campaign"' in html


@pytest.mark.parametrize("seed", [3, 11])
def test_sql_gaps_equal_the_pure_computation_on_random_data(contest, organiser, seed):
    """The indexed anti-join (maps.selectors) finds the gaps the haversine loop
    finds, with the same distances to the nearest cleanup (within a metre)."""
    import random

    from maps import selectors

    campaign, rep, entrant, judge = contest
    rng = random.Random(seed)
    for _ in range(6):
        lon, lat = LON0 + rng.uniform(-0.03, 0.03), LAT0 + rng.uniform(-0.03, 0.03)
        make_event(entrant, rep, judge, lon, lat, verdict=rng.choice(["approve", None]))
    for _ in range(25):
        lon, lat = LON0 + rng.uniform(-0.04, 0.04), LAT0 + rng.uniform(-0.04, 0.04)
        make_hotspot(organiser, lon, lat, priority=rng.random() < 0.7)
    distance = 1_500.0
    spots, events = selectors.analysis_points(campaign.pk)
    expected = hexagons.coverage_gaps(spots, events, distance_m=distance)
    got = selectors.coverage_gaps(campaign, distance_m=distance)
    assert [g.id for g in got] == [g.id for g in expected]
    assert expected  # the draw has gaps to compare
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.distance_m == pytest.approx(theirs.distance_m, abs=1.0)
        assert (mine.lon, mine.lat) == pytest.approx((theirs.lon, theirs.lat))
