"""The hexagon vector tiles: cells from the rollups, gaps, zoom caps, versions.

Tiles are decoded as a map client reads them (tests.tiles); their counts are
compared with maps.selectors.hexagon_cells and the hexagons API on the same rows.
"""

import h3
import pytest
import shapely
from django.urls import reverse

from hotspots import services
from maps import analysis, hexagons, jobs, selectors, tiles
from tests import builders
from tests.tiles import decode, features, tile_of
from tests.tiles import tile_url as url

from .test_hexagons import LAT0, LON0, make_event, make_hotspot, north

TILE_PROPERTIES = {
    "cell",
    "resolution",
    "hotspots",
    "open_hotspots",
    "cleanups",
    "verified_kg",
    "gaps",
}


# --- pure: which resolution, which cells ------------------------------------------


@pytest.mark.parametrize(
    ("z", "requested", "shown"),
    [
        (0, 9, 7),
        (8, 9, 7),
        (9, 8, 7),
        (10, 9, 8),
        (10, 7, 7),
        (11, 9, 9),
        (11, 8, 8),
        (14, 9, 9),
        (20, 7, 7),
    ],
)
def test_the_zoom_caps_the_resolution(z, requested, shown):
    assert tiles.hexagon_resolution(tiles.Tile(z, 0, 0), requested) == shown


def _overlapping(tile: tiles.Tile, resolution: int) -> set[int]:
    """Every cell whose outline meets the tile, found the slow way (shapely)."""
    west, south, east, north_ = tiles.envelope_lonlat(tile)
    box = shapely.box(west, south, east, north_)
    pad = 0.05 if resolution >= 8 else 0.1  # degrees: more than a cell across
    around = h3.LatLngPoly(
        [
            (south - pad, west - pad),
            (south - pad, east + pad),
            (north_ + pad, east + pad),
            (north_ + pad, west - pad),
        ]
    )
    found = set()
    for cell in h3.polygon_to_cells(around, resolution):
        outline = shapely.Polygon(
            [(lng, lat) for lat, lng in h3.cell_to_boundary(cell)]
        )
        if outline.intersects(box):
            found.add(h3.str_to_int(cell))
    return found


@pytest.mark.parametrize(
    ("z", "resolution"),
    [(9, 7), (10, 7), (10, 8), (11, 9), (12, 8), (13, 9), (15, 9), (17, 9)],
)
@pytest.mark.parametrize(
    ("lon", "lat"),
    [(107.59, 16.46), (107.7013, 16.5521), (106.81, 15.81)],  # Huế, NE, the corner
)
def test_tile_ranges_hold_every_cell_that_meets_the_tile(z, resolution, lon, lat):
    tile = tiles.Tile(*tile_of(lon, lat, z))
    ranges = tiles.hexagon_ranges(tile, resolution)
    cells = _overlapping(tile, resolution)
    assert cells
    missed = [c for c in cells if not any(a <= c <= b for a, b in ranges)]
    assert missed == []
    # Disjoint ranges: a cell is read (and counted) once.
    ordered = sorted(ranges)
    assert all(b < c for (_a, b), (c, _d) in zip(ordered, ordered[1:], strict=False))
    counts = [hexagons.CellCounts(h3.int_to_str(c), hotspots=1) for c in cells]
    assert len(tiles.hexagons_near(tile, resolution, counts)) == len(cells)


def test_tile_ranges_stop_at_the_service_envelope():
    far = tiles.Tile(*tile_of(100.0, 10.0, 12))  # far outside Huế
    assert tiles.hexagon_ranges(far, 9, within=(106.8, 15.8, 108.4, 16.95)) == []


# --- database: contents -----------------------------------------------------------


@pytest.fixture
def spread(contest, organiser):
    """Cleanups and hotspots in three places: the cell at LON0/LAT0, 3 km north,
    6 km north; judged and not, open and cleaned, public and not."""
    campaign, rep, entrant, judge = contest
    make_event(entrant, rep, judge, LON0, LAT0, kg="40.00")
    make_event(entrant, rep, judge, LON0 + 0.0004, LAT0, kg="10.50")
    make_event(entrant, rep, judge, LON0, LAT0 + 0.0003, verdict="reject")
    make_event(entrant, rep, judge, *north(3_000), verdict=None)  # not judged yet
    make_event(entrant, rep, judge, *north(6_000), kg="7.25")
    make_hotspot(organiser, *north(60))
    cleaned = make_hotspot(organiser, *north(3_000))
    services.hotspot_mark_cleaned(hotspot=cleaned, actor=organiser)
    make_hotspot(organiser, *north(3_050), priority=False)
    make_hotspot(organiser, *north(6_000), verify=False)  # not public
    make_hotspot(organiser, *north(9_000))  # a gap: no cleanup near
    return campaign


POINTS = [builders.point(*north(m)) for m in (0, 60, 3_000, 3_050, 6_000, 9_000)]


def tile_cells(client, z: int, **params) -> dict[str, dict]:
    """The hexagon features of the tiles holding POINTS, one per cell."""
    found: dict[str, dict] = {}
    for feature in features(client, "hexagons", z, POINTS, **params):
        assert set(feature) == TILE_PROPERTIES
        # A cell drawn by two tiles carries the same counts in both.
        assert found.setdefault(feature["cell"], feature) == feature
    return found


def expected(campaign, resolution: int, gaps=None) -> dict[str, dict]:
    gaps = gaps or {}
    return {
        c.cell: {
            **c.properties(),
            "resolution": resolution,
            "gaps": gaps.get(c.cell, 0),
        }
        for c in selectors.hexagon_cells(campaign, resolution=resolution)
    }


@pytest.mark.parametrize("resolution", [7, 8, 9])
def test_tile_counts_equal_hexagon_cells_and_the_hexagons_api(
    spread, client, resolution
):
    campaign = spread
    params = {"campaign": campaign.slug, "resolution": str(resolution)}
    drawn = tile_cells(client, 13, **params)
    wanted = expected(campaign, resolution)
    assert drawn == wanted
    assert len(wanted) >= 3 and all(v["gaps"] == 0 for v in drawn.values())
    api = client.get(reverse("api:analysis-api:hexagons"), params).json()
    assert {
        f["properties"]["cell"]: {
            **f["properties"],
            "resolution": resolution,
            "gaps": 0,
        }
        for f in api["features"]
    } == drawn
    # The cell at LON0/LAT0: two approved cleanups, one open hotspot.
    here = drawn[hexagons.cell_of(LON0, LAT0, resolution)]
    assert here["cleanups"] >= 2 and here["verified_kg"] >= 50.5
    assert here["open_hotspots"] >= 1


def test_tiles_draw_cell_outlines(spread, client):
    address = tile_of(LON0, LAT0, 14)
    response = client.get(url("hexagons", *address), {"resolution": "9"})
    import mapbox_vector_tile

    layer = mapbox_vector_tile.decode(response.content)["hexagons"]
    assert layer["extent"] == 4096
    cell = hexagons.cell_of(LON0, LAT0, 9)
    [feature] = [f for f in layer["features"] if f["properties"]["cell"] == cell]
    assert feature["geometry"]["type"] == "Polygon"
    ring = feature["geometry"]["coordinates"][0]
    assert 7 <= len(ring) <= 11  # a hexagon, closed (more where the tile clips it)


def test_zoomed_out_tiles_show_coarser_cells(spread, client):
    campaign = spread
    params = {"campaign": campaign.slug, "resolution": "9"}
    assert tile_cells(client, 8, **params) == expected(campaign, 7)
    assert tile_cells(client, 10, **params) == expected(campaign, 8)
    assert tile_cells(client, 11, **params) == expected(campaign, 9)


def test_gaps_count_the_stored_gap_hotspots_in_each_cell(spread, client, run_jobs):
    campaign = spread
    params = {"campaign": campaign.slug, "resolution": "8"}
    # Not computed yet: 0 everywhere (the page queues the computation).
    assert all(f["gaps"] == 0 for f in tile_cells(client, 12, **params).values())
    client.get(reverse("api:analysis-api:gaps"), {"campaign": campaign.slug})
    assert run_jobs() == 1
    body = client.get(reverse("api:analysis-api:gaps"), params).json()
    stored = {}
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        cell = hexagons.cell_of(lon, lat, 8)
        stored[cell] = stored.get(cell, 0) + 1
    assert stored == {hexagons.cell_of(*north(9_000), 8): 1}
    drawn = tile_cells(client, 12, **params)
    assert drawn == expected(campaign, 8, gaps=stored)
    # Zoomed out, the same gaps count in the coarser cells.
    coarse = {hexagons.cell_of(*north(9_000), 7): 1}
    assert tile_cells(client, 8, **params) == expected(campaign, 7, gaps=coarse)


def test_hexagon_tiles_are_public_and_default_to_the_current_campaign(spread, client):
    address = tile_of(LON0, LAT0, 12)
    response = client.get(url("hexagons", *address))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public, max-age=")
    resolution = hexagons.default_resolution()
    named = client.get(
        url("hexagons", *address),
        {"campaign": spread.slug, "resolution": str(resolution)},
    )
    assert decode(response) == decode(named) and decode(named)
    assert response["ETag"] == named["ETag"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"resolution": "10"}, "resolution"),
        ({"resolution": "6"}, "resolution"),
        ({"resolution": "abc"}, "resolution"),
        ({"resolution": "١"}, "resolution"),
        ({"campaign": "khong-co"}, "campaign"),
    ],
)
def test_bad_hexagon_parameters_are_400_naming_the_field(
    contest, client, params, field
):
    response = client.get(url("hexagons", 12, 3289, 1858), params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    tilejson = client.get(reverse("tiles:tilejson", args=["hexagons"]), params)
    assert tilejson.status_code == 400
    assert tilejson.json()["error"]["field"] == field


def test_without_any_campaign_the_tile_is_a_400_on_campaign(db, client):
    response = client.get(url("hexagons", 12, 3289, 1858))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "campaign"


def test_tilejson_names_the_campaign_and_resolution(spread, client, settings):
    body = client.get(
        reverse("tiles:tilejson", args=["hexagons"]), {"resolution": "9", "x": "1"}
    ).json()
    assert body["tiles"] == [
        "http://testserver/tiles/hexagons/{z}/{x}/{y}.mvt"
        f"?campaign={spread.slug}&resolution=9"
    ]
    (layer,) = body["vector_layers"]
    assert layer["id"] == "hexagons" and set(layer["fields"]) == TILE_PROPERTIES
    assert body["bounds"] == list(settings.SERVICE_ENVELOPE)
    assert body["minzoom"] == 0 and body["maxzoom"] == tiles.LAYERS["hexagons"].maxzoom


# --- versions, ETags, caching -------------------------------------------------------


def _get(client, campaign, etag=None):
    address = tile_of(LON0, LAT0, 12)
    params = {"campaign": campaign.slug, "resolution": "8"}
    headers = {"if-none-match": etag} if etag else {}
    return client.get(url("hexagons", *address), params, headers=headers)


def test_etag_moves_with_hotspots_decisions_and_the_stored_gaps(
    spread, client, organiser, contest, run_jobs
):
    campaign, rep, entrant, judge = contest
    here = hexagons.cell_of(LON0, LAT0, 8)

    def counts(response) -> dict:
        return {f["cell"]: f for f in decode(response)}[here]

    first = _get(client, campaign)
    etag = first["ETag"]
    assert _get(client, campaign, etag).status_code == 304
    # A new public hotspot in the cell.
    make_hotspot(organiser, *north(90))
    verified = _get(client, campaign, etag)
    assert verified.status_code == 200 and verified["ETag"] != etag
    assert counts(verified)["hotspots"] == counts(first)["hotspots"] + 1
    etag = verified["ETag"]
    # A decision on an event of the cell.
    event = make_event(entrant, rep, judge, LON0 + 0.0002, LAT0, verdict=None)
    assert _get(client, campaign, etag).status_code == 200  # the event layer moved
    etag = _get(client, campaign)["ETag"]
    builders.decision(event=event, judge=judge)
    decided = _get(client, campaign, etag)
    assert decided.status_code == 200 and decided["ETag"] != etag
    assert counts(decided)["cleanups"] == counts(verified)["cleanups"] + 1
    etag = decided["ETag"]
    # The stored gap analysis computed (then computed again, same data).
    client.get(reverse("api:analysis-api:gaps"), {"campaign": campaign.slug})
    assert run_jobs() == 1
    computed = _get(client, campaign, etag)
    assert computed.status_code == 200 and computed["ETag"] != etag
    etag = computed["ETag"]
    assert _get(client, campaign, etag).status_code == 304
    jobs.analysis_run(analysis.gaps_request(_params(campaign)).key())
    recomputed = _get(client, campaign, etag)
    assert recomputed.status_code == 200 and recomputed["ETag"] != etag


def _params(campaign):
    from maps.params import analysis_params

    return analysis_params({"campaign": campaign.slug})


def test_etag_moves_with_the_campaign_window(spread, client):
    etag = _get(client, spread)["ETag"]
    spread.activity_end = spread.activity_end.replace(year=spread.activity_end.year + 1)
    spread.save(update_fields=["activity_end"])
    assert _get(client, spread, etag).status_code == 200


def test_built_hexagon_tiles_are_served_from_the_cache(
    spread, client, django_assert_num_queries
):
    first = _get(client, spread).content
    assert first
    # The campaign, the layer versions, the stored gaps' stamp: no rollup read.
    with django_assert_num_queries(3):
        assert _get(client, spread).content == first
