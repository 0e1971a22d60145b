import datetime as dt

import pytest
from django.urls import reverse

from geo.models import AdminArea

LOCATE = reverse("api:geo:area-locate")
AREAS = reverse("api:geo:area-list")


def test_areas_are_a_feature_collection_with_the_documented_properties(
    demo_areas, api_client
):
    response = api_client.get(AREAS, {"level": "district"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 9
    props = body["features"][0]["properties"]
    assert set(props) >= {
        "id",
        "name",
        "name_en",
        "code",
        "level",
        "parent",
        "area_km2",
    }
    assert props["approximate"] is True
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_area_list_query_count_is_fixed(
    demo_areas, api_client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        api_client.get(AREAS)


def test_locate_lists_areas_from_largest_to_smallest(demo_areas, api_client):
    # Đại Nội (the Imperial City), in Thành phố Huế.
    response = api_client.get(LOCATE, {"lon": "107.5786", "lat": "16.4698"})
    assert response.status_code == 200
    areas = response.json()["areas"]
    assert [(a["level"], a["code"]) for a in areas] == [
        ("province", "46"),
        ("district", "474"),
    ]
    assert areas[1]["name"] == "Thành phố Huế"
    assert set(areas[0]) >= {"id", "name", "code", "level"}


def test_point_in_no_area_is_404_with_message(demo_areas, api_client):
    # In the sea off Thuận An: inside the service envelope, outside every area.
    response = api_client.get(LOCATE, {"lon": "107.8", "lat": "16.9"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_area"
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"lat": "16.4"}, "lon", "required"),
        ({"lon": "107.5"}, "lat", "required"),
        ({"lon": "abc", "lat": "16.4"}, "lon", "not_a_number"),
        ({"lon": "NaN", "lat": "16.4"}, "lon", "not_finite"),
        ({"lon": "107.5", "lat": "Infinity"}, "lat", "not_finite"),
        ({"lon": "107.5", "lat": "95"}, "lat", "out_of_range"),
        ({"lon": "16.46", "lat": "107.59"}, "lat", "out_of_range"),
        ({"lon": "105.85", "lat": "21.03"}, "lon,lat", "outside_service_area"),
    ],
)
def test_bad_coordinates_are_400_naming_the_parameter(
    db, api_client, params, field, code
):
    response = api_client.get(LOCATE, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["field"], error["code"]) == (field, code)


def test_error_messages_are_vietnamese_by_default_and_english_on_request(
    db, api_client
):
    vi = api_client.get(LOCATE, {"lon": "abc", "lat": "16.4"}).json()["error"][
        "message"
    ]
    en = api_client.get(
        LOCATE, {"lon": "abc", "lat": "16.4"}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()["error"]["message"]
    assert vi == "lon phải là một số."
    assert en == "lon must be a number."


def test_areas_list_the_units_in_force_on_a_day_today_by_default(
    demo_areas, api_client
):
    dissolved = AdminArea.objects.filter(level="district").order_by("id").first()
    dissolved.valid_to = dt.date(2025, 7, 1)
    dissolved.save(update_fields=["valid_to"])

    def ids(**params):
        body = api_client.get(AREAS, {"level": "district", **params}).json()
        return {f["id"]: f["properties"] for f in body["features"]}

    today = ids()
    assert dissolved.pk not in today and len(today) == 8
    before = ids(on="2024-06-01")
    assert len(before) == 9
    assert before[dissolved.pk]["valid_to"] == "2025-07-01"
    assert before[dissolved.pk]["valid_from"] is None
    ogc = api_client.get("/ogc/collections/areas-district/items").json()
    assert {f["id"] for f in ogc["features"]} == set(today)
    assert api_client.get(AREAS, {"on": "2024-02-30"}).status_code == 400
