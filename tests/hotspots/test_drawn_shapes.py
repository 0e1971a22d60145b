"""Shapes drawn on the reporting page (drawshape.js): sent as GeoJSON text in the
multipart form, stored through the geometry gate, refused with the field named."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from hotspots.models import Hotspot
from hotspots.reporting import BANK_STRIP_HALF_WIDTH_M

LIST = reverse("api:hotspots-api:list")
PAGE = reverse("hotspots:report")
HUE = (107.5786, 16.4698)
X, Y = HUE
# About 32 m × 33 m around the pin (1e-4° of longitude ~10.7 m, of latitude ~11.1 m).
MAT = [[X, Y], [X + 0.0003, Y], [X + 0.0003, Y + 0.0003], [X, Y + 0.0003], [X, Y]]
BOWTIE = [[X, Y], [X + 0.0003, Y + 0.0003], [X + 0.0003, Y], [X, Y + 0.0003], [X, Y]]
BANK = [[X, Y], [X + 0.0005, Y + 0.0001], [X + 0.001, Y]]


def form(**shape) -> dict:
    """The fields the page's FormData carries, the shape as JSON text."""
    body = {"lon": X, "lat": Y, "category": "water_hyacinth", "size_class": "cart"}
    body.update({k: json.dumps(v) for k, v in shape.items()})
    return body


def geography(hotspot: Hotspot) -> tuple[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT GeometryType(outline), ST_Area(outline::geography) "
            "FROM hotspots_hotspot WHERE id = %s",
            [hotspot.pk],
        )
        return cursor.fetchone()


def line_length_m(coords) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Length(ST_GeomFromGeoJSON(%s)::geography)",
            [json.dumps({"type": "LineString", "coordinates": coords})],
        )
        return cursor.fetchone()[0]


def test_outline_drawn_on_the_page_is_stored(demo_areas, api_client):
    response = api_client.post(
        LIST,
        form(outline={"type": "Polygon", "coordinates": [MAT]}),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    hotspot = Hotspot.objects.get()
    kind, area = geography(hotspot)
    assert kind == "POLYGON"
    assert 1000 < area < 1150  # ~32 m × 33 m


def test_bank_line_is_stored_as_a_strip_of_bank(demo_areas, api_client):
    response = api_client.post(
        LIST,
        form(bank_line={"type": "LineString", "coordinates": BANK}),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    kind, area = geography(Hotspot.objects.get())
    assert kind == "POLYGON"
    expected = line_length_m(BANK) * 2 * BANK_STRIP_HALF_WIDTH_M
    assert area == pytest.approx(expected, rel=0.03)


def test_report_page_without_script_keeps_a_bank_line(demo_areas, client):
    body = form(bank_line={"type": "LineString", "coordinates": BANK})
    response = client.post(PAGE, body, HTTP_HOST="127.0.0.1")
    assert response.status_code == 302, response.content
    assert geography(Hotspot.objects.get())[0] == "POLYGON"


@pytest.mark.parametrize(
    ("shape", "field", "code"),
    [
        (
            {"outline": {"type": "Polygon", "coordinates": [BOWTIE]}},
            "outline",
            "invalid_geometry",
        ),
        (
            {"outline": {"type": "LineString", "coordinates": BANK}},
            "outline",
            "wrong_type",
        ),
        (
            {"bank_line": {"type": "Polygon", "coordinates": [MAT]}},
            "bank_line",
            "wrong_type",
        ),
        (
            {
                "bank_line": {
                    "type": "LineString",
                    "coordinates": [[X, Y], [105.85, 21.03]],
                }
            },
            "bank_line",
            "outside_service_area",
        ),
        (
            {"bank_line": {"type": "LineString", "coordinates": [[X, Y], [X, Y]]}},
            "bank_line",
            "invalid_geometry",
        ),
        (
            {
                "outline": {"type": "Polygon", "coordinates": [MAT]},
                "bank_line": {"type": "LineString", "coordinates": BANK},
            },
            "bank_line",
            "one_shape",
        ),
    ],
)
def test_bad_drawn_shape_is_400_naming_the_field(
    demo_areas, api_client, shape, field, code
):
    response = api_client.post(LIST, form(**shape), format="multipart")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["field"], error["code"]) == (field, code)
    assert not Hotspot.objects.exists()


def test_bank_line_too_many_vertices_is_refused(demo_areas, api_client, settings):
    settings.GEOMETRY_MAX_VERTICES = 10
    line = [[X + i * 0.00001, Y] for i in range(11)]
    body = form(bank_line={"type": "LineString", "coordinates": line})
    response = api_client.post(LIST, body, format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "bank_line"
