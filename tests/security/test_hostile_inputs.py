"""The hostile-input corpus: what an attacker or a careless client sends, at every
entry point that takes a geometry, a coordinate, a number or text from a client,
in every encoding it accepts. Each case is a 4xx (never a 5xx), and where the
endpoint answers JSON, the error shape names the field at fault.

Entry points: the hotspot API (JSON, form, multipart), the HTML report page
(form, multipart), the cleanup-event API (JSON, multipart; the event page's
script posts there), Open311 POST (form, JSON) and GET, and the query
parameters of nearby, list (in_bbox), area locate, OGC items (bbox), vector
tiles (z/x/y), coverage, hexagons and the cleanup-event list.
"""

import json
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests import builders

HUE = (107.5786, 16.4698)  # Đại Nội, Thành phố Huế
LIST = reverse("api:hotspots-api:list")
NEARBY = reverse("api:hotspots-api:nearby")
LOCATE = reverse("api:geo:area-locate")
EVENTS = reverse("api:events-api:event-list")
REPORT_PAGE = reverse("hotspots:report")
OPEN311 = "/open311/v2/requests.json"
OGC_ITEMS = "/ogc/collections/hotspots/items"
COVERAGE = reverse("api:coverage-api:coverage")
HEXAGONS = reverse("api:analysis-api:hexagons")


# --- the corpus -----------------------------------------------------------------

# Coordinates as a client writes them in text (query string, form, multipart).
BAD_COORDINATE_TEXT = {
    "arabic_indic": "١٠٧.٥٧",
    "arabic_indic_integer": "١٠٧",
    "padded_left": " 107.5",
    "padded_right": "107.5 ",
    "zero_padded": "0107.5",
    "400_digits": "9" * 400,
    "exponent_overflow": "1e999",
    "nan": "nan",
    "infinity": "Infinity",
    "minus_inf": "-inf",
    "comma_decimal": "107,5",
    "underscore": "1_07.5",
    "hex": "0x6b",
    "nul": "107.5\x00",
    "control": "107\x015",
    "letters": "abc",
    "sign_only": "+",
    "dot_only": ".",
    "exponent_only": "e5",
    "out_of_range": "181",
    "outside_service_area": "105.85",
    "fullwidth": "１０７.５",
    "blank": "",
}

# The entry points that share a parser get the representative few; the hotspot
# API and the point queries get the whole corpus (the file stays under a minute).
CORE_COORDINATES = {
    k: BAD_COORDINATE_TEXT[k]
    for k in (
        "arabic_indic",
        "padded_right",
        "zero_padded",
        "400_digits",
        "exponent_overflow",
        "nan",
        "nul",
        "comma_decimal",
        "fullwidth",
    )
}

# Coordinates as JSON values in a JSON body.
BAD_COORDINATE_JSON = {
    "400_digit_integer": int("9" * 400),
    "arabic_indic_string": "١٠٧",
    "padded_string": " 107.5",
    "null": None,
    "true": True,
    "list": [107.5],
    "object": {"lon": 107.5},
    "out_of_range": 181,
    "outside_service_area": 105.85,
    "nan_string": "NaN",
}


def _ring(*points):
    return [list(p) for p in points]


SQUARE = _ring(
    (107.57, 16.46), (107.58, 16.46), (107.58, 16.47), (107.57, 16.47), (107.57, 16.46)
)


def _deep_collection(depth: int) -> str:
    """A GeometryCollection nested `depth` times, as text (too deep for json)."""
    head = '{"type":"GeometryCollection","geometries":[' * depth
    return head + '{"type":"Point","coordinates":[107.57,16.46]}' + "]}" * depth


def _many_vertices(n: int) -> dict:
    points = [
        (107.5 + 0.0001 * (i % 100), 16.4 + 0.0001 * (i // 100)) for i in range(n)
    ]
    return {"type": "Polygon", "coordinates": [[*map(list, points), list(points[0])]]}


# Outlines (a Polygon is expected). Values are JSON-able objects or raw text.
BAD_OUTLINES = {
    "point": {"type": "Point", "coordinates": [107.57, 16.46]},
    "linestring": {"type": "LineString", "coordinates": SQUARE[:2]},
    "multipoint": {"type": "MultiPoint", "coordinates": SQUARE[:2]},
    "multilinestring": {"type": "MultiLineString", "coordinates": [SQUARE[:2]]},
    "multipolygon": {"type": "MultiPolygon", "coordinates": [[SQUARE]]},
    "geometry_collection": {
        "type": "GeometryCollection",
        "geometries": [{"type": "Polygon", "coordinates": [SQUARE]}],
    },
    "deep_collection_10000": _deep_collection(10_000),
    "deep_arrays_10000": "[" * 10_000 + "]" * 10_000,
    "nan_text": '{"type":"Polygon","coordinates":[[[NaN,16.46],[107.58,16.46],'
    "[107.58,16.47],[107.57,16.46]]]}",
    "infinity_text": '{"type":"Polygon","coordinates":[[[Infinity,16.46],'
    "[107.58,16.46],[107.58,16.47],[107.57,16.46]]]}",
    "400_digits": {
        "type": "Polygon",
        "coordinates": [
            [[int("9" * 400), 16.46], *SQUARE[1:-1], [int("9" * 400), 16.46]]
        ],
    },
    "arabic_indic_strings": {
        "type": "Polygon",
        "coordinates": [[["١٠٧.٥٧", "١٦.٤٦"], *SQUARE[1:-1], ["١٠٧.٥٧", "١٦.٤٦"]]],
    },
    "out_of_range": {
        "type": "Polygon",
        "coordinates": [[[200, 16.46], *SQUARE[1:-1], [200, 16.46]]],
    },
    "outside_service_area": {
        "type": "Polygon",
        "coordinates": [
            _ring((105.8, 21.0), (105.9, 21.0), (105.9, 21.1), (105.8, 21.0))
        ],
    },
    "self_intersecting": {
        "type": "Polygon",
        "coordinates": [
            _ring(
                (107.57, 16.46),
                (107.58, 16.47),
                (107.58, 16.46),
                (107.57, 16.47),
                (107.57, 16.46),
            )
        ],
    },
    "unclosed_ring": {"type": "Polygon", "coordinates": [SQUARE[:-1]]},
    "empty_coordinates": {"type": "Polygon", "coordinates": []},
    "empty_ring": {"type": "Polygon", "coordinates": [[]]},
    "no_coordinates": {"type": "Polygon"},
    "huge_vertex_count": _many_vertices(settings.GEOMETRY_MAX_VERTICES + 1),
    "coordinates_string": {"type": "Polygon", "coordinates": "107.57,16.46"},
    "position_strings": {
        "type": "Polygon",
        "coordinates": [[[str(x), str(y)] for x, y in SQUARE]],
    },
    "3d": {"type": "Polygon", "coordinates": [[[x, y, 5.0] for x, y in SQUARE]]},
    "4d": {"type": "Polygon", "coordinates": [[[x, y, 5.0, 1.0] for x, y in SQUARE]]},
    "1d": {"type": "Polygon", "coordinates": [[[x] for x, _y in SQUARE]]},
    "crs_member": {
        "type": "Polygon",
        "coordinates": [SQUARE],
        "crs": {"type": "name", "properties": {"name": "http://example.com/crs"}},
    },
    "srid_member": {"type": "Polygon", "coordinates": [SQUARE], "srid": 3857},
    "null_type": {"type": None, "coordinates": [SQUARE]},
    "unknown_type": {"type": "Circle", "coordinates": [107.57, 16.46]},
    "a_string": "not geojson",
    "a_number": 42,
    "a_list": [SQUARE],
    "wkt": "POLYGON((107.57 16.46,107.58 16.46,107.58 16.47,107.57 16.46))",
    "nul_in_type": {"type": "Polygon\x00", "coordinates": [SQUARE]},
}

CORE_OUTLINES_KEYS = (
    "point",
    "geometry_collection",
    "deep_collection_10000",
    "nan_text",
    "400_digits",
    "arabic_indic_strings",
    "self_intersecting",
    "unclosed_ring",
    "huge_vertex_count",
    "3d",
    "crs_member",
    "a_string",
)

# Text a client may send in any text field.
BAD_TEXT = {
    "nul": "Rác\x00nhựa",
    "bell": "Rác\x07nhựa",
    "escape": "Rác\x1b[31mnhựa",
    "delete": "Rác\x7fnhựa",
    "c1": "Rác\x85nhựa",
}


def _as_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _params(corpus: dict):
    return [pytest.param(value, id=name) for name, value in corpus.items()]


# --- helpers --------------------------------------------------------------------


def _json_error(response) -> dict:
    assert response["Content-Type"].startswith("application/"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert error["code"] and error["message"], error
    return error


def assert_refused(response, field: str | tuple[str, ...] | None, *, status=None):
    """A 4xx in the API's error shape, naming `field` (one of them) when given."""
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    if status is not None:
        assert response.status_code == status
    error = _json_error(response)
    if field is not None:
        fields = (field,) if isinstance(field, str) else field
        assert error["field"] is not None
        assert any(error["field"].startswith(name) for name in fields), error


def _raw_json(client, url, text: str):
    return client.generic("POST", url, text.encode(), content_type="application/json")


def _body_with(report: dict, name: str, value) -> str:
    """A JSON body with `value` at `name`; raw text values go in verbatim."""
    if isinstance(value, str) and name == "outline" and value[:1] in "{[":
        marker = "__RAW__"
        text = json.dumps({**report, name: marker})
        return text.replace(f'"{marker}"', value)
    return json.dumps({**report, name: value})


# --- the hotspot API: JSON, form and multipart ----------------------------------

REPORT = {
    "lon": HUE[0],
    "lat": HUE[1],
    "category": "plastic",
    "size_class": "several_bags",
}


@pytest.fixture
def api(db):
    return APIClient()


@pytest.mark.parametrize("value", _params(BAD_COORDINATE_TEXT))
@pytest.mark.parametrize(
    ("name", "encoding"), [("lon", "json"), ("lat", "form"), ("lon", "multipart")]
)
def test_hotspot_api_refuses_bad_coordinate_text(api, name, encoding, value):
    body = {**REPORT, name: value}
    if encoding == "json":
        response = api.post(LIST, body, format="json")
    elif encoding == "form":
        response = api.generic(
            "POST",
            LIST,
            "&".join(f"{k}={_quote(v)}" for k, v in body.items()),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = api.post(LIST, body, format="multipart")
    assert_refused(response, (name, "lon,lat"))


def _quote(value) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")


@pytest.mark.parametrize("value", _params(BAD_COORDINATE_JSON))
@pytest.mark.parametrize("name", ["lon", "lat"])
def test_hotspot_api_refuses_bad_coordinate_json(api, name, value):
    response = api.post(LIST, {**REPORT, name: value}, format="json")
    assert_refused(response, (name, "lon,lat"))


@pytest.mark.parametrize("value", _params(BAD_OUTLINES))
def test_hotspot_api_refuses_bad_outline_in_json(api, value):
    response = _raw_json(api, LIST, _body_with(REPORT, "outline", value))
    # Deep nesting and NaN are refused by the JSON parser itself (no field).
    raw = isinstance(value, str) and value[:1] in "{[" and not _parses(value)
    assert_refused(response, None if raw else "outline")


def _parses(text: str) -> bool:
    try:
        json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError))
    except (ValueError, RecursionError):
        return False
    return text.count("[") <= 64


@pytest.mark.parametrize("value", _params(BAD_OUTLINES))
@pytest.mark.parametrize("encoding", ["multipart"])
def test_hotspot_api_refuses_bad_outline_in_multipart(api, encoding, value):
    body = {**REPORT, "outline": _as_text(value)}
    if encoding == "form":
        response = api.generic(
            "POST",
            LIST,
            "&".join(f"{k}={_quote(v)}" for k, v in body.items()),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = api.post(LIST, body, format="multipart")
    assert_refused(response, "outline")


@pytest.mark.parametrize("value", _params(BAD_TEXT))
@pytest.mark.parametrize(
    ("name", "encoding"), [("description", "json"), ("contact_name", "multipart")]
)
def test_hotspot_api_refuses_control_characters_in_text(api, name, encoding, value):
    response = api.post(LIST, {**REPORT, name: value}, format=encoding)
    assert_refused(response, name)


def test_hotspot_api_refuses_control_characters_in_a_json_key(api):
    response = api.post(
        LIST, {**REPORT, "outline": {"type\x00": "Polygon"}}, format="json"
    )
    assert_refused(response, "outline")


def test_a_valid_report_still_goes_through_every_encoding(demo_areas, api):
    outline = {"type": "Polygon", "coordinates": [SQUARE]}
    for encoding in ("json", "multipart"):
        body = {**REPORT, "client_uuid": str(uuid.uuid4()), "lon": "107.5786"}
        body["outline"] = outline if encoding == "json" else json.dumps(outline)
        response = api.post(LIST, body, format=encoding)
        assert response.status_code == 201, response.content


# --- the HTML report page: form and multipart -----------------------------------


@pytest.fixture
def page(db):
    return Client(enforce_csrf_checks=False)


def _page_errors(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    return response.context["errors"]


@pytest.mark.parametrize("value", _params(CORE_COORDINATES))
@pytest.mark.parametrize("name", ["lat"])
def test_report_page_refuses_bad_coordinates(page, name, value):
    errors = _page_errors(page.post(REPORT_PAGE, {**REPORT, name: value}))
    assert name in errors or "lon,lat" in errors, errors


@pytest.mark.parametrize(
    "value", _params({k: BAD_OUTLINES[k] for k in CORE_OUTLINES_KEYS[:6]})
)
@pytest.mark.parametrize("encoding", ["form", "multipart"])
def test_report_page_refuses_bad_outlines(page, encoding, value):
    body = {**REPORT, "outline": _as_text(value)}
    if encoding == "form":
        response = page.post(
            REPORT_PAGE,
            "&".join(f"{k}={_quote(v)}" for k, v in body.items()),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = page.post(REPORT_PAGE, body)  # the test client's multipart
    assert "outline" in _page_errors(response)


@pytest.mark.parametrize("value", _params({k: BAD_TEXT[k] for k in ("nul", "escape")}))
def test_report_page_refuses_control_characters(page, value):
    errors = _page_errors(page.post(REPORT_PAGE, {**REPORT, "description": value}))
    assert "description" in errors


# --- the cleanup-event API: JSON and multipart ------------------------------------


@pytest.fixture
def team(db):
    contest = builders.contest()
    client = APIClient()
    client.force_authenticate(contest.rep)
    return client, contest.entrant


def _event(entrant, **extra) -> dict:
    from django.utils import timezone

    now = timezone.now()
    body = {
        "entrant": entrant.pk,
        "title": "Vớt rác bờ sông Hương",
        "lon": HUE[0],
        "lat": HUE[1],
        "started_at": (now - timezone.timedelta(hours=3)).isoformat(),
        "ended_at": (now - timezone.timedelta(hours=1)).isoformat(),
        "participants": ["Nguyễn Thị Lan"],
        "weight_kg": "42.50",
        "weight_method": "measured",
        "bags": 6,
        "client_uuid": str(uuid.uuid4()),
    }
    body.update(extra)
    return body


EVENT_NUMBERS_AND_TEXT = [
    ("weight_kg", "١٠"),
    ("weight_kg", " 10"),
    ("weight_kg", "9" * 400),
    ("weight_kg", "1e999999"),
    ("weight_kg", "NaN"),
    ("bags", "٣"),
    ("bags", "9" * 400),
    ("title", "Vớt\x00rác"),
    ("notes", "ghi\x01chú"),
    ("participants", ["Lan\x00"]),
]


# One team is built per test (a campaign, users, an entrant: the slow part),
# so each test here walks its share of the corpus and reports every miss.
@pytest.mark.parametrize("encoding", ["json", "multipart"])
def test_event_api_refuses_bad_values(team, encoding):
    client, entrant = team
    cases = [(name, v) for v in CORE_COORDINATES.values() for name in ("lat",)]
    cases += EVENT_NUMBERS_AND_TEXT
    misses = []
    for name, value in cases:
        response = client.post(
            EVENTS, _event(entrant, **{name: value}), format=encoding
        )
        try:
            assert_refused(response, (name, "lon,lat"))
        except AssertionError as exc:
            misses.append((name, repr(value)[:40], str(exc)[:200]))
    assert misses == []


@pytest.mark.parametrize("name", ["outline", "route"])
def test_event_api_refuses_bad_geometry_in_multipart(team, name):
    client, entrant = team
    misses = []
    for key, value in BAD_OUTLINES.items():
        if name == "route" and key == "linestring":
            continue  # a route is a LineString
        body = _event(entrant, **{name: _as_text(value)})
        response = client.post(EVENTS, body, format="multipart")
        try:
            assert_refused(response, name)
        except AssertionError as exc:
            misses.append((key, str(exc)[:200]))
    assert misses == []


def test_event_api_refuses_bad_geometry_in_json(team):
    client, entrant = team
    misses = []
    for name in ("outline", "route"):
        for key in CORE_OUTLINES_KEYS:
            body = _body_with(_event(entrant), name, BAD_OUTLINES[key])
            response = _raw_json(client, EVENTS, body)
            if not 400 <= response.status_code < 500:
                misses.append((name, key, response.status_code))
    assert misses == []


# --- Open311 POST (form, JSON) and GET ------------------------------------------

OPEN311_REPORT = {"service_code": "plastic", "lat": HUE[1], "long": HUE[0]}


def _georeport_error(response, field: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    errors = response.json()
    assert isinstance(errors, list) and errors[0]["code"] == response.status_code
    assert field in errors[0]["description"], errors


@pytest.mark.parametrize(
    ("name", "encoding", "value"),
    [
        *(
            pytest.param("lat", "form", v, id=f"lat-form-{k}")
            for k, v in BAD_COORDINATE_TEXT.items()
        ),
        *(
            pytest.param("long", "json", v, id=f"long-json-{k}")
            for k, v in CORE_COORDINATES.items()
        ),
    ],
)
def test_open311_post_refuses_bad_coordinates(api, name, encoding, value):
    body = {**OPEN311_REPORT, name: value}
    if encoding == "form":
        response = api.generic(
            "POST",
            OPEN311,
            "&".join(f"{k}={_quote(v)}" for k, v in body.items()),
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = api.post(OPEN311, body, format="json")
    _georeport_error(response, name)


@pytest.mark.parametrize("value", _params(BAD_TEXT))
@pytest.mark.parametrize("name", ["description", "first_name", "email"])
def test_open311_post_refuses_control_characters(api, name, value):
    response = api.post(OPEN311, {**OPEN311_REPORT, name: value})
    _georeport_error(response, name)


@pytest.mark.parametrize("value", _params(CORE_COORDINATES))
@pytest.mark.parametrize("name", ["lat"])
def test_open311_get_refuses_bad_coordinates(api, name, value):
    other = {"lat": "long", "long": "lat"}[name]
    params = {name: value, other: str(HUE[0] if other == "long" else HUE[1])}
    response = api.get(OPEN311, params)
    _georeport_error(response, name)


def test_open311_get_with_400_nines_is_a_georeport_400(api):
    response = api.get(OPEN311, {"lat": "9" * 400, "long": "107"})
    assert response.status_code == 400
    assert response.json()[0]["description"].startswith("lat")


def test_open311_get_with_a_good_location_still_lists(api):
    response = api.get(OPEN311, {"lat": str(HUE[1]), "long": str(HUE[0])})
    assert response.status_code == 200 and isinstance(response.json(), list)


# --- query parameters -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "name", "value"),
    [
        *(
            pytest.param(NEARBY, "lon", v, id=f"nearby-{k}")
            for k, v in BAD_COORDINATE_TEXT.items()
        ),
        *(
            pytest.param(LOCATE, "lat", v, id=f"locate-{k}")
            for k, v in CORE_COORDINATES.items()
        ),
    ],
)
def test_point_query_parameters_are_refused(api, url, name, value):
    params = {"lon": str(HUE[0]), "lat": str(HUE[1]), name: value}
    assert_refused(api.get(url, params), (name, "lon,lat"))


RADII = {
    **CORE_COORDINATES,
    "zero": "0",
    "negative": "-5",
    "too_far": "100000",
}


@pytest.mark.parametrize("value", _params(RADII))
def test_nearby_radius_is_refused(api, value):
    params = {"lon": str(HUE[0]), "lat": str(HUE[1]), "radius_m": value}
    if value == "":
        assert api.get(NEARBY, params).status_code == 200  # absent: the default
        return
    assert_refused(api.get(NEARBY, params), "radius_m")


def _boxes():
    good = ["107.5", "16.4", "107.7", "16.6"]
    cases = {}
    for name, value in CORE_COORDINATES.items():
        for i in (0, 3):
            parts = list(good)
            parts[i] = value
            cases[f"{name}_at_{i}"] = ",".join(parts)
    cases.update(
        {
            "arabic_ten": "107.5,16.4,107.7,١٠",
            "three_numbers": "107.5,16.4,107.7",
            "five_numbers": "107.5,16.4,107.7,16.6,1",
            "reversed": "107.7,16.6,107.5,16.4",
            "spaces_after_commas": "107.5, 16.4, 107.7, 16.6",
            "nul": "\x00",
        }
    )
    return cases


@pytest.mark.parametrize("value", _params(_boxes()))
def test_list_in_bbox_is_refused(api, value):
    assert_refused(api.get(LIST, {"in_bbox": value}), "in_bbox")


@pytest.mark.parametrize("value", _params(_boxes()))
def test_ogc_bbox_is_refused(api, value):
    response = api.get(OGC_ITEMS, {"bbox": value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "InvalidParameterValue"
    if "\x00" not in value:  # a NUL in any parameter is refused before bbox is read
        assert "bbox" in body["description"]


@pytest.mark.parametrize(
    "value", ["", "2024-06-0\x00", "٢٠٢٤-٠٦-٠٢", "2024-13-01", "9" * 400, "x"]
)
@pytest.mark.parametrize("name", ["since", "until"])
def test_list_dates_are_refused_empty_included(api, name, value):
    assert_refused(api.get(LIST, {name: value}), name)


@pytest.mark.parametrize("value", ["", "٢٠٢٤-٠٦-٠٢", "\x00"])
def test_event_list_since_is_refused_empty_included(api, value):
    assert_refused(api.get(EVENTS, {"since": value}), "since")


@pytest.mark.parametrize(
    "params",
    [
        {"area": "١"},
        {"area": "9" * 400},
        {"area": "\x00"},
        {"category": "\x00"},
        {"status": "\x00"},
        {"priority": "\x00"},
        {"cursor": "\x00"},
    ],
    ids=lambda p: next(iter(p)) + "=" + repr(next(iter(p.values())))[:12],
)
def test_list_parameters_are_refused(api, params):
    assert_refused(api.get(LIST, params), next(iter(params)))


def test_list_page_size_that_is_not_a_number_means_the_default(api):
    # As DRF's page-number pagination read it (hotspots.pagination): not a 4xx.
    assert api.get(LIST, {"page_size": "\x00"}).status_code == 200


@pytest.mark.parametrize(
    ("z", "x", "y"),
    [
        ("١", "0", "0"),
        ("9" * 400, "0", "0"),
        ("14", "-1", "0"),
        ("14", "0", "+1"),
        ("14", " 1", "0"),
        ("99", "0", "0"),
        ("14", "999999", "0"),
        ("nan", "0", "0"),
    ],
)
def test_tile_paths_are_refused(api, z, x, y):
    response = api.get(f"/tiles/hotspots/{_quote(z)}/{_quote(x)}/{_quote(y)}.mvt")
    assert 400 <= response.status_code < 500, response.status_code


@pytest.fixture
def running(db):
    return builders.campaign(slug="cnx")


TEXT_PARAMETERS = {
    "campaign_nul": {"campaign": "\x00"},
    "campaign_control": {"campaign": "cnx\x01"},
    "campaign_long": {"campaign": "x" * 10_000},
    "level_nul": {"level": "\x00"},
    "level_nul_suffix": {"level": "district\x00"},
    "variable_nul": {"variable": "\x00"},
}


@pytest.mark.parametrize(
    ("url", "params"),
    [
        pytest.param(url, params, id=f"{where}-{name}")
        for where, url, names in [
            ("coverage", COVERAGE, ("campaign", "level")),
            ("hexagons", HEXAGONS, ("campaign", "variable")),
        ]
        for name, params in TEXT_PARAMETERS.items()
        if next(iter(params)) in names
    ],
)
def test_coverage_and_hexagon_text_parameters_are_refused(running, api, url, params):
    response = api.get(url, params)
    assert_refused(response, next(iter(params)))


@pytest.mark.parametrize("value", ["١", "9" * 400, " 8", "8.0", "\x00", "-8"])
def test_hexagon_resolution_is_refused(running, api, value):
    assert_refused(api.get(HEXAGONS, {"resolution": value}), "resolution")


@pytest.mark.parametrize(
    "url",
    ["/maps/coverage/", "/maps/hexagons/", "/dashboard/", "/contest/events/new/"],
)
def test_pages_with_a_nul_parameter_are_not_a_500(running, client, organiser, url):
    client.force_login(organiser)
    response = client.get(url, {"campaign": "\x00", "level": "\x00"})
    assert response.status_code < 500


def test_my_entrant_page_with_a_nul_campaign_is_a_400(running, client, organiser):
    client.force_login(organiser)
    assert client.get("/contest/me/", {"campaign": "\x00"}).status_code == 400


# --- the messages: Vietnamese first, English on request ----------------------------


def test_a_refused_number_is_explained_in_vietnamese_then_english(api):
    params = {"lon": "١٠٧", "lat": str(HUE[1])}
    vietnamese = _json_error(api.get(NEARBY, params))
    assert (vietnamese["field"], vietnamese["message"]) == (
        "lon",
        "lon phải là một số.",
    )
    english = _json_error(api.get(NEARBY, params, HTTP_ACCEPT_LANGUAGE="en"))
    assert english["message"] == "lon must be a number."


def test_a_control_character_is_explained_in_english_on_request(api):
    response = api.post(
        LIST,
        {**REPORT, "description": "a\x00b"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    error = _json_error(response)
    assert error["field"] == "description"
    assert error["message"] == "Contains a control character or an invalid character."
