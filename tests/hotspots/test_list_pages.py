"""The hotspot list API's pages: features written by PostGIS, keyset cursors."""

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.gis.geos import Point
from django.core import signing
from django.urls import reverse

from hotspots import pagination
from hotspots.models import Hotspot, Status
from hotspots.selectors import ListKey
from tests import builders

from .test_api import jpeg, post_photos, report, url

LIST = reverse("api:hotspots-api:list")
NOON = dt.datetime(2024, 6, 2, 5, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff_client(organiser):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(organiser)
    return client


def _public(n: int, organiser, *, category="plastic", status=Status.VERIFIED):
    return [
        builders.hotspot(
            location=Point(107.55 + 0.001 * i, 16.45, srid=4326),
            category=category,
            status=status,
            actor=organiser,
        ).pk
        for i in range(n)
    ]


@pytest.fixture
def ties(demo_areas, organiser):
    """Return 13 public hotspot ids in list order, with ties on the sort key.

    Scores 5, 5, ... and 3; several rows share both score and created_at, so the
    id decides their order; two unverified reports are not public.
    """
    ids = _public(13, organiser)
    hidden = _public(2, organiser, status=Status.REPORTED)
    Hotspot.objects.filter(pk__in=hidden).update(score=1)
    # (score, created_at) per row: groups tied on both, and on the score only.
    keys = [(5.0, NOON)] * 4 + [(5.0, NOON - dt.timedelta(seconds=1))] * 3
    keys += [(3.0, NOON + dt.timedelta(days=1))] * 2 + [(3.0, NOON)] * 4
    for pk, (score, created_at) in zip(ids, keys, strict=True):
        Hotspot.objects.filter(pk=pk).update(score=score, created_at=created_at)
    rows = Hotspot.objects.filter(pk__in=ids).values_list("score", "created_at", "id")
    return [
        pk
        for _s, _c, pk in sorted(rows, key=lambda r: (-r[0], -r[1].timestamp(), r[2]))
    ]


def _chain(client, params) -> tuple[list[list[int]], list]:
    """Follow `next` from the first page; return each page's ids and responses."""
    pages, responses = [], []
    response = client.get(LIST, params)
    while True:
        assert response.status_code == 200, response.content
        responses.append(response)
        body = json.loads(response.content)
        pages.append([f["id"] for f in body["features"]])
        if body["next"] is None:
            return pages, responses
        assert response["Link"] == f'<{body["next"]}>; rel="next"'
        response = client.get(body["next"])


def test_pages_chain_through_next_to_every_match_once_in_order(ties, api_client):
    pages, responses = _chain(api_client, {"page_size": 3})
    assert [len(page) for page in pages] == [3, 3, 3, 3, 1]
    assert [pk for page in pages for pk in page] == ties
    last = responses[-1]
    assert "Link" not in last
    assert last["Content-Type"] == "application/geo+json"
    body = json.loads(last.content)
    assert body["type"] == "FeatureCollection"
    assert body["count"] is None and body["previous"] is None


def test_a_page_that_ends_on_the_last_row_has_no_next(ties, api_client):
    pages, _r = _chain(api_client, {"page_size": 13})
    assert pages == [ties]


def test_filters_apply_on_every_page_and_next_keeps_them(
    demo_areas, organiser, api_client
):
    hyacinth = _public(5, organiser, category="water_hyacinth")
    _public(4, organiser)
    pages, responses = _chain(
        api_client, {"page_size": 2, "category": "water_hyacinth"}
    )
    assert sorted(pk for page in pages for pk in page) == sorted(hyacinth)
    query = parse_qs(urlsplit(json.loads(responses[0].content)["next"]).query)
    assert query["category"] == ["water_hyacinth"] and query["page_size"] == ["2"]
    counted = api_client.get(LIST, {"category": "water_hyacinth", "count": "true"})
    assert json.loads(counted.content)["count"] == 5


def test_a_row_added_before_the_cursor_does_not_shift_the_next_page(
    ties, api_client, organiser
):
    first = json.loads(api_client.get(LIST, {"page_size": 5}).content)
    newcomer = _public(1, organiser)[0]
    Hotspot.objects.filter(pk=newcomer).update(score=99)  # sorts first
    second = json.loads(api_client.get(first["next"]).content)
    assert [f["id"] for f in second["features"]] == ties[5:10]


@pytest.mark.parametrize(
    "cursor",
    [
        "abc",
        "",  # empty means the first page, tested below
        pagination.cursor_for(ListKey(5.0, NOON, 1)) + "x",  # signature edited
        signing.Signer(salt="another.purpose").sign_object([5.0, NOON.isoformat(), 1]),
        pagination.SIGNER.sign_object(["5", "yesterday", 1]),  # ours, not a key
        pagination.SIGNER.sign_object({"score": 5}),
    ],
)
def test_a_cursor_that_is_not_ours_is_a_400_naming_it(db, api_client, cursor):
    response = api_client.get(LIST, {"cursor": cursor})
    if cursor == "":
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "cursor"
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_an_edited_cursor_payload_is_refused(ties, api_client):
    cursor = pagination.cursor_for(ListKey(5.0, NOON, ties[2]))
    _payload, signature = cursor.rsplit(":", 1)
    forged = signing.b64_encode(b'[5.0,"2024-06-02T05:00:00+00:00",1]').decode()
    assert api_client.get(LIST, {"cursor": cursor}).status_code == 200
    response = api_client.get(LIST, {"cursor": f"{forged}:{signature}"})
    assert response.status_code == 400 and response.json()["error"]["field"] == "cursor"


@pytest.mark.parametrize(
    ("value", "size"),
    [(None, 100), ("7", 7), ("500", 500), ("501", 500), ("0", 100), ("x", 100)],
)
def test_page_size_defaults_to_100_and_is_capped_at_500(value, size):
    params = {} if value is None else {"page_size": value}
    assert pagination.page_size_param(params) == size


def test_each_page_is_one_query_and_counting_one_more(
    ties, api_client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        first = json.loads(api_client.get(LIST, {"page_size": 4}).content)
    with django_assert_num_queries(1):
        api_client.get(first["next"])
    with django_assert_num_queries(2):
        counted = json.loads(api_client.get(LIST, {"count": "true"}).content)
    assert counted["count"] == 13


@pytest.mark.parametrize("language", ["vi", "en"])
def test_list_features_equal_the_detail_serializer(
    demo_areas, api_client, staff_client, language
):
    """Every property PostGIS writes equals what DRF writes for the detail."""
    with_photo = post_photos(api_client, [_upload(jpeg())]).json()["hotspot"]
    outline = {
        "type": "Polygon",
        "coordinates": [
            [[107.60, 16.46], [107.601, 16.46], [107.601, 16.461], [107.60, 16.46]]
        ],
    }
    shaped = report(
        api_client,
        lon=107.6004,
        lat=16.4604,
        outline=outline,
        accuracy_m=12.5,
        description='Bèo "dày" <b>\\ & ống\n cống',
        location_source="gps",
    ).json()["hotspot"]
    for feature in (with_photo, shaped):
        pk = feature["properties"]["id"]
        assert (
            staff_client.post(url("verify", pk), {}, format="json").status_code == 200
        )
    Hotspot.objects.filter(pk=shaped["properties"]["id"]).update(
        created_at=NOON.replace(microsecond=0)  # isoformat without microseconds
    )
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    listed = json.loads(api_client.get(LIST, **headers).content)["features"]
    assert len(listed) == 2
    for feature in listed:
        pk = feature["id"]  # the detail carries the top-level id too (RFC 7946)
        detail = api_client.get(url("detail", pk), **headers).json()
        assert feature == detail
    props = {f["properties"]["id"]: f["properties"] for f in listed}
    photo = props[with_photo["properties"]["id"]]["photos"][0]
    assert photo["url"].startswith("http://testserver/media/photos/")
    shaped_props = props[shaped["properties"]["id"]]
    assert shaped_props["outline"]["type"] == "Polygon"
    assert shaped_props["created_at"] == "2024-06-02T12:00:00+07:00"
    label = "Đã xác minh" if language == "vi" else "Verified"
    assert shaped_props["status_label"] == label


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.jpg", data, content_type="image/jpeg")


def test_personal_data_never_reaches_a_resident_or_the_public(
    demo_areas, api_client, organiser
):
    resident = builders.user(username="dan")
    api_client.force_authenticate(resident)
    mine = report(
        api_client,
        contact_name="Nguyễn Văn Dân",
        contact_phone="0905123456",
        contact_email="dan@example.vn",
        contact_consent=True,
    ).json()["hotspot"]["properties"]["id"]
    _public(1, organiser)
    own = api_client.get(LIST)
    assert {f["id"] for f in json.loads(own.content)["features"]} >= {mine}
    api_client.force_authenticate(None)
    public = api_client.get(LIST)
    assert mine not in {f["id"] for f in json.loads(public.content)["features"]}
    for raw in (own.content.decode(), public.content.decode()):
        for secret in ("Dân", "0905123456", "+84905123456", "dan@", '"reporter"'):
            assert secret not in raw
        assert '"contact"' not in raw and '"history"' not in raw


def test_organisers_page_the_same_way_with_the_staff_features(
    ties, staff_client, django_assert_max_num_queries
):
    pages, _r = _chain(staff_client, {"page_size": 5})
    ids = [pk for page in pages for pk in page]
    # Organisers also see the two unverified reports (score order puts them last).
    assert ids[:13] == ties and len(ids) == 15
    with django_assert_max_num_queries(10):
        body = json.loads(staff_client.get(LIST, {"page_size": 5}).content)
    feature = body["features"][0]
    assert feature["id"] == feature["properties"]["id"]
    assert {"contact", "history", "reporter"} <= set(feature["properties"])


def test_schema_documents_cursor_count_and_geojson(db, client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
    get = schema["paths"]["/api/v1/hotspots/"]["get"]
    names = {p["name"] for p in get["parameters"]}
    assert {"cursor", "page_size", "count", "in_bbox", "status"} <= names
    ok = get["responses"]["200"]
    assert "Link" in ok["headers"]
    page = ok["content"]["application/geo+json"]["schema"]["$ref"].rsplit("/", 1)[1]
    fields = schema["components"]["schemas"][page]["properties"]
    assert {"type", "count", "next", "previous", "features"} <= set(fields)


def test_in_bbox_keeps_the_points_inside_and_on_its_edges(
    demo_areas, organiser, api_client
):
    ids = {
        lon: builders.hotspot(
            location=Point(lon, 16.45, srid=4326),
            status=Status.VERIFIED,
            actor=organiser,
        ).pk
        for lon in (107.55, 107.551, 107.555, 107.56, 107.561)
    }
    features = json.loads(
        api_client.get(LIST, {"in_bbox": "107.551,16.44,107.56,16.45"}).content
    )["features"]
    assert {f["id"] for f in features} == {ids[107.551], ids[107.555], ids[107.56]}


def test_nearby_features_equal_the_detail_serializer_nearest_first(
    demo_areas, api_client, staff_client
):
    """The nearby API and a report's `nearby` are written by PostGIS too: each
    feature is the detail's, plus its distance, nearest first."""
    near = report(api_client, lon=107.5900, lat=16.4600).json()["hotspot"]
    nearer = report(
        api_client,
        lon=107.5901,
        lat=16.4600,
        outline={
            "type": "Polygon",
            "coordinates": [
                [
                    [107.5901, 16.46],
                    [107.5902, 16.46],
                    [107.5902, 16.4601],
                    [107.5901, 16.46],
                ]
            ],
        },
    ).json()["hotspot"]
    photo = post_photos(api_client, [_upload(jpeg())], lon=107.59005, lat=16.46)
    assert photo.status_code == 201, photo.content
    for feature in (near, nearer, photo.json()["hotspot"]):  # public details
        verify = url("verify", feature["properties"]["id"])
        assert staff_client.post(verify, {}, format="json").status_code == 200
    got = api_client.get(
        reverse("api:hotspots-api:nearby"),
        {"lon": 107.5902, "lat": 16.4600, "radius_m": 100},
    ).json()
    assert got["type"] == "FeatureCollection"
    ids = [f["properties"]["id"] for f in got["features"]]
    assert ids[:1] == [nearer["properties"]["id"]] and near["properties"]["id"] in ids
    distances = [f["properties"].pop("distance_m") for f in got["features"]]
    assert distances == sorted(distances) == [10.7, 16.0, 21.3]  # 0.0001° ≈ 10.7 m
    for feature in got["features"]:
        pk = feature["id"]  # the detail carries the top-level id too (RFC 7946)
        assert feature == api_client.get(url("detail", pk)).json()
    # A new report is told of the others within the duplicate radius (50 m).
    again = report(api_client, lon=107.59012, lat=16.46).json()
    offered = [f["properties"]["id"] for f in again["nearby"]["features"]]
    assert again["hotspot"]["properties"]["id"] not in offered
    assert set(offered) == set(ids)
