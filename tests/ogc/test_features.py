"""OGC API – Features at /ogc/: documents, items, parameters, errors."""

import json

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from openapi_spec_validator import validate

from hotspots.models import Hotspot
from tests import builders
from tests.maps.test_coverage import EXPECTED, HUE

COLLECTIONS = [
    "hotspots",
    "events",
    "areas-district",
    "areas-province",
    "coverage-thu-nghiem-district",
    "coverage-thu-nghiem-province",
]
# Rows of each collection in the scenario: 4 public hotspots (not the
# unverified nor the rejected report), 4 events, 1 province, 9 districts.
ROWS = {
    "hotspots": 4,
    "events": 4,
    "areas-province": 1,
    "areas-district": 9,
    "coverage-thu-nghiem-province": 1,
    "coverage-thu-nghiem-district": 9,
}
# A box around the Huế points of the scenario (not Phú Vang's).
HUE_BOX = "107.58,16.45,107.62,16.47"


def _get(client, url, **params):
    return client.get(url, params)


def _items_url(collection: str) -> str:
    return reverse("ogc:items", args=[collection])


def _walk(client, url, **params) -> tuple[list[dict], list[bytes]]:
    """Follow `next` from the first page; return the features and the bodies."""
    features, bodies = [], []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/geo+json"
        bodies.append(response.content)
        body = response.json()
        assert body["numberReturned"] == len(body["features"])
        features += body["features"]
        following = [link for link in body["links"] if link["rel"] == "next"]
        if not following:
            return features, bodies
        assert following[0]["type"] == "application/geo+json"
        assert len(bodies) < 50
        response = client.get(following[0]["href"])


def _rest_hotspot_ids(client, **params) -> list[int]:
    ids, url = [], reverse("api:hotspots-api:list")
    response = client.get(url, {"page_size": 500, **params})
    while True:
        body = response.json()
        ids += [feature["properties"]["id"] for feature in body["features"]]
        if not body["next"]:
            return ids
        response = client.get(body["next"])


# --- landing page, conformance, API definition -----------------------------------


def test_landing_page_links_the_spec_relations(db, client):
    response = client.get("/ogc/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    links = {link["rel"]: link for link in response.json()["links"]}
    assert set(links) == {"self", "service-desc", "service-doc", "conformance", "data"}
    assert links["service-desc"]["href"] == "http://testserver/ogc/api"
    assert (
        links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    )
    assert links["conformance"]["href"] == "http://testserver/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/ogc/collections"
    assert client.get(links["service-doc"]["href"]).status_code == 200


def test_conformance_declares_core_geojson_and_oas30_only(db, client):
    response = client.get("/ogc/conformance")
    assert response.status_code == 200
    assert sorted(response.json()["conformsTo"]) == [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ]


def test_api_definition_is_a_valid_openapi_30_document(scenario, client):
    response = client.get("/ogc/api")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0"
    document = response.json()
    validate(document)  # raises on any violation
    assert document["openapi"].startswith("3.0")
    assert document["servers"] == [{"url": "http://testserver/ogc"}]
    items = document["paths"]["/collections/{collectionId}/items"]["get"]
    names = {
        document["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"]
        for p in items["parameters"]
    }
    assert {"bbox", "datetime", "limit", "cursor", "category", "campaign"} <= names
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert (limit["default"], limit["maximum"]) == (100, 1000)


def test_ogc_paths_stay_out_of_the_rest_schema(db, client):
    response = client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert paths
    assert not [path for path in paths if path.startswith("/ogc")]


@pytest.mark.parametrize(
    "path",
    [
        "/ogc/conformance/",
        "/ogc/collections/",
        "/ogc/collections/hotspots/",
        "/ogc/collections/hotspots/items/",
        "/ogc/collections/hotspots/queryables/",
        "/ogc/api/",
    ],
)
def test_a_trailing_slash_is_accepted_too(scenario, client, path):
    assert client.get(path).status_code == 200


# --- collections -----------------------------------------------------------------


def test_collections_list_every_kind(scenario, client):
    response = client.get("/ogc/collections")
    assert response.status_code == 200
    body = response.json()
    assert [link["rel"] for link in body["links"]] == ["self"]
    assert [c["id"] for c in body["collections"]] == COLLECTIONS


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_a_collection_describes_itself(scenario, client, collection):
    response = client.get(reverse("ogc:collection", args=[collection]))
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == collection
    assert body["title"] and body["description"]
    assert body["itemType"] == "feature"
    spatial = body["extent"]["spatial"]
    assert spatial["crs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    lon0, lat0, lon1, lat1 = spatial["bbox"][0]
    assert 106 < lon0 < lon1 < 109 and 15 < lat0 < lat1 < 17.5
    links = {(link["rel"], link["type"]): link["href"] for link in body["links"]}
    base = f"http://testserver/ogc/collections/{collection}"
    assert links[("self", "application/json")] == base
    assert links[("items", "application/geo+json")] == f"{base}/items"
    queryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
    assert links[(queryables, "application/schema+json")] == f"{base}/queryables"
    # The vector tiles of the same data, as TileJSON; the link works.
    tilejson = links[("alternate", "application/json")]
    assert tilejson.startswith("http://testserver/tiles/")
    assert client.get(tilejson).status_code == 200
    template = links[("alternate", "application/vnd.mapbox-vector-tile")]
    assert "/{z}/{x}/{y}.mvt" in template


def test_temporal_extents_span_the_rows(scenario, client):
    def interval(collection):
        body = client.get(reverse("ogc:collection", args=[collection])).json()
        return body["extent"]["temporal"]["interval"][0]

    public = Hotspot.objects.public().order_by("created_at")
    first, last = interval("hotspots")
    assert first.startswith(public.first().created_at.strftime("%Y-%m-%dT%H:%M"))
    assert last.startswith(public.last().created_at.strftime("%Y-%m-%dT%H:%M"))
    assert all(interval("events"))
    start, end = interval("coverage-thu-nghiem-district")
    assert start < end
    body = client.get(reverse("ogc:collection", args=["areas-district"])).json()
    assert "temporal" not in body["extent"]


def test_collection_titles_follow_accept_language(scenario, client):
    vi = client.get("/ogc/collections/hotspots").json()
    en = client.get("/ogc/collections/hotspots", HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi["title"] == "Điểm nóng ô nhiễm nhựa"
    assert en["title"] != vi["title"]


@pytest.mark.parametrize(
    ("collection", "names"),
    [
        (
            "hotspots",
            {"geometry", "created_at", "category", "status", "priority", "area"},
        ),
        ("events", {"geometry", "started_at", "campaign", "area"}),
        ("areas-district", {"geometry", "code", "parent"}),
        ("coverage-thu-nghiem-district", {"geometry"}),
    ],
)
def test_queryables_are_a_json_schema(scenario, client, collection, names):
    response = client.get(reverse("ogc:queryables", args=[collection]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    body = response.json()
    assert body["type"] == "object"
    assert body["$id"] == f"http://testserver/ogc/collections/{collection}/queryables"
    assert set(body["properties"]) == names


def test_unknown_collection_is_a_404_exception(db, client):
    for path in ("", "/items", "/items/1", "/queryables"):
        response = client.get(f"/ogc/collections/khong-co{path}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json()["code"] == "NotFound"


def test_unknown_path_under_ogc_is_a_json_404(db, client):
    response = client.get("/ogc/nothing/here")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "description"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_405(db, client, method):
    response = getattr(client, method)("/ogc/collections/hotspots/items")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["code"] == "MethodNotAllowed"


def test_head_answers_like_get_without_a_body(scenario, client):
    response = client.head(_items_url("hotspots"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response.content == b""


# --- items ----------------------------------------------------------------------


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_items_walk_every_row_across_pages(scenario, client, collection):
    features, bodies = _walk(client, _items_url(collection), limit=2)
    assert len(features) == ROWS[collection]
    assert len(bodies) == (ROWS[collection] + 1) // 2
    ids = [feature["id"] for feature in features]
    assert len(set(ids)) == len(ids)
    for feature in features:
        assert feature["type"] == "Feature"
        assert isinstance(feature["id"], int)
        assert "crs" not in feature and "crs" not in feature["geometry"]


def test_hotspot_items_are_the_public_list_in_its_order(scenario, client):
    features, _bodies = _walk(client, _items_url("hotspots"), limit=3)
    assert [f["id"] for f in features] == _rest_hotspot_ids(client)
    rest = client.get(reverse("api:hotspots-api:list")).json()["features"]
    assert [f["properties"] for f in features] == [f["properties"] for f in rest]


def test_hotspot_number_matched_comes_from_the_rollups_when_unboxed(scenario, client):
    body = client.get(_items_url("hotspots")).json()
    assert body["numberMatched"] == 4
    body = client.get(_items_url("hotspots"), {"priority": "true"}).json()
    assert body["numberMatched"] == body["numberReturned"] == 3
    # With a box the rollups do not answer: no count over the hotspots.
    body = client.get(_items_url("hotspots"), {"bbox": HUE_BOX}).json()
    assert "numberMatched" not in body
    assert body["numberReturned"] == 2


def test_bbox_keeps_what_it_covers(scenario, client):
    features, _ = _walk(client, _items_url("hotspots"), bbox=HUE_BOX, limit=1)
    assert sorted(f["id"] for f in features) == sorted(
        _rest_hotspot_ids(client, in_bbox=HUE_BOX)
    )
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"]
        assert 107.58 <= lon <= 107.62 and 16.45 <= lat <= 16.47
    events, _ = _walk(client, _items_url("events"), bbox=HUE_BOX)
    assert len(events) == 3
    districts, _ = _walk(client, _items_url("areas-district"), bbox=HUE_BOX)
    assert [f["properties"]["code"] for f in districts] == ["474"]
    coverage, _ = _walk(
        client, _items_url("coverage-thu-nghiem-district"), bbox=HUE_BOX
    )
    assert [f["properties"]["code"] for f in coverage] == ["474"]


def test_bbox_is_exact_at_its_edges(scenario, client):
    # `&&` alone compares float4-rounded boxes and would keep these (~0.5 m out).
    outside = [
        builders.hotspot(location=Point(lon, lat, srid=4326), status="verified")
        for lon, lat in ((107.620004, 16.4651), (107.61, 16.470004))
    ]
    inside = builders.hotspot(
        location=Point(107.62, 16.468, srid=4326), status="verified"
    )
    box = "107.60,16.4600,107.62,16.47"
    features, _ = _walk(client, _items_url("hotspots"), bbox=box)
    ids = {f["id"] for f in features}
    assert inside.pk in ids
    assert not ids & {h.pk for h in outside}


def test_a_bbox_outside_the_service_area_matches_nothing(scenario, client):
    for collection in COLLECTIONS:
        body = client.get(_items_url(collection), {"bbox": "0,0,1,1"}).json()
        assert body["features"] == []


def test_property_filters_narrow_the_items(scenario, client):
    cleaned, _ = _walk(client, _items_url("hotspots"), status="cleaned")
    assert {f["properties"]["status"] for f in cleaned} == {"cleaned"}
    assert len(cleaned) == 2
    area = client.get(reverse("api:geo:area-list"), {"level": "district"}).json()
    hue = next(a for a in area["features"] if a["properties"]["code"] == "474")
    in_hue, _ = _walk(client, _items_url("hotspots"), area=hue["properties"]["id"])
    assert len(in_hue) == 2
    events, _ = _walk(client, _items_url("events"), campaign="thu-nghiem")
    assert len(events) == 4
    districts, _ = _walk(client, _items_url("areas-district"), code="478")
    assert [f["properties"]["name"] for f in districts] == ["Huyện Phú Vang"]


def test_datetime_filters_instants_and_intervals(scenario, client):
    public = list(Hotspot.objects.public().order_by("created_at"))
    moment = public[1].created_at.isoformat().replace("+00:00", "Z")
    after = public[2].created_at.isoformat()

    def ids(**params):
        features, _ = _walk(client, _items_url("hotspots"), **params)
        return sorted(f["id"] for f in features)

    assert ids(datetime=moment) == [public[1].pk]
    assert ids(datetime=f"../{moment}") == sorted(h.pk for h in public[:2])
    assert ids(datetime=f"{moment}/..") == sorted(h.pk for h in public[1:])
    assert ids(datetime=f"{moment}/{after}") == sorted(h.pk for h in public[1:3])
    assert ids(datetime="2001-01-01T00:00:00Z/2002-01-01T00:00:00Z") == []
    # Events by their start: the scenario's four events began 30 to 120 hours ago.
    events, _ = _walk(client, _items_url("events"), datetime="2001-01-01/..")
    assert len(events) == 4
    events, _ = _walk(client, _items_url("events"), datetime="../2001-01-01")
    assert events == []


def test_limit_is_clamped_to_the_maximum(scenario, client):
    for value in ("1000", "1001", "9" * 40):
        response = client.get(_items_url("hotspots"), {"limit": value})
        assert response.status_code == 200
        assert response.json()["numberReturned"] == 4


def test_areas_and_coverage_follow_rfc_7946(scenario, client):
    from shapely.geometry import shape

    for collection in ("areas-district", "coverage-thu-nghiem-district"):
        features, _ = _walk(client, _items_url(collection))
        for feature in features:
            geom = shape(feature["geometry"])
            polygons = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
            for polygon in polygons:
                assert polygon.exterior.is_ccw
            text = json.dumps(feature["geometry"]["coordinates"])
            assert not any(
                len(number.split(".")[1]) > 6
                for number in text.replace("[", " ")
                .replace("]", " ")
                .replace(",", " ")
                .split()
                if "." in number
            )


def test_coverage_items_carry_the_api_numbers(scenario, client):
    features, _ = _walk(client, _items_url("coverage-thu-nghiem-district"))
    by_code = {f["properties"]["code"]: f["properties"] for f in features}
    for code, expected in EXPECTED.items():
        for name, value in expected.items():
            assert by_code[code][name] == pytest.approx(float(value)), name
    rest = client.get(reverse("api:coverage-api:coverage"), {"level": "district"})
    assert {f["id"]: f["properties"] for f in rest.json()["features"]} == {
        f["id"]: f["properties"] for f in features
    }


# --- one item ---------------------------------------------------------------------


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_each_item_can_be_read_by_id(scenario, client, collection):
    features, _ = _walk(client, _items_url(collection))
    for feature in features:
        url = reverse("ogc:item", args=[collection, feature["id"]])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/geo+json"
        body = response.json()
        rels = {link["rel"] for link in body.pop("links")}
        assert rels == {"self", "collection"}
        assert body == feature


def test_a_hotspot_that_is_not_public_is_a_404(scenario, client, organiser_client):
    hidden = Hotspot.objects.exclude(status__in=["verified", "cleaned", "reopened"])
    assert hidden.count() == 2
    for hotspot in hidden:
        url = reverse("ogc:item", args=["hotspots", hotspot.pk])
        assert client.get(url).status_code == 404
        # A signed-in organiser reads /ogc/ as anyone does.
        assert organiser_client.get(url).status_code == 404
    features, _ = _walk(organiser_client, _items_url("hotspots"))
    assert len(features) == 4


@pytest.mark.parametrize("fid", ["abc", "1.5", "-1", "9" * 19, "9" * 400, "١"])
def test_a_malformed_feature_id_is_a_404(scenario, client, fid):
    response = client.get(f"/ogc/collections/hotspots/items/{fid}")
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"


def test_an_area_of_another_level_is_not_an_item(scenario, client):
    province = client.get(_items_url("areas-province")).json()["features"][0]
    url = reverse("ogc:item", args=["areas-district", province["id"]])
    assert client.get(url).status_code == 404


# --- parameter errors -------------------------------------------------------------

BAD = [
    ("hotspots", {"bbox": "nan,16,108,17"}),
    ("hotspots", {"bbox": "107,16,inf,17"}),
    ("hotspots", {"bbox": "108,16,107,17"}),
    ("hotspots", {"bbox": "107,16,108"}),
    ("hotspots", {"bbox": "107,16,108,17,1,2"}),
    ("hotspots", {"bbox": "1" + "0" * 400 + ",16,108,17"}),
    ("hotspots", {"bbox": "107,16,108,\x0017"}),
    ("hotspots", {"bbox": "١٠٧,16,108,17"}),
    ("hotspots", {"bbox": "107,16,108,17", "bbox-crs": "EPSG:3857"}),
    ("hotspots", {"datetime": "hôm qua"}),
    ("hotspots", {"datetime": "../.."}),
    ("hotspots", {"datetime": "2024-13-45T00:00:00Z"}),
    ("hotspots", {"datetime": "2024-06-02/2024-06-01"}),
    ("hotspots", {"datetime": "a/b/c"}),
    ("hotspots", {"datetime": "2" * 200}),
    ("hotspots", {"limit": "0"}),
    ("hotspots", {"limit": "-5"}),
    ("hotspots", {"limit": "abc"}),
    ("hotspots", {"limit": "1e3"}),
    ("hotspots", {"limit": "١٠"}),
    ("hotspots", {"cursor": "garbage"}),
    ("hotspots", {"category": "gold"}),
    ("hotspots", {"status": "reported"}),
    ("hotspots", {"status": "rejected"}),
    ("hotspots", {"priority": "maybe"}),
    ("hotspots", {"area": "abc"}),
    ("hotspots", {"area": "9" * 40}),
    ("hotspots", {"campaign": "thu-nghiem"}),
    ("hotspots", {"foo": "1"}),
    ("hotspots", {"f": "xml"}),
    ("hotspots", {"category": "plastic\x00"}),
    ("hotspots", {"x\x00y": "1"}),
    ("events", {"campaign": "khong-co"}),
    ("events", {"area": "-1"}),
    ("events", {"cursor": "garbage"}),
    ("events", {"category": "plastic"}),
    ("areas-district", {"datetime": "2024-06-02T00:00:00Z"}),
    ("areas-district", {"parent": "x"}),
    ("areas-district", {"code": "x" * 100}),
    ("areas-district", {"cursor": "garbage"}),
    ("coverage-thu-nghiem-district", {"cursor": "garbage"}),
    ("coverage-thu-nghiem-district", {"status": "cleaned"}),
]


@pytest.mark.parametrize(("collection", "params"), BAD)
def test_a_bad_parameter_is_a_400_exception(scenario, client, collection, params):
    response = client.get(_items_url(collection), params)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "description"}
    assert body["code"] == "InvalidParameterValue"
    assert body["description"]


def test_a_cursor_of_another_collection_is_refused(scenario, client):
    page = client.get(_items_url("areas-district"), {"limit": 2}).json()
    href = next(link["href"] for link in page["links"] if link["rel"] == "next")
    cursor = href.split("cursor=")[1]
    response = client.get(
        f"{_items_url('coverage-thu-nghiem-district')}?cursor={cursor}"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["/ogc/", "/ogc/collections", "/ogc/conformance"])
def test_f_json_is_accepted_and_other_formats_refused(db, client, path):
    assert client.get(path, {"f": "json"}).status_code == 200
    response = client.get(path, {"f": "html"})
    assert response.status_code == 400
    assert response.json()["code"] == "InvalidParameterValue"


def test_errors_are_vietnamese_unless_english_is_asked(scenario, client):
    vi = client.get(_items_url("hotspots"), {"limit": "x"}).json()
    en = client.get(
        _items_url("hotspots"), {"limit": "x"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert vi["description"] == "limit phải là một số nguyên dương."
    assert en["description"] != vi["description"]


def test_items_take_a_fixed_number_of_queries(
    scenario, client, django_assert_max_num_queries
):
    builders.hotspot(
        location=Point(HUE[0] + 0.02, HUE[1], srid=4326), status="verified"
    )
    with django_assert_max_num_queries(6):
        response = client.get(_items_url("hotspots"), {"bbox": HUE_BOX})
    assert response.status_code == 200
