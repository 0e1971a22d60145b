"""Open311 reports filed at /open311/v2/: request -> response -> database state."""

import json

import pytest
from django.urls import reverse

from hotspots import throttles
from hotspots.models import Hotspot, ReporterContact, Status
from tests.hotspots.open311.helpers import (
    EMAIL,
    HUE,
    PHONE,
    assert_error,
    ids,
    post_form,
    report_form,
    url,
    xml,
)


def test_form_encoded_report_creates_a_hotspot(demo_areas, api_client):
    response = post_form(
        api_client,
        report_form(
            description="Túi ni lông mắc ở bờ sông",
            **{"attribute[size_class]": "cart", "api_key": "anything"},
        ),
    )
    assert response.status_code == 201
    [body] = response.json()
    assert body["account_id"] is None
    assert "xác minh" in body["service_notice"]
    hotspot = Hotspot.objects.get(pk=body["service_request_id"])
    assert hotspot.channel == "open311"
    assert hotspot.status == Status.REPORTED
    assert hotspot.category == "plastic"
    assert hotspot.size_class.key == "cart"
    assert hotspot.description == "Túi ni lông mắc ở bờ sông"
    assert hotspot.location.coords == pytest.approx(HUE)
    assert hotspot.reporter is None
    assert {a.name for a in hotspot.areas.all()} == {
        "Tỉnh Thừa Thiên Huế",
        "Thành phố Huế",
    }
    assert not ReporterContact.objects.exists()


def test_report_without_size_uses_several_bags(db, api_client):
    response = post_form(api_client, report_form())
    assert response.status_code == 201
    hotspot = Hotspot.objects.get(pk=ids(response)[0])
    assert hotspot.size_class.key == "several_bags"


def test_report_answers_in_xml(db, api_client):
    response = post_form(api_client, report_form(), fmt="xml")
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    hotspot = Hotspot.objects.get()
    assert request.findtext("service_request_id") == str(hotspot.pk)
    assert request.findtext("service_notice")
    assert request.find("account_id").text is None


def test_report_as_json_body(db, api_client):
    body = {
        "service_code": "water_hyacinth",
        "lat": HUE[1],
        "long": HUE[0],
        "attribute": {"size_class": "truck"},
    }
    response = api_client.post(url("requests"), body, format="json")
    assert response.status_code == 201
    hotspot = Hotspot.objects.get(pk=ids(response)[0])
    assert (hotspot.category, hotspot.size_class.key) == ("water_hyacinth", "truck")


def test_media_url_is_never_fetched(db, api_client, monkeypatch):
    import urllib.request

    def refuse(*args, **kwargs):
        raise AssertionError("the server fetched a client URL")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    response = post_form(
        api_client, report_form(media_url="http://169.254.169.254/latest/meta-data")
    )
    assert response.status_code == 201
    assert "Ảnh không được nhận" in response.json()[0]["service_notice"]
    assert not Hotspot.objects.get().photos.exists()


def test_contact_details_without_consent_are_dropped(db, api_client):
    response = post_form(
        api_client,
        report_form(email=EMAIL, first_name="An", last_name="Nguyễn", phone=PHONE),
    )
    assert response.status_code == 201
    assert "không được lưu" in response.json()[0]["service_notice"]
    assert Hotspot.objects.filter(pk=ids(response)[0]).exists()
    assert not ReporterContact.objects.exists()


@pytest.mark.parametrize("refusal", ["false", "0", ""])
def test_contact_consent_must_be_an_explicit_yes(db, api_client, refusal):
    response = post_form(
        api_client,
        report_form(email=EMAIL, **{"attribute[contact_consent]": refusal}),
    )
    assert response.status_code == 201
    assert not ReporterContact.objects.exists()


def test_contact_details_with_consent_are_stored(db, api_client):
    response = post_form(
        api_client,
        report_form(
            email=EMAIL,
            first_name="An",
            last_name="Nguyễn",
            phone=PHONE,
            **{"attribute[contact_consent]": "true"},
        ),
    )
    assert response.status_code == 201
    assert "không được lưu" not in response.json()[0]["service_notice"]
    contact = ReporterContact.objects.get(hotspot_id=ids(response)[0])
    assert (contact.name, contact.email, contact.phone) == (
        "An Nguyễn",
        EMAIL,
        "+84905123456",
    )
    assert contact.consent_at is not None and contact.notice_version


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"first_name": "A" * 100}, "first_name"),
    ],
)
def test_consented_contact_details_are_checked(db, api_client, extra, field):
    body = report_form(**{"attribute[contact_consent]": "true", **extra})
    assert_error(post_form(api_client, body), 400, field)
    assert not Hotspot.objects.exists()


def form(**extra) -> tuple[str, str]:
    from urllib.parse import urlencode

    return urlencode(report_form(**extra)), "application/x-www-form-urlencoded"


GARBAGE = [
    pytest.param(*form(lat="NaN"), 400, "lat", id="nan-lat"),
    pytest.param(*form(lat="Infinity"), 400, "lat", id="infinite-lat"),
    pytest.param(*form(lat=str(HUE[0]), long=str(HUE[1])), 400, "lat", id="swapped"),
    pytest.param(*form(lat="16,47"), 400, "lat", id="comma-decimal"),
    pytest.param(*form(lat="21.03", long="105.85"), 400, "long,lat", id="hanoi"),
    pytest.param(*form(service_code="recycling"), 400, "service_code", id="code"),
    pytest.param(*form(service_code=""), 400, "service_code", id="no-code"),
    pytest.param(
        "service_code=plastic&lat=16.4698",
        "application/x-www-form-urlencoded",
        400,
        "long",
        id="missing-long",
    ),
    pytest.param(*form(description="x" * 2001), 400, "description", id="huge"),
    pytest.param(*form(description="a\x00b"), 400, "description", id="nul"),
    pytest.param(
        *form(**{"attribute[size_class]": "mountain"}),
        400,
        "attribute[size_class]",
        id="size",
    ),
    pytest.param(
        *form(**{"attribute[contact_consent]": "maybe"}),
        400,
        "attribute[contact_consent]",
        id="consent",
    ),
    pytest.param('{"service_code": "plastic",', "application/json", 400, None, id="js"),
    pytest.param(
        '{"service_code": "plastic", "lat": NaN, "long": 107.5}',
        "application/json",
        400,
        None,
        id="json-nan",
    ),
    pytest.param(
        "[" * 20000 + "]" * 20000, "application/json", 400, None, id="deep-json"
    ),
    pytest.param("[1, 2]", "application/json", 400, "body", id="json-array"),
    pytest.param(
        json.dumps({"service_code": "plastic", "lat": [16.4], "long": 107.5}),
        "application/json",
        400,
        "lat",
        id="json-list-lat",
    ),
    pytest.param(
        json.dumps({"service_code": "plastic", "lat": True, "long": 107.5}),
        "application/json",
        400,
        "lat",
        id="json-bool-lat",
    ),
    pytest.param(
        json.dumps(
            {"service_code": "plastic", "lat": 16.4, "long": 107.5, "description": 7}
        ),
        "application/json",
        400,
        "description",
        id="json-number-text",
    ),
    pytest.param(
        '{"service_code": "plastic", "lat": 16.4, "long": 107.5, '
        '"description": "\\ud800"}',
        "application/json",
        400,
        "description",
        id="lone-surrogate",
    ),
    pytest.param(b"\xff\xfe{}", "application/json", 400, None, id="not-utf8"),
    pytest.param("lat=1", "text/plain", 415, None, id="content-type"),
    pytest.param(
        "description=" + "x" * 3_000_000,
        "application/x-www-form-urlencoded",
        413,
        None,
        id="too-large",
    ),
    pytest.param(
        "&".join(f"f{i}=1" for i in range(1100)),
        "application/x-www-form-urlencoded",
        400,
        None,
        id="too-many-fields",
    ),
]


@pytest.mark.parametrize(("body", "content_type", "status", "field"), GARBAGE)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_malformed_reports_are_4xx_in_error_shape(
    db, api_client, body, content_type, status, field, fmt
):
    response = api_client.post(url("requests", fmt), body, content_type=content_type)
    assert_error(response, status, field)
    assert not Hotspot.objects.exists()


def test_throttled_reports_are_429_in_error_shape(db, api_client, monkeypatch):
    monkeypatch.setattr(throttles.ReportAnonThrottle, "rate", "2/hour", raising=False)
    for _ in range(2):
        assert post_form(api_client, report_form()).status_code == 201
    response = post_form(api_client, report_form(), fmt="xml")
    assert_error(response, 429)
    assert int(response["Retry-After"]) > 0
    assert Hotspot.objects.count() == 2


def test_wrong_method_is_405_in_error_shape(db, api_client):
    assert_error(api_client.post(url("services"), {}), 405)


def test_errors_are_vietnamese_by_default_and_english_on_request(db, api_client):
    body = report_form(lat="abc")
    vi = assert_error(post_form(api_client, body), 400, "lat")
    en = assert_error(post_form(api_client, body, HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert vi == "lat: lat phải là một số."
    assert en == "lat: lat must be a number."


def test_schema_documents_the_open311_endpoints(db, client):
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/json").json()
    assert "/open311/v2/requests.{fmt}" in schema["paths"]
    operation = schema["paths"]["/open311/v2/requests.{fmt}"]["post"]
    assert operation["tags"] == ["open311"]
