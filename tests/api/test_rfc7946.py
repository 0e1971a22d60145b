"""Every GeoJSON answer of /api/v1/ is RFC 7946, as geojson-validator reads it.

The data holds polygons built clockwise on purpose (an area, a hotspot outline,
an event outline): the answers must turn their exterior rings counter-clockwise.
Each answer is also checked for the media type, a top-level `id` on every
feature, no `crs` member and at most 6 decimals per coordinate.
"""

import json

import geojson_validator
import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from rest_framework.authtoken.models import Token

from geo.services import area_refresh_derived, area_upsert
from tests import builders

# Around the demo hotspots of builders.at(): clockwise (north first, then east).
CLOCKWISE = Polygon(
    (
        (107.585, 16.455),
        (107.585, 16.475),
        (107.615, 16.475),
        (107.615, 16.455),
        (107.585, 16.455),
    ),
    srid=4326,
)
SMALL_CLOCKWISE = Polygon(
    (
        (107.5901, 16.4601),
        (107.5901, 16.4609),
        (107.5909, 16.4609),
        (107.5909, 16.4601),
        (107.5901, 16.4601),
    ),
    srid=4326,
)


def _signed_area(ring) -> float:
    return sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)
    )


def _exteriors(geometry: dict | None):
    if not geometry:
        return
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"][0]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield polygon[0]


def _positions(value):
    if value and isinstance(value[0], (int, float)):
        yield value
    else:
        for part in value:
            yield from _positions(part)


def _geometries(feature: dict):
    """The feature's geometry and any geometry among its properties (outline…)."""
    yield feature["geometry"]
    for value in feature["properties"].values():
        if isinstance(value, dict) and "coordinates" in value:
            yield value


def assert_rfc7946(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].split(";")[0] == "application/geo+json"
    body = json.loads(response.content)
    features = body["features"] if body["type"] == "FeatureCollection" else [body]
    assert features, "the test data must give every endpoint some features"
    assert "crs" not in body
    assert geojson_validator.validate_structure(body, check_crs=True) == {}
    for feature in features:
        assert "id" in feature, feature
        for geometry in _geometries(feature):
            checked = geojson_validator.validate_geometries(geometry)
            assert checked["invalid"] == {}, (feature["id"], checked)
            for ring in _exteriors(geometry):
                assert _signed_area(ring) > 0, ("clockwise", feature["id"])
            if geometry:
                for position in _positions(geometry["coordinates"]):
                    assert all(round(n, 6) == n for n in position), position
    return body


@pytest.fixture
def data(contest, organiser):
    """Public hotspots (one with a clockwise outline), decided events (one with
    a clockwise outline), and a clockwise area on its own level."""
    area, _created = area_upsert(
        name="Phường Vòng Ngược",
        level="ward",
        code="cw-1",
        geom=MultiPolygon(CLOCKWISE, srid=4326),
    )
    area_refresh_derived([area.pk])
    outlined = builders.hotspot(
        location=builders.at(0), status="verified", outline=SMALL_CLOCKWISE
    )
    # A priority hotspot far from any cleanup: a coverage gap.
    builders.hotspot(
        location=builders.point(107.70, 16.40), status="verified", priority=True
    )
    builders.hotspot(location=builders.at(3), status="cleaned")
    event = builders.event(
        entrant=contest.entrant, location=builders.at(4), outline=SMALL_CLOCKWISE
    )
    builders.decision(event=event, judge=contest.judge)
    return {"hotspot": outlined, "event": event, "contest": contest}


def _auth(user) -> dict:
    return {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"
    }


ANONYMOUS_PATHS = [
    "/api/v1/areas/",
    "/api/v1/areas/?level=ward",
    "/api/v1/hotspots/",
    "/api/v1/hotspots/nearby/?lon=107.59&lat=16.46&radius_m=500",
    "/api/v1/events/",
    "/api/v1/coverage/",
    "/api/v1/coverage/?level=ward",
    "/api/v1/coverage/hexagons/",
]


@pytest.mark.parametrize("path", ANONYMOUS_PATHS)
def test_public_geojson_endpoints_are_rfc7946(client, data, path):
    assert_rfc7946(client.get(path))


def test_hotspot_detail_and_outline_are_rfc7946(client, data, organiser):
    path = f"/api/v1/hotspots/{data['hotspot'].pk}/"
    body = assert_rfc7946(client.get(path))
    assert body["id"] == body["properties"]["id"] == data["hotspot"].pk
    assert body["properties"]["outline"]["type"] == "Polygon"
    staff = assert_rfc7946(client.get(path, **_auth(organiser)))
    assert staff["properties"]["outline"] == body["properties"]["outline"]


def test_staff_hotspot_list_is_rfc7946(client, data, organiser):
    body = assert_rfc7946(client.get("/api/v1/hotspots/", **_auth(organiser)))
    outlined = [f for f in body["features"] if f["id"] == data["hotspot"].pk]
    assert outlined[0]["properties"]["outline"]["type"] == "Polygon"


def test_event_detail_with_outline_is_rfc7946(client, data):
    event = data["event"]
    path = f"/api/v1/events/{event.pk}/"
    body = assert_rfc7946(client.get(path, **_auth(data["contest"].rep)))
    assert body["id"] == event.pk
    assert body["properties"]["outline"]["type"] == "Polygon"
    assert_rfc7946(client.get(path))
    assert_rfc7946(client.get("/api/v1/events/", **_auth(data["contest"].judge)))


def test_clockwise_area_comes_back_counter_clockwise(client, data):
    body = assert_rfc7946(client.get("/api/v1/areas/?level=ward"))
    assert [f["properties"]["code"] for f in body["features"]] == ["cw-1"]
    coverage = assert_rfc7946(client.get("/api/v1/coverage/?level=ward"))
    assert coverage["features"][0]["id"] == body["features"][0]["id"]


@pytest.mark.parametrize(
    "path", ["/api/v1/coverage/gaps/", "/api/v1/analysis/clusters/?all=true"]
)
def test_stored_analyses_are_rfc7946(client, data, run_jobs, path):
    first = client.get(path)
    if first.status_code == 202:
        assert first["Content-Type"].startswith("application/json")
        run_jobs()
    assert_rfc7946(client.get(path))
