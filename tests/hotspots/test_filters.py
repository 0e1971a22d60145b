"""The public hotspot filter (hotspots.filters): one meaning of each parameter for
the API, the list page and the public map."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse

from hotspots.filters import HotspotFilter, HotspotListFilter, PublicMapFilter
from hotspots.models import Hotspot, Status
from tests import builders
from tests.tiles import page_map_features

LIST = reverse("api:hotspots-api:list")
PUBLIC_MAP = reverse("maps:public")
SPOTS = [Point(107.59 + 0.002 * i, 16.46, srid=4326) for i in range(3)]
# 2 June 2024 in Huế (UTC+7) starts at 1 June 17:00 UTC.
LATE_ON_1_JUNE = dt.datetime(2024, 6, 1, 16, 59, tzinfo=dt.UTC)  # 23:59 local
EARLY_ON_2_JUNE = dt.datetime(2024, 6, 1, 17, 1, tzinfo=dt.UTC)  # 00:01 local
LATE_ON_2_JUNE = dt.datetime(2024, 6, 2, 16, 59, tzinfo=dt.UTC)  # 23:59 local


@pytest.fixture
def reported_at(demo_areas, organiser):
    """Return {name: hotspot id}: public hotspots reported at the instants above."""
    ids = {}
    instants = {"late_1": LATE_ON_1_JUNE, "early_2": EARLY_ON_2_JUNE}
    instants["late_2"] = LATE_ON_2_JUNE
    for i, (name, instant) in enumerate(instants.items()):
        hotspot = builders.hotspot(
            location=SPOTS[i],
            status=Status.VERIFIED,
            actor=organiser,
        )
        Hotspot.objects.filter(pk=hotspot.pk).update(created_at=instant)
        ids[name] = hotspot.pk
    return ids


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"since": "2024-06-02"}, {"early_2", "late_2"}),
        ({"until": "2024-06-01"}, {"late_1"}),
        ({"since": "2024-06-02", "until": "2024-06-02"}, {"early_2", "late_2"}),
        ({"since": "2024-06-03"}, set()),
        # A datetime is cut to its date, as for every API date parameter.
        ({"since": "2024-06-02T23:00:00"}, {"early_2", "late_2"}),
    ],
)
def test_dates_are_hue_calendar_days_both_ends_included_on_the_api_and_the_map(
    reported_at, api_client, client, params, expected
):
    features = api_client.get(LIST, params).json()["features"]
    assert {f["properties"]["id"] for f in features} == {
        reported_at[name] for name in expected
    }
    html = client.get(PUBLIC_MAP, params).content.decode()
    drawn = page_map_features(client, html, 18, SPOTS)
    assert {f["id"] for f in drawn} == {reported_at[name] for name in expected}


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"until": "tomorrow"}, "until", "invalid_date"),
        ({"status": "gone"}, "status", "invalid_choice"),
        ({"area": "-1"}, "area", "invalid"),
        ({"in_bbox": "1,2,3"}, "in_bbox", "malformed"),
    ],
)
def test_api_names_the_bad_parameter_with_its_parser_code(
    db, api_client, params, field, code
):
    response = api_client.get(LIST, params)
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": code,
        "message": response.json()["error"]["message"],
        "field": field,
    }
    assert field in response.json()["error"]["message"]


def test_pages_ignore_what_the_api_refuses(reported_at, client):
    html = client.get(PUBLIC_MAP, {"until": "tomorrow", "area": "-1"}).content
    assert len(page_map_features(client, html.decode(), 18, SPOTS)) == 3
    page = client.get(reverse("hotspots:list"), {"status": "gone"})
    assert page.status_code == 200


def test_pages_offer_public_statuses_and_listed_areas_only(db):
    areas = [(7, "Thành phố Huế")]
    public = PublicMapFilter({"status": "reported", "area": "8"}, areas=areas)
    assert public.active() == {}
    assert public.errors.keys() == {"status", "area"}
    assert PublicMapFilter(
        {"status": "cleaned", "area": "7"}, areas=areas
    ).active() == {
        "status": "cleaned",
        "area": 7,
    }
    # The API takes every status and any area id.
    assert HotspotFilter({"status": "reported", "area": "8"}).active() == {
        "status": "reported",
        "area": 8,
    }


def test_each_page_shows_its_own_parameters_in_order(db):
    public = list(PublicMapFilter(areas=[]).form.fields)
    assert public == ["category", "status", "priority", "area", "since", "until"]
    assert list(HotspotListFilter(areas=[]).form.fields) == [
        "category",
        "status",
        "area",
    ]
    assert list(HotspotFilter().form.fields)[0] == "in_bbox"
