"""Open311 GeoReport v2 at /open311/v2/: request -> response -> database state."""

import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from geo.spatial import WGS84
from hotspots import apis, services
from hotspots.models import (
    Category,
    Hotspot,
    ReporterContact,
    Status,
)
from hotspots.photos import CleanImage
from tests import builders

HUE = (107.5786, 16.4698)  # Đại Nội, Thành phố Huế
EMAIL = "an.nguyen@example.com"
PHONE = "0905 123 456"
PHONE_DIGITS = "905123456"
XML_TYPE = "text/xml; charset=utf-8"


def url(name: str, fmt: str = "json", **kwargs) -> str:
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def spot(index: int) -> tuple[float, float]:
    """Return the index-th test location, ~110 m apart (beyond the 50 m radius)."""
    return HUE[0] + 0.001 * index, HUE[1]


def xml(response) -> ET.Element:
    assert response["Content-Type"] == XML_TYPE
    return ET.fromstring(response.content)


def assert_error(response, status: int, field: str | None = None) -> str:
    """Check the GeoReport error shape (JSON or XML); return the description."""
    assert response.status_code == status, response.content
    if response["Content-Type"] == XML_TYPE:
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        assert root.findtext("error/code") == str(status)
        description = root.findtext("error/description")
    else:
        body = response.json()
        assert isinstance(body, list) and len(body) == 1
        assert body[0]["code"] == status
        description = body[0]["description"]
    assert description
    if field is not None:
        assert description.startswith(f"{field}: "), description
    return description


@pytest.fixture
def make(organiser):
    """Create a hotspot through the services, at spot(index), in the given status."""

    def create(index: int = 0, status: str = Status.VERIFIED, **extra) -> Hotspot:
        extra.setdefault("size", "several_bags")
        return builders.hotspot(
            location=Point(*spot(index), srid=WGS84),
            status=status,
            actor=organiser,
            **extra,
        )

    return create


def report_form(**extra) -> dict:
    body = {"service_code": "plastic", "lat": str(HUE[1]), "long": str(HUE[0])}
    body.update(extra)
    return body


def post_form(client, body: dict, fmt: str = "json", **headers):
    # The standard's POST is application/x-www-form-urlencoded.
    from urllib.parse import urlencode

    return client.post(
        url("requests", fmt),
        urlencode(body),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def ids(response) -> list[int]:
    return [item["service_request_id"] for item in response.json()]


# --- discovery and services ---------------------------------------------------


def test_discovery_names_the_georeport_endpoint_in_json(db, api_client):
    response = api_client.get(url("discovery"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["changeset"] and body["contact"] and body["key_service"]
    [endpoint] = body["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "http://testserver/open311/v2/",
        "changeset": body["changeset"],
        "type": "production",
        "formats": ["application/json", "text/xml"],
    }


def test_discovery_in_xml_repeats_child_elements(db, api_client):
    root = xml(api_client.get(url("discovery", "xml")))
    assert root.tag == "discovery"
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.findall("formats/format")] == [
        "application/json",
        "text/xml",
    ]


def test_services_are_the_hotspot_categories(db, api_client):
    body = api_client.get(url("services")).json()
    assert [s["service_code"] for s in body] == Category.values
    plastic = body[0]
    assert plastic["service_name"] == "Rác thải nhựa"
    assert plastic["metadata"] is True
    assert plastic["type"] == "realtime"
    assert plastic["group"] == "waste"
    assert "nhựa" in plastic["keywords"] and plastic["description"]
    hyacinth = next(s for s in body if s["service_code"] == "water_hyacinth")
    assert hyacinth["group"] == "waterways"


def test_services_in_xml(db, api_client):
    root = xml(api_client.get(url("services", "xml")))
    assert root.tag == "services"
    services_ = root.findall("service")
    assert [s.findtext("service_code") for s in services_] == Category.values
    assert services_[0].findtext("metadata") == "true"
    assert services_[0].findtext("service_name") == "Rác thải nhựa"


def test_service_definition_offers_size_classes(db, api_client):
    body = api_client.get(url("service", service_code="plastic")).json()
    assert body["service_code"] == "plastic"
    [attribute] = body["attributes"]
    assert attribute["code"] == "size_class"
    assert attribute["datatype"] == "singlevaluelist"
    assert attribute["required"] is False and attribute["variable"] is True
    assert [v["key"] for v in attribute["values"]] == [
        "bag",
        "several_bags",
        "cart",
        "truck",
    ]
    assert attribute["values"][1]["name"] == "Vài túi / bao"


def test_service_definition_in_english_and_xml(db, api_client):
    response = api_client.get(
        url("service", "xml", service_code="water_hyacinth"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    root = xml(response)
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert attribute.findtext("required") == "false"
    values = attribute.findall("values/value")
    assert [v.findtext("key") for v in values][:2] == ["bag", "several_bags"]
    assert values[1].findtext("name") == "Several bags"
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404_in_error_shape(db, api_client, fmt):
    response = api_client.get(url("service", fmt, service_code="recycling"))
    assert "recycling" in assert_error(response, 404)


# --- reading requests ---------------------------------------------------------


def test_requests_list_only_public_hotspots(demo_areas, api_client, make):
    verified = make(0, description="Chai nhựa dưới chân cầu")
    cleaned = make(1, status=Status.CLEANED)
    make(2, status=Status.REPORTED)
    make(3, status=Status.REJECTED)
    response = api_client.get(url("requests"))
    assert response.status_code == 200
    body = {item["service_request_id"]: item for item in response.json()}
    assert set(body) == {verified.pk, cleaned.pk}

    item = body[verified.pk]
    assert item["status"] == "open" and item["status_notes"] == "Đã xác minh"
    assert item["service_code"] == "plastic"
    assert item["service_name"] == "Rác thải nhựa"
    assert item["description"] == "Chai nhựa dưới chân cầu"
    assert item["agency_responsible"] == "Ban Tổ chức Chủ nhật xanh"
    assert item["requested_datetime"].endswith("+07:00")
    assert item["updated_datetime"].endswith("+07:00")
    assert item["expected_datetime"] is None
    assert (item["address"], item["address_id"], item["zipcode"]) == ("", "", "")
    assert (item["long"], item["lat"]) == (round(spot(0)[0], 6), HUE[1])
    assert item["media_url"] == ""
    assert item["extended_attributes"] == {
        "category": "plastic",
        "size_class": "several_bags",
        "priority": False,
        "score": round(verified.score, 2),
        "confirmation_count": 0,
        "recurrence_count": 0,
        "areas": ["Tỉnh Thừa Thiên Huế", "Thành phố Huế"],
    }
    closed = body[cleaned.pk]
    assert closed["status"] == "closed" and closed["status_notes"] == "Đã thu gom"


def test_requests_list_in_xml(demo_areas, api_client, make):
    hotspot = make(0)
    root = xml(api_client.get(url("requests", "xml")))
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert request.findtext("service_request_id") == str(hotspot.pk)
    assert request.findtext("status") == "open"
    # None is an empty element; booleans are lowercase; lists repeat children.
    assert request.find("expected_datetime").text is None
    extended = request.find("extended_attributes")
    assert extended.findtext("priority") == "false"
    assert [a.text for a in extended.findall("areas/area")] == [
        "Tỉnh Thừa Thiên Huế",
        "Thành phố Huế",
    ]
    assert float(request.findtext("lat")) == pytest.approx(HUE[1])


def test_xml_drops_characters_xml_cannot_carry(db, api_client, make):
    # Other channels store such text; the XML must still parse.
    make(0, description="Rác\x0b nhựa\x1b")
    root = xml(api_client.get(url("requests", "xml")))
    assert root.findtext("request/description") == "Rác nhựa"


def test_media_url_is_the_absolute_url_of_the_first_photo(
    db, api_client, make, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 40)).save(out, "JPEG")
    image = CleanImage(
        content=out.getvalue(),
        thumbnail=out.getvalue(),
        width=8,
        height=8,
        format="JPEG",
        extension=".jpg",
        content_type="image/jpeg",
    )
    hotspot = make(0, images=[image, image])
    [item] = api_client.get(url("requests")).json()
    first = hotspot.photos.order_by("created_at", "id").first()
    assert item["media_url"] == "http://testserver" + first.image.url
    assert item["media_url"].startswith("http://testserver/media/")


def test_requests_list_query_count_is_fixed(
    demo_areas, api_client, make, django_assert_num_queries
):
    for index in range(3):
        make(index)
    # Hotspots with size classes, then photos, then areas: no N+1.
    with django_assert_num_queries(3):
        response = api_client.get(url("requests"))
    assert len(response.json()) == 3


def test_status_filter_maps_open_and_closed(db, api_client, organiser, make):
    first, second = make(0), make(1)
    services.hotspot_mark_cleaned(hotspot=second, actor=organiser)
    assert ids(api_client.get(url("requests"), {"status": "open"})) == [first.pk]
    assert ids(api_client.get(url("requests"), {"status": "closed"})) == [second.pk]
    both = ids(api_client.get(url("requests"), {"status": "open,closed"}))
    assert sorted(both) == sorted([first.pk, second.pk])


def test_reopened_hotspot_is_open_again(db, api_client, make):
    cleaned = make(0, status=Status.CLEANED)
    response = post_form(api_client, report_form(long=str(spot(0)[0])))
    assert response.status_code == 201
    assert ids(response) == [cleaned.pk]  # the report reopened it
    [item] = api_client.get(url("request", request_id=cleaned.pk)).json()
    assert item["status"] == "open"
    assert item["status_notes"] == "Tái xuất hiện"
    assert item["extended_attributes"]["recurrence_count"] == 1


def test_service_code_filter(db, api_client, make):
    plastic = make(0)
    hyacinth = make(1, category=Category.WATER_HYACINTH)
    household = make(2, category=Category.HOUSEHOLD)
    response = api_client.get(url("requests"), {"service_code": "water_hyacinth"})
    assert ids(response) == [hyacinth.pk]
    response = api_client.get(url("requests"), {"service_code": "plastic,household"})
    assert sorted(ids(response)) == sorted([plastic.pk, household.pk])


def test_start_and_end_date_filters(db, api_client, make):
    old, recent = make(0), make(1)
    ten_days_ago = (timezone.now() - timedelta(days=10)).replace(microsecond=0)
    Hotspot.objects.filter(pk=old.pk).update(created_at=ten_days_ago)
    five_days_ago = (timezone.localtime() - timedelta(days=5)).isoformat()
    response = api_client.get(url("requests"), {"start_date": five_days_ago})
    assert ids(response) == [recent.pk]
    response = api_client.get(url("requests"), {"end_date": five_days_ago})
    assert ids(response) == [old.pk]
    # end_date is inclusive, to the second and for a bare date the whole day.
    exact = timezone.localtime(ten_days_ago).isoformat()
    assert ids(api_client.get(url("requests"), {"end_date": exact})) == [old.pk]
    day = timezone.localtime(ten_days_ago).date().isoformat()
    response = api_client.get(url("requests"), {"start_date": day, "end_date": day})
    assert ids(response) == [old.pk]


def test_unencoded_plus_in_a_date_still_parses(db, api_client, make):
    recent = make(0)
    since = (timezone.localtime() - timedelta(days=1)).replace(microsecond=0)
    # "+07:00" sent without URL-encoding arrives as " 07:00".
    raw = since.isoformat().replace("+", " ")
    response = api_client.get(url("requests") + "?start_date=" + raw)
    assert response.status_code == 200
    assert ids(response) == [recent.pk]


def test_service_request_id_filter_ignores_the_other_filters(db, api_client, make):
    first, second, _third = make(0), make(1), make(2)
    hidden = make(3, status=Status.REPORTED)
    response = api_client.get(
        url("requests"),
        {
            "service_request_id": f"{first.pk},{second.pk},{hidden.pk}",
            "service_code": "hazardous",
        },
    )
    assert sorted(ids(response)) == sorted([first.pk, second.pk])


def test_paging_with_next_link(db, api_client, make):
    created = [make(index) for index in range(5)]
    newest_first = [h.pk for h in reversed(created)]
    first = api_client.get(url("requests"), {"page_size": "2"})
    assert ids(first) == newest_first[:2]
    assert first["Link"] == (
        '<http://testserver/open311/v2/requests.json?page_size=2&page=2>; rel="next"'
    )
    third = api_client.get(url("requests"), {"page_size": "2", "page": "3"})
    assert ids(third) == newest_first[4:]
    assert "Link" not in third
    beyond = api_client.get(url("requests"), {"page_size": "2", "page": "9"})
    assert beyond.status_code == 200 and beyond.json() == []


def test_default_page_size_is_50(db, api_client, make):
    for index in range(51):
        make(index)
    response = api_client.get(url("requests"))
    assert len(response.json()) == 50
    assert "page=2" in response["Link"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2024-13-01T00:00:00"}, "end_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        (
            {"start_date": "2024-06-30T00:00:00", "end_date": "2024-06-01T00:00:00"},
            "end_date",
        ),
        ({"status": "pending"}, "status"),
        ({"service_code": "recycling"}, "service_code"),
        ({"service_request_id": "1,x"}, "service_request_id"),
        ({"service_request_id": "²"}, "service_request_id"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page_size": "201"}, "page_size"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400_naming_the_parameter(db, api_client, params, field, fmt):
    assert_error(api_client.get(url("requests", fmt), params), 400, field)


def test_request_detail_is_a_one_element_list(db, api_client, make):
    hotspot = make(0)
    response = api_client.get(url("request", request_id=hotspot.pk))
    assert response.status_code == 200
    assert ids(response) == [hotspot.pk]
    root = xml(api_client.get(url("request", "xml", request_id=hotspot.pk)))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        str(hotspot.pk)
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("status", [Status.REPORTED, Status.REJECTED])
def test_request_detail_of_a_non_public_hotspot_is_404(
    db, api_client, make, fmt, status
):
    hotspot = make(0, status=status)
    assert_error(api_client.get(url("request", fmt, request_id=hotspot.pk)), 404)


@pytest.mark.parametrize("request_id", ["999999", "abc", "٣"])
def test_request_detail_of_unknown_id_is_404(db, api_client, request_id):
    assert_error(api_client.get(url("request", request_id=request_id)), 404)


def test_no_personal_data_in_any_read(db, api_client, organiser, make):
    reporter = builders.user(username="nguoi-bao-cao")
    hotspot = make(
        0,
        reporter=reporter,
        contact=services.Contact(name="Nguyễn Văn An", phone=PHONE, email=EMAIL),
        contact_consent=True,
    )
    assert ReporterContact.objects.filter(hotspot=hotspot).exists()
    for fmt in ("json", "xml"):
        for response in (
            api_client.get(url("requests", fmt)),
            api_client.get(url("request", fmt, request_id=hotspot.pk)),
        ):
            assert response.status_code == 200
            raw = response.content
            assert str(hotspot.pk).encode() in raw  # the hotspot itself is there
            for secret in (EMAIL, PHONE_DIGITS, "Nguyễn Văn An", "nguoi-bao-cao"):
                assert secret.encode() not in raw, (fmt, secret)
            assert str(hotspot.follow_token).encode() not in raw


# --- reporting ----------------------------------------------------------------


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
    monkeypatch.setattr(apis.ReportAnonThrottle, "rate", "2/hour", raising=False)
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
