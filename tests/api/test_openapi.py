"""/api/schema/ validates and says what the API really sends."""

import json

import pytest
import yaml
from openapi_spec_validator import validate

from geo.spatial import GeometryError, parse_coordinate

GEOJSON_OPERATIONS = [
    ("/api/v1/areas/", "get", "200"),
    ("/api/v1/hotspots/", "get", "200"),
    ("/api/v1/hotspots/{id}/", "get", "200"),
    ("/api/v1/hotspots/nearby/", "get", "200"),
    ("/api/v1/hotspots/{id}/verify/", "post", "200"),
    ("/api/v1/events/", "get", "200"),
    ("/api/v1/events/", "post", "201"),
    ("/api/v1/events/{id}/", "get", "200"),
    ("/api/v1/coverage/", "get", "200"),
    ("/api/v1/coverage/hexagons/", "get", "200"),
    ("/api/v1/coverage/gaps/", "get", "200"),
    ("/api/v1/analysis/clusters/", "get", "200"),
]


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _component(document, name):
    return document["components"]["schemas"][name]


def test_schema_validates(document):
    validate(document)


def test_blank_emails_are_allowed(document):
    email = _component(document, "Person")["properties"]["email"]
    assert {"type": "string", "maxLength": 0} in email["oneOf"]
    assert email["default"] == ""


def test_null_fields_are_nullable(document):
    props = _component(document, "HotspotFeature")["properties"]["properties"]
    assert props["properties"]["outline"]["nullable"] is True
    assert props["properties"]["duplicate_of"]["nullable"] is True
    decided = _component(document, "EntrantPrivate")["properties"]["decided_at"]
    assert decided["nullable"] is True and decided["format"] == "date-time"


def test_features_have_a_top_level_id_and_lonlat_examples(document):
    feature = _component(document, "HotspotFeature")
    assert "id" in feature["required"]
    lon, lat = feature["properties"]["geometry"]["properties"]["coordinates"]["example"]
    assert 107 < lon < 108.5 and 15.8 < lat < 17  # Thừa Thiên Huế, lon first


@pytest.mark.parametrize(("path", "method", "status"), GEOJSON_OPERATIONS)
def test_geojson_operations_declare_geo_json(document, path, method, status):
    content = document["paths"][path][method]["responses"][status]["content"]
    assert list(content) == ["application/geo+json"]
    assert content["application/geo+json"]["schema"]


def test_errors_are_documented_as_the_one_error_shape(document):
    responses = document["paths"]["/api/v1/hotspots/{id}/verify/"]["post"]["responses"]
    for status in ("400", "401", "403", "404", "413"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Error"}
    report = document["paths"]["/api/v1/hotspots/"]["post"]["responses"]
    assert "Retry-After" in report["429"]["headers"]
    assert "WWW-Authenticate" in responses["401"]["headers"]


def test_pagination_is_documented(document):
    listing = document["paths"]["/api/v1/hotspots/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"cursor", "count", "page_size"} <= names
    assert "Link" in listing["responses"]["200"]["headers"]
    page = _component(document, "HotspotPage")["properties"]
    assert page["next"]["nullable"] and page["count"]["nullable"]
    events = _component(document, "EventPage")["properties"]
    assert {"count", "next", "previous", "features"} <= set(events)


def test_open311_documents_arrays_in_json_and_xml(document):
    listing = document["paths"]["/open311/v2/requests.{fmt}"]["get"]["responses"]
    assert set(listing["200"]["content"]) == {"application/json", "text/xml"}
    assert listing["200"]["content"]["application/json"]["schema"]["type"] == "array"
    errors = listing["400"]["content"]["application/json"]["schema"]
    assert errors["type"] == "array"


def test_analysis_pending_answer_is_documented(document):
    gaps = document["paths"]["/api/v1/coverage/gaps/"]["get"]["responses"]
    assert "Retry-After" in gaps["202"]["headers"]
    assert gaps["202"]["content"]["application/json"]["schema"]["properties"]["pending"]


# --- the input that used to be a 500 -------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/coverage/?campaign=a%00b",
        "/api/v1/coverage/hexagons/?campaign=%00",
        "/api/v1/analysis/clusters/?campaign=x%00",
        "/api/v1/events/?campaign=%00",
        "/api/v1/areas/?level=district%00",
    ],
)
def test_nul_in_a_text_parameter_is_a_400_naming_it(client, contest, path):
    response = client.get(path)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] in ("campaign", "level")
    assert "không hợp lệ" in error["message"]
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert english["field"] == error["field"]
    assert "invalid characters" in english["message"]


def test_nul_in_the_entrant_list_campaign_is_a_400(client, contest):
    client.force_login(contest.rep)
    response = client.get("/api/v1/entrants/?campaign=%00")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "campaign"


def test_a_huge_integer_coordinate_is_out_of_range_not_a_crash():
    with pytest.raises(GeometryError) as caught:
        parse_coordinate(10**400, axis="lon")
    assert caught.value.code == "not_finite"


def test_huge_integer_in_a_report_body_is_a_400(client, contest):
    body = '{"lon": 1' + "0" * 400 + ', "lat": 16.46, "category": "plastic", '
    body += '"size_class": "bag"}'
    response = client.post("/api/v1/hotspots/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "lon"


def test_unrouted_api_path_is_a_json_404(client, db):
    response = client.get("/api/v1/hotspots/-1/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["error"]["code"] == "not_found"
